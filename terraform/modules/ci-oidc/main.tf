# GitHub Actions to AWS without stored keys: the account's GitHub OIDC provider
# and three roles, each trusted by one kind of workflow run of one repository.
#
#   deploy  push to main / workflow_dispatch on main  terraform apply + assetpack deploy
#   scan    scheduled runs on main                    assetpack scan + report
#   plan    pull requests                             read-only (terraform plan)
#
# The deploy role's permissions are listed action by action and scoped to the
# names this pack's modules use (<prefix>-*, custodian-*); resources outside
# them need deploy_extra_policy_arns. Whoever can change this Terraform on main
# can change these roles: protect the branch.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  arn        = "arn:${local.partition}"
  acct       = local.account_id
  p          = var.name_prefix

  oidc_host         = "token.actions.githubusercontent.com"
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  subjects = {
    deploy = "repo:${var.github_repo}:ref:refs/heads/${var.deploy_branch}"
    scan   = "repo:${var.github_repo}:ref:refs/heads/${var.deploy_branch}"
    plan   = "repo:${var.github_repo}:pull_request"
  }

  plan_policy_arns = var.plan_policy_arns != null ? var.plan_policy_arns : ["${local.arn}:iam::aws:policy/ReadOnlyAccess"]

  # The only managed policies the deploy role may attach to the pack's roles.
  attachable_policy_arns = distinct(concat(
    ["${local.arn}:iam::${local.acct}:policy/${local.p}-*"],
    local.plan_policy_arns,
    var.deploy_extra_policy_arns,
  ))

  config_slr_arn = "${local.arn}:iam::${local.acct}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"

  # The permissions boundary of every role the pack creates, the CI roles included.
  # Named, not referenced, because its own document names it.
  boundary_name = "${local.p}-permissions-boundary"
  boundary_arn  = "${local.arn}:iam::${local.acct}:policy/${local.boundary_name}"
  ci_role_arn   = "${local.arn}:iam::${local.acct}:role/${local.p}-github-*"

  # Turning off or deleting what watches the account. No role of the pack may do it:
  # an administrator does, outside CI (docs/deploy.md, "Remove everything").
  security_off_actions = [
    "access-analyzer:DeleteAnalyzer",
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:StopConfigurationRecorder",
    "ec2:DeleteFlowLogs",
    "guardduty:DeleteDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount",
    "guardduty:StopMonitoringMembers",
    "inspector2:Disable",
    "inspector2:DisassociateMember",
    "macie2:DisableMacie",
    "securityhub:BatchDisableStandards",
    "securityhub:DisableImportFindingsForProduct",
    "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount",
    "securityhub:DisassociateFromMasterAccount",
  ]

  # Functions and rules that `assetpack deploy` provisions (Custodian names them
  # custodian-<policy>; c7n-mailer's function is cloud-custodian-mailer).
  function_arns = [
    "${local.arn}:lambda:*:${local.acct}:function:custodian-*",
    "${local.arn}:lambda:*:${local.acct}:function:cloud-custodian-mailer*",
  ]
  rule_arns = [
    "${local.arn}:events:*:${local.acct}:rule/${local.p}-*",
    "${local.arn}:events:*:${local.acct}:rule/custodian-*",
    "${local.arn}:events:*:${local.acct}:rule/cloud-custodian-mailer*",
  ]
  log_group_arns = flatten([
    for name in ["/aws/cloudtrail/${local.p}-*", "/aws/lambda/custodian-*", "/aws/lambda/cloud-custodian-mailer*"] : [
      "${local.arn}:logs:*:${local.acct}:log-group:${name}",
      "${local.arn}:logs:*:${local.acct}:log-group:${name}:*",
    ]
  ])

  tags = merge(var.tags, { "asset:class" = "identity" })
}

# =============================================================================
# OIDC provider and trust
# =============================================================================

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints
  tags            = local.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1
  url   = "https://${local.oidc_host}"
}

data "aws_iam_policy_document" "trust" {
  for_each = local.subjects

  statement {
    sid     = "GitHubActions${title(each.key)}"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    # StringEquals, not StringLike: exactly this repository and this kind of run.
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [each.value]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${local.p}-github-deploy"
  description          = "GitHub Actions deploy (${var.github_repo}@${var.deploy_branch}): terraform apply and assetpack deploy."
  assume_role_policy   = data.aws_iam_policy_document.trust["deploy"].json
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = var.max_session_duration
  tags                 = local.tags
}

resource "aws_iam_role" "scan" {
  name                 = "${local.p}-github-scan"
  description          = "GitHub Actions scheduled scan (${var.github_repo}@${var.deploy_branch}): the pack's own permissions."
  assume_role_policy   = data.aws_iam_policy_document.trust["scan"].json
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = var.max_session_duration
  tags                 = local.tags
}

resource "aws_iam_role" "plan" {
  name                 = "${local.p}-github-plan"
  description          = "GitHub Actions pull requests (${var.github_repo}): read-only, for terraform plan."
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = var.max_session_duration
  tags                 = local.tags
}

# =============================================================================
# Permissions boundary: the ceiling of every role the pack creates
# =============================================================================
#
# A boundary grants nothing by itself; a role's permissions are its policies
# intersected with it. So the one Allow is "*" and the Denies are what no role of
# the pack may ever do, whatever a later change attaches to it: change the CI
# roles or their policies (the deploy role cannot widen itself), create a role
# outside the prefix or without this boundary, drop a boundary, or turn off a
# security service.

data "aws_iam_policy_document" "boundary" {
  statement {
    sid       = "Ceiling"
    effect    = "Allow"
    actions   = ["*"]
    resources = ["*"]
  }

  statement {
    sid    = "NoChangeToTheCiRoles"
    effect = "Deny"
    actions = [
      "iam:AttachRolePolicy",
      "iam:DeleteRole",
      "iam:DeleteRolePermissionsBoundary",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
    ]
    resources = [local.ci_role_arn]
  }

  statement {
    sid    = "NoChangeToTheCiPoliciesOrTheBoundary"
    effect = "Deny"
    actions = [
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion",
    ]
    resources = [
      "${local.arn}:iam::${local.acct}:policy/${local.p}-github-*",
      local.boundary_arn,
    ]
  }

  statement {
    sid           = "NoRoleOutsideThePrefix"
    effect        = "Deny"
    actions       = ["iam:CreateRole"]
    not_resources = ["${local.arn}:iam::${local.acct}:role/${local.p}-*"]
  }

  statement {
    sid       = "NoRoleWithoutThisBoundary"
    effect    = "Deny"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "NoBoundaryRemoval"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  statement {
    sid       = "KeepSecurityServicesOn"
    effect    = "Deny"
    actions   = local.security_off_actions
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "assetpack: permissions boundary of every role the pack creates (no self-change, no role outside the prefix, security services stay on)."
  policy      = data.aws_iam_policy_document.boundary.json
  tags        = local.tags
}

# =============================================================================
# Deploy role: identity, keys, account settings, Terraform state
# =============================================================================

data "aws_iam_policy_document" "deploy_platform" {
  statement {
    sid    = "PackRoles"
    effect = "Allow"
    actions = [
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:ListRolePolicies",
      "iam:ListRoleTags",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
    ]
    resources = [
      "${local.arn}:iam::${local.acct}:role/${local.p}-*",
    ]
  }

  statement {
    sid       = "CreatePackRolesWithinTheBoundary"
    effect    = "Allow"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    resources = ["${local.arn}:iam::${local.acct}:role/${local.p}-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid     = "AttachOnlyPackPolicies"
    effect  = "Allow"
    actions = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = [
      "${local.arn}:iam::${local.acct}:role/${local.p}-*",
    ]

    condition {
      test     = "ArnLike"
      variable = "iam:PolicyARN"
      values   = local.attachable_policy_arns
    }
  }

  statement {
    sid    = "PackPolicies"
    effect = "Allow"
    actions = [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:DeletePolicyVersion",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:ListPolicyTags",
      "iam:ListPolicyVersions",
      "iam:TagPolicy",
      "iam:UntagPolicy",
    ]
    resources = ["${local.arn}:iam::${local.acct}:policy/${local.p}-*"]
  }

  statement {
    sid    = "GitHubOidcProvider"
    effect = "Allow"
    actions = [
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:GetOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
    ]
    resources = ["${local.arn}:iam::${local.acct}:oidc-provider/${local.oidc_host}"]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    effect    = "Allow"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.arn}:iam::${local.acct}:role/aws-service-role/*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values = [
        "config.amazonaws.com",
        "guardduty.amazonaws.com",
        "inspector2.amazonaws.com",
        "macie.amazonaws.com",
        "malware-protection.guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
      ]
    }
  }

  statement {
    sid    = "ConfigServiceLinkedRole"
    effect = "Allow"
    actions = [
      "iam:DeleteServiceLinkedRole",
      "iam:GetRole",
      "iam:GetServiceLinkedRoleDeletionStatus",
    ]
    resources = [local.config_slr_arn]
  }

  statement {
    sid       = "PassPackRoles"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = ["${local.arn}:iam::${local.acct}:role/${local.p}-*", local.config_slr_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["cloudtrail.amazonaws.com", "config.amazonaws.com", "lambda.amazonaws.com"]
    }
  }

  statement {
    sid    = "AccountSettings"
    effect = "Allow"
    actions = [
      "ec2:DisableEbsEncryptionByDefault",
      "ec2:EnableEbsEncryptionByDefault",
      "ec2:GetEbsEncryptionByDefault",
      "iam:DeleteAccountPasswordPolicy",
      "iam:GetAccountPasswordPolicy",
      "iam:UpdateAccountPasswordPolicy",
      "kms:CreateKey",
      "kms:ListAliases",
      "s3:GetAccountPublicAccessBlock",
      "s3:ListAllMyBuckets",
      "s3:PutAccountPublicAccessBlock",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "AlternateContact"
    effect = "Allow"
    actions = [
      "account:DeleteAlternateContact",
      "account:GetAlternateContact",
      "account:PutAlternateContact",
    ]
    resources = ["${local.arn}:account::${local.acct}:account"]
  }

  statement {
    sid    = "PackKeys"
    effect = "Allow"
    actions = [
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = [
      "${local.arn}:kms:*:${local.acct}:key/*",
      "${local.arn}:kms:*:${local.acct}:alias/${local.p}-*",
    ]
  }

  dynamic "statement" {
    for_each = var.state_bucket_name == null ? [] : [1]
    content {
      sid       = "TerraformStateList"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = ["${local.arn}:s3:::${var.state_bucket_name}"]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["${var.state_key_prefix}*"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.state_bucket_name == null ? [] : [1]
    content {
      sid       = "TerraformStateObjects"
      effect    = "Allow"
      actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      resources = ["${local.arn}:s3:::${var.state_bucket_name}/${var.state_key_prefix}*"]
    }
  }
}

# =============================================================================
# Deploy role: storage, messaging, parameters, budgets, groups, logs
# =============================================================================

data "aws_iam_policy_document" "deploy_services" {
  statement {
    sid    = "PackBuckets"
    effect = "Allow"
    actions = [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:DeleteBucketPolicy",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketLocation",
      "s3:GetBucketLogging",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketOwnershipControls",
      "s3:GetBucketPolicy",
      "s3:GetBucketPublicAccessBlock",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketTagging",
      "s3:GetBucketVersioning",
      "s3:GetBucketWebsite",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:ListBucket",
      "s3:PutBucketLogging",
      "s3:PutBucketOwnershipControls",
      "s3:PutBucketPolicy",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketTagging",
      "s3:PutBucketVersioning",
      "s3:PutEncryptionConfiguration",
      "s3:PutLifecycleConfiguration",
    ]
    resources = ["${local.arn}:s3:::${local.p}-*"]
  }

  statement {
    sid    = "PackQueues"
    effect = "Allow"
    actions = [
      "sqs:CreateQueue",
      "sqs:DeleteQueue",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ListQueueTags",
      "sqs:SetQueueAttributes",
      "sqs:TagQueue",
      "sqs:UntagQueue",
    ]
    resources = ["${local.arn}:sqs:*:${local.acct}:${local.p}-*"]
  }

  statement {
    sid    = "PackTopics"
    effect = "Allow"
    actions = [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:GetSubscriptionAttributes",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
      "sns:SetSubscriptionAttributes",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
      "sns:TagResource",
      "sns:Unsubscribe",
      "sns:UntagResource",
    ]
    resources = ["${local.arn}:sns:*:${local.acct}:${local.p}-*"]
  }

  statement {
    sid    = "PackParameters"
    effect = "Allow"
    actions = [
      "ssm:AddTagsToResource",
      "ssm:DeleteParameter",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:ListTagsForResource",
      "ssm:PutParameter",
      "ssm:RemoveTagsFromResource",
    ]
    resources = ["${local.arn}:ssm:*:${local.acct}:parameter/${local.p}/*"]
  }

  statement {
    sid       = "DescribeParameters"
    effect    = "Allow"
    actions   = ["ssm:DescribeParameters"]
    resources = ["*"]
  }

  statement {
    sid    = "MailerIdentity"
    effect = "Allow"
    actions = [
      "ses:CreateEmailIdentity",
      "ses:DeleteEmailIdentity",
      "ses:GetEmailIdentity",
      "ses:ListTagsForResource",
      "ses:TagResource",
      "ses:UntagResource",
    ]
    resources = ["${local.arn}:ses:*:${local.acct}:identity/*"]
  }

  statement {
    sid    = "PackBudgets"
    effect = "Allow"
    actions = [
      "budgets:ListTagsForResource",
      "budgets:ModifyBudget",
      "budgets:TagResource",
      "budgets:UntagResource",
      "budgets:ViewBudget",
    ]
    resources = ["${local.arn}:budgets::${local.acct}:budget/${local.p}-*"]
  }

  statement {
    sid    = "PackResourceGroups"
    effect = "Allow"
    actions = [
      "resource-groups:CreateGroup",
      "resource-groups:DeleteGroup",
      "resource-groups:GetGroup",
      "resource-groups:GetGroupConfiguration",
      "resource-groups:GetGroupQuery",
      "resource-groups:GetTags",
      "resource-groups:Tag",
      "resource-groups:Untag",
      "resource-groups:UpdateGroup",
      "resource-groups:UpdateGroupQuery",
    ]
    resources = ["${local.arn}:resource-groups:*:${local.acct}:group/${local.p}-*"]
  }

  statement {
    sid    = "PackLogGroups"
    effect = "Allow"
    actions = [
      "logs:AssociateKmsKey",
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:DeleteRetentionPolicy",
      "logs:DisassociateKmsKey",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
      "logs:PutRetentionPolicy",
      "logs:TagLogGroup",
      "logs:TagResource",
      "logs:UntagLogGroup",
      "logs:UntagResource",
    ]
    resources = local.log_group_arns
  }

  statement {
    sid       = "DescribeLogGroups"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }
}

# =============================================================================
# Deploy role: security services, trail, Config, EventBridge, Lambda
# =============================================================================

data "aws_iam_policy_document" "deploy_security" {
  statement {
    sid    = "SecurityServices"
    effect = "Allow"
    actions = [
      "config:DeleteConfigRule",
      "config:DescribeConfigRules",
      "config:DescribeConfigurationRecorderStatus",
      "config:DescribeConfigurationRecorders",
      "config:DescribeDeliveryChannels",
      "config:ListTagsForResource",
      "config:PutConfigRule",
      "config:PutConfigurationRecorder",
      "config:PutDeliveryChannel",
      "config:StartConfigurationRecorder",
      "config:TagResource",
      "config:UntagResource",
      "guardduty:CreateDetector",
      "guardduty:GetDetector",
      "guardduty:ListDetectors",
      "guardduty:ListTagsForResource",
      "guardduty:TagResource",
      "guardduty:UntagResource",
      "guardduty:UpdateDetector",
      "inspector2:BatchGetAccountStatus",
      "inspector2:Enable",
      "macie2:EnableMacie",
      "macie2:GetMacieSession",
      "macie2:UpdateMacieSession",
      "securityhub:BatchEnableStandards",
      "securityhub:CreateActionTarget",
      "securityhub:DeleteActionTarget",
      "securityhub:DescribeActionTargets",
      "securityhub:DescribeHub",
      "securityhub:DescribeStandards",
      "securityhub:EnableSecurityHub",
      "securityhub:GetEnabledStandards",
      "securityhub:ListTagsForResource",
      "securityhub:TagResource",
      "securityhub:UntagResource",
      "securityhub:UpdateSecurityHubConfiguration",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "PackTrail"
    effect = "Allow"
    actions = [
      "cloudtrail:AddTags",
      "cloudtrail:CreateTrail",
      "cloudtrail:GetEventSelectors",
      "cloudtrail:GetInsightSelectors",
      "cloudtrail:GetTrail",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:ListTags",
      "cloudtrail:PutEventSelectors",
      "cloudtrail:RemoveTags",
      "cloudtrail:StartLogging",
      "cloudtrail:UpdateTrail",
    ]
    resources = ["${local.arn}:cloudtrail:*:${local.acct}:trail/${local.p}-*"]
  }

  statement {
    sid       = "DescribeTrails"
    effect    = "Allow"
    actions   = ["cloudtrail:DescribeTrails"]
    resources = ["*"]
  }

  statement {
    sid    = "PackRules"
    effect = "Allow"
    actions = [
      "events:DeleteRule",
      "events:DescribeRule",
      "events:DisableRule",
      "events:EnableRule",
      "events:ListTagsForResource",
      "events:ListTargetsByRule",
      "events:PutRule",
      "events:PutTargets",
      "events:RemoveTargets",
      "events:TagResource",
      "events:UntagResource",
    ]
    resources = local.rule_arns
  }

  statement {
    sid    = "PackFunctions"
    effect = "Allow"
    actions = [
      "lambda:AddPermission",
      "lambda:CreateAlias",
      "lambda:CreateFunction",
      "lambda:DeleteAlias",
      "lambda:DeleteFunction",
      "lambda:DeleteFunctionConcurrency",
      "lambda:GetAlias",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:GetPolicy",
      "lambda:ListAliases",
      "lambda:ListTags",
      "lambda:ListVersionsByFunction",
      "lambda:PublishVersion",
      "lambda:PutFunctionConcurrency",
      "lambda:RemovePermission",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:UpdateAlias",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
    ]
    resources = local.function_arns
  }

  statement {
    sid       = "ListFunctions"
    effect    = "Allow"
    actions   = ["lambda:ListFunctions"]
    resources = ["*"]
  }
}

locals {
  deploy_documents = {
    platform = data.aws_iam_policy_document.deploy_platform.json
    services = data.aws_iam_policy_document.deploy_services.json
    security = data.aws_iam_policy_document.deploy_security.json
  }
}

resource "aws_iam_policy" "deploy" {
  for_each = local.deploy_documents

  name        = "${local.p}-github-deploy-${each.key}"
  description = "assetpack GitHub deploy role: ${each.key} (scoped to the pack's resource names)."
  policy      = each.value
  tags        = local.tags
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = aws_iam_policy.deploy

  role       = aws_iam_role.deploy.name
  policy_arn = each.value.arn
}

resource "aws_iam_role_policy_attachment" "deploy_extra" {
  for_each = toset(var.deploy_extra_policy_arns)

  role       = aws_iam_role.deploy.name
  policy_arn = each.value
}

# =============================================================================
# Scan role: the pack's derived permissions plus reading Security Hub
# =============================================================================

resource "aws_iam_role_policy_attachment" "scan" {
  for_each = var.scan_policy_arns

  role       = aws_iam_role.scan.name
  policy_arn = each.value
}

data "aws_iam_policy_document" "scan_report" {
  statement {
    sid    = "FindingsAndReport"
    effect = "Allow"
    actions = [
      "securityhub:BatchImportFindings",
      "securityhub:BatchUpdateFindings",
      "securityhub:DescribeHub",
      "securityhub:GetFindings",
    ]
    resources = ["*"]
  }

  # c7n-org (`assetpack org run`) assumes the member accounts' scan roles.
  statement {
    sid       = "ChainIntoMemberScanRoles"
    effect    = "Allow"
    actions   = ["sts:AssumeRole"]
    resources = ["${local.arn}:iam::*:role/${var.member_scan_role_name}"]
  }
}

resource "aws_iam_role_policy" "scan_report" {
  name   = "findings-and-report"
  role   = aws_iam_role.scan.id
  policy = data.aws_iam_policy_document.scan_report.json
}

# =============================================================================
# Plan role: read-only
# =============================================================================

resource "aws_iam_role_policy_attachment" "plan" {
  for_each = toset(local.plan_policy_arns)

  role       = aws_iam_role.plan.name
  policy_arn = each.value
}
