"""The IAM credential report, waited for as long as AWS takes to write it, no longer.

Custodian's ``credential`` filter (``iam-user`` and ``account``) asks for a new
report when none is fresh and then sleeps a fixed ``report_delay`` (10 s) before
reading it: ten seconds lost when AWS is quicker, a failed check when it is
slower (``ReportInProgress``). ``GenerateCredentialReport`` says where generation
stands (``STARTED``, ``INPROGRESS``, ``COMPLETE``), so this version asks again
with a growing pause until it is complete, up to ``report_delay`` in all when the
policy sets one, else a minute. It replaces ``credential`` on both types, with
the same schema and matching; the parsed report is still shared through
Custodian's cache, once per account and run.
"""

from __future__ import annotations

import datetime
import time

from botocore.exceptions import ClientError
from c7n.resources.iam import CredentialReport, UserCredentialReport
from c7n.utils import local_session

from c7n_plugins import registry

# How long to wait for AWS to finish a report when the policy does not say.
DEFAULT_WAIT = 60.0
FIRST_PAUSE, MAX_PAUSE = 0.2, 5.0
# Codes meaning "no usable report yet": ask for one.
_ABSENT = ("ReportNotPresent", "ReportExpired", "ReportInProgress")


class CredentialReportTimeout(RuntimeError):
    """AWS did not finish the credential report in time."""


def wait_for_report(client, limit: float, sleep=None, clock=None) -> None:
    """Ask AWS to generate the report until it says COMPLETE, pausing 0.2 s, then
    twice as long each time (at most 5 s), for at most ``limit`` seconds."""
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    deadline = clock() + limit
    pause = FIRST_PAUSE
    while client.generate_credential_report().get("State") != "COMPLETE":
        if clock() + pause > deadline:
            raise CredentialReportTimeout(
                f"the IAM credential report was not ready after {limit:g} s")
        sleep(pause)
        pause = min(pause * 2, MAX_PAUSE)


class PolledReport:
    """Mixin: Custodian's report fetch, waiting by polling instead of a fixed sleep."""

    def fetch_credential_report(self):
        client = local_session(self.manager.session_factory).client("iam")
        report = self._current_report(client)
        if report is None:
            if not self.get_value_or_schema_default("report_generate"):
                raise ValueError("Credential Report Not Present")
            wait_for_report(client, float(self.data.get("report_delay", DEFAULT_WAIT)))
            report = client.get_credential_report()
        return report["Content"]

    def _current_report(self, client) -> dict | None:
        """The report AWS has, if it is younger than ``report_max_age``."""
        try:
            report = client.get_credential_report()
        except ClientError as err:
            if err.response["Error"]["Code"] in _ABSENT:
                return None
            raise
        generated = report["GeneratedTime"]
        if generated.tzinfo is None:  # botocore gives UTC; a naive time is UTC too
            generated = generated.replace(tzinfo=datetime.UTC)
        age = (datetime.datetime.now(datetime.UTC) - generated).total_seconds()
        return report if age <= self.get_value_or_schema_default("report_max_age") else None


@registry.filter("credential", ("aws.iam-user",))
class UserCredentialReportPolled(PolledReport, UserCredentialReport):
    """Custodian's ``credential`` filter on IAM users, waiting for a new report only
    as long as AWS takes to write it (see the module's docstring).

    :example:

    .. code-block:: yaml

        policies:
          - name: iam-user-console-without-mfa
            resource: aws.iam-user
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/IAM.5]
              source: mfa-enabled-for-iam-console-access
              remediation: manual
              description: Every IAM user who can sign in to the console must use MFA.
            filters:
              - {type: credential, key: password_enabled, value: true}
              - {type: credential, key: mfa_active, value: false}
    """


@registry.filter("credential", ("aws.account",))
class AccountCredentialReportPolled(PolledReport, CredentialReport):
    """Custodian's ``credential`` filter on the account: the root user's row of the
    report, waiting for a new report only as long as AWS takes to write it.
    (Custodian's own account version lives in ``c7n.resources.account``, which costs a
    Lambda cold start 40 ms to import; this one needs only the IAM module.)

    :example:

    .. code-block:: yaml

        policies:
          - name: iam-root-no-access-keys
            resource: aws.account
            metadata:
              category: compliance
              severity: critical
              controls: [FSBP/IAM.4]
              source: iam-root-access-key-check
              remediation: manual
              description: The account's root user must have no access keys.
            filters:
              - {type: credential, key: access_keys.active, value: true}
    """

    ROOT = "<root_account>"

    def process(self, resources, event=None):
        super().process(resources, event)  # prepares the sub-key matcher
        root = self.get_credential_report().get(self.ROOT)
        matched = [r for r in resources if self.match(r, root)]
        for r in matched:
            r["c7n:credential-report"] = root
        return matched
