resource "aws_codedeploy_app" "this" {
  name             = var.name
  compute_platform = "ECS"
  tags             = var.tags
}

# One alarm per target group: whichever group receives the replacement task set, a failing new revision
# stops the deployment and CodeDeploy moves traffic back.
resource "aws_cloudwatch_metric_alarm" "blue" {
  alarm_name          = "${var.name}-blue-target-5xx"
  alarm_description   = "Target 5XX responses in ${aws_lb_target_group.blue.name}; stops and rolls back a CodeDeploy deployment of ${var.name}."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_threshold
  treat_missing_data  = "notBreaching"
  tags                = var.tags

  dimensions = {
    LoadBalancer = data.aws_lb.this.arn_suffix
    TargetGroup  = aws_lb_target_group.blue.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "green" {
  alarm_name          = "${var.name}-green-target-5xx"
  alarm_description   = "Target 5XX responses in ${aws_lb_target_group.green.name}; stops and rolls back a CodeDeploy deployment of ${var.name}."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_threshold
  treat_missing_data  = "notBreaching"
  tags                = var.tags

  dimensions = {
    LoadBalancer = data.aws_lb.this.arn_suffix
    TargetGroup  = aws_lb_target_group.green.arn_suffix
  }
}

resource "aws_codedeploy_deployment_group" "this" {
  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = var.name
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = "CodeDeployDefault.ECSCanary10Percent5Minutes"
  tags                   = var.tags

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    # The rollback window: the original task set keeps running this long after the last traffic shift.
    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = var.termination_wait_time_in_minutes
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = true
    alarms  = concat([aws_cloudwatch_metric_alarm.blue.alarm_name, aws_cloudwatch_metric_alarm.green.alarm_name], var.alarm_names)
  }

  ecs_service {
    cluster_name = element(split("/", var.cluster_arn), length(split("/", var.cluster_arn)) - 1)
    service_name = aws_ecs_service.this.name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [aws_lb_listener.production.arn]
      }

      test_traffic_route {
        listener_arns = [aws_lb_listener.test.arn]
      }

      target_group {
        name = aws_lb_target_group.blue.name
      }

      target_group {
        name = aws_lb_target_group.green.name
      }
    }
  }

  depends_on = [aws_iam_role_policy_attachment.codedeploy]
}

locals {
  # The AppSpec of a deployment of task_definition_arn (the same text as appspec.yaml, with this module's
  # values); README.md shows how to deploy another revision.
  appspec = <<-EOT
    version: 0.0
    Resources:
      - TargetService:
          Type: AWS::ECS::Service
          Properties:
            TaskDefinition: "${var.task_definition_arn}"
            LoadBalancerInfo:
              ContainerName: "${var.container_name}"
              ContainerPort: ${var.container_port}
    Hooks:
      - AfterAllowTestTraffic: "${aws_lambda_function.after_allow_test_traffic.function_name}"
      - AfterAllowTraffic: "${aws_lambda_function.after_allow_traffic.function_name}"
  EOT
}
