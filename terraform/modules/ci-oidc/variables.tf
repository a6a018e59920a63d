variable "github_repo" {
  description = "The GitHub repository (owner/name) whose workflows may assume the roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repo))
    error_message = "github_repo must be owner/name, without wildcards."
  }
}

variable "deploy_branch" {
  description = "The only branch whose workflow runs may assume the deploy and scan roles."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]+$", var.deploy_branch))
    error_message = "deploy_branch must be a plain branch name, without wildcards."
  }
}

variable "name_prefix" {
  description = "Prefix of the roles' and policies' names, and of the resources the deploy role may manage (<prefix>-*)."
  type        = string
  default     = "assetpack"
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. Turn off when it already exists (one per account)."
  type        = bool
  default     = true
}

variable "oidc_thumbprints" {
  description = "Thumbprints of GitHub's OIDC endpoint certificates (AWS no longer checks them for GitHub, but older providers require the field)."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
}

variable "scan_policy_arns" {
  description = "Managed policies with the pack's derived permissions (custodian-lambda-role's pack_policy_arns), attached to the scheduled-scan role."
  type        = map(string)
  default     = {}
}

variable "state_bucket_name" {
  description = "S3 bucket holding the Terraform state. Null grants no state access (local state)."
  type        = string
  default     = null
}

variable "state_key_prefix" {
  description = "Key prefix of the state objects (and their .tflock lock files) in state_bucket_name."
  type        = string
  default     = "assetpack/"
}

variable "deploy_extra_policy_arns" {
  description = "Extra managed policies for the deploy role, for resources outside this pack's modules."
  type        = list(string)
  default     = []
}

variable "plan_policy_arns" {
  description = "Managed policies of the pull-request plan role. Null means AWS's ReadOnlyAccess."
  type        = list(string)
  default     = null
}

variable "max_session_duration" {
  description = "Maximum session length of the roles, in seconds."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags for every resource, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}

variable "member_scan_role_name" {
  description = "Role the scheduled scan assumes in member accounts (modules/scan-member; scheduled-scan.yml's SCAN_MEMBER_ROLE_NAME)."
  type        = string
  default     = "assetpack-scan-member"
}
