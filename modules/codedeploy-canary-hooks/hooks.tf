# AppSpec hooks: one Lambda function per hook, all running hook/handler.py. CodeDeploy invokes a function
# once when its lifecycle event starts; the function checks the new revision and reports Succeeded or
# Failed with PutLifecycleEventHookExecutionStatus. Failed (or no report within an hour) rolls back.

data "archive_file" "hook" {
  type        = "zip"
  source_dir  = "${path.module}/hook"
  excludes    = ["__pycache__"]
  output_path = "${path.module}/.build/hook.zip"
}

locals {
  hook_environment = {
    WARMUP_SECONDS               = tostring(var.hook_warmup_seconds)
    HEALTH_CHECK_URL             = var.hook_health_check_url
    HEALTH_CHECK_EXPECTED_STATUS = var.hook_health_check_expected_status
    CHECK_TIMEOUT_SECONDS        = tostring(var.hook_check_timeout_seconds)
    POLL_INTERVAL_SECONDS        = tostring(var.hook_poll_interval_seconds)
    ALARM_NAMES                  = join(",", concat([aws_cloudwatch_metric_alarm.blue.alarm_name, aws_cloudwatch_metric_alarm.green.alarm_name], var.alarm_names))
  }
  hook_in_vpc = length(var.hook_subnet_ids) > 0
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

# Execution role of the hook functions: their own log groups, reporting the hook's result, the state of the rollback alarms
# and, only when they run in the VPC, the network interfaces Lambda needs there.
resource "aws_iam_role" "hook_function" {
  name               = "${var.name}-hook-function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "hook_function" {
  statement {
    sid     = "WriteOwnLogs"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "${aws_cloudwatch_log_group.after_allow_test_traffic.arn}:*",
      "${aws_cloudwatch_log_group.after_allow_traffic.arn}:*",
    ]
  }

  statement {
    sid     = "ReportHookResult"
    actions = ["codedeploy:PutLifecycleEventHookExecutionStatus"]
    # The action has no resource-level permissions (Service Authorization Reference, AWS CodeDeploy).
    resources = ["*"]
  }

  statement {
    sid       = "ReadRollbackAlarms"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = [for alarm in concat([aws_cloudwatch_metric_alarm.blue.alarm_name, aws_cloudwatch_metric_alarm.green.alarm_name], var.alarm_names) : "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:${alarm}"]
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
  name   = "hook-function"
  role   = aws_iam_role.hook_function.id
  policy = data.aws_iam_policy_document.hook_function.json
}

resource "aws_cloudwatch_log_group" "after_allow_test_traffic" {
  name              = "/aws/lambda/${var.name}-after-allow-test-traffic"
  retention_in_days = var.hook_log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "after_allow_test_traffic" {
  function_name    = "${var.name}-after-allow-test-traffic"
  description      = "CodeDeploy AfterAllowTestTraffic hook of ${var.name}"
  role             = aws_iam_role.hook_function.arn
  runtime          = "python3.12"
  handler          = "handler.handler"
  filename         = data.archive_file.hook.output_path
  source_code_hash = data.archive_file.hook.output_base64sha256
  # One invocation checks until it can report: warm-up plus check timeout (at most 840 s) and a margin.
  timeout = 900
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

  depends_on = [aws_cloudwatch_log_group.after_allow_test_traffic, aws_iam_role_policy.hook_function]
}

resource "aws_cloudwatch_log_group" "after_allow_traffic" {
  name              = "/aws/lambda/${var.name}-after-allow-traffic"
  retention_in_days = var.hook_log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "after_allow_traffic" {
  function_name    = "${var.name}-after-allow-traffic"
  description      = "CodeDeploy AfterAllowTraffic hook of ${var.name}"
  role             = aws_iam_role.hook_function.arn
  runtime          = "python3.12"
  handler          = "handler.handler"
  filename         = data.archive_file.hook.output_path
  source_code_hash = data.archive_file.hook.output_base64sha256
  # One invocation checks until it can report: warm-up plus check timeout (at most 840 s) and a margin.
  timeout = 900
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

  depends_on = [aws_cloudwatch_log_group.after_allow_traffic, aws_iam_role_policy.hook_function]
}
