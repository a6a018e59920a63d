output "class_group_arns" {
  description = "Resource group ARN per asset class."
  value       = { for k, g in aws_resourcegroups_group.class : k => g.arn }
}

output "environment_group_arns" {
  description = "Resource group ARN per environment."
  value       = { for k, g in aws_resourcegroups_group.environment : k => g.arn }
}

output "group_names" {
  description = "Names of every group this module manages."
  value = concat(
    [for g in aws_resourcegroups_group.class : g.name],
    [for g in aws_resourcegroups_group.environment : g.name],
  )
}
