"""windows_registry: reg export (UTF-16 LE + BOM) kept in its encoding, secrets masked, absent keys."""

from __future__ import annotations

import codecs
import re

from acronis_triage.collectors.builtin.windows_registry import EXPORTS, WindowsRegistry
from acronis_triage.collectors.windows_support import mask_registry_secrets


def test_export_is_utf16_and_redacted(run_windows, replay, recorded, windows_data):
    replay.add(f"reg export {EXPORTS[0][0]}", stdout=recorded("reg_export_ok.txt"))
    replay.writes(f"reg export {EXPORTS[0][0]} ", 3, windows_data / "reg_export_acronis.reg")
    replay.add(f"reg export {EXPORTS[1][0]}", stderr=recorded("reg_query_not_found.txt"), returncode=1)
    run = run_windows(WindowsRegistry, replay)
    assert run.status == "ok", run.outcome.reason
    data = run.files["acronis_hklm_software.reg"]
    assert data.startswith(codecs.BOM_UTF16_LE)
    text = data.decode("utf-16")
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    assert '"Password"="*****"' in text and "Winter" not in text
    # Masked whole: all three lines of hex, each line kept (line numbers still match the original export).
    assert re.search(r'"StoragePassword"=hex:\*{5}\\\r\n  \*{5}\\\r\n  \*{5}\r\n\r\n\[', text)
    assert "d0,8c,9d,df" not in text
    assert '"MMSCurrentMachineID"="B2C9E4A7-1F3D-4E8B-A6C5-7D2F0E9B1A63"' in text  # identity is not a secret
    assert '"Port"=dword:00000c38' in text
    assert "acronis_hklm_software_wow6432node.reg" not in run.files
    assert "unable to find" in run.excluded[f"reg export {EXPORTS[1][0]} " + _tmp(run, 1) + " /y"]


def _tmp(run, index):
    return next(c[3] for c in run.runner.calls if c[2] == EXPORTS[index][0])


def test_no_acronis_keys_is_not_applicable(run_windows, replay, recorded):
    replay.add("reg export", stderr=recorded("reg_query_not_found.txt"), returncode=1)
    run = run_windows(WindowsRegistry, replay)
    assert run.status == "not_applicable"
    assert "does not exist" in run.outcome.reason


def test_denied_is_a_skip(run_windows, replay):
    replay.add("reg export", stderr=b"ERROR: Access is denied.\r\n", returncode=1)
    run = run_windows(WindowsRegistry, replay)
    assert run.status == "partial"
    assert all(r == "needs administrator rights: ERROR: Access is denied." for r in run.skipped.values())


def test_masking_edges():
    assert mask_registry_secrets('"Password"=""\r\n') == '"Password"=""\r\n'
    assert mask_registry_secrets("    ProxyPassword    REG_BINARY    01AB\r\n") == (
        "    ProxyPassword    REG_BINARY    *****\r\n")
    assert mask_registry_secrets('"Host"="proxy with space"') == '"Host"="proxy with space"'
