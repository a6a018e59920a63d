output "custodian_role_arn" {
  description = "Detect role: the Lambda-mode policies that change nothing, and the mailer (assetpack deploy --role)."
  value       = module.custodian_role.role_arn
}

output "remediation_role_arn" {
  description = "Remediate role: the Lambda-mode policies that change something (assetpack deploy --remediation-role)."
  value       = module.remediation_role.role_arn
}

output "notification_queue_url" {
  description = "c7n-mailer queue URL (mailer queue_url, notify transport)."
  value       = module.notifications.queue_url
}

output "alert_topic_arn" {
  description = "SNS topic for alerts and budget notifications."
  value       = module.notifications.topic_arn
}

output "taxonomy_parameter" {
  description = "SSM parameter holding the taxonomy."
  value       = module.taxonomy.name
}

output "audit_bucket" {
  description = "Bucket with CloudTrail and AWS Config deliveries."
  value       = module.security_baseline.audit_bucket_name
}

output "resource_group_arns" {
  description = "Resource groups per class and per environment."
  value = merge(
    { for k, v in module.resource_groups.class_group_arns : "class/${k}" => v },
    { for k, v in module.resource_groups.environment_group_arns : "env/${k}" => v },
  )
}

output "github_deploy_role_arn" {
  description = "Store as the repository secret AWS_DEPLOY_ROLE_ARN."
  value       = module.ci_oidc.deploy_role_arn
}

output "github_scan_role_arn" {
  description = "Store as the repository secret AWS_SCAN_ROLE_ARN."
  value       = module.ci_oidc.scan_role_arn
}

output "github_plan_role_arn" {
  description = "Store as the repository variable AWS_PLAN_ROLE_ARN."
  value       = module.ci_oidc.plan_role_arn
}

output "reports_bucket" {
  description = "Daily snapshots and reports (assetpack report --history s3://<bucket>/reports/history)."
  value       = module.reporting.reports_bucket_name
}

output "grafana_url" {
  description = "Managed Grafana workspace with the assetpack dashboards."
  value       = "https://${module.reporting.grafana_endpoint}"
}

output "prometheus_remote_write_url" {
  description = "AMP remote-write endpoint for the ADOT collector sidecars."
  value       = module.reporting.prometheus_remote_write_url
}
