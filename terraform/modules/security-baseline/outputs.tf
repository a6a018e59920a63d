output "audit_bucket_name" {
  description = "Bucket holding CloudTrail (cloudtrail/) and AWS Config (config/) deliveries."
  value       = aws_s3_bucket.audit.id
}

output "audit_bucket_arn" {
  description = "ARN of the audit bucket."
  value       = aws_s3_bucket.audit.arn
}

output "access_logs_bucket_name" {
  description = "Bucket holding the audit bucket's server access logs."
  value       = aws_s3_bucket.access_logs.id
}

output "audit_kms_key_arn" {
  description = "Key encrypting the trail, the Config deliveries and the trail's log group."
  value       = aws_kms_key.audit.arn
}

output "trail_arn" {
  description = "ARN of the multi-Region trail (null when disabled)."
  value       = one(aws_cloudtrail.this[*].arn)
}

output "trail_log_group_name" {
  description = "CloudWatch Logs group the trail delivers to (null when disabled)."
  value       = one(aws_cloudwatch_log_group.trail[*].name)
}

output "config_recorder_name" {
  description = "Name of the AWS Config recorder (null when disabled)."
  value       = one(aws_config_configuration_recorder.this[*].name)
}

output "guardduty_detector_id" {
  description = "GuardDuty detector id (null when disabled)."
  value       = one(aws_guardduty_detector.this[*].id)
}

output "securityhub_enabled" {
  description = "Whether this module enabled Security Hub."
  value       = length(aws_securityhub_account.this) > 0
}

output "findings_rule_arn" {
  description = "EventBridge rule forwarding Security Hub findings to the notification queue (null when disabled)."
  value       = one(aws_cloudwatch_event_rule.findings[*].arn)
}

output "quarantine_security_group_ids" {
  description = "Quarantine security group per VPC where containment is opted in."
  value       = { for vpc, group in aws_security_group.quarantine : vpc => group.id }
}

output "journal_bucket_arn" {
  description = "Bucket of the remediation journal (contract 7)."
  value       = aws_s3_bucket.journal.arn
}

output "journal_location" {
  description = "ASSETPACK_JOURNAL for the Lambdas and `assetpack undo --journal`."
  value       = "s3://${aws_s3_bucket.journal.id}/journal"
}

output "automation_role_arn" {
  description = "Role the pack's SSM Automation runbooks act as (AutomationAssumeRole)."
  value       = aws_iam_role.automation.arn
}

output "sns_kms_key_arn" {
  description = "Key the pack encrypts SNS topics with (alias/<prefix>-sns)."
  value       = aws_kms_key.sns.arn
}
