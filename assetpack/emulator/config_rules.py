"""AWS Config behaviour moto 5.2 lacks, added to the emulator process only.

moto accepts ``PutEvaluations`` only with ``TestMode`` (it has no custom-rule
result tokens), so a ``config-rule`` Lambda, which reports each evaluation as AWS
Config expects, fails there. Here the call is validated as AWS does (evaluations
present, a result token, known compliance types) and the evaluations are kept on
the backend; nothing checks the token against a rule invocation.
"""

from __future__ import annotations

COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")


def install() -> None:
    """Patch moto's Config backend in this process."""
    from moto.config.exceptions import InvalidParameterValueException, InvalidResultTokenException
    from moto.config.models import ConfigBackend

    def put_evaluations(self, evaluations=None, result_token=None, test_mode=False):
        if not evaluations:
            raise InvalidParameterValueException(
                "The Evaluations object in your request cannot be null.")
        if not result_token:
            raise InvalidResultTokenException()
        for evaluation in evaluations:
            if evaluation.get("ComplianceType") not in COMPLIANCE_TYPES:
                raise InvalidParameterValueException(
                    f"ComplianceType {evaluation.get('ComplianceType')!r} is not valid.")
        if not test_mode:
            kept = getattr(self, "assetpack_evaluations", [])
            kept.extend(evaluations)
            self.assetpack_evaluations = kept
        return {"FailedEvaluations": []}

    ConfigBackend.put_evaluations = put_evaluations
