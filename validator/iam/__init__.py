"""IAM analysis: collect the policies that apply to a role from the model, and evaluate them.

- `policy`: statements and policies parsed from every form Terraform allows (JSON strings, jsonencode
  structures, `aws_iam_policy_document` blocks), with Ref/Unknown leaves kept where a value is not known.
- `evaluate`: the project's own evaluator (explicit Deny wins; Action/NotAction, Resource/NotResource;
  `*` and `?`; conditions make a grant conditional; anything unresolved makes the answer UNKNOWN).
- `collect`: which policies apply to which role (inline, attached, managed, exclusive resources).
- `managed` / `actions`: vendored data (AWS managed policies, valid action names).
"""
