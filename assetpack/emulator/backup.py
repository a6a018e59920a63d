"""AWS Backup's ``ListProtectedResources``, which moto 5.2 lacks (404), added to the
emulator only. moto keeps no recovery points, so the answer is what AWS answers for
an account that has backed nothing up yet: no protected resources.
"""

from __future__ import annotations

import json


def install() -> None:
    from moto.backup import urls
    from moto.backup.responses import BackupResponse

    def list_protected_resources(self) -> str:
        return json.dumps({"Results": []})

    BackupResponse.list_protected_resources = list_protected_resources
    urls.url_paths["{0}/resources/?$"] = urls.response.dispatch
