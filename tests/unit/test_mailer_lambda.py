"""The mailer Lambda runs from exactly the packages it declares, plus the runtime's."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from c7n.mu import PythonPackageArchive

from assetpack_mailer import HANDLER, LAMBDA_PACKAGES

# What the Python Lambda runtime itself provides beside the standard library.
RUNTIME = ("boto3", "botocore", "jmespath", "dateutil", "urllib3", "s3transfer")

CHECK = """
import sys
sys.path[:0] = [{archive!r}, {runtime!r}]
import importlib, json
handler = importlib.import_module({module!r})
assert callable(getattr(handler, {func!r}))
# The lazily imported parts of delivery and rendering, and the templates.
import c7n_mailer.smtp_delivery, c7n_mailer.utils
from assetpack_mailer.render import Context, Renderer
msg = {{"action": {{"template": "alert", "to": ["x"]}}, "policy": {{"name": "p"}},
        "resources": [{{"Title": "<t>", "Severity": "HIGH", "Classification": {{}}}}]}}
subject, text, html = Renderer().email(Context(msg, msg["resources"], "a@b.c"))
assert "&lt;t&gt;" in html, html
Renderer().slack(Context(msg, msg["resources"], "slack://#x"))
banned = sorted(m for m in sys.modules if m.split(".")[0] in ("c7n", "assetpack", "c7n_plugins"))
assert not banned, banned
print("ok")
"""


def test_mailer_runs_from_its_declared_packages_only(tmp_path):
    archive = PythonPackageArchive(modules=list(LAMBDA_PACKAGES))
    archive.close()
    runtime = PythonPackageArchive(modules=list(RUNTIME))
    runtime.close()
    for arc, where in ((archive, tmp_path / "task"), (runtime, tmp_path / "runtime")):
        with zipfile.ZipFile(arc.path) as zf:
            zf.extractall(where)
    import six  # a single-file module, which the archive builder skips

    shutil.copy(six.__file__, tmp_path / "runtime")
    assert (tmp_path / "task" / "assetpack_mailer" / "templates" / "alert.html.j2").exists()
    module, func = HANDLER.rsplit(".", 1)
    code = CHECK.format(archive=str(tmp_path / "task"), runtime=str(tmp_path / "runtime"),
                        module=module, func=func)
    # -S: no site-packages, so nothing but the two folders and the standard library.
    proc = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"
