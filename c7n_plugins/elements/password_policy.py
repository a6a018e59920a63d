"""``tighten-password-policy``: raise the account password policy to a floor."""

from __future__ import annotations

from c7n.actions import Action
from c7n.utils import local_session, type_schema

from c7n_plugins import registry

# Settings where a larger number is stricter, and where 0 would mean "no limit".
_AT_LEAST = ("MinimumPasswordLength", "PasswordReusePrevention")
_BOOLEANS = ("RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireNumbers",
             "RequireSymbols", "AllowUsersToChangePassword")
_KEEP = _AT_LEAST + _BOOLEANS + ("MaxPasswordAge", "HardExpiry")


@registry.action("tighten-password-policy", ("aws.account",))
class TightenPasswordPolicy(Action):
    """Make the account password policy at least as strict as ``policy``; never weaker.

    Custodian's ``set-password-policy`` overwrites each named setting with the given
    value, so applying a baseline to an account that is already stricter on one
    setting (say 16 characters against a baseline of 14) would weaken it. This
    action keeps the stricter of the current and wanted value for each setting
    (larger lengths and reuse counts, any ``true`` requirement) and leaves the
    settings it is not given as they are.

    :example:

    .. code-block:: yaml

        policies:
          - name: iam-password-policy-strong
            resource: aws.account
            metadata:
              category: compliance
              severity: medium
              controls: [FSBP/IAM.7]
              source: iam-password-policy
              remediation: auto
              description: Password policies for IAM users should have strong configurations.
            filters:
              - type: password-policy
                key: MinimumPasswordLength
                op: lt
                value: 14
            actions:
              - type: tighten-password-policy
                policy:
                  MinimumPasswordLength: 14
                  RequireSymbols: true
    """

    schema = type_schema(
        "tighten-password-policy", required=["policy"],
        policy={"type": "object", "additionalProperties": False, "properties": {
            **{k: {"type": "integer", "minimum": 1} for k in _AT_LEAST},
            **{k: {"type": "boolean"} for k in _BOOLEANS}}})
    permissions = ("iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy")

    def process(self, resources):
        client = local_session(self.manager.session_factory).client("iam")
        try:
            current = client.get_account_password_policy()["PasswordPolicy"]
        except client.exceptions.NoSuchEntityException:
            current = {}
        merged = {k: v for k, v in current.items() if k in _KEEP}
        for key, wanted in self.data["policy"].items():
            if key in _AT_LEAST:
                merged[key] = max(int(current.get(key) or 0), wanted)
            else:
                merged[key] = bool(current.get(key)) or wanted
        client.update_account_password_policy(**merged)
