variable "name" {
  description = "Name of the IAM role the pack's Lambda-mode policies and the mailer run as. Lambda-mode policies refer to it as arn:aws:iam::{account_id}:role/<name>."
  type        = string
  default     = "assetpack-custodian"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "The role name must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_-."
  }
}

variable "path" {
  description = "IAM path of the role and of its managed policies."
  type        = string
  default     = "/"
}

variable "policy_documents_json" {
  description = "The role's managed policies derived from the pack: terraform/generated/<role>-permissions.json (`make generated`), a JSON map of part name to IAM policy document with {partition} and {account_id} placeholders. Never write it by hand."
  type        = string

  validation {
    condition = alltrue([
      for document in values(try(jsondecode(var.policy_documents_json), {})) : can(document.Statement[0])
    ]) && length(try(jsondecode(var.policy_documents_json), {})) > 0
    error_message = "policy_documents_json must map part names to IAM policy documents with a non-empty Statement list."
  }

  validation {
    # Least privilege: the generated documents list exact actions. A bare "*" or a
    # whole-service "svc:*" grant means the generator or a hand edit went wrong.
    condition = alltrue(flatten([
      for document in values(try(jsondecode(var.policy_documents_json), {})) : [
        for s in try(document.Statement, []) : [
          for a in flatten([try(s.Action, [])]) : a != "*" && !endswith(a, ":*")
        ]
      ]
    ]))
    error_message = "policy_documents_json must not allow \"*\" or \"service:*\" actions."
  }
}

variable "max_managed_policies" {
  description = "The account's quota of managed policies per role (IAM default 10, adjustable to 20). Planning fails early when the pack would need more."
  type        = number
  default     = 10
}

variable "permissions_boundary_arn" {
  description = "Optional permissions boundary for the role."
  type        = string
  default     = null
}

variable "notification_queue_arns" {
  description = "SQS queues the policies' notify actions send to and the mailer drains (c7n-mailer)."
  type        = list(string)
  default     = []
}

variable "kms_key_arns" {
  description = "KMS keys that encrypt the notification queue and topic: the role may generate data keys and decrypt with them, and with no other key."
  type        = list(string)
  default     = []
}

variable "ses_identity_arns" {
  description = "SES identities the mailer may send e-mail from. Empty when the mailer uses SMTP."
  type        = list(string)
  default     = []
}

variable "taxonomy_parameter_arns" {
  description = "SSM parameters holding the classification taxonomy that the auto-tagger reads."
  type        = list(string)
  default     = []
}

variable "output_bucket_arns" {
  description = "Optional S3 buckets (ARNs) where the Lambda-mode policies write their run output (Custodian's -s s3://...)."
  type        = list(string)
  default     = []
}

variable "data_bucket_arns" {
  description = "The pack's own S3 buckets (ARNs) the functions read and write: the reports bucket (daily snapshots), the remediation journal."
  type        = list(string)
  default     = []
}

variable "log_group_prefixes" {
  description = "CloudWatch Logs group name prefixes the functions write to. Custodian names its functions custodian-<policy>; the mailer's is cloud-custodian-mailer."
  type        = list(string)
  default     = ["/aws/lambda/custodian-", "/aws/lambda/cloud-custodian-mailer"]
}

variable "tags" {
  description = "Tags for the role and its policies, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
