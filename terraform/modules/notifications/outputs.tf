output "queue_url" {
  description = "URL of the c7n-mailer queue: the `queue_url` of the mailer configuration and the `to` queue of the policies' notify actions."
  value       = aws_sqs_queue.mailer.id
}

output "queue_arn" {
  description = "ARN of the c7n-mailer queue; Security Hub findings are forwarded to it."
  value       = aws_sqs_queue.mailer.arn
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "topic_arn" {
  description = "ARN of the alert topic."
  value       = aws_sns_topic.alerts.arn
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts the queues and the topic; senders and the mailer need kms:GenerateDataKey/kms:Decrypt on it."
  value       = aws_kms_key.notifications.arn
}

output "ses_identity_arns" {
  description = "ARN of the SES identity, if one was created (a list of zero or one)."
  value       = aws_sesv2_email_identity.mailer[*].arn
}

output "budget_names" {
  description = "Names of the budgets."
  value       = [for b in aws_budgets_budget.this : b.name]
}

output "dlq_url" {
  description = "URL of the dead-letter queue: where SQS moves a notification the mailer failed to deliver max_receive_count times (inspect it, then redrive it to the queue)."
  value       = aws_sqs_queue.dlq.id
}
