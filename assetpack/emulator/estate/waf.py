"""WAF: the ALB's old web ACL (a rule without metrics, no logging), an empty ACL
left from a migration, and the rebuilt ACL (metrics on every rule, logged)."""

from __future__ import annotations

from assetpack.emulator.estate import tag_list

ORDER = 25


def _visibility(name: str, metrics: bool) -> dict:
    return {"SampledRequestsEnabled": metrics, "CloudWatchMetricsEnabled": metrics,
            "MetricName": name.replace("-", "")}


def _rule(name: str, metrics: bool) -> dict:
    return {"Name": name, "Priority": 0, "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": {
                "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}},
            "VisibilityConfig": _visibility(name, metrics)}


def build(estate) -> None:
    waf = estate.client("wafv2")
    account = estate.client("sts").get_caller_identity()["Account"]
    group = "aws-waf-logs-legacy"
    estate.client("logs").create_log_group(logGroupName=group)

    def acl(name: str, rules: list[dict]) -> dict:
        return waf.create_web_acl(
            Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules,
            VisibilityConfig=_visibility(name, True),
            Tags=tag_list({"Name": name}))["Summary"]

    for i in estate.copies():
        sfx = estate.suffix(i)
        old = acl(f"legacy-web-acl{sfx}", [_rule("common-rules", False)])
        empty = acl(f"legacy-empty-acl{sfx}", [])
        new = acl(f"legacy-web-acl-v2{sfx}", [_rule("common-rules", True)])
        waf.put_logging_configuration(LoggingConfiguration={
            "ResourceArn": new["ARN"], "LogDestinationConfigs": [
                f"arn:aws:logs:{estate.region}:{account}:log-group:{group}"]})
        estate.created += 3
        estate.expect("wafv2-web-acl-logging-enabled", violating=[old["Id"], empty["Id"]],
                      compliant=[new["Id"]])
        estate.expect("wafv2-web-acl-has-rules", violating=[empty["Id"]],
                      compliant=[old["Id"], new["Id"]])
        estate.expect("wafv2-rules-cloudwatch-metrics", violating=[old["Id"]],
                      compliant=[new["Id"], empty["Id"]])
    estate.created += 1
