output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = local.oidc_provider_arn
}

output "deploy_role_arn" {
  description = "Role for deploy.yml (secret AWS_DEPLOY_ROLE_ARN): runs on pushes to the deploy branch only."
  value       = aws_iam_role.deploy.arn
}

output "scan_role_arn" {
  description = "Role for scheduled-scan.yml (secret AWS_SCAN_ROLE_ARN): runs on the deploy branch only."
  value       = aws_iam_role.scan.arn
}

output "plan_role_arn" {
  description = "Read-only role for pull requests (variable AWS_PLAN_ROLE_ARN)."
  value       = aws_iam_role.plan.arn
}

output "permissions_boundary_arn" {
  description = "The permissions boundary every role of the pack must carry (the deploy role can create or change a role only with it)."
  value       = aws_iam_policy.boundary.arn
}
