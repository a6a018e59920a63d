variable "name" {
  description = "Name of the role; scheduled-scan.yml chains into it (vars.SCAN_MEMBER_ROLE_NAME, default assetpack-scan-member)."
  type        = string
  default     = "assetpack-scan-member"
}

variable "hub_scan_role_arn" {
  description = "The hub account's scan role (ci-oidc's scan_role_arn), the only principal trusted."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.hub_scan_role_arn))
    error_message = "hub_scan_role_arn must be a role ARN."
  }
}

variable "detect_documents_json" {
  description = "terraform/generated/detect-permissions.json (`make generated`)."
  type        = string
}

variable "remediate_documents_json" {
  description = "terraform/generated/remediate-permissions.json (`make generated`)."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "Optional permissions boundary for the role."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the role and its policies, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
