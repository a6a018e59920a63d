# A member account of a multi-account scan: only the role the hub's scheduled scan
# chains into. Apply it with the member account's administrator credentials.

locals {
  generated = "${path.root}/../../generated"
}

module "scan_member" {
  source = "../../modules/scan-member"

  name                     = var.member_role_name
  hub_scan_role_arn        = var.hub_scan_role_arn
  detect_documents_json    = file("${local.generated}/detect-permissions.json")
  remediate_documents_json = file("${local.generated}/remediate-permissions.json")
}
