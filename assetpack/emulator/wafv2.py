"""WAFv2's ``ListResourcesForWebACL``, which moto 5.2 lacks (500), added to the
emulator only: moto records each web ACL's associations, this reads them back.
"""

from __future__ import annotations

import json


def install() -> None:
    from moto.wafv2.responses import WAFV2Response

    def list_resources_for_web_acl(self):
        body = json.loads(self.body)
        acl = self.wafv2_backend.wacls.get(body["WebACLArn"])
        resources = list(acl.associated_resources) if acl else []
        return 200, {}, json.dumps({"ResourceArns": resources})

    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl
