# The role that Custodian's Lambda-mode policies and c7n-mailer run as.
#
# Its permissions are not written here: they are derived from the pack
# (`assetpack permissions --format iam-json`) and come in through var.policy_json.
# This module only splits that document into managed policies small enough for
# IAM and adds the runtime permissions every function needs (its own log group,
# the notification queue and its key), each scoped to named resources.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # The pack's document, one managed policy per chunk of actions so that a pack
  # of any size stays under IAM's per-policy size limit.
  pack_document = jsondecode(var.policy_json)
  pack_chunks = flatten([
    for si, statement in local.pack_document.Statement : [
      for ci, actions in chunklist(sort(distinct(flatten([statement.Action]))), var.max_actions_per_policy) : {
        key       = format("%02d-%02d", si, ci)
        statement = merge(statement, { Action = actions })
      }
    ]
  ])
  pack_policies = { for c in local.pack_chunks : c.key => c.statement }

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
      error_message = "The pack's permissions need more managed policies than max_managed_policies allows: raise max_actions_per_policy or the account's IAM quota."
    }
  }
}

resource "aws_iam_policy" "pack" {
  for_each = local.pack_policies

  name        = "${var.name}-pack-${each.key}"
  path        = var.path
  description = "assetpack: permissions derived from the pack's policies (part ${each.key})."
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [each.value]
  })
  tags = local.tags
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

  # The remediation journal (contract 7): entries are written before each change,
  # read back to settle pending changes, and listed by `assetpack undo`.
  dynamic "statement" {
    for_each = length(var.journal_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "RemediationJournalObjects"
      effect    = "Allow"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = [for arn in var.journal_bucket_arns : "${arn}/*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.journal_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "RemediationJournalList"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = var.journal_bucket_arns
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
