"""What `terraform apply` calls for each resource type of an ECS deployment: the documented action list
`tfbg policy` grants (docs/insight.md prints it, with its sources).

Per resource type: the API calls of the provider's create, read (refresh, and the read after every
create/update), update and delete functions, the tagging calls (tag-on-create is authorized as the
tagging action on the new resource), and the ARN of the resource the calls act on, per the Service
Authorization Reference (vendored in validator/iam/data/actions.json: an action whose resource types
are [] supports only Resource "*").

Sources (hashicorp/terraform-provider-aws): internal/service/ecs/service.go (CreateService,
DescribeServices, UpdateService, DeleteService; wait_for_steady_state on the ECS controller polls
ListServiceDeployments/DescribeServiceDeployments; sigint_rollback calls StopServiceDeployment),
internal/service/ecs/task_set.go, internal/service/ecs/task_definition.go,
internal/service/elbv2/{listener_rule,listener,target_group,load_balancer}.go,
internal/service/iam/{role,role_policy,role_policy_attachment,policy}.go,
internal/service/lambda/function.go, internal/service/logs/group.go,
internal/service/cloudwatch/metric_alarm.go, internal/service/deploy/{app,deployment_group,
deployment_config}.go, internal/service/appautoscaling/{target,policy}.go; AWS Service
Authorization Reference for each service (resource types and ARN formats); ECS DG
AmazonECSInfrastructureRolePolicyForLoadBalancers.html and blue-green-permissions.html (iam:PassRole
with iam:PassedToService for the infrastructure and hook roles).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceActions:
    """The calls Terraform makes for one resource type. `arn` is the ARN of the object the calls act on,
    with {partition}, {region}, {account} and the resource's own fields in braces (see policy.py)."""

    arn: str
    create: tuple[str, ...]
    read: tuple[str, ...]
    update: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    # (attribute path with * for any index, service principal) of roles the resource passes.
    passes: tuple[tuple[str, str], ...] = ()
    # Of those, the Optional+Computed attributes: a plan shows them unknown also when nothing sets them.
    computed: tuple[str, ...] = ()
    # Extra ARNs the same calls act on (a log group's ":*" form).
    also: tuple[str, ...] = ()
    note: str = ""

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.create + self.read + self.update + self.delete))


ECS_TAGS = ("ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource")
ELB_TAGS = ("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")
ELB_DESCRIBE_TAGS = ("elasticloadbalancing:DescribeTags",)

MANAGED: dict[str, ResourceActions] = {
    "aws_ecs_service": ResourceActions(
        arn="arn:{partition}:ecs:{region}:{account}:service/{cluster}/{name}",
        create=("ecs:CreateService", "ecs:TagResource"),
        read=("ecs:DescribeServices", "ecs:ListTagsForResource", "ecs:ListServiceDeployments",
              "ecs:DescribeServiceDeployments"),
        update=("ecs:UpdateService", "ecs:UntagResource", "ecs:StopServiceDeployment"),
        delete=("ecs:DeleteService",),
        passes=(("load_balancer.*.advanced_configuration.0.role_arn", "ecs.amazonaws.com"),
                ("deployment_configuration.0.lifecycle_hook.*.role_arn", "ecs.amazonaws.com"),
                ("iam_role", "ecs.amazonaws.com")),
        computed=("iam_role",),
        also=("arn:{partition}:ecs:{region}:{account}:service-deployment/{cluster}/{name}/*",),
    ),
    "aws_ecs_task_set": ResourceActions(
        arn="arn:{partition}:ecs:{region}:{account}:task-set/{cluster}/{service}/*",
        create=("ecs:CreateTaskSet", "ecs:TagResource"),
        read=("ecs:DescribeTaskSets", "ecs:ListTagsForResource"),
        update=("ecs:UpdateTaskSet", "ecs:UntagResource"),
        delete=("ecs:DeleteTaskSet",),
    ),
    "aws_ecs_task_definition": ResourceActions(
        arn="arn:{partition}:ecs:{region}:{account}:task-definition/{family}:*",
        create=("ecs:RegisterTaskDefinition", "ecs:TagResource"),
        read=("ecs:DescribeTaskDefinition", "ecs:ListTagsForResource"),
        update=("ecs:UntagResource",),
        delete=("ecs:DeregisterTaskDefinition",),
        passes=(("execution_role_arn", "ecs-tasks.amazonaws.com"), ("task_role_arn", "ecs-tasks.amazonaws.com")),
    ),
    "aws_lb_listener_rule": ResourceActions(
        arn="{listener_rule}",
        create=("elasticloadbalancing:CreateRule", "elasticloadbalancing:AddTags"),
        read=("elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"),
        update=("elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
                "elasticloadbalancing:RemoveTags"),
        delete=("elasticloadbalancing:DeleteRule",),
        note="CreateRule acts on the listener; the rule's own ARN has a random id, so the rule actions are "
             "scoped to the rules of that listener",
    ),
    "aws_lb_listener": ResourceActions(
        arn="{listener}",
        create=("elasticloadbalancing:CreateListener", "elasticloadbalancing:AddTags"),
        read=("elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
              "elasticloadbalancing:DescribeTags"),
        update=("elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:RemoveTags"),
        delete=("elasticloadbalancing:DeleteListener",),
    ),
    "aws_lb_target_group": ResourceActions(
        arn="arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/*",
        create=("elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags"),
        read=("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
              "elasticloadbalancing:DescribeTags"),
        update=("elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:RemoveTags"),
        delete=("elasticloadbalancing:DeleteTargetGroup",),
    ),
    "aws_lb": ResourceActions(
        arn="arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{lb_kind}/{name}/*",
        create=("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:AddTags"),
        read=("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
              "elasticloadbalancing:DescribeTags"),
        update=("elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets", "elasticloadbalancing:RemoveTags"),
        delete=("elasticloadbalancing:DeleteLoadBalancer",),
    ),
    "aws_iam_role": ResourceActions(
        arn="arn:{partition}:iam::{account}:role{path}{name}",
        create=("iam:CreateRole", "iam:TagRole", "iam:PutRolePermissionsBoundary"),
        read=("iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"),
        update=("iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:UntagRole", "iam:DeleteRolePermissionsBoundary"),
        delete=("iam:DeleteRole", "iam:ListInstanceProfilesForRole"),
    ),
    "aws_iam_role_policy": ResourceActions(
        arn="{role}",
        create=("iam:PutRolePolicy",),
        read=("iam:GetRolePolicy",),
        delete=("iam:DeleteRolePolicy",),
    ),
    "aws_iam_role_policy_attachment": ResourceActions(
        arn="{role}",
        create=("iam:AttachRolePolicy",),
        read=("iam:ListAttachedRolePolicies",),
        delete=("iam:DetachRolePolicy",),
    ),
    "aws_iam_policy": ResourceActions(
        arn="arn:{partition}:iam::{account}:policy{path}{name}",
        create=("iam:CreatePolicy", "iam:TagPolicy"),
        read=("iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"),
        update=("iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:UntagPolicy"),
        delete=("iam:DeletePolicy",),
    ),
    "aws_lambda_function": ResourceActions(
        arn="arn:{partition}:lambda:{region}:{account}:function:{function_name}",
        create=("lambda:CreateFunction", "lambda:TagResource"),
        read=("lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction",
              "lambda:ListTags"),
        update=("lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
                "lambda:UntagResource"),
        delete=("lambda:DeleteFunction",),
        passes=(("role", "lambda.amazonaws.com"),),
    ),
    "aws_cloudwatch_log_group": ResourceActions(
        arn="arn:{partition}:logs:{region}:{account}:log-group:{name}",
        create=("logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"),
        read=("logs:DescribeLogGroups", "logs:ListTagsForResource"),
        update=("logs:DeleteRetentionPolicy", "logs:UntagResource"),
        delete=("logs:DeleteLogGroup",),
        also=("arn:{partition}:logs:{region}:{account}:log-group:{name}:*",),
    ),
    "aws_cloudwatch_metric_alarm": ResourceActions(
        arn="arn:{partition}:cloudwatch:{region}:{account}:alarm:{alarm_name}",
        create=("cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"),
        read=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
        update=("cloudwatch:UntagResource",),
        delete=("cloudwatch:DeleteAlarms",),
    ),
    "aws_codedeploy_app": ResourceActions(
        arn="arn:{partition}:codedeploy:{region}:{account}:application:{name}",
        create=("codedeploy:CreateApplication", "codedeploy:TagResource"),
        read=("codedeploy:GetApplication", "codedeploy:ListTagsForResource"),
        update=("codedeploy:UpdateApplication", "codedeploy:UntagResource"),
        delete=("codedeploy:DeleteApplication",),
    ),
    "aws_codedeploy_deployment_group": ResourceActions(
        arn="arn:{partition}:codedeploy:{region}:{account}:deploymentgroup:{app_name}/{deployment_group_name}",
        create=("codedeploy:CreateDeploymentGroup", "codedeploy:TagResource"),
        read=("codedeploy:GetDeploymentGroup", "codedeploy:ListTagsForResource"),
        update=("codedeploy:UpdateDeploymentGroup", "codedeploy:UntagResource"),
        delete=("codedeploy:DeleteDeploymentGroup",),
        passes=(("service_role_arn", "codedeploy.amazonaws.com"),),
    ),
    "aws_codedeploy_deployment_config": ResourceActions(
        arn="arn:{partition}:codedeploy:{region}:{account}:deploymentconfig:{deployment_config_name}",
        create=("codedeploy:CreateDeploymentConfig",),
        read=("codedeploy:GetDeploymentConfig",),
        delete=("codedeploy:DeleteDeploymentConfig",),
    ),
    "aws_appautoscaling_target": ResourceActions(
        arn="*",
        create=("application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource"),
        read=("application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"),
        delete=("application-autoscaling:DeregisterScalableTarget",),
        note="a scalable target's ARN carries an id AWS assigns: not scoped",
    ),
    "aws_appautoscaling_policy": ResourceActions(
        arn="*",
        create=("application-autoscaling:PutScalingPolicy",),
        read=("application-autoscaling:DescribeScalingPolicies",),
        delete=("application-autoscaling:DeleteScalingPolicy",),
        note="a scaling policy acts on the scalable target, whose ARN carries an id AWS assigns: not scoped",
    ),
}
MANAGED["aws_alb"] = MANAGED["aws_lb"]
MANAGED["aws_alb_listener"] = MANAGED["aws_lb_listener"]
MANAGED["aws_alb_listener_rule"] = MANAGED["aws_lb_listener_rule"]
MANAGED["aws_alb_target_group"] = MANAGED["aws_lb_target_group"]

# Data sources read during plan and apply.
DATA: dict[str, tuple[str, ...]] = {
    "aws_lb_listener": ("elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeTags"),
    "aws_lb": ("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
               "elasticloadbalancing:DescribeTags"),
    "aws_lb_target_group": ("elasticloadbalancing:DescribeTargetGroups",
                            "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"),
    "aws_ecs_cluster": ("ecs:DescribeClusters",),
    "aws_ecs_service": ("ecs:DescribeServices",),
    "aws_ecs_task_definition": ("ecs:DescribeTaskDefinition",),
    "aws_iam_role": ("iam:GetRole",),
    "aws_iam_policy": ("iam:GetPolicy", "iam:GetPolicyVersion"),
    "aws_lambda_function": ("lambda:GetFunction",),
}
# Data sources that need no permission (computed locally, or sts:GetCallerIdentity, which IAM never denies).
NO_PERMISSION = {"aws_iam_policy_document", "aws_partition", "aws_region", "aws_caller_identity", "archive_file"}
