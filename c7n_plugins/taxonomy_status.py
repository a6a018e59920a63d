"""What the pack does when the taxonomy cannot be read (contract 4, revised).

- Classifying code (auto-tagging, backfill) carries on with the shipped default
  taxonomy, so who created a resource is never lost to a configuration error:
  :func:`taxonomy_or_default`.
- Checking code (tag compliance) must not judge against a taxonomy it could not
  read: :func:`require_taxonomy` raises, the policy fails and its findings stay.
- Either way one HIGH finding on the SSM parameter says the taxonomy is
  unavailable; the first successful read in a process resolves it.
"""

from __future__ import annotations

import logging
import os

from c7n_plugins.findings import TAXONOMY_ALERT, Control, FindingBuilder, FindingStore
from c7n_plugins.taxonomy import DEFAULT_PATH, PATH_ENV, Taxonomy, TaxonomyError, load_taxonomy

log = logging.getLogger("assetpack.taxonomy")
# (account, region, path) whose alert this process has already resolved or found absent.
_CLEARED: set[tuple[str, str, str]] = set()


def _alert_finding(account: str, region: str, path: str, error: str) -> dict:
    control = Control(
        policy=TAXONOMY_ALERT, title="Asset taxonomy unavailable: new resources are "
        "classified with the shipped default taxonomy", description=error[:1000],
        severity="HIGH", category="tagging", security_control_id=None,
        related_requirements=(), recommendation=f"Fix the SSM parameter {path} so it "
        "validates against c7n_plugins/data/taxonomy.schema.json.")
    arn = f"arn:aws:ssm:{region}:{account}:parameter{path}"
    return FindingBuilder(control, account, region).build(
        {"Type": "AwsSsmParameter", "Id": arn, "Region": region}, {})


def _report(session, account: str, region: str, path: str, error: TaxonomyError | None) -> None:
    key = (account, region, path)
    if error is None and key in _CLEARED:
        return
    finding = _alert_finding(account, region, path, str(error or "available"))
    try:
        store = FindingStore(session.client("securityhub", region_name=region), account, region)
        store.reconcile_resource([finding] if error else [], finding["Id"], exists=True)
    except Exception as err:  # noqa: BLE001 - the log line carries the alert too
        log.error("could not update the taxonomy alert in Security Hub: %s", err)
        return
    if error:
        _CLEARED.discard(key)
    else:
        _CLEARED.add(key)


def _load(session, account: str, region: str, path: str | None) -> Taxonomy:
    path = path or os.environ.get(PATH_ENV) or DEFAULT_PATH
    try:
        taxonomy = load_taxonomy(session, path)
    except TaxonomyError as err:
        _report(session, account, region, path, err)
        raise
    _report(session, account, region, path, None)
    return taxonomy


def taxonomy_or_default(session, account: str, region: str, path: str | None = None
                        ) -> tuple[Taxonomy, TaxonomyError | None]:
    """The taxonomy, or the shipped default and the reason it was not read."""
    try:
        return _load(session, account, region, path), None
    except TaxonomyError as err:
        log.error("taxonomy unavailable, classifying with the shipped default: %s", err)
        return Taxonomy.default(), err


def require_taxonomy(session, account: str, region: str, path: str | None = None) -> Taxonomy:
    """The taxonomy; raises :class:`TaxonomyError` (after the alert) when unreadable."""
    return _load(session, account, region, path)
