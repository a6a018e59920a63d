output "member_scan_role_arn" {
  description = "The role the hub's scheduled scan assumes in this account."
  value       = module.scan_member.role_arn
}
