"""Load balancers: the legacy ALB (old defaults), its rebuilt twin and an admin ALB;
the Classic Load Balancer from 2015 (one zone, plain HTTP, old defaults) and its twin.
"""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

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


def _classic(estate, name, subnets, listener, attrs=None):
    clb = estate.client("elb")
    clb.create_load_balancer(LoadBalancerName=name, Listeners=[listener], Subnets=subnets,
                             SecurityGroups=estate.shared.get("web_sgs", [])[:1],
                             Tags=tag_list({"Name": name}))
    if attrs:
        clb.modify_load_balancer_attributes(LoadBalancerName=name, LoadBalancerAttributes=attrs)
    estate.created += 1
    return name


def _classics(estate, sfx: str) -> None:
    public = estate.shared["public_subnets"]
    cert = estate.client("acm").request_certificate(
        DomainName="www.legacy.example.com")["CertificateArn"]
    old = _classic(estate, f"legacy-classic-elb{sfx}", public[:1], {
        "Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
        "InstancePort": 80}, attrs={"AdditionalAttributes": [
            {"Key": "elb.http.desyncmitigationmode", "Value": "monitor"}]})
    new = _classic(estate, f"legacy-classic-elb-v2{sfx}", public, {
        "Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
        "InstancePort": 80, "SSLCertificateId": cert}, attrs={
        "ConnectionDraining": {"Enabled": True, "Timeout": 300},
        "CrossZoneLoadBalancing": {"Enabled": True},
        "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode",
                                  "Value": "defensive"}]})
    # The partner endpoint still serves a certificate uploaded to IAM in 2016.
    from assetpack.emulator.estate.acm import _self_signed
    body, key = _self_signed("partner.legacy.example.com", 2048, 365)
    iam_cert = estate.client("iam").upload_server_certificate(
        ServerCertificateName=f"legacy-partner-cert{sfx}", CertificateBody=body.decode(),
        PrivateKey=key.decode())["ServerCertificateMetadata"]["Arn"]
    partner = _classic(estate, f"legacy-partner-elb{sfx}", public, {
        "Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
        "InstancePort": 80, "SSLCertificateId": iam_cert})
    estate.expect("clb-https-listeners-use-acm", violating=[partner], compliant=[new, old])
    # The emulator's tagging API does not list Classic Load Balancers, so no protected one.
    for policy in ("clb-connection-draining-enabled", "clb-cross-zone-load-balancing",
                   "clb-desync-mitigation-defensive", "clb-multiple-availability-zones",
                   "clb-listeners-https-or-tls"):
        estate.expect(policy, violating=[old], compliant=[new])


def _log_bucket(estate) -> None:
    """The bucket the access-logging check's remediation points ALBs at."""
    account = estate.client("sts").get_caller_identity()["Account"]
    bucket = f"{account}-{estate.region}-elb-logs"
    s3 = estate.client("s3")
    s3.create_bucket(Bucket=bucket, **({} if estate.region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": estate.region}}))
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ElbLogDelivery", "Effect": "Allow",
         "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/alb/AWSLogs/{account}/*"}]}))
    estate.created += 1


def build(estate) -> None:
    _log_bucket(estate)
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
        estate.expect("alb-access-logging-enabled", violating=[old], compliant=[new],
                      protected=[admin])
        estate.expect("alb-http-redirects-to-https", violating=[old], compliant=[new])
        estate.expect("elbv2-multiple-availability-zones", violating=[single], compliant=[new])
        _classics(estate, sfx)
