# The pack's AWS plumbing, end to end, in one account and region.
#
# Bootstrap: the first apply runs with an administrator's credentials (the CI
# roles do not exist yet); from then on deploy.yml applies through OIDC.

locals {
  # Written by `make generated` (`assetpack permissions --write`); CI fails when stale.
  detect_permissions     = file("${path.root}/../../generated/detect-permissions.json")
  remediate_permissions  = file("${path.root}/../../generated/remediate-permissions.json")
  automation_permissions = file("${path.root}/../../generated/automation-permissions.json")
  taxonomy_file          = "${path.root}/../../../c7n_plugins/data/taxonomy.default.json"
}

module "notifications" {
  source = "../../modules/notifications"

  name_prefix           = var.name_prefix
  alert_email_addresses = var.alert_email_addresses
  ses_identity          = var.ses_identity

  budgets = {
    monthly = {
      limit_amount = var.monthly_budget_usd
      thresholds   = var.budget_thresholds
    }
  }
}

module "security_baseline" {
  source = "../../modules/security-baseline"

  name_prefix              = var.name_prefix
  findings_queue_arn       = module.notifications.queue_arn
  permissions_boundary_arn = module.ci_oidc.permissions_boundary_arn
  enable_cis               = var.enable_cis
  security_contact         = var.security_contact
  containment_vpc_ids      = var.containment_vpc_ids
  automation_policy_json   = local.automation_permissions
}

module "taxonomy" {
  source = "../../modules/taxonomy"

  path          = "/${var.name_prefix}/taxonomy"
  taxonomy_file = local.taxonomy_file
}

module "resource_groups" {
  source = "../../modules/resource-groups"

  name_prefix  = var.name_prefix
  environments = var.environments
}

# Two execution roles (`assetpack deploy` picks one per policy): detect for the
# policies that change nothing, remediate for the others.
module "custodian_role" {
  source = "../../modules/custodian-lambda-role"

  permissions_boundary_arn = module.ci_oidc.permissions_boundary_arn

  name                    = "${var.name_prefix}-custodian"
  policy_documents_json   = local.detect_permissions
  notification_queue_arns = [module.notifications.queue_arn]
  kms_key_arns            = [module.notifications.kms_key_arn]
  ses_identity_arns       = module.notifications.ses_identity_arns
  taxonomy_parameter_arns = [module.taxonomy.arn]
  data_bucket_arns        = [module.reporting.reports_bucket_arn, module.security_baseline.journal_bucket_arn]
}

module "remediation_role" {
  source = "../../modules/custodian-lambda-role"

  permissions_boundary_arn = module.ci_oidc.permissions_boundary_arn

  name                    = "${var.name_prefix}-custodian-remediate"
  policy_documents_json   = local.remediate_permissions
  notification_queue_arns = [module.notifications.queue_arn]
  kms_key_arns            = [module.notifications.kms_key_arn]
  taxonomy_parameter_arns = [module.taxonomy.arn]
}

module "ci_oidc" {
  source = "../../modules/ci-oidc"

  github_repo          = var.github_repo
  name_prefix          = var.name_prefix
  create_oidc_provider = var.create_oidc_provider
  state_bucket_name    = var.tf_state_bucket
}

module "reporting" {
  source = "../../modules/reporting"

  name_prefix              = var.name_prefix
  permissions_boundary_arn = module.ci_oidc.permissions_boundary_arn
}

# Dashboards as code (dashboards/*.json) in the Managed Grafana workspace above.
module "dashboards" {
  source = "../../modules/dashboards"

  name_prefix    = var.name_prefix
  region         = var.region
  dashboards_dir = "${path.root}/../../../dashboards"
}

# The scheduled scan reaches every account, this one included, through the same
# member role (c7n-org assumes it); the hub's scan role itself only reads findings
# for the report and chains into these roles.
module "scan_member" {
  source = "../../modules/scan-member"

  hub_scan_role_arn        = module.ci_oidc.scan_role_arn
  detect_documents_json    = local.detect_permissions
  remediate_documents_json = local.remediate_permissions
  permissions_boundary_arn = module.ci_oidc.permissions_boundary_arn
}
