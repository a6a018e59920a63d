# =============================================================================
# Remediation plumbing: the journal bucket every change is written to before it
# is made (contract 7), the role SSM Automation runbooks act as
# (AutomationAssumeRole of the pack's start-automation actions), and the key the
# pack encrypts SNS topics with (alias/aws/sns would shut out CloudWatch alarms
# and EventBridge, which cannot use an AWS managed key).
# =============================================================================

locals {
  journal_bucket_name  = "${var.name_prefix}-journal-${local.account_id}-${local.region}"
  automation_role_name = "${var.name_prefix}-automation"
}

resource "aws_s3_bucket" "journal" {
  bucket        = local.journal_bucket_name
  force_destroy = var.force_destroy_buckets
  tags          = local.storage_tags
}

resource "aws_s3_bucket_ownership_controls" "journal" {
  bucket = aws_s3_bucket.journal.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "journal" {
  bucket                  = aws_s3_bucket.journal.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Versioned: an entry is rewritten as its status moves (planned, fixed, undone), and
# every earlier state stays readable.
resource "aws_s3_bucket_versioning" "journal" {
  bucket = aws_s3_bucket.journal.id

  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-S3: the journal writer sets AES256 on every entry (c7n_plugins/journal.py), so the
# Lambdas and the people running `assetpack undo` need no key grant; the bucket is
# private, TLS-only and versioned.
resource "aws_s3_bucket_server_side_encryption_configuration" "journal" {
  bucket = aws_s3_bucket.journal.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_logging" "journal" {
  bucket        = aws_s3_bucket.journal.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "journal/"
}

resource "aws_s3_bucket_lifecycle_configuration" "journal" {
  bucket = aws_s3_bucket.journal.id

  rule {
    id     = "expire-old-entry-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.journal]
}

data "aws_iam_policy_document" "journal" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.journal.arn, "${aws_s3_bucket.journal.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "journal" {
  bucket = aws_s3_bucket.journal.id
  policy = data.aws_iam_policy_document.journal.json

  depends_on = [aws_s3_bucket_public_access_block.journal]
}

# --- The role SSM Automation runbooks act as --------------------------------------

data "aws_iam_policy_document" "automation_trust" {
  statement {
    sid     = "SsmAutomationAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ssm.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "automation" {
  name                 = local.automation_role_name
  description          = "SSM Automation runbooks started by the assetpack remediation (AutomationAssumeRole)."
  assume_role_policy   = data.aws_iam_policy_document.automation_trust.json
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { "asset:class" = "identity" })
}

# What the runbooks the pack starts call, derived from the pack
# (`assetpack permissions --format automation`, terraform/generated/).
data "aws_iam_policy_document" "automation" {
  source_policy_documents = [var.automation_policy_json]
}

resource "aws_iam_role_policy" "automation" {
  name   = "runbooks"
  role   = aws_iam_role.automation.id
  policy = data.aws_iam_policy_document.automation.json
}

# --- The key SNS topics are encrypted with ----------------------------------------

data "aws_iam_policy_document" "sns_key" {
  statement {
    sid       = "AccountAdministration"
    effect    = "Allow"
    actions   = local.kms_account_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
  }

  statement {
    sid       = "AwsServicesPublish"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "sns" {
  description             = "assetpack: SNS topics (publishers: the account, CloudWatch alarms, EventBridge, S3)"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.sns_key.json
  tags                    = local.security_tags
}

resource "aws_kms_alias" "sns" {
  name          = "alias/${var.name_prefix}-sns"
  target_key_id = aws_kms_key.sns.key_id
}
