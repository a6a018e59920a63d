# The pack's AWS plumbing, end to end, in one account and region.
#
# Bootstrap: the first apply runs with an administrator's credentials (the CI
# roles do not exist yet); from then on deploy.yml applies through OIDC.

locals {
  # Written by `assetpack permissions --format iam-json`; CI fails when stale.
  custodian_permissions  = file("${path.root}/../../generated/custodian-permissions.json")
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

  name_prefix            = var.name_prefix
  findings_queue_arn     = module.notifications.queue_arn
  enable_cis             = var.enable_cis
  security_contact       = var.security_contact
  containment_vpc_ids    = var.containment_vpc_ids
  automation_policy_json = local.automation_permissions
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

module "custodian_role" {
  source = "../../modules/custodian-lambda-role"

  name                    = "${var.name_prefix}-custodian"
  policy_json             = local.custodian_permissions
  notification_queue_arns = [module.notifications.queue_arn]
  kms_key_arns            = [module.notifications.kms_key_arn]
  ses_identity_arns       = module.notifications.ses_identity_arns
  taxonomy_parameter_arns = [module.taxonomy.arn]
  data_bucket_arns        = [module.reporting.reports_bucket_arn, module.security_baseline.journal_bucket_arn]
}

module "ci_oidc" {
  source = "../../modules/ci-oidc"

  github_repo          = var.github_repo
  name_prefix          = var.name_prefix
  create_oidc_provider = var.create_oidc_provider
  custodian_role_arn   = module.custodian_role.role_arn
  scan_policy_arns     = module.custodian_role.pack_policy_arns
  state_bucket_name    = var.tf_state_bucket
}

module "reporting" {
  source = "../../modules/reporting"

  name_prefix = var.name_prefix
}

# Dashboards as code (dashboards/*.json) in the Managed Grafana workspace above.
module "dashboards" {
  source = "../../modules/dashboards"

  name_prefix    = var.name_prefix
  region         = var.region
  dashboards_dir = "${path.root}/../../../dashboards"
}
