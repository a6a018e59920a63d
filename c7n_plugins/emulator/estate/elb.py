"""Load balancers: the legacy ALB (old defaults), its rebuilt twin and an admin ALB."""

from __future__ import annotations

from c7n_plugins.emulator.estate import tag_list

ORDER = 20
HARDENED = {"routing.http.drop_invalid_header_fields.enabled": "true",
            "deletion_protection.enabled": "true",
            "routing.http.desync_mitigation_mode": "defensive"}


def _alb(estate, elb, name, subnets, tags=None, attrs=None, redirect=False,
         scheme="internet-facing"):
    lb = elb.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Type="application",
                                  SecurityGroups=estate.shared.get("web_sgs", [])[:1],
                                  Tags=tag_list({"Name": name, **(tags or {})}))
    arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    if attrs:
        elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": k, "Value": v} for k, v in attrs.items()])
    tg = elb.create_target_group(Name=f"{name}-tg"[:32], Protocol="HTTP", Port=80,
                                 VpcId=estate.shared["vpc_id"], TargetType="ip")
    tg_arn = tg["TargetGroups"][0]["TargetGroupArn"]
    action = ({"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                      "StatusCode": "HTTP_301"}}
              if redirect else {"Type": "forward", "TargetGroupArn": tg_arn})
    elb.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[action])
    estate.created += 2
    return arn


def build(estate) -> None:
    elb = estate.client("elbv2")
    public = estate.shared["public_subnets"]
    for i in estate.copies():
        sfx = estate.suffix(i)
        old = _alb(estate, elb, f"legacy-web-alb{sfx}", public,
                   attrs={"routing.http.desync_mitigation_mode": "monitor"})
        new = _alb(estate, elb, f"legacy-web-alb-v2{sfx}", public, redirect=True, attrs={
            **HARDENED, "access_logs.s3.enabled": "true",
            "access_logs.s3.bucket": "legacy-elb-access-logs"})
        admin = _alb(estate, elb, f"legacy-admin-alb{sfx}", public,
                     tags={"asset:criticality": "critical"},
                     attrs={"routing.http.desync_mitigation_mode": "monitor"})
        single = _alb(estate, elb, f"legacy-int-alb{sfx}", estate.shared["private_subnets"][:1],
                      scheme="internal", attrs=HARDENED)
        for policy in ("alb-drops-invalid-headers", "alb-deletion-protection-enabled",
                       "alb-desync-mitigation-defensive"):
            estate.expect(policy, violating=[old], compliant=[new], protected=[admin])
        estate.expect("alb-access-logging-enabled", violating=[old], compliant=[new])
        estate.expect("alb-http-redirects-to-https", violating=[old], compliant=[new])
        estate.expect("elbv2-multiple-availability-zones", violating=[single], compliant=[new])
