variable "name_prefix" {
  description = "Prefix of every resource name. EventBridge rules named <prefix>-* in this account and region may send to the queue and the topic."
  type        = string
  default     = "assetpack"
}

variable "message_retention_seconds" {
  description = "How long the notification queue keeps an undelivered message."
  type        = number
  default     = 345600 # 4 days
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the notification queue; at least the mailer function's timeout."
  type        = number
  default     = 300
}

variable "max_receive_count" {
  description = "Deliveries a message gets before it moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message."
  type        = number
  default     = 1209600 # 14 days, SQS's maximum
}

variable "alert_email_addresses" {
  description = "E-mail addresses subscribed to the alert topic (each must confirm the subscription) and, unless budget_email_addresses is set, to the budget alerts."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_email_addresses must be e-mail addresses."
  }
}

variable "ses_identity" {
  description = "Optional SES identity (an e-mail address or a domain) the mailer sends from. Null when the mailer uses SMTP."
  type        = string
  default     = null
}

variable "budgets" {
  description = "Cost budgets by name: limit in USD, period, and the percentages of actual and forecast spend that alert."
  type = map(object({
    limit_amount        = number
    time_unit           = optional(string, "MONTHLY")
    thresholds          = optional(list(number), [50, 80, 100])
    forecast_thresholds = optional(list(number), [100])
  }))
  default = {}

  validation {
    condition     = alltrue([for b in values(var.budgets) : b.limit_amount > 0 && contains(["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"], b.time_unit)])
    error_message = "Each budget needs a positive limit_amount and a time_unit of DAILY, MONTHLY, QUARTERLY or ANNUALLY."
  }
}

variable "budget_email_addresses" {
  description = "E-mail subscribers of the budget alerts (at most 10). Empty means alert_email_addresses."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.budget_email_addresses) <= 10
    error_message = "AWS Budgets allows at most 10 e-mail subscribers per notification."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the notification key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
