output "role_arn" {
  description = "ARN of the role; give it to `assetpack deploy` and to the mailer configuration."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "pack_policy_arns" {
  description = "The managed policies holding the pack's derived permissions, by chunk key. Attach them to any other principal that runs the pack (e.g. the scheduled-scan role)."
  value       = { for k, p in aws_iam_policy.pack : k => p.arn }
}

output "runtime_policy_arn" {
  description = "The managed policy with the functions' runtime permissions."
  value       = aws_iam_policy.runtime.arn
}

output "pack_action_count" {
  description = "How many distinct actions the role's derived documents grant."
  value       = length(distinct(flatten([for d in values(jsondecode(var.policy_documents_json)) : [for s in d.Statement : flatten([s.Action])]])))
}
