output "role_arn" {
  description = "ARN of the member scan role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the member scan role (scheduled-scan.yml's SCAN_MEMBER_ROLE_NAME)."
  value       = aws_iam_role.this.name
}
