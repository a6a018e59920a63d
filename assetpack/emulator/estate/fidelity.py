"""Twins for what a check could mean wrongly: for each control, a resource the
control fails and a look-alike it passes (a bucket public through its policy, and
one whose policy is tied to a CloudFront distribution; a launch configuration with
a hop limit of 3, and one with metadata turned off; ...).

Built last: it reads what the other parts created (VPC, subnets, web ACLs, load
balancers, the image).
"""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

ORDER = 90
BLOCK_ALL = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                               "RestrictPublicBuckets")}


def _policy(bucket: str, statement: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        **statement}]})


def _buckets(estate, sfx: str) -> None:
    s3 = estate.client("s3")
    account = estate.client("sts").get_caller_identity()["Account"]
    download, upload, cdn, blocked = (f"legacy-download-site{sfx}", f"legacy-upload-drop{sfx}",
                                      f"legacy-cdn-origin{sfx}", f"legacy-blocked-site{sfx}")
    for name in (download, upload, cdn, blocked):
        s3.create_bucket(Bucket=name)
        s3.delete_public_access_block(Bucket=name)
    # Public through the policy (the usual case), not the ACL.
    s3.put_bucket_policy(Bucket=download, Policy=_policy(download, {
        "Principal": "*", "Action": "s3:GetObject"}))
    s3.put_bucket_policy(Bucket=upload, Policy=_policy(upload, {
        "Principal": {"AWS": "*"}, "Action": ["s3:Put*"]}))
    # Look-alikes: "*" tied to one CloudFront distribution; a public policy that
    # Block Public Access overrides.
    s3.put_bucket_policy(Bucket=cdn, Policy=_policy(cdn, {
        "Principal": "*", "Action": "s3:GetObject", "Condition": {"StringEquals": {
            "aws:SourceArn": f"arn:aws:cloudfront::{account}:distribution/E2LEGACY"}}}))
    s3.put_bucket_policy(Bucket=blocked, Policy=_policy(blocked, {
        "Principal": "*", "Action": "s3:*"}))
    s3.put_public_access_block(Bucket=blocked, PublicAccessBlockConfiguration=BLOCK_ALL)
    estate.created += 4
    estate.expect("s3-bucket-no-public-read", violating=[download], compliant=[cdn, blocked])
    estate.expect("s3-bucket-no-public-write", violating=[upload],
                  compliant=[download, cdn, blocked])

    # TLS-only policies in the spellings AWS accepts, and encryption with DSSE-KMS.
    star, boolean = f"legacy-tls-star{sfx}", f"legacy-tls-bool{sfx}"
    for name, action, value in ((star, "*", "false"), (boolean, "s3:*", False)):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": action,
                           "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                           "Condition": {"Bool": {"aws:SecureTransport": value}}}]}))
    s3.put_bucket_encryption(Bucket=star, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse"}}]})
    s3.put_bucket_encryption(Bucket=boolean, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    estate.created += 2
    # The download site's policy allows reads but denies nothing over plain HTTP.
    estate.expect("s3-bucket-requires-ssl", violating=[download], compliant=[star, boolean])
    estate.expect("s3-bucket-kms-encrypted", violating=[boolean], compliant=[star])

    # MFA delete: a versioned bucket without it, and one with lifecycle rules (MFA
    # delete cannot be used with them: the control skips it). moto does not keep
    # MFADelete, so the bucket with it on is the placebo flight's twin.
    plain, aged = f"legacy-records{sfx}", f"legacy-records-aged{sfx}"
    for name in (plain, aged):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=aged, LifecycleConfiguration={"Rules": [{
        "ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})
    estate.created += 2
    estate.expect("s3-bucket-mfa-delete", violating=[plain], compliant=[aged])

    # Access points: one opened up at creation, one with AWS's default (all blocked).
    control = estate.client("s3control")
    open_ap, closed_ap = f"legacy-partner-ap{sfx}", f"legacy-internal-ap{sfx}"
    control.create_access_point(AccountId=account, Name=open_ap, Bucket=plain,
                                PublicAccessBlockConfiguration={k: False for k in BLOCK_ALL})
    control.create_access_point(AccountId=account, Name=closed_ap, Bucket=plain,
                                PublicAccessBlockConfiguration=BLOCK_ALL)
    estate.created += 2
    estate.expect("s3-access-point-public-access-blocked", violating=[open_ap],
                  compliant=[closed_ap])


def _launch_configs(estate, sfx: str) -> None:
    asg, ec2 = estate.client("autoscaling"), estate.client("ec2")
    image = estate.shared.get("image_id", "ami-0a1b2c3d4e5f60718")
    bastion, batch, nometa = (f"legacy-bastion-lc{sfx}", f"legacy-batch-lc{sfx}",
                              f"legacy-nometa-lc{sfx}")
    asg.create_launch_configuration(
        LaunchConfigurationName=bastion, ImageId=image, InstanceType="t3.micro",
        AssociatePublicIpAddress=True,
        MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 3,
                         "HttpEndpoint": "enabled"})
    asg.create_launch_configuration(
        LaunchConfigurationName=batch, ImageId=image, InstanceType="t3.micro",
        AssociatePublicIpAddress=False,
        MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 1,
                         "HttpEndpoint": "enabled"})
    asg.create_launch_configuration(
        LaunchConfigurationName=nometa, ImageId=image, InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "disabled"})
    estate.created += 3
    estate.expect("asg-launch-config-imdsv2", violating=[bastion], compliant=[batch, nometa])
    estate.expect("asg-launch-config-hop-limit", violating=[bastion], compliant=[batch, nometa])
    estate.expect("asg-launch-config-no-public-ip", violating=[bastion],
                  compliant=[batch, nometa])

    private = estate.shared["private_subnets"]
    lt = ec2.create_launch_template(
        LaunchTemplateName=f"legacy-batch-lt{sfx}",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})["LaunchTemplate"]
    mixed = {"LaunchTemplate": {
        "LaunchTemplateSpecification": {"LaunchTemplateId": lt["LaunchTemplateId"],
                                        "Version": "$Default"},
        "Overrides": [{"InstanceType": "t3.micro"}, {"InstanceType": "t3a.micro"}]}}
    spread, one_zone = f"legacy-batch-fleet{sfx}", f"legacy-batch-fleet-1az{sfx}"
    for name, subnets in ((spread, private), (one_zone, private[:1])):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=2, DesiredCapacity=0,
            MixedInstancesPolicy=mixed, VPCZoneIdentifier=",".join(subnets))
    estate.created += 3
    estate.expect("asg-multiple-instance-types", violating=[one_zone, f"legacy-web-fleet-v2{sfx}"],
                  compliant=[spread])


def _rds(estate, sfx: str) -> None:
    rds = estate.client("rds")
    name = f"legacy-classic-db{sfx}"
    rds.create_db_instance(DBInstanceIdentifier=name, Engine="mysql", DBInstanceClass="db.t3.micro",
                           MasterUsername="legacyadmin", MasterUserPassword="Legacy-Passw0rd!",
                           AllocatedStorage=20, Tags=tag_list({"Name": name}))
    in_vpc = [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]
              if d.get("DBSubnetGroup")]
    estate.created += 1
    estate.expect("rds-instance-in-vpc", violating=[name], compliant=in_vpc[:1])

    topic = estate.client("sns").create_topic(Name=f"legacy-db-events{sfx}")["TopicArn"]
    subs = {("db-parameter-group", f"legacy-pg-failures{sfx}"): ["failure"],
            ("db-parameter-group", f"legacy-pg-changes{sfx}"): ["configuration change"],
            ("db-security-group", f"legacy-sg-changes{sfx}"): ["configuration change"],
            ("db-security-group", f"legacy-sg-ops{sfx}"): ["configuration change", "failure"]}
    for (source, sub), categories in subs.items():
        rds.create_event_subscription(SubscriptionName=sub, SnsTopicArn=topic,
                                      SourceType=source, EventCategories=categories,
                                      Enabled=True)
    estate.created += len(subs) + 1
    estate.expect("rds-parameter-group-event-subscription",
                  violating=[f"legacy-pg-failures{sfx}"], compliant=[f"legacy-pg-changes{sfx}"])
    estate.expect("rds-security-group-event-subscription",
                  violating=[f"legacy-sg-changes{sfx}"], compliant=[f"legacy-sg-ops{sfx}"])


def _trails(estate, sfx: str) -> None:
    s3, trail = estate.client("s3"), estate.client("cloudtrail")
    account = estate.client("sts").get_caller_identity()["Account"]
    public, logged = f"legacy-trail-public{sfx}-{account}", f"legacy-trail-logged{sfx}-{account}"
    for name in (public, logged):
        s3.create_bucket(Bucket=name)
    s3.delete_public_access_block(Bucket=public)
    s3.put_bucket_acl(Bucket=public, ACL="public-read")
    s3.put_public_access_block(Bucket=logged, PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": f"{account}-{estate.region}-s3-logs", "TargetPrefix": f"{logged}/"}})
    bad = trail.create_trail(Name=f"legacy-shared-trail{sfx}", S3BucketName=public)["TrailARN"]
    good = trail.create_trail(Name=f"legacy-sealed-trail{sfx}", S3BucketName=logged)["TrailARN"]
    estate.created += 4
    estate.expect("cloudtrail-bucket-not-public", violating=[bad], compliant=[good])
    estate.expect("cloudtrail-bucket-access-logging", violating=[bad], compliant=[good])


def _network(estate, sfx: str) -> None:
    ec2 = estate.client("ec2")
    with_ep = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    without = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=with_ep, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_vpc_endpoint(VpcId=with_ep, VpcEndpointType="Interface", SubnetIds=[subnet],
                            ServiceName=f"com.amazonaws.{estate.region}.ec2")
    # Look-alike: an endpoint, but for another service.
    ec2.create_vpc_endpoint(VpcId=without, VpcEndpointType="Gateway",
                            ServiceName=f"com.amazonaws.{estate.region}.s3")
    estate.created += 4
    estate.expect("vpc-ec2-endpoint", violating=[without], compliant=[with_ep])

    # EC2.18 judges TCP and UDP ports; ICMP (ping) open to the world is not its concern.
    def group(name: str, permission: dict) -> str:
        gid = ec2.create_security_group(GroupName=name, Description=name,
                                        VpcId=with_ep)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[{
            **permission, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        return gid

    ping = group(f"legacy-ping{sfx}", {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1})
    quic = group(f"legacy-quic{sfx}", {"IpProtocol": "udp", "FromPort": 443, "ToPort": 443})
    https = group(f"legacy-https{sfx}", {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443})
    estate.created += 3
    estate.expect("security-group-public-only-authorized-ports", violating=[quic],
                  compliant=[ping, https])


def _waf(estate) -> None:
    waf, elb = estate.client("wafv2"), estate.client("elbv2")
    acls = {a["Name"]: a["ARN"] for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"]}
    albs = {lb["LoadBalancerName"]: lb["LoadBalancerArn"]
            for lb in elb.describe_load_balancers()["LoadBalancers"]
            if lb.get("Type") == "application"}
    if "legacy-web-acl-v2" not in acls or len(albs) < 2:
        return
    protected, *others = sorted(albs)
    waf.associate_web_acl(WebACLArn=acls["legacy-web-acl-v2"], ResourceArn=albs[protected])
    estate.expect("alb-waf-enabled", violating=[albs[n] for n in others],
                  compliant=[albs[protected]])


def _identity(estate, sfx: str) -> None:
    iam = estate.client("iam")

    def doc(statement: dict) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Resource": "*", **statement}]})

    # Admin behind a condition is still admin; a permissions boundary grants nothing.
    conditional = iam.create_policy(PolicyName=f"legacy-mfa-admin{sfx}", PolicyDocument=doc({
        "Action": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}))["Policy"]
    boundary = iam.create_policy(PolicyName=f"legacy-dev-boundary{sfx}",
                                 PolicyDocument=doc({"Action": "*"}))["Policy"]
    iam.create_user(UserName=f"legacy-contractor{sfx}",
                    PermissionsBoundary=boundary["Arn"])
    # moto does not count boundary uses (PermissionsBoundaryUsageCount): the boundary
    # twin is the placebo flight tests/placebo/data/iam-policy-no-full-admin-boundary.
    estate.expect("iam-policy-no-full-admin", violating=[conditional["PolicyId"]])
    # KMS.2 covers groups' inline policies too.
    wide, narrow = f"legacy-analysts{sfx}", f"legacy-auditors{sfx}"
    for group in (wide, narrow):
        iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=wide, PolicyName="decrypt", PolicyDocument=doc({
        "Action": ["kms:Decrypt"]}))
    iam.put_group_policy(GroupName=narrow, PolicyName="decrypt", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "kms:Decrypt",
            "Resource": "arn:aws:kms:us-east-1:123456789012:key/legacy-reports"}]}))
    estate.created += 5
    estate.expect("iam-group-inline-no-kms-decrypt-all-keys", violating=[wide], compliant=[narrow])


def _aurora(estate, sfx: str) -> None:
    rds = estate.client("rds")
    default, custom = f"legacy-quotes-cluster{sfx}", f"legacy-ledger-cluster{sfx}"
    for name, port in ((default, 3306), (custom, 13306)):
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql", Port=port,
                              MasterUsername="quotes_dba", MasterUserPassword="Legacy-Passw0rd!",
                              StorageEncrypted=True)
    estate.expect("rds-cluster-non-default-port", violating=[default], compliant=[custom])
    shared, kept = f"legacy-quotes-export{sfx}", f"legacy-quotes-nightly{sfx}"
    for snap in (shared, kept):
        rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=snap,
                                       DBClusterIdentifier=default)
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier=shared,
                                             AttributeName="restore", ValuesToAdd=["all"])
    estate.created += 4
    estate.expect("rds-cluster-snapshot-private", violating=[shared], compliant=[kept])


def _runtimes_and_templates(estate, sfx: str) -> None:
    lam, ec2 = estate.client("lambda"), estate.client("ec2")
    role = estate.client("iam").get_role(RoleName="legacy-lambda-exec")["Role"]["Arn"]
    # nodejs20.x was deprecated after the old deny list was written; python3.13 is supported.
    old, new = f"legacy-pdf-render{sfx}", f"legacy-pdf-render-v2{sfx}"
    for name, runtime in ((old, "nodejs20.x"), (new, "python3.13")):
        lam.create_function(FunctionName=name, Runtime=runtime, Role=role,
                            Handler="index.handler", Code={"ZipFile": b"PK\x05\x06" + bytes(18)})
    estate.expect("lambda-function-supported-runtime", violating=[old], compliant=[new])
    # EC2.25 judges the default version: a public first version superseded by a
    # private default is compliant.
    image = estate.shared.get("image_id", "ami-0a1b2c3d4e5f60718")

    def nic(public: bool) -> dict:
        return {"ImageId": image, "InstanceType": "t3.small", "NetworkInterfaces": [
            {"DeviceIndex": 0, "AssociatePublicIpAddress": public}]}

    fixed = ec2.create_launch_template(LaunchTemplateName=f"legacy-fixed-lt{sfx}",
                                       LaunchTemplateData=nic(True))["LaunchTemplate"]
    ec2.create_launch_template_version(LaunchTemplateId=fixed["LaunchTemplateId"],
                                       LaunchTemplateData=nic(False))
    ec2.modify_launch_template(LaunchTemplateId=fixed["LaunchTemplateId"], DefaultVersion="2")
    # The opposite: a private first version, then a public default.
    broken = ec2.create_launch_template(LaunchTemplateName=f"legacy-broken-lt{sfx}",
                                        LaunchTemplateData=nic(False))["LaunchTemplate"]
    ec2.create_launch_template_version(LaunchTemplateId=broken["LaunchTemplateId"],
                                       LaunchTemplateData=nic(True))
    ec2.modify_launch_template(LaunchTemplateId=broken["LaunchTemplateId"], DefaultVersion="2")
    estate.created += 4
    estate.expect("ec2-launch-template-no-public-ip", violating=[broken["LaunchTemplateId"]],
                  compliant=[fixed["LaunchTemplateId"]])


def _task_revisions(estate, sfx: str) -> None:
    ecs = estate.client("ecs")

    def register(family: str, privileged: bool) -> str:
        return ecs.register_task_definition(family=family, containerDefinitions=[{
            "name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "memory": 256,
            "privileged": privileged, "readonlyRootFilesystem": True,
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/legacy", "awslogs-region": estate.region,
                "awslogs-stream-prefix": family}}}])["taskDefinition"]["taskDefinitionArn"]

    # ECS.4 judges the latest revision: a fixed family's old revision is history.
    fixed_old = register(f"legacy-cron{sfx}", True)
    fixed_new = register(f"legacy-cron{sfx}", False)
    broken_old = register(f"legacy-sidecar{sfx}", False)
    broken_new = register(f"legacy-sidecar{sfx}", True)
    estate.created += 4
    estate.expect("ecs-container-not-privileged", violating=[broken_new],
                  compliant=[fixed_old, fixed_new, broken_old])


def _registry_scanning(estate) -> None:
    # The application repository is scanned through a registry rule (moto ignores the
    # deprecated repository flag in what it reports, as AWS does once rules exist).
    estate.client("ecr").put_registry_scanning_configuration(scanType="BASIC", rules=[{
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [{"filter": "legacy/app", "filterType": "WILDCARD"}]}])


def build(estate) -> None:
    _registry_scanning(estate)
    for i in estate.copies():
        sfx = estate.suffix(i)
        _task_revisions(estate, sfx)
        _identity(estate, sfx)
        _aurora(estate, sfx)
        _runtimes_and_templates(estate, sfx)
        _buckets(estate, sfx)
        _launch_configs(estate, sfx)
        _rds(estate, sfx)
        _trails(estate, sfx)
        _network(estate, sfx)
    _waf(estate)
