variable "name_prefix" {
  description = "Prefix of every resource name. Keep it equal to the notifications module's so that its queue accepts the findings rule."
  type        = string
  default     = "assetpack"
}

# --- Security Hub ------------------------------------------------------------------

variable "enable_security_hub" {
  description = "Enable Security Hub with consolidated control findings."
  type        = bool
  default     = true
}

variable "enable_fsbp" {
  description = "Subscribe to AWS Foundational Security Best Practices v1.0.0."
  type        = bool
  default     = true
}

variable "enable_cis" {
  description = "Subscribe to the CIS AWS Foundations Benchmark (turn off in regions where cis_version is not offered)."
  type        = bool
  default     = true
}

variable "cis_version" {
  description = "CIS AWS Foundations Benchmark version to subscribe to."
  type        = string
  default     = "5.0.0"

  validation {
    condition     = contains(["1.4.0", "3.0.0", "5.0.0"], var.cis_version)
    error_message = "cis_version must be 1.4.0, 3.0.0 or 5.0.0."
  }
}

# --- GuardDuty ---------------------------------------------------------------------

variable "enable_guardduty" {
  description = "Enable a GuardDuty detector."
  type        = bool
  default     = true
}

variable "guardduty_finding_publishing_frequency" {
  description = "How often GuardDuty publishes updated findings."
  type        = string
  default     = "FIFTEEN_MINUTES"

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_publishing_frequency)
    error_message = "Must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

variable "guardduty_features" {
  description = "GuardDuty protection plans to enable (S3 and RDS protection are FSBP GuardDuty.10 and GuardDuty.9)."
  type        = list(string)
  default     = ["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"]
}

# --- Inspector ---------------------------------------------------------------------

variable "enable_inspector" {
  description = "Enable Amazon Inspector (CVE scanning)."
  type        = bool
  default     = true
}

variable "inspector_resource_types" {
  description = "Resource types Inspector scans."
  type        = list(string)
  default     = ["ECR", "EC2", "LAMBDA"]

  validation {
    condition     = length(var.inspector_resource_types) > 0 && alltrue([for t in var.inspector_resource_types : contains(["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"], t)])
    error_message = "inspector_resource_types must be a non-empty subset of EC2, ECR, LAMBDA, LAMBDA_CODE."
  }
}

# --- threat containment ------------------------------------------------------------

variable "containment_vpc_ids" {
  description = "VPCs where the pack may contain compromised instances: each gets an empty quarantine security group (tag assetpack:purpose = quarantine). Empty: containment is off."
  type        = list(string)
  default     = []
}

# --- AWS Config --------------------------------------------------------------------

variable "enable_config" {
  description = "Enable an AWS Config recorder and delivery channel (there can be only one of each per region)."
  type        = bool
  default     = true
}

variable "config_include_global_resources" {
  description = "Record global resources (IAM). Enable it in one region only."
  type        = bool
  default     = true
}

variable "create_config_service_linked_role" {
  description = "Create AWSServiceRoleForConfig. Turn off when the account already has it."
  type        = bool
  default     = true
}

# --- CloudTrail --------------------------------------------------------------------

variable "enable_cloudtrail" {
  description = "Create a multi-Region CloudTrail trail (needed by the auto-tagger: CloudTrail to EventBridge)."
  type        = bool
  default     = true
}

variable "cloudtrail_is_organization_trail" {
  description = "Make the trail an organization trail (run in the management or delegated administrator account)."
  type        = bool
  default     = false
}

variable "cloudwatch_log_retention_days" {
  description = "Retention of the trail's CloudWatch Logs group."
  type        = number
  default     = 365
}

# --- log storage -------------------------------------------------------------------

variable "log_retention_days" {
  description = "Days before CloudTrail and Config objects expire from the audit bucket."
  type        = number
  default     = 2555 # 7 years
}

variable "access_log_retention_days" {
  description = "Days before server access logs expire from the access-log bucket."
  type        = number
  default     = 365
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced object version is kept."
  type        = number
  default     = 90
}

variable "force_destroy_buckets" {
  description = "Allow Terraform to delete the log buckets with their contents. Keep false outside throw-away accounts."
  type        = bool
  default     = false
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the audit key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30
}

# --- findings forwarding -----------------------------------------------------------

variable "enable_findings_forwarding" {
  description = "Forward Security Hub \"Findings - Imported\" events to findings_queue_arn."
  type        = bool
  default     = true
}

variable "findings_queue_arn" {
  description = "The notification (c7n-mailer) queue that receives Security Hub findings. Its policy must let EventBridge rules named <name_prefix>-* send (the notifications module's does)."
  type        = string
  default     = null
}

variable "findings_severity_labels" {
  description = "Severity labels of the findings that are forwarded."
  type        = list(string)
  default     = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
}

# --- account settings --------------------------------------------------------------

variable "enable_ebs_default_encryption" {
  description = "Turn on EBS encryption by default in the region (FSBP EC2.7)."
  type        = bool
  default     = true
}

variable "enable_account_public_access_block" {
  description = "Turn on S3 Block Public Access for the whole account (FSBP S3.1)."
  type        = bool
  default     = true
}

variable "manage_password_policy" {
  description = "Manage the account's IAM password policy (FSBP IAM.7, IAM.10)."
  type        = bool
  default     = true
}

variable "enable_macie" {
  description = "Enable Amazon Macie (FSBP Macie.1). Off by default: it is billed per bucket and per GB inspected."
  type        = bool
  default     = false
}

variable "security_contact" {
  description = "Security alternate contact of the account (FSBP Account.1). Null leaves it unmanaged."
  type = object({
    name          = string
    title         = string
    email_address = string
    phone_number  = string
  })
  default = null
}

variable "tags" {
  description = "Tags for every resource, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the module's roles (ci-oidc's permissions_boundary_arn): the CI deploy role may create or change a role only with it."
  type        = string
  default     = null
}

# --- Remediation -------------------------------------------------------------------

variable "automation_policy_json" {
  description = "IAM policy of the SSM Automation role: terraform/generated/automation-permissions.json (`make generated`)."
  type        = string
}
