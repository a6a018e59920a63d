"""IAM behaviour moto 5.2 gets wrong, corrected in the emulator only.

moto dates every credential report 2015-02-02, so Custodian finds it stale,
asks for a new one and sleeps before every credential check. The emulator
reports the time the report was generated, as AWS does.
"""

from __future__ import annotations

from datetime import UTC, datetime


def install() -> None:
    from moto.iam.responses import IamResponse

    original = IamResponse.get_credential_report

    def get_credential_report(self):
        result = original(self)
        result.result["GeneratedTime"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return result

    IamResponse.get_credential_report = get_credential_report
