# The role the scheduled scan chains into in a member account (scheduled-scan.yml:
# hub scan role -> arn:aws:iam::<member>:role/<name>). Trusted by the hub's scan
# role only; its permissions are the pack's derived documents, both roles' (the
# scan runs every check and remediates what is safe), with {partition} and
# {account_id} filled in for the member account.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  documents = merge(
    { for part, doc in jsondecode(var.detect_documents_json) : "detect-${part}" => doc },
    { for part, doc in jsondecode(var.remediate_documents_json) : "remediate-${part}" => doc },
  )
  pack_policies = {
    for part, document in local.documents :
    part => replace(replace(jsonencode(document), "{partition}", local.partition), "{account_id}", local.account_id)
  }

  tags = merge(var.tags, { "asset:class" = "identity" })
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "HubScanRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [var.hub_scan_role_arn]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "assetpack scheduled scan, assumed from the hub account's scan role."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = 3600
  tags                 = local.tags
}

resource "aws_iam_policy" "pack" {
  for_each = local.pack_policies

  name        = "${var.name}-${each.key}"
  description = "assetpack: the pack's derived permissions (${each.key})."
  policy      = each.value
  tags        = local.tags
}

resource "aws_iam_role_policy_attachment" "pack" {
  for_each = aws_iam_policy.pack

  role       = aws_iam_role.this.name
  policy_arn = each.value.arn
}
