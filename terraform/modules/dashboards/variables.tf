variable "name_prefix" {
  description = "Prefix of the data source's name."
  type        = string
  default     = "assetpack"
}

variable "region" {
  description = "Default region of the CloudWatch data source (where the pack publishes its metrics)."
  type        = string
}

variable "dashboards_dir" {
  description = "Folder of the dashboard JSON files (the repository's dashboards/)."
  type        = string
}

variable "folder_title" {
  description = "Grafana folder the dashboards go in."
  type        = string
  default     = "assetpack"
}
