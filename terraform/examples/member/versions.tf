terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
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
      "asset:class"       = "identity"
      "asset:environment" = var.environment
      "asset:owner"       = var.owner
      "asset:criticality" = var.criticality
    }
  }
}
