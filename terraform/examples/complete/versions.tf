terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
    grafana = {
      source  = "grafana/grafana"
      version = ">= 3.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Contract 4: every resource the pack creates carries the classification
  # keys. Modules override asset:class per resource (keys are storage, security,
  # messaging, ...); the default below covers anything they do not.
  default_tags {
    tags = {
      "asset:class"       = "monitoring"
      "asset:environment" = var.environment
      "asset:owner"       = var.owner
      "asset:criticality" = var.criticality
    }
  }
}

# Provisions the dashboards through the workspace's short-lived service-account token.
provider "grafana" {
  url  = "https://${module.reporting.grafana_endpoint}"
  auth = module.reporting.grafana_provisioning_token
}
