"""Security Hub's administrator view, which moto lacks: the administrator account
(delegated by the organisation, members added with ``CreateMembers``) reads its
members' findings of the region beside its own, as in AWS, where members' findings
are replicated to the administrator. Installed in the emulator process only.
"""

from __future__ import annotations


def install() -> None:
    """Wrap moto's ``get_findings`` (after :func:`securityhub.install`, whose
    server-side filters then apply to the members' findings too)."""
    from moto.securityhub.models import SecurityHubBackend, securityhub_backends

    inner = SecurityHubBackend.get_findings

    def get_findings(self, *args, **kwargs):
        if not self.members:
            return inner(self, *args, **kwargs)
        saved = self.findings
        members = [securityhub_backends[account][self.region_name]
                   for account, member in self.members.items()
                   if member.get("MemberStatus") == "ENABLED"]
        self.findings = [*saved, *(f for backend in members for f in backend.findings)]
        try:
            return inner(self, *args, **kwargs)
        finally:
            self.findings = saved

    SecurityHubBackend.get_findings = get_findings
