"""Route 53: the public zones of the legacy site, one of them logging its queries."""

from __future__ import annotations

ORDER = 30
# moto checks the log group against its first page of log groups only, so at large
# scales the extra copies are left without query logging (they just violate).
LOGGED_COPIES = 10


def build(estate) -> None:
    r53, logs = estate.client("route53"), estate.client("logs")
    account = estate.client("sts").get_caller_identity()["Account"]
    for i in estate.copies():
        sfx = estate.suffix(i)
        zones = {}
        for name in (f"legacy-shop{sfx}.example.com", f"legacy-www{sfx}.example.com"):
            zones[name] = r53.create_hosted_zone(
                Name=name, CallerReference=name)["HostedZone"]["Id"]
        logged = f"legacy-www{sfx}.example.com"
        if i >= LOGGED_COPIES:
            estate.created += 2
            continue
        group = f"/aws/route53/{logged}"
        logs.create_log_group(logGroupName=group)
        r53.create_query_logging_config(
            HostedZoneId=zones[logged].split("/")[-1],
            CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{account}:log-group:{group}:*")
        estate.created += 2
        estate.expect("route53-public-zone-query-logging",
                      violating=[zones[f"legacy-shop{sfx}.example.com"]],
                      compliant=[zones[logged]])
