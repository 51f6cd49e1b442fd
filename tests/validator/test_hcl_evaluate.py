"""The expression evaluator: what it computes, and that it never guesses what it cannot know."""

import pytest

from validator.hcl.evaluate import Evaluator, Invalid, apply_steps
from validator.hcl.parse import parse_text
from validator.model import JsonDocument, Ref, Unknown

VARIABLES = {
    "name": "svc",
    "count": 3,
    "enabled": True,
    "tags": {"env": "prod", "team": "core"},
    "ports": [80, 443],
    "arn": Ref("aws_lb.main", "arn"),
    "unknown": Unknown("var.unknown has no value"),
}


class Variables:
    def reference(self, root, steps, text):
        if root == "var" and steps and steps[0][1] in VARIABLES:
            return apply_steps(VARIABLES[steps[0][1]], steps[1:], text)
        return Unknown(text)


def evaluate(expression):
    root = parse_text(f"x = {expression}\n", "test.tf")
    return Evaluator(Variables(), root.source).eval(root.attributes["x"].expr)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ('"plain"', "plain"),
        ("42", 42),
        ("1.5", 1.5),
        ("-3", -3),
        ("true", True),
        ("null", None),
        ('"a\\"b\\n"', 'a"b\n'),
        ('"${var.name}-api"', "svc-api"),
        ('"${var.count}"', 3),  # a lone interpolation keeps its type
        ('"$${literal}"', "${literal}"),
        ('"n=${var.count} on=${var.enabled}"', "n=3 on=true"),
        ("[1, var.name]", [1, "svc"]),
        ('{ a = 1, "b-c" = var.name, (var.name) = 2 }', {"a": 1, "b-c": "svc", "svc": 2}),
        ("var.tags.env", "prod"),
        ('var.tags["team"]', "core"),
        ("var.ports[1]", 443),
        ("var.count * 2 + 1", 7),
        ("(var.count + 1) * 2", 8),
        ("var.count % 2 == 1 && !false", True),
        ('1 == "1"', False),
        ("var.count >= 3 ? \"big\" : \"small\"", "big"),
        ("[for p in var.ports : p + 1]", [81, 444]),
        ("[for p in var.ports : p if p > 100]", [443]),
        ("{ for k, v in var.tags : v => k }", {"prod": "env", "core": "team"}),
        ("{ for p in [1, 2, 3] : (p > 1 ? \"big\" : \"small\") => p... }", {"small": [1], "big": [2, 3]}),
        ("[{ a = 1 }, { a = 2 }][*].a", [1, 2]),
        ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
        ("merge(var.tags, { env = \"dev\" })", {"env": "dev", "team": "core"}),
        ('lookup(var.tags, "missing", "fallback")', "fallback"),
        ("tostring(5)", "5"),
        ('tonumber("12")', 12),
        ('format("%s-%03d-%v", var.name, 7, true)', "svc-007-true"),
        ('join("/", ["a", "b"])', "a/b"),
        ("length(var.ports)", 2),
        ("element(var.ports, 3)", 443),
        ('try(var.tags.missing, "default")', "default"),
        ('coalesce("", null, "x")', "x"),
        ('jsonencode({ b = [1, true], a = null })', '{"a":null,"b":[1,true]}'),
        ('ceil(61 / 60)', 2),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        # what module-shaped code leans on
        ('setproduct(["a", "b"], [1, 2])', [["a", 1], ["a", 2], ["b", 1], ["b", 2]]),
        ('zipmap(["a", "b"], [var.arn, 2])', {"a": Ref("aws_lb.main", "arn"), "b": 2}),
        ("one([var.arn])", Ref("aws_lb.main", "arn")),
        ("one([])", None),
        ('flatten([["a", ["b"]], [], "c"])', ["a", "b", "c"]),
        ("flatten([[var.arn], []])", [Ref("aws_lb.main", "arn")]),  # an ARN is a string, not a list
        ('contains(["a", var.arn], "a")', True),
        ('keys({ b = 1, a = var.arn })', ["a", "b"]),
        ('values({ b = 1, a = 2 })', [2, 1]),
        ('distinct(["a", "b", "a"])', ["a", "b"]),
        ('compact(["a", "", null, "b"])', ["a", "b"]),
        ('coalescelist([], ["x"])', ["x"]),
        ("coalesce(null, var.arn)", Ref("aws_lb.main", "arn")),  # a created object's ARN is never null
        ('try(var.arn, "fallback")', Ref("aws_lb.main", "arn")),  # the object exists: no error to skip
        ("can(var.arn)", True),
        ("can(var.tags.nope)", False),
        ("{ a = var.arn } != null", True),  # an object with an unknown attribute is still not null
        ("[var.unknown] == null", False),
        ("[var.arn, 1] == [var.arn]", False),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('replace("v1.2.3", "/v(\\d+).*/", "$1")', "1"),
        ('split(",", "a,b")', ["a", "b"]),
        ('startswith("arn:aws:iam", "arn:")', True),
        ('endswith("x.json", ".json")', True),
        ('regex("^arn:(?P<partition>[^:]+):", "arn:aws:iam::1:role/x")', {"partition": "aws"}),
        ('regexall("[0-9]+", "a1b22")', ["1", "22"]),
        ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
        ("alltrue([true, var.enabled])", True),
        ("anytrue([false, false])", False),
        ("alltrue([false, var.unknown])", False),  # one false decides
        ("sum([1, 2, 3])", 6),
        ("min(3, 1)", 1),
        ("max(3, 1)", 3),
        ("range(3)", [0, 1, 2]),
        ('cidrsubnet("10.0.0.0/16", 4, 2)', "10.0.32.0/20"),
        ('basename("/a/b/c.txt")', "c.txt"),
        ('tomap({ a = "1" })', {"a": "1"}),
        ('tolist(["a"])', ["a"]),
        ('length({ a = var.arn })', 1),
    ],
)
def test_known_values_are_computed(expression, value):
    assert evaluate(expression) == value


@pytest.mark.parametrize(
    "expression",
    [
        "var.unknown",
        '"${var.unknown}-suffix"',
        "var.unknown ? 1 : 2",
        "length(var.unknown)",
        "jsonencode({ Resource = var.arn })",
        '"${var.arn}/*"',
        "[for x in var.unknown : x]",
        'try(var.unknown, "fallback")',
        "coalesce(var.unknown, \"x\")",
        'fileset(".", "*.tf")',
        "var.unknown + 1",
        'timestamp()',
    ],
)
def test_what_cannot_be_known_is_unknown_never_a_guess(expression):
    value = evaluate(expression)
    assert isinstance(value, Unknown), value


def test_unknown_carries_the_expression_text():
    assert evaluate('upper(var.unknown)') == Unknown("upper(var.unknown)")


@pytest.mark.parametrize(
    ("expression", "cause"),
    [
        ('"${var.unknown}-suffix"', "var.unknown has no value"),  # the cause of the input, not the outer text
        ("length(var.unknown) + 1", "var.unknown has no value"),
        ('"${var.arn}/*"', "aws_lb.main.arn: known only after apply (set by the provider)"),
        ('fileset(".", "*.tf")', 'fileset(".", "*.tf"): tfbg does not read the file system for fileset()'),
        ("timestamp()", "timestamp(): timestamp() changes on every run"),
        ('regex("(?=x)", "x")', 'regex("(?=x)", "x"): tfbg does not evaluate regex() for these arguments'),
        ("[for x in var.unknown : x]", "var.unknown has no value"),
    ],
)
def test_unknown_names_its_cause(expression, cause):
    value = evaluate(expression)
    assert isinstance(value, Unknown) and value.cause == cause


def test_references_to_unknown_attributes_stay_refs_inside_lists():
    assert evaluate('[var.arn, "arn:aws:x"]') == [Ref("aws_lb.main", "arn"), "arn:aws:x"]


def test_conditional_with_unknown_condition_but_equal_branches_is_known():
    assert evaluate('var.unknown ? "same" : "same"') == "same"


def test_errors_terraform_would_reject_are_invalid():
    assert isinstance(evaluate("var.tags.nope"), Invalid)
    assert isinstance(evaluate('1 + "x"'), Invalid)
    assert isinstance(evaluate("[1][5]"), Invalid)


def test_heredoc_template_in_an_expression_context():
    root = parse_text('x = <<EOT\nname=${var.name}\nport=${var.ports[0]}\nEOT\n', "t.tf")
    assert Evaluator(Variables(), root.source).eval(root.attributes["x"].expr) == "name=svc\nport=80\n"


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ('"%{ if var.enabled }on%{ else }off%{ endif }"', "on"),
        ('"%{ if !var.enabled }on%{ endif }-${var.name}"', "-svc"),
        ('"%{ for p in var.ports }${p},%{ endfor }"', "80,443,"),
        ('"%{ for k, v in var.tags }${k}=${v} %{ endfor ~}"', "env=prod team=core "),
        ('"a\\n%{ if true }\\"b\\"%{ endif }"', 'a\n"b"'),
        ('"$${x} %%{y}"', "${x} %{y}"),
    ],
)
def test_template_directives_are_evaluated(expression, value):
    assert evaluate(expression) == value


def test_template_directives_with_strip_markers_in_a_heredoc():
    # `~}` strips the whitespace after the marker, `%{~` the whitespace before it
    assert heredoc("[\n%{ for p in var.ports ~}\n  ${p},\n%{ endfor ~}\n]") == "[\n80,\n443,\n]\n"
    assert heredoc("%{ for p in var.ports ~}\n${p}\n%{~ endfor }") == "80443\n"


def test_a_directive_on_an_unknown_value_is_unknown_with_its_cause():
    value = evaluate('"%{ if var.unknown }on%{ endif }"')
    assert isinstance(value, Unknown) and value.cause == "var.unknown has no value"
    assert isinstance(evaluate('"%{ if true }unterminated"'), Invalid)


# -- JSON documents that are only partly known -------------------------------------------------


def heredoc(body):
    root = parse_text(f"x = <<EOT\n{body}\nEOT\n", "t.tf")
    return Evaluator(Variables(), root.source).eval(root.attributes["x"].expr)


def test_jsonencode_with_a_reference_keeps_the_structure_with_ref_leaves():
    value = evaluate('jsonencode({ Action = ["lambda:InvokeFunction"], Resource = var.arn, N = var.count })')
    assert isinstance(value, JsonDocument)
    assert isinstance(value, Unknown)  # code that does not look inside still treats it as unknown
    assert value.value == {"Action": ["lambda:InvokeFunction"], "Resource": Ref("aws_lb.main", "arn"), "N": 3}
    assert value.why.startswith("jsonencode(")


@pytest.mark.parametrize(
    "expression",
    [
        "jsonencode(var.unknown)",  # no structure to keep
        "jsonencode(var.arn)",
        "jsonencode({ a = var.tags.nope })",  # Terraform rejects the argument: nothing to keep
        '"prefix-${jsonencode({ a = var.arn })}"',  # a string built from it is not a JSON document
    ],
)
def test_jsonencode_without_a_structure_to_keep_is_plain_unknown(expression):
    value = evaluate(expression)
    assert isinstance(value, Unknown) and not isinstance(value, JsonDocument), value


def test_a_partly_known_document_survives_interpolation_alone_and_jsondecode():
    document = {"a": [Ref("aws_lb.main", "arn"), "x"]}
    assert evaluate('"${jsonencode({ a = [var.arn, "x"] })}"').value == document
    assert evaluate('jsondecode(jsonencode({ a = [var.arn, "x"] }))') == document


def test_json_heredoc_with_interpolations_becomes_a_document():
    value = heredoc(
        '{"Statement": [{"Effect": "Allow", "Sid": "${var.name}",\n'
        ' "Resource": ["${var.arn}", "${var.arn}/*", "${var.unknown}"]}]}'
    )
    assert isinstance(value, JsonDocument)
    resources = value.value["Statement"][0]["Resource"]
    assert value.value["Statement"][0]["Sid"] == "svc"  # known interpolations are substituted
    assert resources[0] == Ref("aws_lb.main", "arn")  # a whole JSON string: the reference itself
    assert resources[1] == Unknown('"${var.arn}/*"')  # built partly from it: unknown, as written
    assert resources[2] == Unknown("var.unknown has no value")


@pytest.mark.parametrize(
    "body",
    [
        'name=${var.arn}',  # not JSON
        '{"Resource": ${var.arn}}',  # an interpolation where a JSON value stands, not inside a string
        '{"${var.arn}": "x"}',  # in a key: the structure is not known
        '{"Resource": "${var.arn}"',  # broken JSON
    ],
)
def test_templates_that_do_not_fit_a_json_document_stay_unknown(body):
    value = heredoc(body)
    assert isinstance(value, Unknown) and not isinstance(value, JsonDocument), value


def test_a_known_json_heredoc_stays_a_string():
    assert heredoc('{"Resource": "${var.name}"}') == '{"Resource": "svc"}\n'
