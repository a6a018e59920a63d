# Resource Groups over the classification tags (contract 4): one group per asset
# class and one per environment, so that anyone can list "all storage" or "all of
# prod" in the console, in Systems Manager or through the API.

locals {
  tags = merge(var.tags, { "asset:class" = "monitoring" })
}

resource "aws_resourcegroups_group" "class" {
  for_each = toset(var.classes)

  name        = "${var.name_prefix}-class-${each.key}"
  description = "Resources whose asset class tag is ${each.key}"
  tags        = local.tags

  resource_query {
    type = "TAG_FILTERS_1_0"
    query = jsonencode({
      ResourceTypeFilters = var.resource_type_filters
      TagFilters = [{
        Key    = var.class_tag_key
        Values = [each.key]
      }]
    })
  }
}

resource "aws_resourcegroups_group" "environment" {
  for_each = toset(var.environments)

  name        = "${var.name_prefix}-env-${each.key}"
  description = "Resources whose environment tag is ${each.key}"
  tags        = local.tags

  resource_query {
    type = "TAG_FILTERS_1_0"
    query = jsonencode({
      ResourceTypeFilters = var.resource_type_filters
      TagFilters = [{
        Key    = var.environment_tag_key
        Values = [each.key]
      }]
    })
  }
}
