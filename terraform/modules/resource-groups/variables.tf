variable "name_prefix" {
  description = "Prefix of every group's name."
  type        = string
  default     = "assetpack"
}

variable "classes" {
  description = "Asset classes (values of the class tag) that get a resource group each. Default: the ten classes of the pack's taxonomy."
  type        = list(string)
  default = [
    "compute",
    "container",
    "database",
    "storage",
    "network",
    "serverless",
    "security",
    "identity",
    "messaging",
    "monitoring",
  ]

  validation {
    condition     = length(var.classes) > 0 && alltrue([for c in var.classes : can(regex("^[a-z0-9-]+$", c))])
    error_message = "classes must be a non-empty list of lower-case kebab-case names."
  }
}

variable "environments" {
  description = "Environments (values of the environment tag) that get a resource group each."
  type        = list(string)
  default     = ["prod", "staging", "dev"]

  validation {
    condition     = alltrue([for e in var.environments : can(regex("^[a-z0-9-]+$", e))])
    error_message = "environments must be lower-case kebab-case names."
  }
}

variable "class_tag_key" {
  description = "Tag key holding the asset class."
  type        = string
  default     = "asset:class"
}

variable "environment_tag_key" {
  description = "Tag key holding the environment."
  type        = string
  default     = "asset:environment"
}

variable "resource_type_filters" {
  description = "CloudFormation resource types the groups may contain."
  type        = list(string)
  default     = ["AWS::AllSupported"]
}

variable "tags" {
  description = "Tags for the groups, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
