terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # aws_guardduty_detector_feature and the Security Hub control finding
      # generator need a 5.x provider newer than 5.0.
      version = ">= 5.40"
    }
  }
}
