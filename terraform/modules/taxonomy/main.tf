# The classification taxonomy (contract 4) as data in SSM Parameter Store.
#
# The naming convention is the team's to decide, so it lives in a JSON file that
# the auto-tagger reads at run time; changing it is a Terraform change, reviewed
# like any other.

locals {
  taxonomy_file = coalesce(var.taxonomy_file, "${path.module}/../../../c7n_plugins/data/taxonomy.default.json")

  # Drop line breaks and indentation: a raw line break cannot occur inside a
  # JSON string, so this keeps every value and the key order while saving
  # SSM's size budget.
  value = replace(file(local.taxonomy_file), "/\\r?\\n[ \\t]*/", "")

  # SSM's limits are in bytes: 4 KB for the Standard tier, 8 KB for Advanced.
  # Terraform has no byte-length function; base64 gives it exactly.
  value_base64 = base64encode(local.value)
  value_bytes  = length(local.value_base64) / 4 * 3 - length(regexall("=", local.value_base64))
  tier         = local.value_bytes > 4096 ? "Advanced" : "Standard"
}

resource "aws_ssm_parameter" "taxonomy" {
  name        = var.path
  description = var.description
  type        = "String"
  tier        = local.tier
  value       = local.value
  data_type   = "text"
  tags        = merge(var.tags, { "asset:class" = "security" })

  lifecycle {
    precondition {
      condition     = can(jsondecode(local.value))
      error_message = "The taxonomy file is not valid JSON."
    }
    precondition {
      condition     = local.value_bytes <= 8192
      error_message = "The taxonomy is larger than SSM's 8 KB Advanced-tier limit."
    }
  }
}
