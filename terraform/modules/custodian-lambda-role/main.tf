# A role that Custodian's Lambda-mode policies (and the mailer) run as. The example
# root creates two: the detect role (read-only, plus Security Hub findings) and the
# remediate role (the write actions of the policies that change something, each on
# the ARN patterns AWS authorises it on).
#
# Their permissions are not written here: they are derived from the pack
# (`make generated` writes terraform/generated/<role>-permissions.json, already cut
# into managed policies under IAM's size limit) and come in through
# var.policy_documents_json. This module fills in the partition and account, and adds
# the runtime permissions every function needs (its own log group, the notification
# queue and its key), each scoped to named resources.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # part name -> managed policy document, with {partition} and {account_id} filled in.
  pack_policies = {
    for part, document in jsondecode(var.policy_documents_json) :
    part => replace(replace(jsonencode(document), "{partition}", local.partition), "{account_id}", local.account_id)
  }

  log_group_arns = flatten([
    for prefix in var.log_group_prefixes : [
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:${prefix}*",
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:${prefix}*:log-stream:*",
    ]
  ])

  tags = merge(var.tags, { "asset:class" = "identity" })
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  path                 = var.path
  description          = "Cloud Custodian Lambda-mode policies and c7n-mailer (assetpack). Permissions derived from the pack."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = 3600
  tags                 = local.tags

  lifecycle {
    precondition {
      condition     = length(local.pack_policies) + 1 <= var.max_managed_policies
      error_message = "The pack's permissions need more managed policies than max_managed_policies allows: raise the account's IAM quota."
    }
  }
}

resource "aws_iam_policy" "pack" {
  for_each = local.pack_policies

  name        = "${var.name}-pack-${each.key}"
  path        = var.path
  description = "assetpack: permissions derived from the pack's policies (part ${each.key})."
  policy      = each.value
  tags        = local.tags
}

resource "aws_iam_role_policy_attachment" "pack" {
  for_each = aws_iam_policy.pack

  role       = aws_iam_role.this.name
  policy_arn = each.value.arn
}

data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "FunctionLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = local.log_group_arns
  }

  dynamic "statement" {
    for_each = length(var.notification_queue_arns) > 0 ? [1] : []
    content {
      sid    = "NotificationQueue"
      effect = "Allow"
      actions = [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
      ]
      resources = var.notification_queue_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "NotificationKeys"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
      resources = var.kms_key_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.ses_identity_arns) > 0 ? [1] : []
    content {
      sid       = "MailerSes"
      effect    = "Allow"
      actions   = ["ses:SendEmail", "ses:SendRawEmail"]
      resources = var.ses_identity_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.taxonomy_parameter_arns) > 0 ? [1] : []
    content {
      sid       = "Taxonomy"
      effect    = "Allow"
      actions   = ["ssm:GetParameter"]
      resources = var.taxonomy_parameter_arns
    }
  }

  # The pack's own buckets: the daily report's snapshots and report.json, the
  # remediation journal. assetpack permissions leaves these actions out of the
  # derived document, so they are granted here only.
  dynamic "statement" {
    for_each = length(var.data_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "PackBucketsList"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = var.data_bucket_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.data_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "PackBucketsObjects"
      effect    = "Allow"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = [for arn in var.data_bucket_arns : "${arn}/*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.output_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "RunOutput"
      effect    = "Allow"
      actions   = ["s3:PutObject"]
      resources = [for arn in var.output_bucket_arns : "${arn}/*"]
    }
  }
}

resource "aws_iam_policy" "runtime" {
  name        = "${var.name}-runtime"
  path        = var.path
  description = "assetpack: what every Custodian and mailer function needs at run time, scoped to named resources."
  policy      = data.aws_iam_policy_document.runtime.json
  tags        = local.tags
}

resource "aws_iam_role_policy_attachment" "runtime" {
  role       = aws_iam_role.this.name
  policy_arn = aws_iam_policy.runtime.arn
}
