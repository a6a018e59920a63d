"""The scheduled workflow's report step, parsed from the workflow and run as the
runner would (bash, the job's env, repository variables unset) against the emulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.e2e.test_report import seed

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "scheduled-scan.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _step(name: str) -> tuple[dict, dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    job = workflow["jobs"]["scan"]
    return job, next(s for s in job["steps"] if s.get("name") == name)


def _evaluate(value: str, matrix: dict) -> str:
    """The few expressions the step uses: matrix values, and vars (unset: '' or the
    default after ||)."""
    def one(match: re.Match) -> str:
        expr = match.group(1)
        if expr.startswith("matrix."):
            return matrix[expr.removeprefix("matrix.")]
        if expr == "vars.AWS_REGION":  # a repository setting the workflow requires
            return "us-east-1"
        if expr.startswith("vars."):
            default = re.search(r"\|\|\s*'([^']*)'", expr)
            return default.group(1) if default else ""
        raise AssertionError(f"unexpected expression in the report step: {expr}")
    return EXPRESSION.sub(one, str(value))


def test_report_step_runs_against_the_emulator(aws, tmp_path):
    job, step = _step("assetpack report")
    matrix = {"account": "self", "region": "us-east-1"}
    env = {k: _evaluate(v, matrix) for k, v in {**job.get("env", {}),
                                                 **step.get("env", {})}.items()}
    out = tmp_path / env["OUT"]
    seed(aws, out / "journal", out / "report" / "history")
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", _evaluate(step["run"], matrix)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env,
                               "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report" / "report.json").read_text())
    assert (out / "report" / "report.html").is_file()
    assert report["headline"]["open"] == 6
    assert report["headline"]["fixed_automatically"] == 1  # the scan's journal, found
    assert not any("journal" in e for e in report["errors"])


def test_report_step_keeps_its_output_in_the_artifact():
    job, step = _step("assetpack report")
    upload = next(s for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "out/"
    assert '"$OUT/report"' in step["run"] and job["env"]["OUT"].startswith("out")
