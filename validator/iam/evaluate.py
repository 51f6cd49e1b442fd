"""The policy evaluator.

Semantics (design.md, "Rules"): an explicit Deny wins over any Allow; Action/NotAction and
Resource/NotResource; `*` and `?` wildcards; action names compare case-insensitively, ARNs
case-sensitively; a Condition the request context cannot decide makes a grant CONDITIONAL; anything
not known statically (a Ref or Unknown inside a statement, a policy whose text is unknown) makes the
answer UNKNOWN ("could not prove"), never NOT_ALLOWED.

Assumption, stated because it matters: a policy whose content is unknown is assumed to possibly
allow, never to deny (it would otherwise make every grant unprovable). Deny statements in role policies
are rare; a linter that misses one errs towards silence, not a false error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Callable, Iterable

from validator.iam.patterns import (
    covers,
    glob_match,
    has_policy_variable,
    may_overlap,
    without_policy_variables,
)
from validator.iam.policy import Condition, Leaf, Policy, Statement
from validator.model import Ref, Resource, Unknown


class Answer(str, Enum):
    ALLOWED = "allowed"
    CONDITIONAL = "conditional"  # allowed only when a Condition holds
    DENIED = "denied"  # an explicit Deny matches
    NOT_ALLOWED = "not allowed"  # no statement allows it (implicit deny)
    UNKNOWN = "unknown"  # could not prove either way


class Tri(Enum):
    YES = 2
    MAYBE = 1
    NO = 0


def tri_any(values: Iterable[Tri]) -> Tri:
    best = Tri.NO
    for value in values:
        if value is Tri.YES:
            return Tri.YES
        if value is Tri.MAYBE:
            best = Tri.MAYBE
    return best


def tri_all(values: Iterable[Tri]) -> Tri:
    worst = Tri.YES
    for value in values:
        if value is Tri.NO:
            return Tri.NO
        if value is Tri.MAYBE:
            worst = Tri.MAYBE
    return worst


def tri_not(value: Tri) -> Tri:
    return {Tri.YES: Tri.NO, Tri.NO: Tri.YES, Tri.MAYBE: Tri.MAYBE}[value]


# Attributes that hold the same value as `arn` for these types (the provider sets id = ARN).
_ID_IS_ARN = {
    "aws_lb",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_iam_policy",
    "aws_sns_topic",
    "aws_ecs_service",
}
# An Unknown whose text is a bare reference (`var.listener_arn`, or the loader's "var.x has no value"):
# two such values with the same text are the same value.
_REFERENCE_EXPRESSION = re.compile(r"^(var|local|module|data)\.[A-Za-z0-9_\-.\[\]\"]+( has no value)?$")
# The task sets of an ECS service written from its ARN (service/<cluster>/<name> -> task-set/<cluster>/<name>/*):
# `"${replace(aws_ecs_service.x.id, ":service/", ":task-set/")}/*"`. Task set ARNs are
# arn:<partition>:ecs:<region>:<account>:task-set/<cluster>/<service>/<id> (Service Authorization Reference, Amazon ECS, resource types).
_TASK_SETS_OF = re.compile(
    r'^"\$\{replace\(\s*((?:data\.)?aws_ecs_service\.[A-Za-z0-9_\-]+(?:\[[^\]]*\])?)\.(?:id|arn)\s*,\s*'
    r'":service/"\s*,\s*":task-set/"\s*\)\}/\*"$'
)
_MODULE_PREFIX = re.compile(r"^((?:module\.[A-Za-z0-9_\-]+(?:\[[^\]]*\])?\.)*)")


def _resource_type(address: str) -> str:
    parts = [p for p in re.sub(r"\[[^\]]*\]", "", address).split(".") if p]
    # module.x.aws_lb.y -> aws_lb ; data.aws_x.y -> aws_x
    while parts and parts[0] in ("module",):
        parts = parts[2:]
    if parts and parts[0] == "data":
        parts = parts[1:]
    return parts[0] if parts else ""


def normalise_ref(ref: Ref) -> tuple[str, str]:
    attribute = ref.attribute
    if attribute == "id" and _resource_type(ref.address) in _ID_IS_ARN:
        attribute = "arn"
    return ref.address, attribute


def _is_data(address: str) -> bool:
    # A data source may read the very object a managed resource (or another data source) creates.
    return address.startswith("data.") or ".data." in address


def _strip_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]$", "", address)


@dataclass(frozen=True)
class Target:
    """The resource a request is about, as far as it is known.

    `arn`: the ARN when known (or "*" for actions that support no resource-level permissions).
    `ref`: the reference the configuration uses for it (a policy naming the same reference matches).
    `expr`: the expression of an Unknown value (`var.listener_arn`): a policy using the same expression
        names the same value.
    `shape`: a pattern the ARN is known to match (`arn:aws:lambda:*:*:function:hook`).
    `task_sets_of`: for the task sets of an ECS service, that service (a policy that derives their ARNs
        from the service's ARN names them).
    `label` names it in messages; `hcl` writes it in a fix snippet.
    """

    arn: str | None = None
    ref: Ref | None = None
    expr: str | None = None
    shape: str = "*"
    label: str = ""
    hcl: str = ""
    task_sets_of: Ref | None = None

    @staticmethod
    def everything() -> "Target":
        return Target(arn="*", label='"*"', hcl='"*"')


@dataclass(frozen=True)
class Request:
    action: str
    target: Target | None = None  # None for trust-policy requests (no Resource element)
    principal: tuple[str, str] | None = None  # ("Service", "ecs.amazonaws.com") for trust policies
    context: tuple[tuple[str, str], ...] = ()  # request context keys, e.g. (("iam:PassedToService", "ecs.amazonaws.com"),)


@dataclass
class Decision:
    answer: Answer
    allowing: list[Statement] = field(default_factory=list)
    conditional: list[Statement] = field(default_factory=list)
    denying: list[Statement] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # why it could not be proven

    @property
    def granted(self) -> bool:
        return self.answer is Answer.ALLOWED


Resolver = Callable[[Ref], Resource | Unknown | None]


def _match_action(pattern: Leaf, action: str) -> Tri:
    if not isinstance(pattern, str):
        return Tri.MAYBE
    return _match_action_text(pattern, action)


@lru_cache(maxsize=16384)
def _match_action_text(pattern: str, action: str) -> Tri:
    # The same few actions are asked of the same policies for every service of a plan.
    if has_policy_variable(pattern):
        return Tri.MAYBE
    return Tri.YES if glob_match(pattern, action, ignore_case=True) else Tri.NO


def _known_arn(resource: Resource | Unknown | None) -> str | None:
    if isinstance(resource, Resource):
        arn = resource.values.get("arn")
        if isinstance(arn, str) and arn:
            return arn
    return None


def _match_resource(element: Leaf, target: Target, resolve: Resolver | None, module: str = "") -> Tri:
    """`module`: the module prefix (`module.a.`) of the statement, for expressions written in it."""
    if isinstance(element, Unknown):
        if target.expr and element.why == target.expr and _REFERENCE_EXPRESSION.match(element.why):
            return Tri.YES  # the same variable/local names the same value
        derived = _TASK_SETS_OF.match(element.why)
        if derived and target.task_sets_of is not None:
            named = module + derived.group(1)
            if named == target.task_sets_of.address:
                return Tri.YES  # every task set of the very service the target's task sets belong to
            if not (_is_data(named) or _is_data(target.task_sets_of.address)):
                return Tri.NO  # the task sets of another service this configuration declares
        return Tri.MAYBE
    if isinstance(element, Ref):
        if target.task_sets_of is not None and element.exact and not _is_data(element.address) \
                and _resource_type(element.address) != "aws_ecs_task_set":
            return Tri.NO  # the ARN of a service, listener, ... is never a task set's (a plan's inferred
            # reference may stand for a string built from it: the rest below says MAYBE)
        if target.ref is not None:
            if normalise_ref(element) == normalise_ref(target.ref):
                # A plan's inferred reference may stand for a string built from it ("${x.arn}/*").
                return Tri.YES if element.exact and target.ref.exact else Tri.MAYBE
            element_address, element_attribute = normalise_ref(element)
            target_address, target_attribute = normalise_ref(target.ref)
            if element_address == target_address:
                # Same object, other attribute: a function's `arn` is not its `qualified_arn`.
                return Tri.NO
            if _strip_index(element_address) == _strip_index(target_address) and (
                element_address == _strip_index(element_address)
                or target_address == _strip_index(target_address)
            ):
                return Tri.MAYBE  # `x` vs `x[0]`: may be the same instance
            if _strip_index(element_address) != _strip_index(target_address) and not (
                _is_data(element_address) or _is_data(target_address)
            ):
                return Tri.NO  # two managed objects of the configuration never share an ARN
        resolved = resolve(element) if resolve else None
        known = _known_arn(resolved)
        if known is not None:
            return _match_resource(known, target, resolve) if not has_policy_variable(known) else Tri.MAYBE
        if isinstance(resolved, Resource) and target.ref is not None and resolve is not None:
            target_resource = resolve(target.ref)
            if isinstance(target_resource, Resource) and target_resource is not resolved:
                return Tri.NO  # two different objects in the configuration have different ARNs
        if target.arn == "*":
            return Tri.NO  # a specific resource never stands for "*"
        return Tri.MAYBE
    pattern = element
    if has_policy_variable(pattern):
        loose = without_policy_variables(pattern)
        if target.arn is not None:
            return Tri.MAYBE if glob_match(loose, target.arn) else Tri.NO
        return Tri.MAYBE if may_overlap(loose, target.shape, second_is_shape=True) else Tri.NO
    if target.arn is not None:
        return Tri.YES if glob_match(pattern, target.arn) else Tri.NO
    if covers(pattern, target.shape):
        return Tri.YES
    return Tri.MAYBE if may_overlap(pattern, target.shape, second_is_shape=True) else Tri.NO


def _match_principal(principals: dict[str, list[Leaf]], principal: tuple[str, str]) -> Tri:
    kind, identity = principal
    results = []
    for principal_kind, identities in principals.items():
        if principal_kind == "*" or (principal_kind == "AWS" and "*" in identities):
            if "*" in identities or principal_kind == "*":
                return Tri.YES
        if principal_kind.lower() != kind.lower():
            continue
        for candidate in identities:
            if not isinstance(candidate, str):
                results.append(Tri.MAYBE)
            elif candidate.lower() == identity.lower():
                return Tri.YES
    return tri_any(results)


def _element_match(
    present: list[Leaf] | Unknown | None,
    negated: list[Leaf] | Unknown | None,
    one: Callable[[Leaf], Tri],
) -> Tri:
    if present is not None:
        if isinstance(present, Unknown):
            return Tri.MAYBE
        return tri_any(one(element) for element in present)
    if negated is not None:
        if isinstance(negated, Unknown):
            return Tri.MAYBE
        return tri_not(tri_any(one(element) for element in negated))
    return Tri.NO  # neither element: the statement applies to nothing


_STRING_OPERATORS = {
    "stringequals": ("equals", False, False),
    "stringnotequals": ("equals", False, True),
    "stringequalsignorecase": ("equals", True, False),
    "stringnotequalsignorecase": ("equals", True, True),
    "stringlike": ("like", False, False),
    "stringnotlike": ("like", False, True),
    "arnequals": ("like", False, False),  # ArnEquals also honours wildcards
    "arnlike": ("like", False, False),
    "arnnotequals": ("like", False, True),
    "arnnotlike": ("like", False, True),
}


def _condition_holds(condition: Condition, context: dict[str, str]) -> Tri:
    """YES/NO when the request context decides the condition, MAYBE otherwise."""
    operator = condition.operator
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        if operator.startswith(prefix):
            operator = operator[len(prefix) :]
    if operator.endswith("IfExists"):
        operator = operator[: -len("IfExists")]
    spec = _STRING_OPERATORS.get(operator.lower())
    key = next((k for k in context if k.lower() == condition.key.lower()), None)
    if spec is None or key is None:
        return Tri.MAYBE
    mode, ignore_case, negate = spec
    actual = context[key]
    results = []
    for expected in condition.values:
        if not isinstance(expected, str):
            results.append(Tri.MAYBE)
        elif mode == "equals":
            same = expected.lower() == actual.lower() if ignore_case else expected == actual
            results.append(Tri.YES if same else Tri.NO)
        else:
            results.append(Tri.YES if glob_match(expected, actual) else Tri.NO)
    outcome = tri_any(results)
    return tri_not(outcome) if negate else outcome


def statement_matches(statement: Statement, request: Request, resolve: Resolver | None = None) -> tuple[Tri, bool]:
    """(does the statement apply to the request, is it subject to an undecided condition)."""
    parts = [_element_match(statement.actions, statement.not_actions, lambda p: _match_action(p, request.action))]
    if parts[0] is Tri.NO:
        return Tri.NO, False  # another action: the resources (the costly part) cannot change that
    if request.target is not None:
        target = request.target
        module = _MODULE_PREFIX.match(statement.origin.address).group(1) if target.task_sets_of is not None else ""
        parts.append(
            _element_match(statement.resources, statement.not_resources, lambda e: _match_resource(e, target, resolve, module))
        )
    if request.principal is not None:
        principal = request.principal

        def principal_part(value):
            if isinstance(value, Unknown):
                return Tri.MAYBE
            return _match_principal(value, principal)

        if statement.principals is not None:
            parts.append(principal_part(statement.principals))
        elif statement.not_principals is not None:
            parts.append(tri_not(principal_part(statement.not_principals)))
        else:
            parts.append(Tri.NO)
    matched = tri_all(parts)
    if matched is Tri.NO:
        return matched, False
    if isinstance(statement.conditions, Unknown):
        return matched, True
    context = dict(request.context)
    undecided = False
    for condition in statement.conditions:
        holds = _condition_holds(condition, context)
        if holds is Tri.NO:
            return Tri.NO, False
        if holds is Tri.MAYBE:
            undecided = True
    return matched, undecided


def evaluate(policies: Iterable[Policy], request: Request, resolve: Resolver | None = None) -> Decision:
    decision = Decision(Answer.NOT_ALLOWED)
    allow_maybe = False
    deny_maybe = False
    deny_conditional = False
    for policy in policies:
        if policy.unknown:
            decision.unknown.append(f"{policy.label}: {policy.unknown}")
            allow_maybe = True
            continue
        for statement in policy.statements:
            matched, conditional = statement_matches(statement, request, resolve)
            if matched is Tri.NO:
                continue
            if isinstance(statement.effect, (Ref, Unknown)):
                decision.unknown.append(f"{policy.label}: Effect is {statement.effect}")
                allow_maybe = deny_maybe = True
                continue
            if statement.is_deny:
                if matched is Tri.YES and not conditional:
                    decision.denying.append(statement)
                elif matched is Tri.YES:
                    deny_conditional = True
                else:
                    deny_maybe = True
                    decision.unknown.append(f"{policy.label}: a Deny statement may apply")
            elif statement.is_allow:
                if matched is Tri.YES and not conditional:
                    decision.allowing.append(statement)
                elif matched is Tri.YES:
                    decision.conditional.append(statement)
                else:
                    allow_maybe = True
                    decision.unknown.append(f"{policy.label}: a statement may apply ({_unresolved(statement)})")
    if decision.denying:
        decision.answer = Answer.DENIED
    elif decision.allowing:
        decision.answer = Answer.UNKNOWN if deny_maybe else (Answer.CONDITIONAL if deny_conditional else Answer.ALLOWED)
    elif decision.conditional:
        decision.answer = Answer.UNKNOWN if deny_maybe else Answer.CONDITIONAL
    elif allow_maybe:
        decision.answer = Answer.UNKNOWN
    else:
        decision.answer = Answer.NOT_ALLOWED
    return decision


def _unresolved(statement: Statement) -> str:
    """Name the first value of a statement that is not known statically, for 'could not prove' messages."""
    for name in ("actions", "not_actions", "resources", "not_resources"):
        value = getattr(statement, name)
        if isinstance(value, Unknown):
            return f"{name} is {value}"
        if isinstance(value, list):
            for leaf in value:
                if isinstance(leaf, (Ref, Unknown)):
                    return f"{name} contains {leaf}"
                if isinstance(leaf, str) and has_policy_variable(leaf):
                    return f"{name} contains the policy variable {leaf}"
    return "a value is not known before apply"
