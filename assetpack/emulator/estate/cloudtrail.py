"""CloudTrail: the account's old audit trail and the organisation-grade twin."""

from __future__ import annotations

import json

ORDER = 20


def build(estate) -> None:
    account = estate.client("sts").get_caller_identity()["Account"]
    s3, trail = estate.client("s3"), estate.client("cloudtrail")
    bucket = f"legacy-cloudtrail-{account}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*"}]}))
    kms = estate.client("kms")
    key = kms.create_key(Description="CloudTrail logs")["KeyMetadata"]["Arn"]
    # What the remediations point trails at (Terraform creates them in real accounts).
    kms.create_alias(AliasName="alias/assetpack-audit", TargetKeyId=key)
    estate.client("logs").create_log_group(logGroupName="/aws/cloudtrail/legacy")
    estate.client("logs").create_log_group(logGroupName="/aws/cloudtrail/assetpack-trail")
    estate.client("iam").create_role(
        RoleName="assetpack-cloudtrail-logs", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "cloudtrail.amazonaws.com"}}]}))
    group_arn = f"arn:aws:logs:{estate.region}:{account}:log-group:/aws/cloudtrail/legacy:*"
    for i in estate.copies():
        sfx = estate.suffix(i)
        old, new = f"legacy-audit-trail{sfx}", f"legacy-org-trail{sfx}"
        old_arn = trail.create_trail(Name=old, S3BucketName=bucket,
                                     IsMultiRegionTrail=False)["TrailARN"]
        new_arn = trail.create_trail(Name=new, S3BucketName=bucket, IsMultiRegionTrail=True,
                           EnableLogFileValidation=True, KmsKeyId=key,
                           CloudWatchLogsLogGroupArn=group_arn,
                           CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/cloudtrail-logs",
                           )["TrailARN"]
        for name in (old, new):
            trail.start_logging(Name=name)
        estate.created += 2
        for policy in ("cloudtrail-log-file-validation", "cloudtrail-kms-encrypted",
                       "cloudtrail-cloudwatch-logs-integrated"):
            estate.expect(policy, violating=[old_arn], compliant=[new_arn])
    estate.created += 4
