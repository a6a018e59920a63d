variable "path" {
  description = "SSM Parameter Store name of the taxonomy. The auto-tagger and the tag-compliance checks read it from here."
  type        = string
  default     = "/assetpack/taxonomy"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_.\\-/]+$", var.path))
    error_message = "path must be a hierarchical parameter name starting with '/'."
  }
}

variable "taxonomy_file" {
  description = "Path of the taxonomy JSON file. Null means the pack's shipped default, c7n_plugins/data/taxonomy.default.json."
  type        = string
  default     = null
}

variable "description" {
  description = "Description of the parameter."
  type        = string
  default     = "assetpack classification taxonomy (tag keys, classes and rules). Managed by Terraform."
}

variable "tags" {
  description = "Tags for the parameter, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
