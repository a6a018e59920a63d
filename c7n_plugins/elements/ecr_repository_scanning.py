"""``image-scanning`` and ``scan-in-registry``: ECR image scanning as AWS now defines it.

Scanning is configured at the registry (basic scan on push, or Amazon Inspector's
enhanced continuous scanning, each for repositories matching filters); the
repository's own ``scanOnPush`` flag is deprecated and ignored once the registry is
configured. Custodian's ``set-scanning`` sets that flag, and a value filter on it
reports repositories the registry already scans.
"""

from __future__ import annotations

from c7n.actions import Action
from c7n.filters import Filter
from c7n.utils import chunks, local_session, type_schema

from c7n_plugins import registry

SCANNED = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
# A registry scanning rule holds at most 100 repository filters (ECR API reference,
# RegistryScanningRule); past that, one "*" filter scans every repository.
MAX_FILTERS = 100
EVERY_REPOSITORY = {"filter": "*", "filterType": "WILDCARD"}


@registry.filter("image-scanning", ("aws.ecr",))
class ImageScanning(Filter):
    """Repositories whose effective scan frequency is (``state: true``) or is not
    (``state: false``) scan on push or continuous, as
    ``BatchGetRepositoryScanningConfiguration`` reports it (25 repositories a call).

    :example:

    .. code-block:: yaml

        policies:
          - name: ecr-repository-scan-on-push
            resource: aws.ecr
            metadata:
              category: compliance
              severity: high
              controls: [FSBP/ECR.1]
              source: ecr-private-image-scanning-enabled
              remediation: manual
              description: ECR private repositories should have image scanning configured.
            filters:
              - type: image-scanning
                state: false
    """

    schema = type_schema("image-scanning", state={"type": "boolean"})
    permissions = ("ecr:BatchGetRepositoryScanningConfiguration",)
    annotation = "c7n:ScanFrequency"

    def process(self, resources, event=None):
        client = local_session(self.manager.session_factory).client("ecr")
        by_name = {r["repositoryName"]: r for r in resources}
        for names in chunks(list(by_name), 25):
            configs = client.batch_get_repository_scanning_configuration(
                repositoryNames=names)["scanningConfigurations"]
            for c in configs:
                scanned = c.get("scanFrequency") in SCANNED or c.get("scanOnPush", False)
                by_name[c["repositoryName"]][self.annotation] = (
                    c.get("scanFrequency") if scanned else "MANUAL")
        wanted = self.data.get("state", True)
        return [r for r in resources
                if (r.get(self.annotation, "MANUAL") in SCANNED) == wanted]


@registry.action("scan-in-registry", ("aws.ecr",))
class ScanInRegistry(Action):
    """Add the repositories to the registry's scanning rules, as filters of the rule
    that scans on push (basic scanning) or continuously (enhanced scanning).

    Additive: existing rules and filters stay; when the rule would hold more than the
    100 filters AWS allows, its filters become the single ``*`` that matches every
    repository (scanning more, never less). Journaled and undone with the registry's
    whole configuration. Not the deprecated repository flag that ``set-scanning`` sets.

    :example:

    .. code-block:: yaml

        policies:
          - name: ecr-repository-scan-on-push
            resource: aws.ecr
            metadata:
              category: compliance
              severity: high
              controls: [FSBP/ECR.1]
              source: ecr-private-image-scanning-enabled
              remediation: auto
              description: ECR private repositories should have image scanning configured.
            filters:
              - type: image-scanning
                state: false
            actions:
              - type: scan-in-registry
    """

    schema = type_schema("scan-in-registry")
    permissions = ("ecr:GetRegistryScanningConfiguration", "ecr:PutRegistryScanningConfiguration")

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("ecr")
        config = client.get_registry_scanning_configuration().get("scanningConfiguration", {})
        scan_type = config.get("scanType", "BASIC")
        frequency = "CONTINUOUS_SCAN" if scan_type == "ENHANCED" else "SCAN_ON_PUSH"
        rules = config.get("rules", [])
        rule = next((r for r in rules if r["scanFrequency"] == frequency), None)
        if rule is None:
            rule = {"scanFrequency": frequency, "repositoryFilters": []}
            rules.append(rule)
        present = {f["filter"] for f in rule["repositoryFilters"]}
        if "*" in present:
            return  # the rule already scans every repository
        added = [{"filter": name, "filterType": "WILDCARD"}
                 for name in dict.fromkeys(r["repositoryName"] for r in resources)
                 if name not in present]
        if len(rule["repositoryFilters"]) + len(added) > MAX_FILTERS:
            rule["repositoryFilters"] = [dict(EVERY_REPOSITORY)]
        else:
            rule["repositoryFilters"].extend(added)
        client.put_registry_scanning_configuration(scanType=scan_type, rules=rules)
