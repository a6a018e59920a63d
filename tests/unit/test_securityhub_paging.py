"""The emulator's Security Hub paging, and the finding store's retries."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assetpack.emulator import securityhub
from c7n_plugins.findings import RETRIES, FindingStore


def _findings(n: int) -> list:
    return [SimpleNamespace(id=f"f{i}", data={
        "Id": f"f{i}", "GeneratorId": "even" if i % 2 == 0 else "odd",
        "UpdatedAt": f"2026-01-{1 + i % 28:02d}T00:00:00Z"}) for i in range(n)]


def test_paging_reads_each_finding_once(monkeypatch):
    findings = _findings(1000)
    reads = []
    original = securityhub._matches
    monkeypatch.setattr(securityhub, "_matches", lambda f, flt: reads.append(1) or original(f, flt))
    flt = {"GeneratorId": [{"Value": "even", "Comparison": "EQUALS"}]}
    got, token, pages = [], None, 0
    while True:
        page, token = securityhub.page(findings, flt, 100, token)
        got.extend(page)
        pages += 1
        if not token:
            break
    assert [f["Id"] for f in got] == [f"f{i}" for i in range(0, 1000, 2)]
    assert pages <= 6  # 100 a page (the last may be empty, as AWS allows)
    assert len(reads) == 1000  # linear: every finding read once over all pages


def test_token_is_bound_to_its_filters():
    findings = _findings(300)
    _, token = securityhub.page(findings, {}, 100, None)
    with pytest.raises(ValueError, match="inconsistent"):
        securityhub.page(findings, {"GeneratorId": [{"Value": "odd"}]}, 100, token)


def test_date_filter_keeps_findings_updated_before_end():
    findings = _findings(28)
    flt = {"UpdatedAt": [{"Start": "2000-01-01T00:00:00Z", "End": "2026-01-10T00:00:00Z"}]}
    page, _ = securityhub.page(findings, flt, 100, None)
    assert [f["UpdatedAt"][:10] for f in page] == [f"2026-01-{d:02d}" for d in range(1, 11)]


class _Flaky:
    """Processes each finding only on its second attempt."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def _attempt(self, ids):
        for i in ids:
            self.seen[i] = self.seen.get(i, 0) + 1
        return [i for i in ids if self.seen[i] < 2]

    def batch_import_findings(self, Findings):  # noqa: N803
        failed = self._attempt([f["Id"] for f in Findings])
        return {"SuccessCount": len(Findings) - len(failed), "FailedCount": len(failed),
                "FailedFindings": [{"Id": i, "ErrorCode": "InternalException"} for i in failed]}

    def batch_update_findings(self, FindingIdentifiers, **_):  # noqa: N803
        failed = self._attempt([f["Id"] for f in FindingIdentifiers])
        return {"ProcessedFindings": [], "UnprocessedFindings": [
            {"FindingIdentifier": {"Id": i, "ProductArn": "p"}, "ErrorCode": "Throttled"}
            for i in failed]}


def _finding(i: int) -> dict:
    return {"Id": f"f{i}", "ProductArn": "p", "Resources": [{"Id": "r"}]}


def test_unprocessed_findings_are_retried_with_backoff():
    sleeps: list[float] = []
    store = FindingStore(_Flaky(), "1", "r", sleep=sleeps.append)
    assert store.import_findings([_finding(i) for i in range(150)]) == set()
    assert store.set_workflow([_finding(i) for i in range(200, 203)], "RESOLVED", "n") == 0
    assert store.stats["imported"] == 150 and store.stats["failed"] == 0
    assert sleeps == [0.5, 0.5]


def test_findings_that_keep_failing_are_counted():
    class Never(_Flaky):
        def _attempt(self, ids):
            return list(ids)

    sleeps: list[float] = []
    store = FindingStore(Never(), "1", "r", sleep=sleeps.append)
    assert store.import_findings([_finding(1), _finding(2)]) == {"f1", "f2"}
    assert store.stats["failed"] == 2
    assert sleeps == [0.5, 1.0, 2.0, 4.0][:RETRIES]
    assert store.errors and "f1" in store.errors[0]
