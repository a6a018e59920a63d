variable "region" {
  description = "AWS region the pack is deployed to."
  type        = string
  default     = "ap-northeast-2"
}

variable "environment" {
  description = "Value of the asset:environment tag on the pack's own resources."
  type        = string
  default     = "prod"
}

variable "owner" {
  description = "Value of the asset:owner tag on the pack's own resources (a team or a mailbox)."
  type        = string
  default     = "platform-team"
}

variable "criticality" {
  description = "Value of the asset:criticality tag on the pack's own resources."
  type        = string
  default     = "high"
}

variable "name_prefix" {
  description = "Prefix of the resources' names; the CI deploy role may manage only resources with this prefix."
  type        = string
  default     = "assetpack"
}

variable "github_repo" {
  description = "GitHub repository (owner/name) of the pack, trusted through OIDC. CI passes it as TF_VAR_github_repo."
  type        = string
}

variable "tf_state_bucket" {
  description = "S3 bucket of the Terraform state, so that the CI roles can read (plan) and write (deploy) it."
  type        = string
  default     = null
}

variable "alert_email_addresses" {
  description = "E-mail addresses for alerts and budget notifications."
  type        = list(string)
  default     = []
}

variable "ses_identity" {
  description = "Optional SES identity (address or domain) the mailer sends from."
  type        = string
  default     = null
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget in USD."
  type        = number
  default     = 1000
}

variable "budget_thresholds" {
  description = "Percentages of the monthly budget (actual spend) that alert."
  type        = list(number)
  default     = [50, 80, 100]
}

variable "environments" {
  description = "Environments that get a resource group."
  type        = list(string)
  default     = ["prod", "staging", "dev"]
}

variable "security_contact" {
  description = "Security alternate contact of the account; null leaves it unmanaged."
  type = object({
    name          = string
    title         = string
    email_address = string
    phone_number  = string
  })
  default = null
}

variable "enable_cis" {
  description = "Subscribe to the CIS AWS Foundations Benchmark v5.0.0 (turn off where the region does not offer it)."
  type        = bool
  default     = true
}

variable "create_oidc_provider" {
  description = "Create the GitHub OIDC provider (off when the account already has one)."
  type        = bool
  default     = true
}

variable "containment_vpc_ids" {
  description = "VPCs where GuardDuty compromise findings may quarantine instances automatically (opt-in; empty: alert only)."
  type        = list(string)
  default     = []
}
