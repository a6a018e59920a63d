output "reports_bucket_name" {
  description = "Bucket of the daily snapshots and reports (assetpack report --history s3://<bucket>/reports/history)."
  value       = aws_s3_bucket.reports.id
}

output "reports_bucket_arn" {
  description = "ARN of the reports bucket."
  value       = aws_s3_bucket.reports.arn
}

output "prometheus_workspace_id" {
  description = "Amazon Managed Prometheus workspace the ADOT collectors remote-write to."
  value       = aws_prometheus_workspace.this.id
}

output "prometheus_remote_write_url" {
  description = "Remote-write endpoint for the collectors' prometheusremotewrite exporter."
  value       = "${aws_prometheus_workspace.this.prometheus_endpoint}api/v1/remote_write"
}

output "xray_sampling_rule_name" {
  description = "X-Ray sampling rule the collectors' traces follow."
  value       = aws_xray_sampling_rule.default.rule_name
}

output "grafana_endpoint" {
  description = "Managed Grafana workspace URL (without scheme)."
  value       = aws_grafana_workspace.this.endpoint
}

output "grafana_provisioning_token" {
  description = "Short-lived token the dashboards module provisions with."
  value       = aws_grafana_workspace_service_account_token.provisioner.key
  sensitive   = true
}
