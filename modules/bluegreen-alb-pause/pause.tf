# Approval path of the pause hooks (POST_TEST_TRAFFIC_SHIFT): when a deployment of this service
# pauses, ECS emits an "ECS Hook State Change" event (HOOK_AWAITING_ACTION); this rule sends it to an
# SNS topic. Whoever approves continues or rolls back the deployment with the commands in README.md.

resource "aws_sns_topic" "pause" {
  name = "${var.name}-deployment-paused"
  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "pause" {
  name        = "${var.name}-deployment-paused"
  description = "A deployment of ECS service ${var.name} waits for approval."
  tags        = var.tags

  # The event names this service, or one of its service deployments ("service-deployment/<cluster>/<service>/<id>").
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Hook State Change"]
    detail        = { eventName = ["HOOK_AWAITING_ACTION"] }
    resources = [
      aws_ecs_service.this.id,
      { prefix = "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:service-deployment/${element(split("/", var.cluster_arn), 1)}/${var.name}/" },
    ]
  })
}

resource "aws_cloudwatch_event_target" "pause" {
  rule = aws_cloudwatch_event_rule.pause.name
  arn  = aws_sns_topic.pause.arn
}

# EventBridge may publish to the topic, for this rule only.
data "aws_iam_policy_document" "pause_topic" {
  statement {
    sid       = "EventBridgePublishesPauses"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.pause.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.pause.arn]
    }
  }
}

resource "aws_sns_topic_policy" "pause" {
  arn    = aws_sns_topic.pause.arn
  policy = data.aws_iam_policy_document.pause_topic.json
}

resource "aws_sns_topic_subscription" "pause" {
  count = length(var.pause_notification_emails)

  topic_arn = aws_sns_topic.pause.arn
  protocol  = "email"
  endpoint  = var.pause_notification_emails[count.index]
}
