from validator.iam.patterns import covers, glob_match, may_overlap


def test_star_spans_any_text_including_colons_and_slashes():
    assert glob_match("arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:123456789012:function:hook:live")
    assert glob_match("elasticloadbalancing:Describe*", "elasticloadbalancing:DescribeRules")


def test_question_mark_is_exactly_one_character():
    assert glob_match("s3:GetObjec?", "s3:GetObject")
    assert not glob_match("s3:GetObjec?", "s3:GetObjec")
    assert not glob_match("s3:GetObjec?", "s3:GetObjectX")


def test_case_sensitive_unless_asked():
    assert not glob_match("arn:aws:lambda:*:*:function:Hook", "arn:aws:lambda:r:1:function:hook")
    assert glob_match("LAMBDA:invokefunction", "lambda:InvokeFunction", ignore_case=True)


def test_unqualified_function_arn_does_not_match_an_alias_arn():
    function = "arn:aws:lambda:us-east-1:123456789012:function:hook"
    assert not glob_match(function, function + ":live")
    assert glob_match(function + ":*", function + ":live")


def test_covers_means_every_value_of_the_shape_matches():
    shape = "arn:aws:lambda:*:*:function:hook"
    assert covers("arn:aws:lambda:*:*:function:*", shape)
    assert covers("*", shape)
    assert not covers("arn:aws:lambda:us-east-1:*:function:*", shape)  # region unknown
    assert not covers("arn:aws:lambda:*:*:function:other", shape)
    assert covers("arn:aws:lambda:*:*:function:*", "arn:aws:lambda:*:*:function:hook:live")


def test_question_mark_never_covers_an_unknown_stretch():
    assert not covers("arn:aws:lambda:?:*:function:hook", "arn:aws:lambda:*:*:function:hook")


def test_overlap_of_a_literal_with_a_shape():
    shape = "arn:aws:lambda:*:*:function:hook"
    assert may_overlap("arn:aws:lambda:us-east-1:123456789012:function:hook", shape, second_is_shape=True)
    assert not may_overlap("arn:aws:lambda:us-east-1:123456789012:function:other", shape, second_is_shape=True)


def test_shape_segments_hold_no_separators():
    target_group = "arn:aws:elasticloadbalancing:*:*:targetgroup/blue/*"
    rule = "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*"
    assert not may_overlap(rule, target_group, second_is_shape=True)
    assert may_overlap(rule, target_group)  # as plain globs they could overlap
