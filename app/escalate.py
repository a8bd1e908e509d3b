"""``acronis-triage escalate``: finish the escalation form of a bundle and check it is ready to send.

Acronis expects the Service Provider to define the issue, collect the error output, state the expected outcome,
check the KB, make sure the end user really performed the suggested steps, and follow the template strictly
(DOMAIN.md §5). Readiness is that, checked: every required field filled; every workaround step of every confirmed
finding marked done (with its result, by the technician or the end user) or not applicable (with why); and the
information those signatures say support will need really in the bundle, or attached by hand, or said to be
unavailable, each item with how to get it. No Qt here: the window runs the same check.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acronis_triage.app.escalation import (
    FIELDS,
    FIELDS_BY_KEY,
    ISSUE_CATEGORIES,
    EscalationForm,
    build_form,
    format_time,
)
from acronis_triage.app.evidence import information_items

EXIT_READY = 0
EXIT_NOT_READY = 3
MAX_MEMBER_BYTES = 64 * 2**20  # manifest.json and findings.json of a bundle; more is not a bundle of ours
STEP_STATUSES = ("done", "not_applicable")
STEP_BY = ("technician", "end user")
INFO_STATUSES = ("attached", "not_available")
PROFILE_FIELDS = ("partner_name", "partner_contact", "acronis_login", "data_center")
# Fields a person types; the tool's own (errors, KB articles, attachments ...) come from the bundle.
EDITABLE_KINDS = ("text", "multiline", "choice", "yes_no")


class EscalateError(Exception):
    """A bundle or form file that cannot be used; the message is one line for the user."""


@dataclass
class Bundle:
    path: Path
    manifest: dict[str, Any]
    findings: dict[str, Any]

    @property
    def member_paths(self) -> list[str]:
        return [str(f.get("path", "")) for f in self.manifest.get("files") or [] if isinstance(f, dict)]


def open_bundle(path: Path) -> Bundle:
    """A bundle's manifest and findings, read from the zip (or an unpacked bundle folder)."""
    try:
        if path.is_dir():
            manifest = _json_file(path / "manifest.json")
            findings = _json_file(path / "analysis" / "findings.json")
        else:
            with zipfile.ZipFile(path) as zf:
                manifest = _json_member(zf, "manifest.json")
                findings = _json_member(zf, "analysis/findings.json")
    except (OSError, zipfile.BadZipFile) as exc:
        raise EscalateError(f"cannot read the bundle {path}: {exc}") from None
    return Bundle(path, manifest, findings)


def _json_member(zf: zipfile.ZipFile, name: str) -> dict[str, Any]:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise EscalateError(f"{name} is not in the bundle: is it an acronis-triage bundle?") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise EscalateError(f"{name} in the bundle is {info.file_size} bytes: too large for an acronis-triage bundle")
    with zf.open(info) as fh:
        return _parse_json(fh.read(MAX_MEMBER_BYTES + 1), name)


def _json_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise EscalateError(f"{path} not found: is it an acronis-triage bundle?")
    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise EscalateError(f"{path} is too large for an acronis-triage bundle")
    return _parse_json(path.read_bytes(), str(path))


def _parse_json(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise EscalateError(f"{name} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise EscalateError(f"{name} is not a JSON object")
    return value


# ---- the template the technician completes

def form_of(bundle: Bundle) -> EscalationForm:
    form = build_form(bundle.manifest, bundle.findings, bundle.path.name)
    propose_defaults(form, bundle.findings)
    return form


def template(bundle: Bundle, form: EscalationForm | None = None) -> dict[str, Any]:
    """The form file of ``--print-template``: editable fields with the tool's values in, the checklist, and what
    support will need."""
    form = form or form_of(bundle)
    fields = {spec.key: form.values.get(spec.key) for spec in FIELDS if spec.kind in EDITABLE_KINDS}
    return {
        "form": "acronis-triage escalation form",
        "bundle": bundle.path.name,
        "fields": fields,
        "checklist": checklist_of(bundle.findings),
        "information": information_items(bundle.findings, bundle.member_paths),
        "choices": {spec.key: list(spec.choices) for spec in FIELDS if spec.choices},
        "statuses": {"checklist": list(STEP_STATUSES), "by": list(STEP_BY), "information": list(INFO_STATUSES)},
    }


def checklist_of(findings: dict[str, Any]) -> list[dict[str, Any]]:
    """The workaround checklist of ``findings.json``, unanswered: one step per workaround line of each finding
    (cheap: the window makes it on its GUI thread, without building the whole form)."""
    return [{"id": f"{finding.get('signature')}#{i}", "signature": finding.get("signature"), "step": str(step),
             "status": None, "result": None, "by": None}
            for finding in _findings(findings) for i, step in enumerate(finding.get("workaround") or [], 1)]


def _findings(findings: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in findings.get("findings") or [] if isinstance(f, dict)]


# Signature id prefixes -> the form's issue category (the proposal the technician confirms).
_CATEGORY_BY_PREFIX = (
    (("registration-",), "Agent registration"),
    (("install-", "update-", "deploy-"), "Agent installation / update"),
    (("connectivity-", "services-", "certificates-"), "Agent offline / connectivity"),
    (("quota-", "doc-dr-quota"), "Storage / quota"),
    (("license-", "licensing-"), "Licensing"),
    (("recovery-", "bootable"), "Recovery fails"),
    (("vss-", "disk-", "backup-", "cloud-", "retention-", "network-", "credentials-", "sql-", "exchange-",
      "linux-", "hyperv-", "vmware-", "hypervisor-", "m365-", "snapshot-", "app-", "ti-"), "Backup fails"),
)
_SEVERITY_RANK = {"critical": 0, "error": 1, "warning": 2, "info": 3}


def propose_defaults(form: EscalationForm, findings: dict[str, Any]) -> None:
    """Values proposed from the evidence, for the technician to confirm or change: the issue category of the
    worst finding and the first occurrence of the findings. Never overwrites a value."""
    ordered = sorted(_findings(findings), key=lambda f: (_SEVERITY_RANK.get(str(f.get("severity")), 9),
                                                         -int(f.get("count") or 0)))
    if ordered and not form.is_filled("issue_category"):
        signature = str(ordered[0].get("signature", ""))
        category = next((c for prefixes, c in _CATEGORY_BY_PREFIX if signature.startswith(prefixes)), None)
        if category in ISSUE_CATEGORIES:
            form.values["issue_category"] = category
            form.proposed.add("issue_category")
    seen = sorted(str(f["first_seen"]) for f in ordered if f.get("first_seen"))
    if seen and not form.is_filled("first_occurrence"):
        last = max(str(f.get("last_seen") or f["first_seen"]) for f in ordered if f.get("first_seen"))
        total = sum(int(f.get("count") or 0) for f in ordered)
        form.values["first_occurrence"] = (f"first seen in the logs {format_time(seen[0])}; {total} matching "
                                           f"events until {format_time(last)}")
        form.proposed.add("first_occurrence")


# ---- reading a completed form file

def load_form_file(path: Path) -> dict[str, Any]:
    """A form file in JSON, or the same structure in TOML (by the file's suffix, else by its content)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EscalateError(f"cannot read the form file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise EscalateError(f"the form file {path} is too large")
    text = data.decode("utf-8-sig", errors="replace")
    if path.suffix.lower() == ".toml" or not text.lstrip().startswith("{"):
        import tomllib

        try:
            value: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise EscalateError(f"{path} is neither JSON nor valid TOML: {exc}") from None
    else:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise EscalateError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise EscalateError(f"{path}: the form must be an object with fields, checklist and information")
    return value


@dataclass
class Completed:
    """The form with the technician's answers applied, and the problems found in those answers."""

    form: EscalationForm
    checklist: list[dict[str, Any]]
    information: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)


def complete(bundle: Bundle, answers: dict[str, Any] | None = None, profile: dict[str, Any] | None = None) -> Completed:
    form = form_of(bundle)
    base = template(bundle, form)
    done = Completed(form, base["checklist"], base["information"])
    for key, value in (profile or {}).items():
        if key in PROFILE_FIELDS and value and not form.is_filled(key):
            form.values[key] = str(value)
    if not answers:
        _sync_checklist(done)
        return done
    fields = answers.get("fields") or {}
    if not isinstance(fields, dict):
        done.problems.append("fields: must be an object of field ids and values")
        fields = {}
    for key, value in fields.items():
        spec = FIELDS_BY_KEY.get(key)
        if spec is None or spec.kind not in EDITABLE_KINDS:
            done.problems.append(f"fields.{key}: not a field of the form that a person fills in")
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            if key not in form.proposed:
                form.values[key] = None
            continue
        if spec.kind == "yes_no":
            if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
                value = value.strip().lower() in ("yes", "true")
            if not isinstance(value, bool):
                done.problems.append(f"fields.{key}: answer yes or no")
                continue
        elif spec.kind == "choice" and str(value) not in spec.choices:
            done.problems.append(f"fields.{key}: {value!r} is not one of {', '.join(spec.choices)}")
            continue
        else:
            value = str(value)
        form.values[key] = value
        form.proposed.discard(key)
    _apply_items(done.checklist, answers.get("checklist"), "checklist", done.problems,
                 statuses=STEP_STATUSES, check_by=True)
    _apply_items(done.information, answers.get("information"), "information", done.problems,
                 statuses=INFO_STATUSES, check_by=False)
    _sync_checklist(done)
    return done


def _apply_items(items: list[dict[str, Any]], answers: Any, name: str, problems: list[str], *,
                 statuses: tuple[str, ...], check_by: bool) -> None:
    if answers is None:
        return
    if not isinstance(answers, list):
        problems.append(f"{name}: must be a list")
        return
    by_id = {item["id"]: item for item in items}
    for answer in answers:
        if not isinstance(answer, dict) or answer.get("id") not in by_id:
            problems.append(f"{name}: {answer.get('id') if isinstance(answer, dict) else answer!r} is not an item "
                            "of this bundle's form")
            continue
        item = by_id[answer["id"]]
        status = answer.get("status")
        if status not in (None, *statuses):
            problems.append(f"{name} {item['id']}: status {status!r} is not one of {', '.join(statuses)}")
            continue
        item["status"] = status
        if check_by:
            by = answer.get("by")
            if by not in (None, *STEP_BY):
                problems.append(f"{name} {item['id']}: by {by!r} is not one of {', '.join(STEP_BY)}")
            else:
                item["by"] = by
            item["result"] = _text(answer.get("result"))
        else:
            item["note"] = _text(answer.get("note"))


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _sync_checklist(done: Completed) -> None:
    """The form's checklist field shows what the technician answered."""
    done.form.values["checklist"] = [
        {"step": item["step"], "finding": item["signature"], "done": item["status"] == "done",
         "status": item["status"], "result": item["result"], "by": item["by"]}
        for item in done.checklist
    ]


# ---- readiness

def readiness(done: Completed) -> list[str]:
    """What is still missing, one item a line; empty when the form is ready to send."""
    missing = [f"the answers: {p}" for p in done.problems]
    for key in done.form.missing_fields:
        spec = FIELDS_BY_KEY[key]
        who = "not found by the tool; fill it in" if spec.source == "tool" else "fill it in"
        missing.append(f"field {key} ({spec.label}): {who}")
    for key in sorted(done.form.proposed):
        missing.append(f"field {key}: proposed from the logs as {done.form.values[key]!r}; confirm it (set it in "
                       "the form file) or change it")
    for item in done.checklist:
        if item["status"] == "done":
            if not item["result"] or not item["by"]:
                missing.append(f"step {item['id']}: done, but say the result and who did it (technician or end user)")
        elif item["status"] == "not_applicable":
            if not item["result"]:
                missing.append(f"step {item['id']}: not applicable, but say why (in result)")
        else:
            missing.append(f"step {item['id']}: mark it done or not_applicable: {item['step']}")
    for item in done.information:
        if item["in_bundle"] or item["status"] == "attached":
            continue
        if item["status"] == "not_available" and item["note"]:
            continue
        reason = "not available, but say why (in note)" if item["status"] == "not_available" else "not in the bundle"
        missing.append(f"information {item['id']} ({item['item']}): {reason}. {item['how']}")
    return missing


# ---- outputs beside the bundle

def outputs(done: Completed, missing: list[str]) -> dict[str, str]:
    form = done.form
    data = form.to_json()
    data["ready"] = not missing
    data["readiness"] = missing
    data["checklist_answers"] = done.checklist
    data["information"] = done.information
    return {
        "txt": form.to_text(information=done.information, missing=missing),
        "md": form.to_markdown(),
        "html": form.to_html(),
        "json": json.dumps(data, indent=2, ensure_ascii=False) + "\n",
    }


def write_outputs(bundle_path: Path, done: Completed, missing: list[str]) -> list[Path]:
    written = []
    for suffix, text in outputs(done, missing).items():
        target = bundle_path.with_name(f"{bundle_path.name}.escalation.{suffix}")
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(target)
        written.append(target)
    return written


# ---- the partner profile (CLI side; the window keeps the same fields in QSettings)

def profile_dir() -> Path:
    from acronis_triage.analyzers.userdirs import config_dir

    return config_dir() / "profiles"


_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _profile_path(name: str) -> Path:
    if not _PROFILE_NAME.match(name):
        raise EscalateError(f"profile name {name!r}: use letters, digits, dot, dash or underscore")
    return profile_dir() / f"{name}.json"


def load_profile(name: str) -> dict[str, str]:
    path = _profile_path(name)
    if not path.is_file():
        raise EscalateError(f"no profile {name!r} (save one with --save-profile {name}); looked in {path.parent}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EscalateError(f"cannot read the profile {path}: {exc}") from None
    return {k: str(v) for k, v in (data.get("fields") or {}).items() if k in PROFILE_FIELDS and v}


def save_profile(name: str, form: EscalationForm) -> Path:
    path = _profile_path(name)
    fields = {k: form.values.get(k) for k in PROFILE_FIELDS if form.is_filled(k)}
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps({"profile": name, "fields": fields}, indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
    return path
