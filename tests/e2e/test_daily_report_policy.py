"""The daily report as deployed: the reporting policy runs the report code the way
its Lambda does (plugins only, no Jinja2) and leaves the snapshot, report.json and
the mailer's messages where they belong."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from c7n.config import Config
from c7n.mu import PolicyLambda
from c7n.policy import PolicyCollection

import c7n_plugins
from assetpack import pack
from c7n_plugins.report import messages
from tests.e2e.test_report import ACCOUNT, seed

pytestmark = pytest.mark.e2e
POLICY = next(p for p in pack.load() if p.name == "daily-inspection-report")
BUCKET = f"assetpack-reports-{ACCOUNT}-us-east-1"


def _policy(output_dir, data=None):
    c7n_plugins.load()
    config = Config.empty(region="us-east-1", account_id=ACCOUNT, output_dir=str(output_dir))
    (policy,) = PolicyCollection.from_data({"policies": [data or pack.scan_form(POLICY.data)]},
                                           config)
    policy.validate()
    return policy


def test_reporting_policy_is_not_a_check_and_posts_no_finding():
    assert not POLICY.is_check
    actions = [a["type"] for a in pack.deploy_form(POLICY.data)["actions"]]
    assert actions == ["daily-report"]


def test_lambda_archive_carries_the_report_code_and_no_renderer(tmp_path):
    archive = PolicyLambda(_policy(tmp_path, pack.deploy_form(POLICY.data))).get_archive()
    names = set(archive.get_filenames())
    assert {"c7n_plugins/report/data.py", "c7n_plugins/report/messages.py",
            "c7n_plugins/elements/daily_report.py", "c7n_plugins/data/prices.json"} <= names
    assert not any(n.startswith(("jinja2/", "assetpack/")) for n in names)
    with zipfile.ZipFile(archive.path) as zf:
        assert json.loads(zf.read("config.json"))["policies"][0]["mode"]["type"] == "periodic"


def test_report_code_imports_nothing_the_lambda_lacks():
    blocked = ("jinja2", "yaml", "jsonschema", "markupsafe", "slack_sdk", "assetpack")
    code = ("import sys\n"
            f"for m in {blocked!r}: sys.modules[m] = None\n"
            "import c7n_plugins.report.data, c7n_plugins.report.messages\n"
            "import c7n_plugins.report.history, c7n_plugins.elements.daily_report\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_policy_keeps_snapshot_and_json_and_queues_messages(aws, tmp_path):
    seed(aws, tmp_path / "journal", tmp_path / "unused")
    aws.client("s3").create_bucket(Bucket=BUCKET)
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="assetpack-notify")["QueueUrl"]
    _policy(tmp_path)()
    keys = [o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(k.startswith("reports/history/") and k.endswith(".json") for k in keys)
    (report_key,) = [k for k in keys if k.endswith("/report.json")]
    body = aws.client("s3").get_object(Bucket=BUCKET, Key=report_key)["Body"].read()
    report = json.loads(body)
    assert report["headline"]["open"] == 6
    assert any("journal" in e for e in report["errors"])  # no ASSETPACK_JOURNAL: said so
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    decoded = [messages.decode(m["Body"]) for m in got]
    digests = sorted(d["action"]["to"][0] for d in decoded
                     if d["action"]["template"] == "daily-digest")
    assert digests == ["data-team", "default", "web-team"]  # the untagged volume: default
    (report_msg,) = [d for d in decoded if d["action"]["template"] == "daily-report"]
    assert report_msg["action"]["to"] == ["security-channel"]
    assert report_msg["assetpack"]["html"] is None  # rendered by the mailer, not in Lambda
    cw = aws.client("cloudwatch")
    listed = cw.list_metrics(Namespace="assetpack")["Metrics"]
    severities = {d["Value"] for m in listed if m["MetricName"] == "OpenFindings"
                  for d in m["Dimensions"] if d["Name"] == "Severity"}
    assert severities == {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}
    assert {m["MetricName"] for m in listed} == {"OpenFindings", "NewFindings",
                                                  "ResolvedFindings", "FixedAutomatically",
                                                  "NeedsHuman", "WasteMonthlyUSD"}


def test_lambda_report_renders_where_jinja2_is(aws, tmp_path):
    from assetpack.cli.main import main

    seed(aws, tmp_path / "journal", tmp_path / "unused")
    aws.client("s3").create_bucket(Bucket=BUCKET)
    aws.client("sqs").create_queue(QueueName="assetpack-notify")
    _policy(tmp_path)()
    keys = [o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    (key,) = [k for k in keys if k.endswith("/report.json")]
    out = tmp_path / "rendered"
    assert main(["report", "--from", f"s3://{BUCKET}/{key}", "-o", str(out), "--lang", "ko"]) == 0
    html = (out / "report.html").read_text()
    assert "일일 점검 보고서" in html and html.count("class='bar'") == 5 + 5 + 6
    assert main(["report", "--from", str(tmp_path / "nope.json"), "-o", str(out)]) == 1
