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


def _overlap_by_search(first: str, second: str, segment_only: bool) -> bool:
    """The plain recursive search the bit-parallel one must agree with."""
    from functools import cache

    @cache
    def go(i: int, j: int) -> bool:
        if i == len(first) and j == len(second):
            return True
        if i < len(first) and first[i] == "*":
            return go(i + 1, j) or (j < len(second) and go(i, j + 1))
        if j < len(second) and second[j] == "*":
            return go(i, j + 1) or (i < len(first) and not (segment_only and first[i] in ":/") and go(i + 1, j))
        if i == len(first) or j == len(second):
            return False
        return (first[i] == "?" or second[j] == "?" or first[i] == second[j]) and go(i + 1, j + 1)

    return go(0, 0)


def test_overlap_agrees_with_a_plain_search_on_random_patterns():
    import random

    rng = random.Random(7)
    for _ in range(20000):
        first = "".join(rng.choice("ab:/*?") for _ in range(rng.randint(0, 8)))
        second = "".join(rng.choice("ab:/*?") for _ in range(rng.randint(0, 8)))
        for shape in (False, True):
            expected = _overlap_by_search(first, second, shape and second != "*")
            assert may_overlap(first, second, second_is_shape=shape) == expected, (first, second, shape)
