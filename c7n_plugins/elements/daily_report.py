"""``daily-report``: the daily inspection report's numbers, computed in Lambda.

Runs the same code as ``assetpack report`` (:mod:`c7n_plugins.report`): it reads
Security Hub, the journal (``ASSETPACK_JOURNAL``), AWS Budgets and the tagging
API, keeps the day's snapshot (the trend) and ``report.json`` in the pack's S3
bucket, publishes the snapshot's counts to CloudWatch (the Grafana dashboards) and
queues the report and one digest per route for the mailer.

The HTML is not rendered here: the Lambda runtime has no Jinja2, and a second,
hand-escaped renderer would be a copy of the template that drifts. The report
message carries the numbers; the page is rendered from them where Jinja2 is
installed (the mailer, or ``assetpack report``), by the one template set.
"""

from __future__ import annotations

import json

from c7n.actions import Action
from c7n.exceptions import PolicyValidationError
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.journal import Journal
from c7n_plugins.report import data, messages, metrics
from c7n_plugins.report.history import History


@registry.action("daily-report", ("aws.account",))
class DailyReport(Action):
    """Compute the daily report, keep its snapshot and JSON in S3, queue it for the mailer.

    ``bucket`` and ``queue`` accept ``{account_id}`` and ``{region}``. ``routes``
    names the mailer routes that get their own digest (an owner without one goes
    to ``default``); ``to`` the routes that receive the whole report.

    :example:

    .. code-block:: yaml

        policies:
          - name: daily-inspection-report
            resource: aws.account
            metadata:
              category: reporting
              severity: informational
              remediation: none
              description: The daily inspection report and digests.
            actions:
              - type: daily-report
                bucket: "assetpack-reports-{account_id}-{region}"
                queue: "https://sqs.{region}.amazonaws.com/{account_id}/assetpack-notify"
                to: [security-channel]
                routes: [web-team, data-team]
    """

    schema = type_schema(
        "daily-report",
        required=["bucket"],
        bucket={"type": "string"},
        prefix={"type": "string"},
        since={"type": "string"},
        queue={"type": "string"},
        to={"type": "array", "items": {"type": "string"}},
        routes={"type": "array", "items": {"type": "string"}},
        lang={"enum": ["en", "ko"]},
    )
    # The S3 actions are granted on the reports bucket only (the role module's
    # data_bucket_arns; assetpack.permissions keeps them off "*").
    permissions = ("sts:GetCallerIdentity", "securityhub:GetFindings", "budgets:ViewBudget",
                   "tag:GetResources", "s3:ListBucket", "s3:GetObject", "s3:PutObject",
                   "sqs:GetQueueUrl", "sqs:SendMessage", "cloudwatch:PutMetricData")

    def validate(self):
        try:
            data.parse_since(self.data.get("since", "24h"))
        except ValueError as err:
            raise PolicyValidationError(f"{self.manager.ctx.policy.name}: {err}") from err
        return self

    def _format(self, text: str) -> str:
        return text.format(account_id=self.manager.config.account_id,
                           region=self.manager.config.region)

    def process(self, resources, event=None):
        session = local_session(self.manager.session_factory)
        bucket = self._format(self.data["bucket"])
        prefix = self.data.get("prefix", "reports").strip("/")
        collected = data.collect(session, data.parse_since(self.data.get("since", "24h")),
                                 Journal.from_env(session=session))
        history = History(f"s3://{bucket}/{prefix}/history", session)
        today = collected.now.date().isoformat()
        report = data.build_report(collected, history.load(30, before=today))
        history.save(report["snapshot"])
        metrics.publish(session.client("cloudwatch"), report["snapshot"], collected.account)
        session.client("s3").put_object(
            Bucket=bucket, Key=f"{prefix}/{today}/report.json", ServerSideEncryption="AES256",
            Body=json.dumps(report, default=str, ensure_ascii=False).encode(),
            ContentType="application/json")
        sent = []
        if self.data.get("queue"):
            lang = self.data.get("lang", "en")
            routes = dict.fromkeys(self.data.get("routes", []))
            batch = [messages.report_message(collected, report,
                                             self.data.get("to", [messages.DEFAULT_ROUTE]), lang),
                     *messages.digest_messages(collected, routes, lang)]
            sent = messages.send(session.client("sqs"), self._format(self.data["queue"]), batch)
        return {"report": f"s3://{bucket}/{prefix}/{today}/report.json",
                "open": report["headline"]["open"], "messages": len(sent)}
