# The daily report's storage and the telemetry backends the estate's collectors
# send to: the reports bucket (daily snapshots and report.json, written by the
# daily-inspection-report Lambda), the Amazon Managed Prometheus workspace and the
# X-Ray sampling rule the ADOT collector sidecars use, and the Amazon Managed
# Grafana workspace that shows the dashboards (terraform/modules/dashboards).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  region      = data.aws_region.current.name
  bucket_name = "${var.name_prefix}-reports-${local.account_id}-${local.region}"
}

# --- reports bucket ---------------------------------------------------------------

resource "aws_s3_bucket" "reports" {
  bucket        = local.bucket_name
  force_destroy = var.force_destroy_bucket
  tags          = merge(var.tags, { "asset:class" = "storage", "asset:data-classification" = "internal" })
}

resource "aws_s3_bucket_ownership_controls" "reports" {
  bucket = aws_s3_bucket.reports.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "reports" {
  bucket = aws_s3_bucket.reports.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id

  rule {
    id     = "expire-reports"
    status = "Enabled"

    filter {}

    # The trend reads 30 days of snapshots; reports are kept for audits.
    expiration {
      days = var.report_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.reports]
}

data "aws_iam_policy_document" "reports" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.reports.arn, "${aws_s3_bucket.reports.arn}/*"]

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

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = data.aws_iam_policy_document.reports.json

  depends_on = [aws_s3_bucket_public_access_block.reports]
}

# --- telemetry backends -------------------------------------------------------------

resource "aws_prometheus_workspace" "this" {
  alias = var.name_prefix
  tags  = merge(var.tags, { "asset:class" = "monitoring" })
}

resource "aws_xray_sampling_rule" "default" {
  rule_name      = "${var.name_prefix}-default"
  priority       = 9000
  version        = 1
  reservoir_size = var.xray_reservoir_size
  fixed_rate     = var.xray_fixed_rate
  url_path       = "*"
  host           = "*"
  http_method    = "*"
  service_type   = "*"
  service_name   = "*"
  resource_arn   = "*"
  tags           = merge(var.tags, { "asset:class" = "monitoring" })
}

# --- Managed Grafana ----------------------------------------------------------------

data "aws_iam_policy_document" "grafana_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["grafana.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Read-only: the dashboards' CloudWatch metrics and the AMP workspace's series.
data "aws_iam_policy_document" "grafana" {
  statement {
    sid = "ReadCloudWatchMetrics"
    actions = [
      "cloudwatch:DescribeAlarmsForMetric",
      "cloudwatch:GetMetricData",
      "cloudwatch:GetMetricStatistics",
      "cloudwatch:ListMetrics",
      "ec2:DescribeRegions",
      "tag:GetResources",
    ]
    resources = ["*"]
  }

  statement {
    sid = "QueryPrometheus"
    actions = [
      "aps:GetLabels",
      "aps:GetMetricMetadata",
      "aps:GetSeries",
      "aps:QueryMetrics",
    ]
    resources = [aws_prometheus_workspace.this.arn]
  }
}

resource "aws_iam_role" "grafana" {
  name                 = "${var.name_prefix}-grafana"
  assume_role_policy   = data.aws_iam_policy_document.grafana_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { "asset:class" = "identity" })
}

resource "aws_iam_role_policy" "grafana" {
  name   = "read-metrics"
  role   = aws_iam_role.grafana.id
  policy = data.aws_iam_policy_document.grafana.json
}

resource "aws_grafana_workspace" "this" {
  name                     = var.name_prefix
  description              = "assetpack dashboards: findings counts and Custodian policy metrics"
  account_access_type      = "CURRENT_ACCOUNT"
  authentication_providers = var.grafana_authentication_providers
  permission_type          = "CUSTOMER_MANAGED"
  role_arn                 = aws_iam_role.grafana.arn
  data_sources             = ["CLOUDWATCH", "PROMETHEUS"]
  tags                     = merge(var.tags, { "asset:class" = "monitoring" })
}

# The dashboards module provisions through this service account's token.
resource "aws_grafana_workspace_service_account" "provisioner" {
  name         = "${var.name_prefix}-provisioner"
  grafana_role = "EDITOR"
  workspace_id = aws_grafana_workspace.this.id
}

resource "aws_grafana_workspace_service_account_token" "provisioner" {
  name               = "${var.name_prefix}-terraform"
  service_account_id = aws_grafana_workspace_service_account.provisioner.service_account_id
  seconds_to_live    = var.grafana_token_seconds
  workspace_id       = aws_grafana_workspace.this.id
}
