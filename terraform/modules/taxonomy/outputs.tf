output "name" {
  description = "Name (path) of the taxonomy parameter."
  value       = aws_ssm_parameter.taxonomy.name
}

output "arn" {
  description = "ARN of the taxonomy parameter; grant ssm:GetParameter on it to the tagger."
  value       = aws_ssm_parameter.taxonomy.arn
}

output "tier" {
  description = "Parameter tier chosen from the taxonomy's size (Standard up to 4 KB, Advanced above)."
  value       = aws_ssm_parameter.taxonomy.tier
}

output "version" {
  description = "Parameter version; it changes whenever the taxonomy does."
  value       = aws_ssm_parameter.taxonomy.version
}
