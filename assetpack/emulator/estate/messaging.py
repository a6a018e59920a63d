"""Messaging: the legacy system's SNS topics (alerts, orders) and SQS queues."""

from __future__ import annotations

import json

from assetpack.emulator.estate import tag_list

ORDER = 40
CRITICAL = {"asset:criticality": "critical", "asset:class": "messaging"}
FEEDBACK_ROLE = "arn:aws:iam::123456789012:role/sns-delivery-status"


def _public_policy(topic_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "OwnerAll", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sns:*",
         "Resource": topic_arn},
        {"Sid": "AnyonePublish", "Effect": "Allow", "Principal": "*",
         "Action": "sns:Publish", "Resource": topic_arn}]})


def _topics(estate, sns, sfx: str) -> None:
    base = {"asset:class": "messaging"}
    weak = sns.create_topic(Name=f"legacy-alerts{sfx}", Tags=tag_list(base))["TopicArn"]
    hard = sns.create_topic(Name=f"legacy-orders{sfx}", Tags=tag_list(base), Attributes={
        "KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    for attribute in ("SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackRoleArn"):
        sns.set_topic_attributes(TopicArn=hard, AttributeName=attribute,
                                 AttributeValue=FEEDBACK_ROLE)
    crit = sns.create_topic(Name=f"legacy-payment-alarms{sfx}",
                            Tags=tag_list({**base, **CRITICAL}))["TopicArn"]
    for arn in (weak, crit):
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                                 AttributeValue=_public_policy(arn))
    estate.created += 3
    for check in ("sns-topic-encrypted", "sns-topic-not-public"):
        estate.expect(check, violating=[weak], compliant=[hard], protected=[crit])
    # SNS.2 (delivery status logging) is covered by a placebo replay: the emulator
    # drops the *FeedbackRoleArn topic attributes.


def _queues(estate, sqs, sfx: str) -> None:
    base = {"asset:class": "messaging"}
    plain = {"SqsManagedSseEnabled": "false"}
    weak = sqs.create_queue(QueueName=f"legacy-orders{sfx}", Attributes=plain,
                            tags=base)["QueueUrl"]
    hard = sqs.create_queue(QueueName=f"legacy-orders-dlq{sfx}", tags=base)["QueueUrl"]
    crit = sqs.create_queue(QueueName=f"legacy-payments{sfx}", Attributes=plain,
                            tags={**base, **CRITICAL})["QueueUrl"]
    estate.created += 3
    estate.expect("sqs-queue-encrypted", violating=[weak], compliant=[hard], protected=[crit])


def build(estate) -> None:
    sns, sqs = estate.client("sns"), estate.client("sqs")
    for i in estate.copies():
        sfx = estate.suffix(i)
        _topics(estate, sns, sfx)
        _queues(estate, sqs, sfx)
