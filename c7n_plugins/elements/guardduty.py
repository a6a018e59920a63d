"""``guardduty-detector``: is GuardDuty (and which of its protection plans) on.

Custodian's account filter ``guard-duty`` evaluates its attribute filters on
``None`` when the Region has no detector at all, and ``Detector.Status: ENABLED``
then *matches*: wrapped in ``not`` to find accounts without GuardDuty, it misses
exactly the commonest case (never enabled). It also cannot check one protection
plan among the detector's ``Features`` list without JMESPath gymnastics.
"""

from __future__ import annotations

from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

ANNOTATION = "c7n:GuardDutyDetector"


@registry.filter("guardduty-detector", ("aws.account",))
class GuardDutyDetector(Filter):
    """Match accounts whose Region has no enabled GuardDuty detector, or whose
    detector lacks one of the named protection plans (``features``).

    With ``state: true`` it matches the opposite: accounts where GuardDuty and
    every named feature are enabled. The detector (status and features) is
    annotated on the account as ``c7n:GuardDutyDetector``.

    :example:

    .. code-block:: yaml

        policies:
          - name: guardduty-rds-protection-enabled
            resource: aws.account
            metadata:
              category: compliance
              severity: high
              controls: [FSBP/GuardDuty.9]
              source: https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-9
              remediation: manual
              description: GuardDuty RDS Protection should be enabled.
            filters:
              - type: guardduty-detector
                features: [RDS_LOGIN_EVENTS]
    """

    schema = type_schema(
        "guardduty-detector",
        features={"type": "array", "items": {"type": "string"}},
        state={"type": "boolean"},
    )
    permissions = ("guardduty:ListDetectors", "guardduty:GetDetector")

    def _detector(self, client) -> dict | None:
        ids = client.list_detectors().get("DetectorIds") or []
        if not ids:
            return None
        detector = client.get_detector(DetectorId=ids[0])
        detector.pop("ResponseMetadata", None)
        detector["DetectorId"] = ids[0]
        return detector

    def _compliant(self, detector: dict | None) -> bool:
        if not detector or detector.get("Status") != "ENABLED":
            return False
        enabled = {f.get("Name") for f in detector.get("Features") or []
                   if f.get("Status") == "ENABLED"}
        return set(self.data.get("features") or ()) <= enabled

    def process(self, resources, event=None):
        client = local_session(self.manager.session_factory).client(
            "guardduty", region_name=self.manager.config.region)
        detector = self._detector(client)
        wanted = self.data.get("state", False)
        out = []
        for r in resources:
            r[ANNOTATION] = detector
            if self._compliant(detector) == wanted:
                out.append(r)
        return out
