output "dashboard_urls" {
  description = "Path of each provisioned dashboard in Grafana, by file name."
  value       = { for name, d in grafana_dashboard.this : name => d.url }
}

output "cloudwatch_data_source_uid" {
  description = "UID of the CloudWatch data source the dashboards select."
  value       = grafana_data_source.cloudwatch.uid
}
