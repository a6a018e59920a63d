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


def test_mailer_with_a_bad_configuration_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "mailer.yml"
    bad.write_text("routes: {default: [ops@example.com]}\n")
    assert main(["mailer", "--config", str(bad), "--once"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "queue_url is required" in err
    bad.write_text("queue_url: [unclosed\n")
    assert main(["mailer", "--config", str(bad), "--once"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot read mailer configuration" in err


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


def test_report_with_a_bad_window_is_a_usage_error(tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path), "--since", "yesterday"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--since 'yesterday'" in err


def test_report_with_unreachable_endpoint_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    proc = subprocess.run([sys.executable, "-m", "assetpack.cli.main", "report", "-o",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("assetpack: error: cannot read")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "report.html").exists()


def test_report_is_custodians_only_with_policy_files():
    from assetpack.cli.main import _names_policies

    assert _names_policies(["report", "-s", "out", "policies/compliance/s3.yml"])
    assert not _names_policies(["report", "-o", "out", "--mailer-config", "mailer.yml"])
    assert not _names_policies(["report", "--journal", "j.json", "--since", "7d"])


def test_undo_needs_a_journal(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["undo"])
    assert exit_.value.code == 2
    assert "--journal" in capsys.readouterr().err


def test_undo_of_an_unreadable_journal_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "journal"
    (bad / "p").mkdir(parents=True)
    (bad / "p" / "broken.json").write_text("{not json")
    assert main(["undo", "--journal", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot read the journal" in err


def test_undo_dry_run_lists_and_changes_nothing(tmp_path, capsys):
    from c7n_plugins.journal import Entry, Journal

    journal = Journal(str(tmp_path / "journal"))
    entry = journal.write(Entry("sqs-queue-encrypted", "arn:aws:sqs:us-east-1:1:q", "aws.sqs",
                                "set-managed-sse", {"SqsManagedSseEnabled": "false"},
                                {"SqsManagedSseEnabled": "true"}, status="fixed",
                                resource_id="https://sqs/1/q", region="us-east-1"))
    assert main(["undo", "--journal", str(tmp_path / "journal"), "--dryrun"]) == 0
    out = capsys.readouterr()
    assert "would-undo" in out.out and "SqsManagedSseEnabled" in out.out
    assert journal.get(entry.id).status == "fixed"


def test_validate_reads_the_packs_files_as_the_pack_does(capsys):
    """Custodian knows no ``{param:…}`` references and no blast-radius file: `assetpack
    validate` hands it the resolved policies and checks the blast radius itself."""
    from assetpack.pack import policies_root

    root = policies_root()
    assert "{param:" in (root / "compliance" / "ec2.yml").read_text()
    assert main(["validate", str(root / "compliance" / "ec2.yml"),
                 str(root / "remediation.yml")]) == 0
    assert main(["validate", str(root / "remediation.yml")]) == 0


def test_validate_of_a_broken_blast_radius_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "remediation.yml"
    bad.write_text("checks:\n  x: {class: bogus, reason: r}\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "class must be one of" in err
