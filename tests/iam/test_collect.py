"""Every form Terraform allows for giving a role a policy is collected (hand-built models, shaped as
the loaders produce them)."""

import json

from tests.iam.build import INFRA_POLICY, TRUST_ECS, data, ecs_doc_trust, model, resource
from validator.iam.collect import iam_index
from validator.iam.evaluate import Answer, Request, Target, evaluate
from validator.model import Ref, Unknown

FUNCTION = Ref("aws_lambda_function.hook", "arn")
HOOK = Target(ref=FUNCTION, shape="arn:aws:lambda:*:*:function:hook")
INVOKE = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}


def role(**values):
    return resource("aws_iam_role.r", {"name": "r", "assume_role_policy": TRUST_ECS, **values})


def can_invoke(built, address="aws_iam_role.r", target=HOOK):
    index = iam_index(built)
    policies = index.role(built.get(address))
    return evaluate(policies.permissions, Request("lambda:InvokeFunction", target), index.resolve).answer


def doc(statements, **values):
    return {"Version": "2012-10-17", "Statement": statements, **values}


def test_nothing_attached_is_not_allowed():
    assert can_invoke(model(role())) is Answer.NOT_ALLOWED


def test_trust_from_json_string_and_from_a_policy_document():
    index = iam_index(model(role()))
    assert evaluate([index.role(index.model.get("aws_iam_role.r")).trust], Request("sts:AssumeRole", principal=("Service", "ecs.amazonaws.com"))).answer is Answer.ALLOWED
    built = model(ecs_doc_trust(), role(assume_role_policy=Ref("data.aws_iam_policy_document.ecs_trust", "json")))
    trust = iam_index(built).role(built.get("aws_iam_role.r")).trust
    assert trust.statements[0].origin.address == "data.aws_iam_policy_document.ecs_trust"
    assert evaluate([trust], Request("sts:AssumeRole", principal=("Service", "ecs.amazonaws.com"))).answer is Answer.ALLOWED


def test_inline_policy_block():
    built = model(role(inline_policy=[{"name": "invoke", "policy": json.dumps(doc([INVOKE]))}]))
    assert can_invoke(built) is Answer.ALLOWED


def test_jsonencode_structure_with_a_reference():
    statement = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [FUNCTION]}
    built = model(role(), resource("aws_iam_role_policy.p", {"role": Ref("aws_iam_role.r", "id"), "policy": doc([statement])}))
    assert can_invoke(built) is Answer.ALLOWED


def test_role_policy_by_literal_name_heredoc_json():
    built = model(role(), resource("aws_iam_role_policy.p", {"role": "r", "policy": json.dumps(doc([INVOKE]), indent=2) + "\n"}))
    assert can_invoke(built) is Answer.ALLOWED


def test_role_policy_for_another_role_does_not_count():
    built = model(role(), resource("aws_iam_role_policy.p", {"role": "someone-else", "policy": json.dumps(doc([INVOKE]))}))
    assert can_invoke(built) is Answer.NOT_ALLOWED


def test_heredoc_with_interpolation_is_unknown():
    text = '{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "${aws_lambda_function.hook.arn}"}]}'
    built = model(role(), resource("aws_iam_role_policy.p", {"role": "r", "policy": text}))
    assert can_invoke(built) is Answer.UNKNOWN


def test_customer_policy_with_role_policy_attachment():
    built = model(
        role(),
        resource("aws_iam_policy.invoke", {"name": "invoke", "policy": json.dumps(doc([INVOKE]))}),
        resource("aws_iam_role_policy_attachment.a", {"role": Ref("aws_iam_role.r", "name"), "policy_arn": Ref("aws_iam_policy.invoke", "arn")}),
    )
    assert can_invoke(built) is Answer.ALLOWED


def test_customer_policy_with_policy_attachment_roles_list():
    built = model(
        role(),
        resource("aws_iam_policy.invoke", {"name": "invoke", "policy": json.dumps(doc([INVOKE]))}),
        resource("aws_iam_policy_attachment.a", {"name": "a", "roles": ["other", Ref("aws_iam_role.r", "name")], "policy_arn": Ref("aws_iam_policy.invoke", "arn")}),
    )
    assert can_invoke(built) is Answer.ALLOWED


def test_managed_policy_arns_with_vendored_and_customer_policies():
    built = model(
        role(managed_policy_arns=["arn:aws:iam::aws:policy/AdministratorAccess"]),
    )
    assert can_invoke(built) is Answer.ALLOWED
    built = model(
        resource("aws_iam_policy.invoke", {"name": "invoke", "policy": json.dumps(doc([INVOKE]))}),
        role(managed_policy_arns=[Ref("aws_iam_policy.invoke", "arn")]),
    )
    assert can_invoke(built) is Answer.ALLOWED


def test_managed_policy_tfbg_does_not_carry_is_unknown():
    built = model(role(managed_policy_arns=["arn:aws:iam::aws:policy/AWSLambda_FullAccess"]))
    assert can_invoke(built) is Answer.UNKNOWN


def test_partition_interpolated_managed_arn_is_recognised():
    templated = Unknown('"arn:${data.aws_partition.current.partition}:iam::aws:policy/PowerUserAccess"')
    built = model(role(), resource("aws_iam_role_policy_attachment.a", {"role": "r", "policy_arn": templated}))
    assert can_invoke(built) is Answer.ALLOWED


def test_attachment_to_an_unknown_role_makes_it_unknown():
    built = model(role(), resource("aws_iam_role_policy_attachment.a", {"role": Unknown("var.role has no value"), "policy_arn": INFRA_POLICY}))
    assert can_invoke(built) is Answer.UNKNOWN


def test_policies_exclusive_removes_unlisted_inline_policies():
    built = model(
        role(),
        resource("aws_iam_role_policy.p", {"name": "legacy", "role": "r", "policy": json.dumps(doc([INVOKE]))}),
        resource("aws_iam_role_policies_exclusive.x", {"role_name": "r", "policy_names": ["current"]}),
    )
    assert can_invoke(built) is Answer.NOT_ALLOWED


def test_attachments_exclusive_attaches_its_list():
    built = model(
        role(),
        resource("aws_iam_role_policy_attachments_exclusive.x", {"role_name": Ref("aws_iam_role.r", "name"), "policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}),
    )
    assert can_invoke(built) is Answer.ALLOWED


def test_document_merges_source_and_override_documents_by_sid():
    deny_all = json.dumps(doc([{"Sid": "Invoke", "Effect": "Deny", "Action": "lambda:*", "Resource": "*"}]))
    source = data(
        "data.aws_iam_policy_document.base",
        {"statement": [{"sid": "Invoke", "actions": ["lambda:InvokeFunction"], "resources": [FUNCTION]}]},
    )
    # The document's own statement with the same sid replaces the source's Deny; an override replaces both.
    merged = data(
        "data.aws_iam_policy_document.merged",
        {
            "source_policy_documents": [deny_all],
            "statement": [{"sid": "Invoke", "actions": ["lambda:InvokeFunction"], "resources": ["*"]}],
        },
    )
    overridden = data(
        "data.aws_iam_policy_document.overridden",
        {"source_policy_documents": [Ref("data.aws_iam_policy_document.base", "json")], "override_policy_documents": [deny_all]},
    )
    for name, expected in (("base", Answer.ALLOWED), ("merged", Answer.ALLOWED), ("overridden", Answer.DENIED)):
        built = model(
            source,
            merged,
            overridden,
            role(),
            resource("aws_iam_role_policy.p", {"role": "r", "policy": Ref(f"data.aws_iam_policy_document.{name}", "json")}),
        )
        assert can_invoke(built) is expected, name


def test_document_statement_elements():
    document = data(
        "data.aws_iam_policy_document.d",
        {
            "statement": [
                {"effect": "Allow", "not_actions": ["iam:*"], "not_resources": ["arn:aws:lambda:*:*:function:secret"]},
                {
                    "actions": ["lambda:InvokeFunction"],
                    "resources": ["*"],
                    "condition": [{"test": "StringEquals", "variable": "aws:RequestedRegion", "values": ["us-east-1"]}],
                },
            ]
        },
    )
    built = model(document, role(), resource("aws_iam_role_policy.p", {"role": "r", "policy": Ref("data.aws_iam_policy_document.d", "json")}))
    assert can_invoke(built) is Answer.ALLOWED
    secret = Target(arn="arn:aws:lambda:us-east-1:123456789012:function:secret")
    assert can_invoke(built, target=secret) is Answer.CONDITIONAL


def test_document_with_unknown_statements_is_unknown():
    document = data("data.aws_iam_policy_document.d", {"statement": Unknown("dynamic statement over var.x")})
    built = model(document, role(), resource("aws_iam_role_policy.p", {"role": "r", "policy": Ref("data.aws_iam_policy_document.d", "json")}))
    assert can_invoke(built) is Answer.UNKNOWN


def test_plan_document_with_rendered_json_only():
    rendered = json.dumps(doc([INVOKE]))
    document = data("data.aws_iam_policy_document.d", {"json": rendered})
    built = model(document, role(), resource("aws_iam_role_policy.p", {"role": "r", "policy": Ref("data.aws_iam_policy_document.d", "json")}))
    assert can_invoke(built) is Answer.ALLOWED


def test_plan_rendered_json_is_attributed_to_its_document():
    rendered = json.dumps(doc([INVOKE]))
    document = data("data.aws_iam_policy_document.d", {"statement": [{"actions": ["lambda:InvokeFunction"], "resources": ["*"]}], "json": rendered})
    policy = resource("aws_iam_role_policy.p", {"role": "r", "policy": rendered})
    built = model(document, role(), policy)
    index = iam_index(built)
    [attached] = index.role(built.get("aws_iam_role.r")).permissions
    assert {s.origin.address for s in attached.statements} == {"data.aws_iam_policy_document.d"}
    assert can_invoke(built) is Answer.ALLOWED
