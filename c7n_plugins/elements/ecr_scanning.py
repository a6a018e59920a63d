"""ECR registry scanning: enhanced (Amazon Inspector), continuous, for every repository.

FSBP ECR.1 (``ecr-repository-scan-on-push``) looks at each repository's basic
scan-on-push flag; this is the registry-level gate beside it: the private
registry's scanning configuration must be ``ENHANCED`` with a ``CONTINUOUS_SCAN``
rule matching every repository (``*``), so images are re-scanned when a new CVE
is published, not only when pushed. Custodian has no element for the registry
configuration.
"""

from __future__ import annotations

from c7n.actions import Action
from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

ANNOTATION = "c7n:RegistryScanning"
ALL_REPOSITORIES = {"filter": "*", "filterType": "WILDCARD"}


def covers_everything(config: dict) -> bool:
    if config.get("scanType") != "ENHANCED":
        return False
    return any(rule.get("scanFrequency") == "CONTINUOUS_SCAN"
               and ALL_REPOSITORIES in (rule.get("repositoryFilters") or [])
               for rule in config.get("rules") or ())


def _config(manager) -> dict:
    client = local_session(manager.session_factory).client(
        "ecr", region_name=manager.config.region)
    return client.get_registry_scanning_configuration().get("scanningConfiguration") or {}


@registry.filter("ecr-registry-scanning", ("aws.account",))
class RegistryScanning(Filter):
    """Match the account when its ECR registry is not continuously scanned by Inspector
    for every repository (``state: true`` matches when it is).

    :example:

    .. code-block:: yaml

        policies:
          - name: vulnerability-ecr-registry-enhanced-scanning
            resource: aws.account
            metadata:
              category: vulnerability
              severity: high
              remediation: auto
              description: ECR images are continuously scanned for CVEs.
            filters:
              - type: ecr-registry-scanning
            actions:
              - enable-registry-scanning
    """

    schema = type_schema("ecr-registry-scanning", state={"type": "boolean"})
    permissions = ("ecr:GetRegistryScanningConfiguration",)

    def process(self, resources, event=None):
        config = _config(self.manager)
        for r in resources:
            r[ANNOTATION] = config
        return resources if covers_everything(config) == self.data.get("state", False) else []


@registry.action("enable-registry-scanning", ("aws.account",))
class EnableRegistryScanning(Action):
    """Turn on enhanced, continuous scanning of every repository in the ECR registry.

    The registry gets one ``CONTINUOUS_SCAN`` rule for ``*`` (which also scans on
    push, so it covers what earlier rules did). No image or repository changes. The
    previous configuration is journaled first by ``asset-remediate`` (its remedy is in
:mod:`c7n_plugins.remedies`), so ``assetpack undo`` can put it back.
    Enhanced scanning enables Amazon Inspector for ECR, which Inspector bills per image.

    :example:

    .. code-block:: yaml

        policies:
          - name: vulnerability-ecr-registry-enhanced-scanning
            resource: aws.account
            metadata:
              category: vulnerability
              severity: high
              remediation: auto
              description: ECR images are continuously scanned for CVEs.
            filters:
              - type: ecr-registry-scanning
            actions:
              - enable-registry-scanning
    """

    schema = type_schema("enable-registry-scanning")
    permissions = ("ecr:GetRegistryScanningConfiguration", "ecr:PutRegistryScanningConfiguration",
                   "inspector2:Enable", "iam:CreateServiceLinkedRole")

    def process(self, resources):
        client = local_session(self.manager.session_factory).client(
            "ecr", region_name=self.manager.config.region)
        before = client.get_registry_scanning_configuration().get("scanningConfiguration") or {}
        if covers_everything(before):
            return
        # One continuous rule for every repository covers what scan-on-push rules did
        # (and a registry may hold only two rules).
        after = {"scanType": "ENHANCED", "rules": [
            {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [ALL_REPOSITORIES]}]}
        client.put_registry_scanning_configuration(**after)
