"""The console script: usage errors, clear failures, Custodian passthrough."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from assetpack.cli.main import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "usage: assetpack" in capsys.readouterr().err


def test_unknown_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["scan", "--no-such-flag"])
    assert exit_.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["mailer", "report"])
def test_commands_of_later_issues_say_so_in_one_line(command, capsys):
    assert main([command]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not built yet" in err


@pytest.mark.parametrize("command", ["scan", "deploy"])
def test_unreachable_endpoint_is_one_clear_line(command, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    args = ["-s", str(tmp_path)] if command == "scan" else ["--dryrun"]
    proc = subprocess.run([sys.executable, "-m", "assetpack.cli.main", command, *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("assetpack: error: cannot reach AWS")
    assert "Traceback" not in proc.stderr


def test_missing_credentials_is_one_clear_line(tmp_path, monkeypatch):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    proc = subprocess.run([sys.executable, "-m", "assetpack.cli.main", "scan", "-s",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "credentials" in proc.stderr.lower()


def test_invalid_policy_file_names_it_and_nothing_runs(tmp_path, capsys):
    bad = tmp_path / "bad.yml"
    bad.write_text("policies:\n  - name: bad-one\n    resource: aws.s3\n    metadata:\n"
                   "      category: nonsense\n")
    out = tmp_path / "out"
    assert main(["scan", "-s", str(out), "-p", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "metadata.category" in err
    assert not out.exists()


def test_custodian_commands_pass_through_with_plugins(capsys):
    code = main(["schema", "aws.s3.actions.asset-remediate"])
    assert code == 0
    assert "asset-remediate" in capsys.readouterr().out


def test_org_passes_through_to_c7n_org(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["org", "--help"])
    assert exit_.value.code == 0
    assert "run" in capsys.readouterr().out
