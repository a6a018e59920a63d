"""Run a deployed policy's real archive the way AWS Lambda's Python runtime would.

``c7n.mu`` builds the archive; this unzips it and calls its handler in a fresh
interpreter (``python -I -S``) whose ``sys.path`` is only the archive plus what
the managed Python runtime ships (boto3, botocore and their dependencies). A
module the archive forgot (PyYAML, jsonschema, ...) fails here as it would in
the account, which an in-process test cannot show: the test process has the
whole virtualenv on its path.

Used by the packaging tests and by ``assetpack bench`` (archive size, cold start).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

# What the AWS Lambda Python runtime provides beside the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "jmespath", "s3transfer", "dateutil", "urllib3", "six")

_BOOTSTRAP = r"""
import importlib, json, sys, time
archive, runtime, handler, event_file = sys.argv[1:5]
sys.path[:0] = [archive, runtime]
t0 = time.perf_counter()
module_name, _, func = handler.rpartition(".")
module = importlib.import_module(module_name)
import_ms = (time.perf_counter() - t0) * 1000

class Context:
    function_name = "custodian-test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/custodian-test"
    log_stream_name = "local"
    memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self):
        return 300000

with open(event_file) as fh:
    event = json.load(fh)
result = getattr(module, func)(event, Context())
print("ASSETPACK-RESULT " + json.dumps({"import_ms": import_ms, "result": result}, default=str))
"""


@dataclass
class Invocation:
    returncode: int
    stdout: str
    stderr: str
    import_ms: float | None = None
    result: object = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def build_archive(policy_data: dict, dest: Path, region: str = "us-east-1",
                  account: str = "123456789012") -> Path:
    """Build the archive ``c7n.mu`` would upload for ``policy_data`` (a deploy form),
    unzip it into ``dest`` and return that folder."""
    from c7n.config import Config
    from c7n.mu import PolicyLambda
    from c7n.policy import PolicyCollection
    from c7n.resources import load_resources

    import c7n_plugins
    from assetpack import pack

    c7n_plugins.load()
    load_resources((pack.resource_type(policy_data),))
    config = Config.empty(region=region, account_id=account)
    (policy,) = PolicyCollection.from_data({"policies": [policy_data]}, config)
    archive = PolicyLambda(policy).get_archive()
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive.path) as zf:
        zf.extractall(dest)
    return dest


def runtime_path(dest: Path) -> Path:
    """A folder holding only what the managed runtime provides (linked, not copied)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed; the Lambda runtime has it")
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        link = dest / source.name
        if not link.exists():
            link.symlink_to(source, target_is_directory=source.is_dir())
    return dest


def invoke(archive_dir: Path, runtime_dir: Path, event: dict, env: dict[str, str],
           handler: str | None = None, timeout: int = 120) -> Invocation:
    """Call the archive's handler once with ``event`` in a clean interpreter."""
    if handler is None:
        config = json.loads((archive_dir / "config.json").read_text())
        handler = config["policies"][0]["mode"].get("handler", "custodian_policy.run")
    event_file = archive_dir.parent / f"{archive_dir.name}-event.json"
    event_file.write_text(json.dumps(event))
    # Only what a Lambda has: credentials, region, endpoint; no PYTHONPATH, no HOME config.
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin"), "LANG": "C.UTF-8",
                 "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                 "AWS_LAMBDA_FUNCTION_NAME": "custodian-test", **env}
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _BOOTSTRAP, str(archive_dir), str(runtime_dir),
         handler, str(event_file)],
        cwd=archive_dir, env=clean_env, capture_output=True, text=True, timeout=timeout)
    out = Invocation(proc.returncode, proc.stdout, proc.stderr)
    for line in proc.stdout.splitlines():
        if line.startswith("ASSETPACK-RESULT "):
            data = json.loads(line.split(" ", 1)[1])
            out.import_ms, out.result = data["import_ms"], data["result"]
    return out
