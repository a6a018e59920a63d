"""Who created a resource, read from a CloudTrail record's ``userIdentity``.

Names follow contract 4's ``asset:creator``:

============================  =================================================
identity                      ``Creator.name``
============================  =================================================
IAMUser                       the user name (``alice``)
AssumedRole                   ``role/session`` (``platform-admin/jane.doe``); just
                              ``role`` when the session name says nothing (digits,
                              hex, a UUID, an SDK's default session, the role name)
IAM Identity Center           the user's sign-in name, usually an e-mail
(``AWSReservedSSO_*`` role)
FederatedUser                 the federated name (``bob``)
Root                          ``root``
AWSService                    the service (``ecs.amazonaws.com``)
AWSAccount                    ``account/<account id>``
============================  =================================================

Services acting for someone: when the record shows an AWS service made the call
(``userIdentity.invokedBy``, a ``*.amazonaws.com`` ``sourceIPAddress``, or a known
service session name such as ``AWSCloudFormation``), ``invoked_by`` names it. The
person stays the creator when the credentials were theirs (CloudFormation without a
stack role runs with the caller's session). When the credentials belong to the
service's own role (a CloudFormation stack role, a Service Catalog launch role, a
service-linked role) the creator is that service's principal
(``cloudformation.amazonaws.com``), as contract 4 says, never the role passed off as a
person; the role stays in ``asset:creator-arn``. For CloudFormation, who created the
stack is looked up separately (:mod:`c7n_plugins.trail.stacks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Session names that identify a service, not a person.
_SERVICE_SESSIONS = (
    (re.compile(r"^AWSCloudFormation"), "cloudformation.amazonaws.com"),
    (re.compile(r"^(AWSServiceCatalog|servicecatalog)", re.I), "servicecatalog.amazonaws.com"),
    (re.compile(r"^AWSBackup"), "backup.amazonaws.com"),
)
# Default session names of SDKs and tools, and ids that carry no meaning for a reader.
_MEANINGLESS_SESSION = re.compile(
    r"""^(
        \d+                                                       # epoch seconds/millis
      | [0-9a-f]{16,}                                             # ECS task id, hashes
      | [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}  # UUID
      | (botocore-session|aws-go-sdk|aws-sdk-[a-z]+|aws-cli|boto3-session)-?\d*
    )$""",
    re.I | re.X,
)
_SSO_ROLE = re.compile(r"^AWSReservedSSO_")
# The console is the person's own tool, not a service acting for them.
_NOT_SERVICES = {"console.amazonaws.com", "signin.amazonaws.com"}


@dataclass
class Creator:
    """The principal behind a CloudTrail record.

    ``name`` is the human-readable creator, ``arn`` the principal's ARN (empty when it
    has none, e.g. an AWS service), ``invoked_by`` the AWS service that made the call
    for the principal, if any, and ``kind`` the identity type: ``IAMUser``,
    ``AssumedRole``, ``IdentityCenterUser``, ``FederatedUser``, ``Root``,
    ``AWSService``, ``AWSAccount`` or CloudTrail's own type for anything else.
    """

    name: str
    arn: str
    invoked_by: str | None
    kind: str


def _service_host(value: Any) -> str | None:
    if isinstance(value, str) and value.endswith(".amazonaws.com") and value not in _NOT_SERVICES:
        return value
    return None


def _session_service(session: str) -> str | None:
    for pattern, service in _SERVICE_SESSIONS:
        if pattern.match(session):
            return service
    return None


def _after(arn: str, marker: str) -> str:
    return arn.split(marker, 1)[1] if marker in arn else ""


def _assumed_role(identity: dict[str, Any], invoked_by: str | None) -> Creator:
    arn = identity.get("arn") or ""
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    role_and_session = _after(arn, ":assumed-role/")
    role = issuer.get("userName") or role_and_session.split("/", 1)[0]
    session = role_and_session.split("/", 1)[1] if "/" in role_and_session else ""
    if not session:
        session = str(identity.get("principalId") or "").partition(":")[2]

    if _SSO_ROLE.match(role) and session:
        return Creator(session, arn, invoked_by, "IdentityCenterUser")

    issuer_arn = issuer.get("arn") or ""
    linked = "/aws-service-role/" in issuer_arn or role.startswith("AWSServiceRoleFor")
    service = _session_service(session)
    if linked and not (service or invoked_by):
        # arn:aws:iam::1:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS
        service = _service_host(_after(issuer_arn, "/aws-service-role/").split("/", 1)[0])
    meaningless = not session or session.lower() == role.lower() or bool(
        _MEANINGLESS_SESSION.match(session))
    acting = invoked_by or service
    if acting and (linked or service or meaningless):
        return Creator(acting, arn, acting, "AssumedRole")
    # A service-linked role whose service cannot be read: the role, as for anyone.
    name = role if meaningless else f"{role}/{session}"
    return Creator(name, arn, invoked_by, "AssumedRole")


def creator_from_record(record: dict[str, Any]) -> Creator:
    """The :class:`Creator` of a CloudTrail record (bare record, not an envelope)."""
    identity = record.get("userIdentity") or {}
    kind = identity.get("type") or "Unknown"
    arn = identity.get("arn") or ""
    invoked_by = _service_host(identity.get("invokedBy")) or _service_host(
        record.get("sourceIPAddress"))

    if kind == "IAMUser":
        name = identity.get("userName") or arn.rsplit("/", 1)[-1] or "unknown"
        return Creator(name, arn, invoked_by, kind)
    if kind == "AssumedRole":
        return _assumed_role(identity, invoked_by)
    if kind == "FederatedUser":
        name = _after(arn, ":federated-user/") or str(
            identity.get("principalId") or "").partition(":")[2] or "unknown"
        return Creator(name, arn, invoked_by, kind)
    if kind == "Root":
        return Creator("root", arn, invoked_by, kind)
    if kind == "AWSService":
        service = str(identity.get("invokedBy") or record.get("sourceIPAddress") or "aws-service")
        return Creator(service, arn, service, kind)
    if kind == "AWSAccount":
        return Creator(f"account/{identity.get('accountId') or 'unknown'}", arn, invoked_by, kind)
    # IdentityCenterUser (Identity Center's own APIs), Unknown, SAMLUser, WebIdentityUser...
    on_behalf = identity.get("onBehalfOf") or {}
    name = (identity.get("userName") or on_behalf.get("userId") or arn
            or identity.get("principalId") or "unknown")
    return Creator(str(name), arn, invoked_by, kind)


def created_at(record: dict[str, Any]) -> str:
    """The record's ``eventTime`` as ISO 8601 UTC with a ``Z`` suffix.

    Raises ValueError when the record has no parseable ``eventTime``.
    """
    raw = record.get("eventTime")
    if not isinstance(raw, str):
        raise ValueError("CloudTrail record has no eventTime")
    when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # CloudTrail times are UTC
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
