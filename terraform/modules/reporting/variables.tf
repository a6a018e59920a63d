variable "name_prefix" {
  description = "Prefix of every resource name; the reports bucket is <prefix>-reports-<account>-<region>, the name the daily-inspection-report policy writes to."
  type        = string
  default     = "assetpack"
}

variable "tags" {
  description = "Tags for every resource (the provider's default_tags add the contract-4 keys)."
  type        = map(string)
  default     = {}
}

variable "report_retention_days" {
  description = "Days the reports bucket keeps snapshots and reports (the trend needs 30)."
  type        = number
  default     = 400

  validation {
    condition     = var.report_retention_days >= 31
    error_message = "Keep at least 31 days: the report's 30-day trend reads them."
  }
}

variable "force_destroy_bucket" {
  description = "Allow terraform destroy to delete a reports bucket that still holds reports."
  type        = bool
  default     = false
}

variable "xray_fixed_rate" {
  description = "Share of requests X-Ray samples beyond the reservoir (0 to 1)."
  type        = number
  default     = 0.05

  validation {
    condition     = var.xray_fixed_rate >= 0 && var.xray_fixed_rate <= 1
    error_message = "xray_fixed_rate is a share between 0 and 1."
  }
}

variable "xray_reservoir_size" {
  description = "Requests per second X-Ray traces before applying the fixed rate."
  type        = number
  default     = 1
}

variable "grafana_authentication_providers" {
  description = "How people sign in to Managed Grafana: AWS_SSO (IAM Identity Center) and/or SAML."
  type        = list(string)
  default     = ["AWS_SSO"]

  validation {
    condition     = length(var.grafana_authentication_providers) > 0 && alltrue([for p in var.grafana_authentication_providers : contains(["AWS_SSO", "SAML"], p)])
    error_message = "grafana_authentication_providers must list AWS_SSO and/or SAML."
  }
}

variable "grafana_token_seconds" {
  description = "Lifetime of the token Terraform provisions dashboards with (at most 30 days)."
  type        = number
  default     = 3600

  validation {
    condition     = var.grafana_token_seconds > 0 && var.grafana_token_seconds <= 2592000
    error_message = "grafana_token_seconds must be between 1 and 2592000 (30 days)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the module's roles (ci-oidc's permissions_boundary_arn): the CI deploy role may create or change a role only with it."
  type        = string
  default     = null
}
