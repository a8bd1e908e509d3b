"""``acronis-triage collect``: exit codes, one-line reasons, the JSON summary, the verified demo bundle."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from acronis_triage.app import __version__
from acronis_triage.app.cli import main

ROOT = Path(__file__).resolve().parents[3]


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "acronis_triage.app", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"acronis-triage {__version__}, knowledge 2026.12.02"


@pytest.mark.parametrize("command", ["collect", "analyze", "signatures", "gui"])
def test_help_on_each_subcommand(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "usage: acronis-triage" in capsys.readouterr().out


def test_collect_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["collect", "--help"])
    out = capsys.readouterr().out
    for line in ("0  the bundle is complete", "2  the bundle was written", "1  nothing was written"):
        assert line in out


def test_bad_root_is_one_line_exit_1(tmp_path: Path) -> None:
    proc = _cli("collect", "--root", str(tmp_path / "missing"), "--output", str(tmp_path / "x.zip"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    expected = f"acronis-triage: offline root {tmp_path / 'missing'} is not a folder"
    assert proc.stderr.strip().splitlines()[-1] == expected
    assert not (tmp_path / "x.zip").exists()


def test_missing_output_folder_is_one_line_exit_1(tmp_path: Path) -> None:
    proc = _cli("collect", "--demo", "--output", str(tmp_path / "no" / "such" / "x.zip"), "--quiet")
    assert proc.returncode == 1
    assert "does not exist" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_collect_help_documents_the_usage_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["collect", "--help"])
    out = capsys.readouterr().out
    assert "64 the command line is wrong" in out
    assert "a collector was partial" in out


def test_usage_exit_code_is_the_pipelines() -> None:
    from acronis_triage.app import cli, pipeline

    assert cli.EXIT_USAGE == pipeline.EXIT_USAGE == 64
    assert cli.MAX_SINCE_DAYS == pipeline.MAX_SINCE_DAYS


@pytest.mark.parametrize("args", [
    ["collect", "--bogus"],
    ["collect", "--since", "nan"],
    ["collect", "--since", "inf"],
    ["collect", "--since", "-inf"],
    ["collect", "--since", "1e308"],
    ["collect", "--since", "-3"],
    ["collect", "--since", "0"],
    ["collect", "--since", "three"],
    ["collect", "--workers", "many"],
    ["collect", "--demo", "--root", "/"],
    ["no-such-command"],
])
def test_usage_errors_exit_64_with_one_line(args: list[str], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--output", str(tmp_path / "x.zip")])
    assert exc.value.code == 64
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("acronis-triage") and "error:" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_usage_error_of_collect_json_still_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["collect", "--json", "--since", "inf"])
    assert exc.value.code == 64
    summary = json.loads(capsys.readouterr().out)
    assert summary["exit_code"] == 64 and summary["bundle"] is None
    assert "argument --since: must be a number of days" in summary["reason"]


def test_impossible_window_message_says_what_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["collect", "--since", "nan"])
    assert ("argument --since: must be a number of days greater than 0 and at most 36500, not 'nan'"
            in capsys.readouterr().err)


def test_unknown_collector_is_a_usage_error_listing_the_known_ones(tmp_path: Path) -> None:
    for option in ("--only", "--exclude"):
        proc = _cli("collect", "--demo", option, "nope", "--output", str(tmp_path / "x.zip"), "--quiet")
        assert proc.returncode == 64
        line = proc.stderr.strip()
        assert line.startswith("acronis-triage: unknown collector(s): nope; known: acronis_config, acronis_logs,")
        assert "\n" not in line
    assert list(tmp_path.iterdir()) == []


def test_nothing_left_to_run_is_a_usage_error(tmp_path: Path) -> None:
    proc = _cli("collect", "--demo", "--only", "acronis_logs", "--exclude", "acronis_logs",
                "--output", str(tmp_path / "x.zip"), "--json")
    assert proc.returncode == 64
    assert proc.stderr.strip() == ("acronis-triage: nothing to run: --only acronis_logs --exclude acronis_logs "
                                   "leaves no collector")
    assert json.loads(proc.stdout)["exit_code"] == 64
    assert list(tmp_path.iterdir()) == []


def test_list_collectors() -> None:
    proc = _cli("collect", "--list")
    assert proc.returncode == 0
    assert "system_info" in proc.stdout


def test_demo_bundle_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo.zip"
    proc = _cli("collect", "--demo", "--output", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["bundle"] == str(out)
    assert summary["exit_code"] == 0
    assert summary["findings"], "the demo has known problems; the analysis must find them"
    assert "[" in proc.stderr  # human progress went to stderr, not stdout
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    for required in ("manifest.json", "analysis/findings.json", "report.html", "escalation/escalation_form.json",
                     "escalation/escalation_form.md", "escalation/escalation_form.html"):
        assert required in names
    assert any(n.startswith("collected/") for n in names)
    from acronis_triage.collectors.bundle import verify_bundle

    assert verify_bundle(out)["files"] == manifest["files"]
    assert manifest["tool"] == {"name": "acronis-triage", "version": __version__,
                                "knowledge": {"version": "2026.12.02", "source": "shipped"}}
    assert manifest["options"]["demo"] is True
    assert {c["name"] for c in manifest["collectors"]} >= {"system_info"}
    statuses = {c["name"]: c["status"] for c in manifest["collectors"]}
    assert statuses["system_info"] == "not_applicable"  # the demo is an offline root
    for entry in manifest["files"]:
        assert set(entry) >= {"path", "size", "sha256", "source", "collector", "truncated"}


def test_window_without_a_display_is_one_sentence_not_a_crash(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("Windows and macOS always have a display")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert "no display to open the window on" in err and "acronis-triage collect" in err
