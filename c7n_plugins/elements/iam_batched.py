"""IAM users and roles described from one account-wide read, not one call each.

Custodian lists users and roles, then calls ``GetUser`` or ``GetRole`` once per
entity for what the list leaves out (tags, permissions boundary, last use), and
its ``has-inline-policy`` and ``policy`` filters call ``ListUserPolicies`` and
``ListAttachedUserPolicies`` once per user. ``GetAccountAuthorizationDetails``
returns all of that for every entity in a few pages, and the pack reads it once
per account and run anyway (:func:`~c7n_plugins.elements.iam_documents.authorization_details`).

The ``describe`` sources of ``iam-user`` and ``iam-role`` are replaced by ones that
fill those keys from the walk; an entity created after the walk (absent from it)
is still described one call at a time, as Custodian does. The resource looks as
``GetUser``/``GetRole`` return it. ``direct-policies`` answers FSBP IAM.2 from the
same walk.
"""

from __future__ import annotations

from c7n.filters import Filter
from c7n.resources.iam import DescribeRole, DescribeUser
from c7n.utils import local_session, type_schema

from c7n_plugins import registry
from c7n_plugins.elements.iam_documents import authorization_details, walk_is_shared

WALK = "iam:GetAccountAuthorizationDetails"
# What GetUser / GetRole return beyond ListUsers / ListRoles, all in the walk.
USER_EXTRA = ("Tags", "PermissionsBoundary")
ROLE_EXTRA = ("Tags", "PermissionsBoundary", "RoleLastUsed")


class _FromWalk:
    """Mixin for a describe source: augment from the account-wide walk."""

    details_list: str
    extra: tuple[str, ...]

    def augment(self, resources):
        id_key = self.manager.resource_type.id
        details = {d[id_key]: d for d in authorization_details(self.manager)[self.details_list]}
        described, missing = [], []
        for resource in resources:
            found = details.get(resource[id_key])
            if found is None:
                missing.append(resource)
                continue
            described.append({**resource, **{k: found[k] for k in self.extra if k in found}})
        return described + (super().augment(missing) if missing else [])

    def get_permissions(self):
        return [*super().get_permissions(), WALK]


class UsersFromWalk(_FromWalk, DescribeUser):
    details_list, extra = "UserDetailList", USER_EXTRA


class RolesFromWalk(_FromWalk, DescribeRole):
    details_list, extra = "RoleDetailList", ROLE_EXTRA


def _use_walk(resource_class) -> None:
    source = {"iam-user": UsersFromWalk, "iam-role": RolesFromWalk}[resource_class.type]
    resource_class.source_mapping = {**resource_class.source_mapping, "describe": source}


registry.on_resources(("aws.iam-user", "aws.iam-role"), _use_walk)


@registry.filter("direct-policies", ("aws.iam-user",))
class DirectPolicies(Filter):
    """IAM users with a policy of their own: an inline policy, or a managed policy
    attached to the user rather than to one of its groups (FSBP IAM.2).

    Custodian's ``has-inline-policy`` and ``policy`` filters answer this with two
    calls per user; this reads the account-wide ``GetAccountAuthorizationDetails``
    walk the pack shares. A user created after the walk is asked about directly, as is
    every user when the walk cannot be shared (a Lambda evaluating one user's change
    asks two questions, not the whole account's). Annotates ``c7n:DirectPolicies``
    with the policies' names.

    :example:

    .. code-block:: yaml

        policies:
          - name: iam-user-no-direct-policies
            resource: aws.iam-user
            metadata:
              category: compliance
              severity: low
              controls: [FSBP/IAM.2]
              source: iam-user-no-policies-check
              remediation: manual
              description: IAM users must receive permissions only through groups or roles.
            filters:
              - type: direct-policies
    """

    schema = type_schema("direct-policies")
    permissions = (WALK, "iam:ListUserPolicies", "iam:ListAttachedUserPolicies")

    def process(self, resources, event=None):
        users = {u["UserName"]: u for u in authorization_details(self.manager)[
            "UserDetailList"]} if walk_is_shared(self.manager) else {}
        matched = []
        for r in resources:
            user = users.get(r["UserName"]) or self._ask(r["UserName"])
            names = sorted([p["PolicyName"] for p in user.get("UserPolicyList", [])]
                           + [p["PolicyName"] for p in user.get("AttachedManagedPolicies", [])])
            if names:
                r["c7n:DirectPolicies"] = names
                matched.append(r)
        return matched

    def _ask(self, name: str) -> dict:
        """One user's policies, in the walk's shape. One page of each is all of them:
        a user's inline policies share 2,048 characters and at most 20 managed
        policies attach to a user, against a page of 100."""
        client = local_session(self.manager.session_factory).client("iam")
        inline = client.list_user_policies(UserName=name)["PolicyNames"]
        attached = client.list_attached_user_policies(UserName=name)["AttachedPolicies"]
        return {"UserPolicyList": [{"PolicyName": n} for n in inline],
                "AttachedManagedPolicies": attached}
