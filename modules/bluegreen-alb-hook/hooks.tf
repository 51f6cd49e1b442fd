# Lifecycle hooks: one Lambda function per hooked stage, all running hook/handler.py. ECS invokes a
# function when its stage starts and again every callBackDelay seconds while it answers IN_PROGRESS;
# SUCCEEDED lets the deployment continue, FAILED rolls it back.

data "archive_file" "hook" {
  type        = "zip"
  source_file = "${path.module}/hook/handler.py"
  output_path = "${path.module}/.build/hook-handler.zip"
}

locals {
  hook_environment = {
    WARMUP_SECONDS               = tostring(var.hook_warmup_seconds)
    HEALTH_CHECK_URL             = var.hook_health_check_url
    HEALTH_CHECK_EXPECTED_STATUS = var.hook_health_check_expected_status
    CHECK_TIMEOUT_SECONDS        = tostring(var.hook_check_timeout_seconds)
    POLL_INTERVAL_SECONDS        = tostring(var.hook_poll_interval_seconds)
    ALARM_NAMES                  = join(",", local.rollback_alarm_names)
  }
  hook_in_vpc = length(var.hook_subnet_ids) > 0
  # Alarms the functions read: the rollback alarms and those named per hook in hook_details
  # ("alarm_names": a list or a comma-separated string, as the handler reads it).
  hook_alarm_names = distinct(concat(local.rollback_alarm_names, flatten([
    for stage, details in var.hook_details : try(tolist(jsondecode(details).alarm_names), split(",", jsondecode(details).alarm_names), [])
  ])))
  hook_function_role_arn = var.hook_function_role_arn != null ? var.hook_function_role_arn : aws_iam_role.hook_function[0].arn
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# Execution role of the hook functions: their own log groups, the state of the alarms they check
# and, only when they run in the VPC, the network interfaces Lambda needs there.
resource "aws_iam_role" "hook_function" {
  count = var.hook_function_role_arn == null ? 1 : 0

  name                 = "${var.name}-hook-function-${data.aws_region.current.region}"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "hook_function" {
  statement {
    sid     = "WriteOwnLogs"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "${aws_cloudwatch_log_group.post_test_traffic_shift.arn}:*",
    ]
  }

  dynamic "statement" {
    for_each = length(local.hook_alarm_names) > 0 ? [1] : []
    content {
      sid       = "ReadCheckedAlarms"
      actions   = ["cloudwatch:DescribeAlarms"]
      resources = [for alarm in local.hook_alarm_names : "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:${trimspace(alarm)}"]
    }
  }

  dynamic "statement" {
    for_each = local.hook_in_vpc ? [1] : []
    content {
      sid = "ManageVpcNetworkInterfaces"
      actions = [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      # These EC2 actions do not support resource-level permissions.
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "hook_function" {
  count = var.hook_function_role_arn == null ? 1 : 0

  name   = "hook-function"
  role   = aws_iam_role.hook_function[0].id
  policy = data.aws_iam_policy_document.hook_function.json
}

resource "aws_cloudwatch_log_group" "post_test_traffic_shift" {
  name              = "/aws/lambda/${var.name}-post-test-traffic-shift"
  retention_in_days = var.hook_log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "post_test_traffic_shift" {
  function_name    = "${var.name}-post-test-traffic-shift"
  description      = "ECS POST_TEST_TRAFFIC_SHIFT lifecycle hook of ${var.name}"
  role             = local.hook_function_role_arn
  runtime          = "python3.12"
  handler          = "handler.handler"
  filename         = data.archive_file.hook.output_path
  source_code_hash = data.archive_file.hook.output_base64sha256
  # Each invocation returns quickly (IN_PROGRESS with callBackDelay while waiting), well under Lambda's 15 minutes.
  timeout = 60
  tags    = var.tags

  environment {
    variables = local.hook_environment
  }

  dynamic "vpc_config" {
    for_each = local.hook_in_vpc ? [1] : []
    content {
      subnet_ids         = var.hook_subnet_ids
      security_group_ids = var.hook_security_group_ids
    }
  }

  depends_on = [aws_cloudwatch_log_group.post_test_traffic_shift, aws_iam_role_policy.hook_function]
}
