# The dashboards of dashboards/*.json in a Grafana (Amazon Managed Grafana from
# ../reporting, or any Grafana), with the CloudWatch data source they query. The
# caller configures the grafana provider (url and token).

resource "grafana_data_source" "cloudwatch" {
  type = "cloudwatch"
  name = "${var.name_prefix}-cloudwatch"

  json_data_encoded = jsonencode({
    defaultRegion = var.region
    authType      = "ec2_iam_role" # the workspace's own role: read-only metrics
  })
}

resource "grafana_folder" "this" {
  title = var.folder_title
}

resource "grafana_dashboard" "this" {
  for_each = fileset(var.dashboards_dir, "*.json")

  folder      = grafana_folder.this.uid
  config_json = file("${var.dashboards_dir}/${each.value}")
  overwrite   = true
}
