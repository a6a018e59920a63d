"""Filters that read IAM policy documents for the statements FSBP controls forbid.

Custodian's ``has-allow-all`` only recognises ``Action: "*"`` on ``Resource: "*"``,
and ``check-permissions`` asks the IAM policy simulator one principal at a time
(effective permissions, not what a given document says), so neither answers
"does this customer managed policy allow ``s3:*``" (IAM.21) or "does this inline
policy allow ``kms:Decrypt`` on every key" (KMS.1, KMS.2). These filters read the
documents themselves, all of them from one paginated
``GetAccountAuthorizationDetails`` walk per account and run, shared by every IAM
element when Custodian's cache is on (:func:`authorization_details`).
"""

from __future__ import annotations

import json
import threading
from fnmatch import fnmatchcase
from urllib.parse import unquote

from c7n.cache import NullCache
from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

# What each resource type's documents look like in GetAccountAuthorizationDetails.
_DETAILS = {
    "iam-policy": ("LocalManagedPolicy", "Policies", "Arn"),
    "iam-role": ("Role", "RoleDetailList", "RoleName"),
    "iam-user": ("User", "UserDetailList", "UserName"),
    "iam-group": ("Group", "GroupDetailList", "GroupName"),
}
_INLINE_KEY = {"iam-role": "RolePolicyList", "iam-user": "UserPolicyList",
               "iam-group": "GroupPolicyList"}


def _document(doc) -> dict:
    if isinstance(doc, str):
        doc = json.loads(unquote(doc))
    return doc or {}


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def allow_statements(document) -> list[dict]:
    """The Allow statements of a policy document (NotAction/NotResource ones included)."""
    return [s for s in _as_list(_document(document).get("Statement"))
            if isinstance(s, dict) and s.get("Effect") == "Allow"]


def statement_allows(statement: dict, action: str) -> bool:
    """True if the statement's Action patterns cover ``action`` (IAM is case-insensitive)."""
    action = action.lower()
    if "NotAction" in statement:
        return not any(fnmatchcase(action, p.lower()) for p in _as_list(statement["NotAction"]))
    return any(fnmatchcase(action, p.lower()) for p in _as_list(statement.get("Action")))


def statement_names(statement: dict, action: str) -> bool:
    """True if the statement's Action lists ``action`` literally (case-insensitive)."""
    return action.lower() in (a.lower() for a in _as_list(statement.get("Action")))


def on_all_resources(statement: dict) -> bool:
    if "NotResource" in statement:
        return True  # "everything except ..." is as broad as "*" for this purpose
    return "*" in _as_list(statement.get("Resource"))


# The IAM types are checked in parallel in a scan: the first to ask walks, the
# others wait for its answer rather than walk too.
_WALK_LOCK = threading.Lock()


def walk_is_shared(manager) -> bool:
    """True when Custodian keeps what one check reads for the others of the run (a
    scan, ``custodian run``); a Lambda runs one policy with the cache off."""
    return not isinstance(manager._cache, NullCache)


def authorization_details(manager) -> dict[str, list[dict]]:
    """The account's IAM entities with their documents, tags and attachments from a
    paginated ``GetAccountAuthorizationDetails`` walk, kept in Custodian's cache (as
    Custodian keeps its credential report). When the walk is shared it reads every
    kind once for every IAM check and source of the run; when it is not, only the
    manager's own kind."""
    kinds = list(_DETAILS.values()) if walk_is_shared(manager) else [
        _DETAILS[manager.type]]
    cache = manager._cache
    key = {"account": manager.config.account_id, "iam-authorization-details": True}
    with _WALK_LOCK, cache:
        found = cache.get(key)
        if found is None:
            client = local_session(manager.session_factory).client("iam")
            found = {list_key: [] for _, list_key, _ in _DETAILS.values()}
            for page in client.get_paginator("get_account_authorization_details").paginate(
                    Filter=[kind for kind, _, _ in kinds]):
                for _, list_key, _ in kinds:
                    found[list_key].extend(page.get(list_key, []))
            cache.save(key, found)
    return found


class DocumentReader:
    """Mixin for the filters below: every document of the type, from the shared walk."""

    def documents(self) -> dict[str, list[tuple[str, dict]]]:
        """``{resource key: [(policy name, document), ...]}`` for the manager's type."""
        kind, list_key, id_key = _DETAILS[self.manager.type]
        found: dict[str, list[tuple[str, dict]]] = {}
        for item in authorization_details(self.manager)[list_key]:
            if kind == "LocalManagedPolicy":
                default = [v for v in item.get("PolicyVersionList", [])
                           if v.get("IsDefaultVersion")]
                name = item.get("PolicyName", item[id_key])
                found[item[id_key]] = [(name, _document(v["Document"])) for v in default]
            else:
                found[item[id_key]] = [
                    (p["PolicyName"], _document(p["PolicyDocument"]))
                    for p in item.get(_INLINE_KEY[self.manager.type], [])]
        return found

    def key_of(self, resource: dict) -> str:
        return resource["Arn"] if self.manager.type == "iam-policy" else resource[
            self.manager.resource_type.id]


@registry.filter("wildcard-service-actions", ("aws.iam-policy",))
class WildcardServiceActions(DocumentReader, Filter):
    """Customer managed policies that allow every action of a service (``s3:*``).

    Custodian's ``has-allow-all`` catches only ``*`` on ``*``; FSBP IAM.21 also
    forbids ``service:*`` wildcards. Matches on the policy's default version and
    annotates ``c7n:WildcardActions`` with the offending patterns.

    :example:

    .. code-block:: yaml

        policies:
          - name: iam-policy-no-service-wildcards
            resource: aws.iam-policy
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/IAM.21]
              source: iam-policy-no-statements-with-full-access
              remediation: manual
              description: Customer managed policies should not allow service:* actions.
            filters:
              - type: value
                key: IsAttachable
                value: true
              - type: wildcard-service-actions
    """

    schema = type_schema("wildcard-service-actions")
    permissions = ("iam:GetAccountAuthorizationDetails",)

    def process(self, resources, event=None):
        docs = self.documents()
        matched = []
        for r in resources:
            bad = sorted({a for _, doc in docs.get(self.key_of(r), [])
                          for s in allow_statements(doc)
                          for a in _as_list(s.get("Action"))
                          if isinstance(a, str) and a.endswith(":*")})
            if bad:
                r["c7n:WildcardActions"] = bad
                matched.append(r)
        return matched


@registry.filter("allows-actions-on-all-resources",
                 ("aws.iam-policy", "aws.iam-role", "aws.iam-user", "aws.iam-group"))
class AllowsActionsOnAllResources(DocumentReader, Filter):
    """Principals or policies whose documents allow given actions on ``Resource: "*"``.

    On ``aws.iam-policy`` it reads the default version of customer managed
    policies (FSBP KMS.1); on roles, users and groups it reads their inline
    policies (FSBP KMS.2). Wildcards in the document (``kms:*``, ``*``) count, as
    does ``NotAction``. Custodian's ``check-permissions`` simulates a principal's
    effective permissions one call per principal and action, and cannot tell
    inline from attached documents. Annotates ``c7n:BroadStatements``.

    :example:

    .. code-block:: yaml

        policies:
          - name: iam-role-inline-no-kms-decrypt-all
            resource: aws.iam-role
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/KMS.2]
              source: iam-inline-policy-blocked-kms-actions
              remediation: manual
              description: Inline policies should not allow decryption with every KMS key.
            filters:
              - type: allows-actions-on-all-resources
                actions: [kms:Decrypt, kms:ReEncryptFrom]
    """

    schema = type_schema("allows-actions-on-all-resources", required=["actions"],
                         actions={"type": "array", "items": {"type": "string"}, "minItems": 1},
                         exact={"type": "boolean"})
    permissions = ("iam:GetAccountAuthorizationDetails",)

    def process(self, resources, event=None):
        docs = self.documents()
        wanted = self.data["actions"]
        # exact: the document must name the pattern itself ("*" is full admin, which
        # "iam:*" or a NotAction does not amount to, as IAM.1 reads it).
        allows = statement_names if self.data.get("exact") else statement_allows
        matched = []
        for r in resources:
            hits = sorted({f"{name}: {action}" for name, doc in docs.get(self.key_of(r), [])
                           for s in allow_statements(doc) if on_all_resources(s)
                           for action in wanted if allows(s, action)})
            if hits:
                r["c7n:BroadStatements"] = hits
                matched.append(r)
        return matched
