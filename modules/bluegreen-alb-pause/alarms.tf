# Alarms on the new revision's target group, wired to rollback (main.tf, alarms). Each deployment
# starts the new revision in whichever group is idle, so both groups have them; a group without
# traffic has no data points, which counts as not breaching.

resource "aws_cloudwatch_metric_alarm" "blue_5xx" {
  alarm_name          = "${var.name}-blue-5xx"
  alarm_description   = "5xx answers of the tasks in the blue target group of ${var.name}; rolls a deployment back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.target_group_alarm_evaluation_periods
  threshold           = var.target_group_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  tags                = var.tags

  dimensions = {
    LoadBalancer = local.load_balancer_arn_suffix
    TargetGroup  = aws_lb_target_group.blue.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "blue_latency" {
  alarm_name          = "${var.name}-blue-latency"
  alarm_description   = "Average response time of the tasks in the blue target group of ${var.name}; rolls a deployment back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = var.target_group_alarm_evaluation_periods
  threshold           = var.target_group_latency_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  tags                = var.tags

  dimensions = {
    LoadBalancer = local.load_balancer_arn_suffix
    TargetGroup  = aws_lb_target_group.blue.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "green_5xx" {
  alarm_name          = "${var.name}-green-5xx"
  alarm_description   = "5xx answers of the tasks in the green target group of ${var.name}; rolls a deployment back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.target_group_alarm_evaluation_periods
  threshold           = var.target_group_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  tags                = var.tags

  dimensions = {
    LoadBalancer = local.load_balancer_arn_suffix
    TargetGroup  = aws_lb_target_group.green.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "green_latency" {
  alarm_name          = "${var.name}-green-latency"
  alarm_description   = "Average response time of the tasks in the green target group of ${var.name}; rolls a deployment back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = var.target_group_alarm_evaluation_periods
  threshold           = var.target_group_latency_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  tags                = var.tags

  dimensions = {
    LoadBalancer = local.load_balancer_arn_suffix
    TargetGroup  = aws_lb_target_group.green.arn_suffix
  }
}
