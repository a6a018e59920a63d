"""Alerting policies end to end: Security Hub import events replayed through the
``hub-finding`` policy put one alert per (finding, state change) on the queue."""

from __future__ import annotations

import pytest

from assetpack.demo import create_notify_queue
from tests.e2e.notify import ACCOUNT, HOSTILE, finding, import_and_replay, queued, replay_stored

pytestmark = pytest.mark.e2e


@pytest.fixture
def hub(aws):
    url = create_notify_queue(aws)
    s3 = aws.client("s3")
    for name, tags in (("crown-jewels", {"asset:criticality": "critical",
                                         "asset:owner": "web-team", "asset:class": "storage",
                                         "asset:environment": "production"}),
                       ("scratch", {"asset:criticality": "low", "asset:owner": "web-team"}),
                       ("orphan", {"asset:criticality": "critical"}),
                       ("known-exception", {"asset:criticality": "critical",
                                            "assetpack:alert-suppress": "public website"})):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [
            {"Key": k, "Value": v} for k, v in tags.items()]})
    return aws, url


def test_new_critical_finding_on_critical_asset_pages_security_and_owner(hub, tmp_path):
    aws, url = hub
    import_and_replay(aws, tmp_path, finding("arn:aws:s3:::crown-jewels", title=HOSTILE))
    (message,) = queued(aws, url)
    (alert,) = message["resources"]
    assert message["action"]["to"] == ["security-page", "resource-owner"]
    assert message["action"]["template"] == "alert"
    assert alert["Classification"] == {"asset:class": "storage", "asset:owner": "web-team",
                                       "asset:criticality": "critical",
                                       "asset:environment": "production"}
    assert alert["Control"] == "S3.8" and alert["Severity"] == "CRITICAL"
    assert alert["Change"] == "new" and alert["PackAction"] == "needs a human"
    assert alert["Title"] == HOSTILE  # escaped at rendering, not here
    assert alert["ConsoleUrl"].startswith("https://console.aws.amazon.com/securityhub/")
    assert "<" not in alert["ConsoleUrl"] and "|" not in alert["ConsoleUrl"]
    stored = aws.client("securityhub").get_findings()["Findings"][0]
    assert stored["UserDefinedFields"]["assetpack:alerted"] == "FAILED|CRITICAL|NEW|ACTIVE"


def test_unchanged_reimport_does_not_alert_again_but_a_change_does(hub, tmp_path):
    aws, url = hub
    f = finding("arn:aws:s3:::crown-jewels", severity="HIGH")
    import_and_replay(aws, tmp_path, f)
    # The echo of our own BatchUpdateFindings, then an unchanged re-import by the product.
    replay_stored(aws, tmp_path, ["f-1"])
    import_and_replay(aws, tmp_path, dict(f, UpdatedAt="2026-12-01T01:00:00Z"))
    assert len(queued(aws, url)) == 1
    # Severity raised: one more alert, marked as a change.
    import_and_replay(aws, tmp_path, dict(f, Severity={"Label": "CRITICAL"}))
    # Acknowledged in the console: no news.
    aws.client("securityhub").batch_update_findings(
        FindingIdentifiers=[{"Id": "f-1", "ProductArn": f["ProductArn"]}],
        Workflow={"Status": "NOTIFIED"})
    replay_stored(aws, tmp_path, ["f-1"])
    # Resolved: one more, so the thread learns it is over; the pack then sets the
    # workflow to RESOLVED too, which is the same news.
    import_and_replay(aws, tmp_path, dict(f, Severity={"Label": "CRITICAL"},
                                          Compliance={"Status": "PASSED"}))
    aws.client("securityhub").batch_update_findings(
        FindingIdentifiers=[{"Id": "f-1", "ProductArn": f["ProductArn"]}],
        Workflow={"Status": "RESOLVED"})
    replay_stored(aws, tmp_path, ["f-1"])
    changes = [m["resources"][0]["Change"] for m in queued(aws, url)]
    assert sorted(changes) == ["changed", "new", "resolved"]


def test_low_medium_exceptions_and_closed_findings_are_not_alerted(hub, tmp_path):
    aws, url = hub
    import_and_replay(
        aws, tmp_path,
        finding("arn:aws:s3:::crown-jewels", severity="MEDIUM", fid="medium"),
        finding("arn:aws:s3:::crown-jewels", severity="LOW", fid="low"),
        finding("arn:aws:s3:::known-exception", fid="suppressed"),
        finding("arn:aws:s3:::crown-jewels", fid="already-passed",
                Compliance={"Status": "PASSED"}))
    assert queued(aws, url) == []


def test_exception_list_in_the_policy(hub, tmp_path, monkeypatch):
    import yaml

    from tests.e2e import notify

    aws, url = hub
    doc = yaml.safe_load(notify.ALERTING[0].read_text())
    doc["policies"][0]["actions"][0]["exceptions"] = [
        {"control": "S3.*", "resource": "arn:aws:s3:::crown-*", "reason": "accepted risk"}]
    custom = tmp_path / "alerting.yml"
    custom.write_text(yaml.safe_dump(doc))
    monkeypatch.setattr(notify, "ALERTING", [custom])
    import_and_replay(aws, tmp_path, finding("arn:aws:s3:::crown-jewels"),
                      finding("arn:aws:s3:::orphan", fid="f-2"))
    (message,) = queued(aws, url)
    assert message["resources"][0]["ResourceId"] == "arn:aws:s3:::orphan"


def test_findings_of_every_product_and_type_alert(hub, tmp_path):
    aws, url = hub
    role = aws.client("iam").create_role(
        RoleName="app", AssumeRolePolicyDocument="{}",
        Tags=[{"Key": "asset:criticality", "Value": "high"},
              {"Key": "asset:owner", "Value": "security@example.com"}])["Role"]["Arn"]
    import_and_replay(
        aws, tmp_path,
        finding(role, severity="HIGH", fid="gd-1", product="GuardDuty",
                resource_type="AwsIamRole", Compliance=None, GeneratorId="arn:aws:guardduty:x",
                ProductArn="arn:aws:securityhub:us-east-1::product/aws/guardduty"),
        finding(f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/web", severity="CRITICAL",
                fid="insp-1", product="Inspector", resource_type="AwsEcrContainerImage",
                ProductArn="arn:aws:securityhub:us-east-1::product/aws/inspector"),
        finding("arn:aws:s3:::orphan", fid="pack-1", product="Default",
                GeneratorId="s3-bucket-public-access-blocked",
                ProductFields={"assetpack/policy": "s3-bucket-public-access-blocked",
                               "assetpack/remediation": "pending"}))
    alerts = {m["resources"][0]["FindingId"]: m for m in queued(aws, url)}
    assert set(alerts) == {"gd-1", "insp-1", "pack-1"}
    gd = alerts["gd-1"]["resources"][0]
    assert gd["Product"] == "GuardDuty" and gd["Classification"]["asset:criticality"] == "high"
    assert gd["Control"] == "Software and Configuration Checks"  # its type: no control id
    assert alerts["gd-1"]["action"]["to"] == ["security-channel", "resource-owner"]
    # An ECR repository nobody tagged: criticality unknown, still alerted.
    assert alerts["insp-1"]["action"]["to"] == ["security-channel", "resource-owner"]
    pack_alert = alerts["pack-1"]["resources"][0]
    assert pack_alert["Product"] == "assetpack" and pack_alert["PackAction"] == "pending"
    # Critical asset, no owner: security is paged; the mailer sends the owner's copy to
    # the default route (see test_mailer).
    assert alerts["pack-1"]["action"]["to"] == ["security-page", "resource-owner"]


def test_account_level_findings_alert_and_unparseable_ids_do_not_stop_the_event(hub, tmp_path):
    aws, url = hub
    root = finding(f"AWS::::Account:{ACCOUNT}", fid="root-mfa", resource_type="AwsAccount",
                   Compliance={"Status": "FAILED", "SecurityControlId": "IAM.6"})
    pack_account = finding(f"arn:::{ACCOUNT}", fid="pack-account", resource_type="Other")
    bucket = finding("arn:aws:s3:::crown-jewels", fid="bucket")
    import_and_replay(aws, tmp_path, root)
    # One event carrying all three, as Security Hub batches them.
    from assetpack.replay import Replayer
    from tests.e2e.notify import ALERTING, REGION

    aws.client("securityhub").batch_import_findings(Findings=[pack_account, bucket])
    event = {"version": "0", "id": "e", "source": "aws.securityhub", "account": ACCOUNT,
             "region": REGION, "detail-type": "Security Hub Findings - Imported",
             "resources": [], "detail": {"findings": [pack_account, bucket]}}
    outcomes = Replayer(tmp_path / "r", REGION, ACCOUNT, ALERTING).replay("batch", event)
    assert [o.error for o in outcomes] == [None]
    alerted = {m["resources"][0]["FindingId"] for m in queued(aws, url)}
    assert alerted == {"root-mfa", "pack-account", "bucket"}


def test_what_the_pack_did_comes_from_the_journal(hub, tmp_path, monkeypatch):
    from c7n_plugins.journal import Entry, Journal

    aws, url = hub
    journal = tmp_path / "journal"
    monkeypatch.setenv("ASSETPACK_JOURNAL", str(journal))
    policy = "s3-bucket-public-access-blocked"
    Journal(str(journal)).write(Entry(policy, "arn:aws:s3:::crown-jewels", "aws.s3",
                                      "set-public-block", {}, {}, status="pending"))
    Journal(str(journal)).write(Entry(policy, "arn:aws:s3:::orphan", "aws.s3",
                                      "set-public-block", {}, {}, status="fixed"))
    fields = {"assetpack/policy": policy}
    import_and_replay(
        aws, tmp_path,
        finding("arn:aws:s3:::crown-jewels", fid="a", GeneratorId=policy, ProductFields=fields),
        finding("arn:aws:s3:::orphan", fid="b", GeneratorId=policy, ProductFields=fields),
        finding("arn:aws:s3:::scratch", fid="c", severity="HIGH", GeneratorId=policy,
                ProductFields=fields))
    did = {m["resources"][0]["FindingId"]: m["resources"][0]["PackAction"]
           for m in queued(aws, url)}
    assert did == {"a": "pending", "b": "fixed", "c": "needs a human"}
