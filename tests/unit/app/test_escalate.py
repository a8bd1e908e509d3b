"""`acronis-triage escalate`: readiness from 3 to 0 with a completed form, the same facts in every output, profiles."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from acronis_triage.app.escalate import EXIT_NOT_READY, EXIT_READY, complete, open_bundle, readiness, template

ANSWERS = {
    "partner_name": "Example Partner Ltd",
    "partner_contact": "Jane Tech, jane@example.net, +1 555 0100",
    "acronis_login": "partner-admin",
    "data_center": "EU2",
    "customer_tenant": "Customer A",
    "description": "Backups to the cloud fail since Monday; the storage quota alert is shown.",
    "steps_to_reproduce": "Run the backup plan 'Daily' manually.",
    "expected_result": "The backup completes.",
    "actual_result": "The backup fails with 'The storage quota is exceeded'.",
    "troubleshooting_done": "Quota checked in the portal; VSS writers restarted.",
    "business_impact": "No off-site backup of one file server for 3 days.",
    "requested_severity": "B",
    "console_access_consent": "yes",
}


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("esc") / "d.zip"
    subprocess.run([sys.executable, "-m", "acronis_triage.app", "collect", "--demo", "--output", str(out), "--quiet"],
                   check=True)
    return out


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "acronis_triage.app", "escalate", *args], capture_output=True,
                          text=True)


def _filled(bundle: Path) -> dict:
    form = json.loads(_run(str(bundle), "--print-template").stdout)
    form["fields"].update(ANSWERS)
    for item in form["checklist"]:
        item.update(status="done", result="done, no change", by="end user")
    form["checklist"][0].update(status="not_applicable", result="the quota is managed by the reseller", by=None)
    for item in form["information"]:
        if not item["in_bundle"]:
            item.update(status="attached", note="attached to the case")
    return form


def test_the_demo_bundle_is_not_ready_and_says_what_is_missing(demo_bundle: Path) -> None:
    result = _run(str(demo_bundle))
    assert result.returncode == EXIT_NOT_READY, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Not ready: ")
    assert any(line.strip().startswith("field partner_name") for line in lines)
    assert any(line.strip().startswith("step ") for line in lines)
    assert any(line.strip().startswith("information ") and "Connection Verification Tool" in line for line in lines)
    for suffix in ("txt", "md", "html", "json"):
        assert demo_bundle.with_name(f"d.zip.escalation.{suffix}").is_file()


def test_a_completed_form_makes_it_ready(demo_bundle: Path, tmp_path: Path) -> None:
    form_file = tmp_path / "form.json"
    form_file.write_text(json.dumps(_filled(demo_bundle)), encoding="utf-8")
    result = _run(str(demo_bundle), "--form", str(form_file))
    assert result.returncode == EXIT_READY, result.stdout + result.stderr
    assert result.stdout.startswith("Ready to send")
    text = demo_bundle.with_name("d.zip.escalation.txt").read_text(encoding="utf-8")
    assert "Example Partner Ltd" in text and "NOT READY" not in text
    assert "done by the end user: done, no change" in text


def test_the_same_form_in_toml_is_read_too(demo_bundle: Path, tmp_path: Path) -> None:
    form = _filled(demo_bundle)
    lines = ["[fields]"] + [f"{k} = {json.dumps(v)}" for k, v in form["fields"].items() if v is not None]
    for item in form["checklist"]:
        lines += ["[[checklist]]"] + [f"{k} = {json.dumps(item[k])}" for k in ("id", "status", "result", "by")
                                      if item[k] is not None]
    for item in form["information"]:
        lines += ["[[information]]"] + [f"{k} = {json.dumps(item[k])}" for k in ("id", "status", "note")
                                        if item[k] is not None]
    path = tmp_path / "form.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(str(demo_bundle), "--form", str(path)).returncode == EXIT_READY


def test_a_step_marked_done_needs_its_result_and_who_did_it(demo_bundle: Path) -> None:
    form = _filled(demo_bundle)
    form["checklist"][1].update(result=None, by=None)
    form["checklist"][2].update(status="not_applicable", result=None)
    form["checklist"][3].update(status="maybe")
    done = complete(open_bundle(demo_bundle), form)
    missing = readiness(done)
    ids = [item["id"] for item in form["checklist"][1:4]]
    assert any(ids[0] in m and "result and who did it" in m for m in missing)
    assert any(ids[1] in m and "say why" in m for m in missing)
    assert any("maybe" in m and "not one of" in m for m in missing)


def test_unknown_fields_and_bad_choices_are_problems_not_silence(demo_bundle: Path) -> None:
    form = _filled(demo_bundle)
    form["fields"].update(requested_severity="Z", machine_colour="blue", errors="none")
    missing = readiness(complete(open_bundle(demo_bundle), form))
    assert any("requested_severity" in m and "not one of" in m for m in missing)
    assert any("machine_colour" in m for m in missing) and any("fields.errors" in m for m in missing)


def test_proposed_values_must_be_confirmed(demo_bundle: Path) -> None:
    form = _filled(demo_bundle)
    del form["fields"]["issue_category"]
    missing = readiness(complete(open_bundle(demo_bundle), form))
    assert any(m.startswith("field issue_category: proposed") for m in missing)


def test_every_output_carries_the_same_facts(demo_bundle: Path, tmp_path: Path) -> None:
    form_file = tmp_path / "form.json"
    form_file.write_text(json.dumps(_filled(demo_bundle)), encoding="utf-8")
    assert _run(str(demo_bundle), "--form", str(form_file)).returncode == EXIT_READY
    outputs = {s: demo_bundle.with_name(f"d.zip.escalation.{s}").read_text(encoding="utf-8")
               for s in ("txt", "md", "html", "json")}
    data = json.loads(outputs["json"])
    facts = [data["bundle"], "SRV-FILE01", "Example Partner Ltd", "EU2", "61674", "0x0000FFF0"]
    for name, text in outputs.items():
        for fact in facts:
            assert fact in text, (name, fact)


def test_plain_text_has_no_markup_escapes_or_entities(demo_bundle: Path) -> None:
    _run(str(demo_bundle))
    text = demo_bundle.with_name("d.zip.escalation.txt").read_text(encoding="utf-8")
    assert not re.search(r"\\[_*\[\]]|&(?:gt|lt|amp|quot|#\d+);|</?[a-z]+[ >]|\*\*", text)
    md = demo_bundle.with_name("d.zip.escalation.md").read_text(encoding="utf-8")
    assert "&gt;" not in md and "service\\_" not in md


def test_profile_fills_partner_fields_and_never_enters_the_bundle(demo_bundle: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    form = _filled(demo_bundle)
    form_file = tmp_path / "form.json"
    form_file.write_text(json.dumps(form), encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    import os

    saved = subprocess.run([sys.executable, "-m", "acronis_triage.app", "escalate", str(demo_bundle), "--form",
                            str(form_file),
                            "--save-profile", "acme"], capture_output=True, text=True, env={**os.environ, **env})
    assert saved.returncode == EXIT_READY, saved.stderr
    profile = tmp_path / "config" / "acronis-triage" / "profiles" / "acme.json"
    assert json.loads(profile.read_text())["fields"]["partner_name"] == "Example Partner Ltd"
    fresh = template(open_bundle(demo_bundle))
    assert fresh["fields"]["partner_name"] is None
    used = subprocess.run([sys.executable, "-m", "acronis_triage.app", "escalate", str(demo_bundle), "--print-template",
                           "--profile", "acme"], capture_output=True, text=True, env={**os.environ, **env})
    assert json.loads(used.stdout)["fields"]["data_center"] == "EU2"
    import zipfile

    with zipfile.ZipFile(demo_bundle) as zf:
        assert not any(b"Example Partner Ltd" in zf.read(n) for n in zf.namelist())
    assert _run(str(demo_bundle), "--profile", "../etc").returncode == 1


def test_not_a_bundle_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    result = _run(str(bad))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
