variable "region" {
  description = "Region of the provider (IAM is global)."
  type        = string
  default     = "ap-northeast-2"
}

variable "environment" {
  description = "Value of the asset:environment tag on the role."
  type        = string
  default     = "prod"
}

variable "owner" {
  description = "Value of the asset:owner tag on the role."
  type        = string
  default     = "platform-team"
}

variable "criticality" {
  description = "Value of the asset:criticality tag on the role."
  type        = string
  default     = "high"
}

variable "hub_scan_role_arn" {
  description = "The hub account's scan role: terraform output github_scan_role_arn of examples/complete."
  type        = string
}

variable "member_role_name" {
  description = "Name of the role (scheduled-scan.yml's vars.SCAN_MEMBER_ROLE_NAME)."
  type        = string
  default     = "assetpack-scan-member"
}
