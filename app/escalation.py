"""The escalation form for Acronis Service Provider Support (DOMAIN.md §5.1–5.3), pre-filled from a bundle.

The tool fills what it knows (machine, product, errors with serCode and KB links, the workaround checklist,
what support will ask for, the attachments); the technician's fields stay visibly empty and are listed in
``missing_fields`` until someone fills them. The field list is data (`FIELDS`) so that the readiness check
and the GUI form use the same definitions. Everything that comes from logs is untrusted: the HTML output
escapes it, the Markdown output keeps it inside code spans or escapes it. No Qt here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from acronis_triage.analyzers.model import ERRORCODE_URL, KB_URL
from acronis_triage.app.results import AnalysisReport, FoundIssue, ManifestView

PLACEHOLDER = "⟨to be filled by the technician⟩"
NOT_FOUND = "⟨not found by the tool, to be filled by the technician⟩"
SUPPORT_EMAIL = "mspsupport@acronis.com"
TEMPLATE_URL = "https://www.acronis.com/en-us/support/serviceprovidertemplate/"
FORM_SCHEMA_VERSION = 1

# Acronis' own priority scale (Cyber Files support, DOMAIN.md §5.2), used for the requested severity.
SEVERITY_SCALE: tuple[tuple[str, str], ...] = (
    ("A", "Critical: production down or data loss"),
    ("B", "Serious: backups or recoveries fail, no workaround"),
    ("C", "Minor: a workaround exists, limited impact"),
    ("D", "Question or information request"),
)
ISSUE_CATEGORIES: tuple[str, ...] = (
    "Backup fails", "Recovery fails", "Agent offline / connectivity", "Agent registration",
    "Agent installation / update", "Storage / quota", "Licensing", "Performance", "Other",
)
SEVERITY_ORDER: tuple[str, ...] = ("critical", "error", "warning", "info")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form.

    Attributes:
        key: stable identifier, used in JSON and by the readiness check and the GUI.
        label: shown to people.
        section: key of the section (see `SECTIONS`).
        source: ``tool`` (pre-filled from the bundle) or ``technician`` (typed in by a person).
        required: Acronis support needs it before it accepts the case.
        kind: ``text``, ``multiline``, ``choice``, ``yes_no``, ``errors``, ``links``, ``checklist``, ``list``.
        help: one line telling the technician what to put there.
        choices: allowed values for ``choice``.
    """

    key: str
    label: str
    section: str
    source: str
    required: bool = True
    kind: str = "text"
    help: str = ""
    choices: tuple[str, ...] = ()


SECTIONS: tuple[tuple[str, str], ...] = (
    ("partner", "Partner and account"),
    ("machine", "Affected machine and product"),
    ("problem", "Problem"),
    ("errors", "Errors and knowledge base"),
    ("troubleshooting", "Troubleshooting"),
    ("impact", "Business impact"),
    ("attachments", "Attachments"),
)

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("partner_name", "Partner / service provider name", "partner", "technician"),
    FieldSpec("partner_contact", "Partner contact (name, e-mail, phone)", "partner", "technician"),
    FieldSpec("acronis_login", "Acronis account login (partner administrator)", "partner", "technician",
              help="The login name support uses to find the account."),
    FieldSpec("data_center", "Data center", "partner", "technician", help="For example EU2, US5."),
    FieldSpec("customer_tenant", "Customer tenant (name or ID)", "partner", "technician"),
    FieldSpec("machine_name", "Machine name", "machine", "tool"),
    FieldSpec("agent_id", "Agent ID (MMSCurrentMachineID)", "machine", "tool"),
    FieldSpec("resource_id", "Resource ID (InstanceID)", "machine", "tool"),
    FieldSpec("product", "Product", "machine", "tool"),
    FieldSpec("version", "Version and build", "machine", "tool"),
    FieldSpec("os", "Operating system", "machine", "tool"),
    FieldSpec("issue_category", "Issue category", "problem", "technician", kind="choice", choices=ISSUE_CATEGORIES),
    FieldSpec("description", "Problem description (symptoms)", "problem", "technician", kind="multiline"),
    FieldSpec("first_occurrence", "First occurrence and frequency", "problem", "technician"),
    FieldSpec("activity", "Activity or plan name and time", "problem", "technician", required=False),
    FieldSpec("steps_to_reproduce", "Steps to reproduce", "problem", "technician", kind="multiline"),
    FieldSpec("expected_result", "Expected result", "problem", "technician", kind="multiline"),
    FieldSpec("actual_result", "Actual result", "problem", "technician", kind="multiline"),
    FieldSpec("errors", "Error messages, codes (serCode) and lookup links", "errors", "tool", kind="errors"),
    FieldSpec("kb_articles", "Knowledge base articles", "errors", "tool", required=False, kind="links"),
    FieldSpec("checklist", "Troubleshooting checklist (from the KB workarounds)", "troubleshooting", "tool",
              required=False, kind="checklist",
              help="Tick each step once the customer has done it, or explain why it does not apply."),
    FieldSpec("troubleshooting_done", "Troubleshooting already done", "troubleshooting", "technician",
              kind="multiline",
              help="KB articles applied, Connection Verification Tool result, VSS Doctor result, service "
                   "restarts, re-registration; with screenshots."),
    FieldSpec("information_needed", "Information support will need", "troubleshooting", "tool",
              required=False, kind="list"),
    FieldSpec("business_impact", "Business impact", "impact", "technician", kind="multiline"),
    FieldSpec("requested_severity", "Requested severity", "impact", "technician", kind="choice",
              choices=tuple(level for level, _ in SEVERITY_SCALE)),
    FieldSpec("console_access_consent", "Consent to read-only access to the management console", "impact",
              "technician", kind="yes_no"),
    FieldSpec("attachments", "Files to attach", "attachments", "tool", kind="list"),
    FieldSpec("collector_summary", "Collection summary", "attachments", "tool", required=False, kind="list"),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}


# ---- helpers shared with the HTML report

def sercode(chain: Iterable[dict[str, Any]]) -> str:
    """``0x00950505+0x011E000D+...``: the chain's 8-hex-digit parts, outer to inner (DOMAIN.md §2.3)."""
    parts = []
    for link in chain:
        text = str(link.get("hex") or "")
        if not re.fullmatch(r"0x[0-9A-Fa-f]{1,8}", text):
            continue
        parts.append("0x" + text[2:].upper().rjust(8, "0"))
    return "+".join(parts)


def errorcode_url(code: str) -> str:
    """Acronis' error-code lookup for a serCode; the ``+`` are sent as ``%2B``."""
    return ERRORCODE_URL.format(sercode="%2B".join(quote(p, safe="") for p in code.split("+")))


def kb_links(finding: dict[str, Any]) -> list[tuple[str, str]]:
    """(number, url) of a finding's KB articles; a missing or non-web URL is rebuilt from the number."""
    return _kb_pairs([str(n) for n in finding.get("kb") or []], list(finding.get("kb_urls") or []))


def _kb_pairs(numbers: list[str], urls: list[Any]) -> list[tuple[str, str]]:
    out = []
    for i, number in enumerate(numbers):
        url = urls[i] if i < len(urls) else ""
        if not safe_url(url):
            url = KB_URL.format(number=quote(number, safe=""))
        out.append((number, url))
    return out


def safe_url(url: Any) -> bool:
    """Only http(s) links go into an href; anything else from a bundle is shown as text."""
    return isinstance(url, str) and re.match(r"https?://[^\s\"'<>]+$", url) is not None


def format_time(value: Any) -> str:
    if not value:
        return ""
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    text = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.tzinfo is not None:
        offset = t.strftime("%z")
        text += " UTC" if offset == "+0000" else f" {offset[:3]}:{offset[3:]}"
    return text


def sorted_findings(findings: dict[str, Any]) -> list[dict[str, Any]]:
    def rank(f: dict[str, Any]) -> tuple[int, int, str]:
        sev = str(f.get("severity", "")).lower()
        order = SEVERITY_ORDER.index(sev) if sev in SEVERITY_ORDER else len(SEVERITY_ORDER)
        return order, -int(f.get("count") or 0), str(f.get("title", ""))

    return sorted((f for f in findings.get("findings") or [] if isinstance(f, dict)), key=rank)


def ranked(issues: Iterable[FoundIssue]) -> list[FoundIssue]:
    """`sorted_findings` for typed findings: most severe first, then the most frequent, then by title."""
    def rank(f: FoundIssue) -> tuple[int, int, str]:
        sev = f.severity.lower()
        return SEVERITY_ORDER.index(sev) if sev in SEVERITY_ORDER else len(SEVERITY_ORDER), -f.count, f.title

    return sorted(issues, key=rank)


def first_line(text: Any, limit: int = 500) -> str:
    line = str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---- the form

@dataclass
class EscalationForm:
    """A filled-in form: one value per `FIELDS` key (None = nobody filled it) plus facts about the bundle."""

    values: dict[str, Any]
    bundle_name: str
    generated_utc: str = ""
    tool: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    proposed: set[str] = field(default_factory=set)  # values the tool proposed; a person has not confirmed them

    def set_value(self, key: str, value: Any) -> None:
        if key not in FIELDS_BY_KEY:
            raise KeyError(f"the escalation form has no field {key!r}")
        self.values[key] = value

    def is_filled(self, key: str) -> bool:
        value = self.values.get(key)
        if isinstance(value, str):
            return bool(value.strip())
        if isinstance(value, (list, tuple, dict)):
            return bool(value)
        return value is not None

    @property
    def missing_fields(self) -> list[str]:
        return [f.key for f in FIELDS if f.required and not self.is_filled(f.key)]

    # ---- JSON

    def to_json(self) -> dict[str, Any]:
        fields = []
        for spec in FIELDS:
            entry: dict[str, Any] = {
                "key": spec.key, "label": spec.label, "section": spec.section, "source": spec.source,
                "required": spec.required, "kind": spec.kind, "value": self.values.get(spec.key),
                "filled": self.is_filled(spec.key),
            }
            if spec.help:
                entry["help"] = spec.help
            if spec.choices:
                entry["choices"] = list(spec.choices)
            if spec.key in self.hints:
                entry["hint"] = self.hints[spec.key]
            if spec.key in self.proposed:
                entry["proposed"] = True
            fields.append(entry)
        return {
            "schema_version": FORM_SCHEMA_VERSION,
            "form": "Escalation to Acronis Service Provider Support",
            "bundle": self.bundle_name,
            "generated_utc": self.generated_utc,
            "tool": self.tool,
            "send_to": SUPPORT_EMAIL,
            "template_url": TEMPLATE_URL,
            "severity_scale": [{"level": lv, "meaning": m} for lv, m in SEVERITY_SCALE],
            "sections": [{"key": k, "title": t} for k, t in SECTIONS],
            "fields": fields,
            "missing_fields": self.missing_fields,
            "placeholder": PLACEHOLDER,
        }

    # ---- Markdown

    def to_markdown(self) -> str:
        out = ["# Escalation to Acronis Service Provider Support", ""]
        out.append(f"Bundle: {_md_code(self.bundle_name)} · generated {_md_text(format_time(self.generated_utc))} "
                   f"by {_md_text(self.tool.get('name', 'acronis-triage'))} {_md_text(self.tool.get('version', ''))}")
        out.append("")
        out.append(f"Send the completed form with the bundle to <{SUPPORT_EMAIL}> or attach it to a case in the "
                   f"partner portal ([template]({TEMPLATE_URL})).")
        out.append("")
        missing = self.missing_fields
        if missing:
            labels = ", ".join(_md_text(FIELDS_BY_KEY[k].label) for k in missing)
            out += [f"> **{len(missing)} required fields are still empty:** {labels}", ""]
        for section, title in SECTIONS:
            specs = [f for f in FIELDS if f.section == section]
            out += [f"## {title}", ""]
            simple = [f for f in specs if f.kind in ("text", "choice", "yes_no", "multiline")]
            if simple:
                out += ["| Field | Value |", "|---|---|"]
                for spec in simple:
                    star = " \\*" if spec.required else ""
                    out.append(f"| {_md_text(spec.label)}{star} | {self._md_simple(spec)} |")
                out.append("")
            for spec in specs:
                if spec in simple:
                    continue
                out += [f"### {_md_text(spec.label)}", ""]
                out += self._md_complex(spec)
                out.append("")
        out += ["---", "", "\\* required by Acronis support. Requested severity scale: "
                + "; ".join(f"**{lv}** {m}" for lv, m in SEVERITY_SCALE) + ".", ""]
        return "\n".join(out)

    def _md_simple(self, spec: FieldSpec) -> str:
        if not self.is_filled(spec.key):
            text = _md_text(NOT_FOUND if spec.source == "tool" else PLACEHOLDER)
            if spec.key in self.hints:
                text += f" (hint: {_md_text(self.hints[spec.key])})"
            if spec.choices:
                text += " (one of: " + ", ".join(_md_text(c) for c in spec.choices) + ")"
            return text
        value = self.values[spec.key]
        if spec.kind == "yes_no" and isinstance(value, bool):
            return "yes" if value else "no"
        return _md_text(str(value)).replace("\n", "<br>")

    def _md_complex(self, spec: FieldSpec) -> list[str]:
        value: Any = self.values.get(spec.key)  # its shape is the field's kind (`FieldSpec.kind`)
        if not self.is_filled(spec.key):
            empty = "none" if not spec.required and spec.source == "tool" else _md_text(
                NOT_FOUND if spec.source == "tool" else PLACEHOLDER)
            return [f"_{empty}_"]
        lines: list[str] = []
        if spec.kind == "errors":
            for i, err in enumerate(value, 1):
                seen = f", {_md_text(err['first_seen'])} … {_md_text(err['last_seen'])}" if err["first_seen"] else ""
                lines.append(f"{i}. **{_md_text(err['title'])}** ({_md_text(err['severity'])}, {err['count']}×{seen})")
                if err["message"]:
                    lines.append(f"   - Message: {_md_code(err['message'])}")
                if err["where"]:
                    lines.append(f"   - Seen in: {_md_code(err['where'])}")
                for link in err["chain"]:
                    lines.append(f"   - {_md_code(link['hex'])} {_md_text(link['text'])}")
                if err["sercode"]:
                    lines.append(f"   - serCode: {_md_code(err['sercode'])} — "
                                 f"[Acronis error-code lookup]({err['errorcode_url']})")
                if err["kb"]:
                    lines.append("   - KB: " + ", ".join(f"[{_md_text(k['number'])}]({k['url']})"
                                                         for k in err["kb"]))
        elif spec.kind == "links":
            lines += [f"- [KB {_md_text(k['number'])}]({k['url']}) — {_md_text(', '.join(k['findings']))}"
                      for k in value]
        elif spec.kind == "checklist":
            lines += [f"- [{'x' if item.get('status') or item.get('done') else ' '}] {_md_text(item['step'])} "
                      f"_({_md_text(item['finding'])})_{_md_text(_step_answer(item))}" for item in value]
        else:
            lines += [f"- {_md_text(str(item))}" for item in value]
        return lines

    # ---- plain text (ticket fields, e-mail): no markup, no escapes, no entities

    def to_text(self, *, information: list[dict[str, Any]] | None = None, missing: list[str] | None = None) -> str:
        out = ["ESCALATION TO ACRONIS SERVICE PROVIDER SUPPORT", ""]
        out.append(f"Bundle: {self.bundle_name} (generated {format_time(self.generated_utc)} by "
                   f"{self.tool.get('name', 'acronis-triage')} {self.tool.get('version', '')})".replace(" )", ")"))
        out.append(f"Send to {SUPPORT_EMAIL} with the bundle, or attach both to a partner-portal case.")
        if missing:
            out += ["", f"NOT READY: {len(missing)} item(s) missing:"] + [f"  - {m}" for m in missing]
        for section, title in SECTIONS:
            out += ["", title.upper(), "-" * len(title)]
            for spec in (f for f in FIELDS if f.section == section):
                out += self._text_field(spec)
        if information:
            out += ["", "INFORMATION SUPPORT WILL NEED", "-----------------------------"]
            for item in information:
                if item.get("in_bundle"):
                    state = "in the bundle: " + ", ".join(item["in_bundle"][:3])
                elif item.get("status") == "attached":
                    state = "attached separately" + (f" ({item['note']})" if item.get("note") else "")
                elif item.get("status") == "not_available":
                    state = "not available" + (f": {item['note']}" if item.get("note") else "")
                else:
                    state = "MISSING"
                out.append(f"  - {item['item']}: {state}")
        out += ["", "Requested severity scale: " + "; ".join(f"{lv} = {m}" for lv, m in SEVERITY_SCALE), ""]
        return "\n".join(out)

    def _text_field(self, spec: FieldSpec) -> list[str]:
        label = spec.label + (" *" if spec.required else "")
        if not self.is_filled(spec.key):
            if not spec.required and spec.source == "tool":
                return [f"{label}: none"]
            return [f"{label}: (empty)"]
        value = self.values[spec.key]
        if spec.kind == "yes_no" and isinstance(value, bool):
            return [f"{label}: {'yes' if value else 'no'}"]
        if spec.kind in ("text", "choice"):
            note = " (proposed from the logs)" if spec.key in self.proposed else ""
            return [f"{label}: {value}{note}"]
        if spec.kind == "multiline":
            return [f"{label}:"] + [f"  {line}" for line in str(value).splitlines()]
        lines = [f"{label}:"]
        if spec.kind == "errors":
            for i, err in enumerate(value, 1):
                seen = f", {err['first_seen']} to {err['last_seen']}" if err["first_seen"] else ""
                lines.append(f"  {i}. {err['title']} ({err['severity']}, {err['count']}x{seen})")
                if err["message"]:
                    lines.append(f"     Message: {err['message']}")
                if err["where"]:
                    lines.append(f"     Seen in: {err['where']}")
                if err["sercode"]:
                    lines.append(f"     serCode: {err['sercode']}  {err['errorcode_url']}")
                for k in err["kb"]:
                    lines.append(f"     KB {k['number']}: {k['url']}")
        elif spec.kind == "links":
            lines += [f"  - KB {k['number']}: {k['url']} ({', '.join(k['findings'])})" for k in value]
        elif spec.kind == "checklist":
            lines += [f"  [{'x' if item.get('status') or item.get('done') else ' '}] {item['step']} "
                      f"({item['finding']}){_step_answer(item)}" for item in value]
        else:
            lines += [f"  - {item}" for item in value]
        return lines

    # ---- HTML

    def to_html(self) -> str:
        e = escape
        missing = self.missing_fields
        body = ["<h1>Escalation to Acronis Service Provider Support</h1>",
                f"<p class='meta'>Bundle <code>{e(self.bundle_name)}</code> · generated "
                f"{e(format_time(self.generated_utc))} by {e(self.tool.get('name', 'acronis-triage'))} "
                f"{e(self.tool.get('version', ''))}<br>Send the completed form with the bundle to "
                f"<a href='mailto:{SUPPORT_EMAIL}'>{SUPPORT_EMAIL}</a> or attach it to a partner-portal case "
                f"(<a href='{TEMPLATE_URL}'>template</a>).</p>"]
        body.append("<p class='legend'><span class='k tool'></span>filled in by the tool from the bundle "
                    "<span class='k tech'></span>to be filled in by the technician</p>")
        if missing:
            body.append(f"<div class='missing'><strong>{len(missing)} required fields are still empty:</strong> "
                        + ", ".join(e(FIELDS_BY_KEY[k].label) for k in missing) + "</div>")
        for section, title in SECTIONS:
            body.append(f"<section><h2>{e(title)}</h2><table class='form'>")
            for spec in (f for f in FIELDS if f.section == section):
                req = "<span class='req' title='required'>*</span>" if spec.required else ""
                src = "tool" if spec.source == "tool" else "tech"
                help_ = f"<div class='help'>{e(spec.help)}</div>" if spec.help else ""
                body.append(f"<tr class='{src}'><th>{e(spec.label)}{req}{help_}</th>"
                            f"<td>{self._html_value(spec)}</td></tr>")
            body.append("</table></section>")
        body.append("<p class='foot'>* required by Acronis support. Requested severity: "
                    + "; ".join(f"<b>{lv}</b> {e(m)}" for lv, m in SEVERITY_SCALE) + ".</p>")
        return html_page(f"Escalation form — {self.values.get('machine_name') or self.bundle_name}", _FORM_CSS,
                     "\n".join(body))

    def _html_value(self, spec: FieldSpec) -> str:
        e = escape
        if not self.is_filled(spec.key):
            if not spec.required and spec.source == "tool":
                return "<span class='none'>none</span>"
            text = NOT_FOUND if spec.source == "tool" else PLACEHOLDER
            extra = ""
            if spec.key in self.hints:
                extra += f"<div class='hint'>Hint: {e(self.hints[spec.key])}</div>"
            if spec.choices:
                extra += "<div class='hint'>One of: " + ", ".join(e(c) for c in spec.choices) + "</div>"
            return f"<span class='todo'>{e(text)}</span>{extra}"
        value = self.values[spec.key]
        if spec.kind == "yes_no" and isinstance(value, bool):
            return "yes" if value else "no"
        if spec.kind == "errors":
            items = []
            for err in value:
                chain = "".join(f"<li><code>{e(c['hex'])}</code> {e(c['text'])}</li>" for c in err["chain"])
                kb = ", ".join(link(k["url"], "KB " + k["number"]) for k in err["kb"])
                lookup = (f"<div>serCode <code>{e(err['sercode'])}</code> — "
                          f"{link(err['errorcode_url'], 'Acronis error-code lookup')}</div>" if err["sercode"] else "")
                seen = f" · {e(err['first_seen'])} … {e(err['last_seen'])}" if err["first_seen"] else ""
                items.append(
                    f"<li><b>{e(err['title'])}</b> <span class='sev {e(err['severity'])}'>{e(err['severity'])}"
                    f"</span> {err['count']}×{seen}"
                    + (f"<pre>{e(err['message'])}</pre>" if err["message"] else "")
                    + (f"<div class='where'>{e(err['where'])}</div>" if err["where"] else "")
                    + (f"<ul class='chain'>{chain}</ul>" if chain else "") + lookup
                    + (f"<div>{kb}</div>" if kb else "") + "</li>")
            return "<ol class='errors'>" + "".join(items) + "</ol>"
        if spec.kind == "links":
            return "<ul>" + "".join(f"<li>{link(k['url'], 'KB ' + k['number'])} — {e(', '.join(k['findings']))}</li>"
                                    for k in value) + "</ul>"
        if spec.kind == "checklist":
            return "<ul class='check'>" + "".join(
                f"<li>{'☑' if item.get('status') or item.get('done') else '☐'} {inline(item['step'])} "
                f"<i>({e(item['finding'])})</i>{e(_step_answer(item))}</li>"
                for item in value) + "</ul>"
        if spec.kind == "list":
            return "<ul>" + "".join(f"<li>{inline(str(item))}</li>" for item in value) + "</ul>"
        return e(str(value)).replace("\n", "<br>")


def build_form(manifest: dict[str, Any], findings: dict[str, Any], bundle_name: str) -> EscalationForm:
    """Pre-fill the form from a bundle's ``manifest.json`` and ``analysis/findings.json``.

    Missing or malformed parts of either document leave the matching fields empty; they never raise.
    """
    manifest = manifest if isinstance(manifest, dict) else {}
    findings = findings if isinstance(findings, dict) else {}
    bundle = ManifestView.from_json(manifest)
    ordered = ranked(AnalysisReport.from_json(findings).findings)
    values: dict[str, Any] = {spec.key: None for spec in FIELDS}
    values.update(
        machine_name=bundle.host.get("hostname") or None,
        agent_id=bundle.identifiers.get("MMSCurrentMachineID") or None,
        resource_id=bundle.identifiers.get("InstanceID") or None,
        os=_os_text(bundle.host),
        errors=[_error_entry(f) for f in ordered],
        kb_articles=_kb_articles(ordered),
        checklist=[{"step": step, "finding": f.title, "done": False} for f in ordered for step in f.workaround],
        information_needed=_information_lines(findings, manifest),
        attachments=_attachments(bundle, bundle_name),
        collector_summary=_collector_summary(bundle),
    )
    values["product"], values["version"] = _product(bundle, ordered)
    hints = {}
    seen = [f.first_seen for f in ordered if f.first_seen]
    if seen:
        hints["first_occurrence"] = "the earliest finding in the logs is from " + format_time(min(seen))
    if ordered:
        hints["description"] = "the analysis found: " + "; ".join(f.title for f in ordered[:3])
    return EscalationForm(values, bundle_name, bundle.created_utc, bundle.tool, hints)


def _os_text(host: dict[str, Any]) -> str | None:
    for key in ("os_description", "os_name", "os_version", "platform"):
        if host.get(key):
            return str(host[key])
    names = {"windows": "Windows", "linux": "Linux", "darwin": "macOS"}
    os_name = host.get("os")
    return names.get(str(os_name), str(os_name)) if os_name else None


_MODULE_BUILD = re.compile(r"\$module\W{1,4}[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*?_(\d{4,6})\b")


def _product(bundle: ManifestView, findings: list[FoundIssue]) -> tuple[str | None, str | None]:
    products = bundle.products
    names = _unique(f"{p.name} ({p.component})" if p.component else p.name for p in products)
    versions = _unique(
        " ".join(x for x in (p.version, f"build {p.build}" if p.build else "") if x)
        for p in products if p.version or p.build)
    if not versions:
        # Every Acronis error names its module with the build as suffix (DOMAIN.md §1.7).
        builds = _unique(m.group(1) for f in findings for ev in f.evidence for m in _MODULE_BUILD.finditer(ev.text))
        versions = [f"build {b} (from the $module of the logged errors)" for b in builds]
    return ("; ".join(names) or None), ("; ".join(versions) or None)


def _error_entry(f: FoundIssue) -> dict[str, Any]:
    code = sercode({"hex": c.hex} for c in f.error_chain)
    first = f.evidence[0] if f.evidence else None
    return {
        "signature": f.signature,
        "title": f.title,
        "severity": f.severity,
        "count": f.count,
        "first_seen": format_time(f.first_seen),
        "last_seen": format_time(f.last_seen),
        "message": first_line(first.text if first else ""),
        "where": f"{first.file}:{first.line}" if first and first.file else "",
        "chain": [{"hex": c.hex, "text": c.text} for c in f.error_chain],
        "sercode": code,
        "errorcode_url": errorcode_url(code) if code else "",
        "kb": [{"number": n, "url": u} for n, u in _kb_pairs(list(f.kb), list(f.kb_urls))],
    }


def _information_lines(findings: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    """Each item support will need once, marked as in the bundle (where) or missing (and how to get it)."""
    from acronis_triage.app.evidence import bundle_members, information_items

    out = []
    for item in information_items(findings, bundle_members(manifest)):
        if item["in_bundle"]:
            out.append(f"{item['item']} — in the bundle: {', '.join(item['in_bundle'][:2])}")
        else:
            out.append(f"{item['item']} — missing: {item['how']}")
    return out


def _kb_articles(findings: list[FoundIssue]) -> list[dict[str, Any]]:
    by_number: dict[str, dict[str, Any]] = {}
    for f in findings:
        for number, url in _kb_pairs(list(f.kb), list(f.kb_urls)):
            entry = by_number.setdefault(number, {"number": number, "url": url, "findings": []})
            entry["findings"].append(f.title)
    return list(by_number.values())


def _attachments(bundle: ManifestView, bundle_name: str) -> list[str]:
    out = [f"{bundle_name} (support bundle: collected logs, manifest.json, analysis, report.html)"]
    per_collector: dict[str, int] = {}
    for path in bundle.member_paths:
        if path.startswith("collected/"):
            name = path.split("/")[1]
            per_collector[name] = per_collector.get(name, 0) + 1
    out += [f"collected/{name}/ ({n} file{'s' if n != 1 else ''})" for name, n in sorted(per_collector.items())]
    return out


def _collector_summary(bundle: ManifestView) -> list[str]:
    collectors = bundle.collectors
    if not collectors:
        return []
    counts: dict[str, int] = {}
    for c in collectors:
        counts[str(c.get("status", "?"))] = counts.get(str(c.get("status", "?")), 0) + 1
    out = [f"{len(collectors)} collectors: " + ", ".join(f"{n} {s.replace('_', ' ')}"
                                                          for s, n in sorted(counts.items()))]
    out += [f"{c.get('name', '?')}: {c.get('status')} — {c.get('reason', '')}".rstrip(" —")
            for c in collectors if c.get("status") not in ("ok", "not_applicable")]
    return out


def _step_answer(item: dict[str, Any]) -> str:
    """' - done by the end user: <result>' for a checklist step the technician answered."""
    status = item.get("status")
    if not status:
        return ""
    words = "done" if status == "done" else "not applicable"
    if item.get("by"):
        words += f" by the {item['by']}"
    return f" - {words}" + (f": {item['result']}" if item.get("result") else "")


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)


# ---- escaping

def escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def inline(value: Any) -> str:
    """Escaped text where `backtick` spans (as signature authors write commands) become <code>."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escape(value))


def link(url: str, text: str) -> str:
    if not safe_url(url):
        return escape(text)
    return f"<a href='{escape(url)}'>{escape(text)}</a>"


# Only what would change the rendering: a table cell's pipe, link brackets, emphasis that opens at a word start,
# and an HTML tag. An underscore inside a word (`service_process`) or a lone ">" renders as itself unescaped.
_MD_SPECIAL = re.compile(r"([|\[\]\\`]|(?<!\w)[*_~](?=\S)|<(?=[A-Za-z/!]))")


def _md_text(value: Any) -> str:
    """Plain text for Markdown: tags and link/emphasis syntax are neutralised, one line."""
    # a tag-like "<" becomes &lt;: an escaped "\<" would still read as a tag to a tool that is not CommonMark
    text = _MD_SPECIAL.sub(lambda m: "&lt;" if m.group(1) == "<" else "\\" + m.group(1), str(value))
    return " ".join(text.split("\n")) if "\n" in text else text


def _md_code(value: Any) -> str:
    """An inline code span that survives backticks and pipes in the text."""
    text = " ".join(str(value).split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# ---- page

_FORM_CSS = """
body{font:14px/1.45 "Segoe UI",system-ui,-apple-system,Helvetica,Arial,sans-serif;color:#1f2933;margin:0;
background:#f4f6f8}
main{max-width:1000px;margin:24px auto;background:#fff;padding:28px 36px;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:22px;margin:0 0 6px;color:#0b3d91}h2{font-size:16px;margin:26px 0 8px;color:#0b3d91;
border-bottom:2px solid #dbe4f0;padding-bottom:4px}
.meta{color:#52606d;font-size:13px}.missing{background:#fff4e5;border-left:4px solid #f0a202;padding:8px 12px;
margin:14px 0}
table.form{width:100%;border-collapse:collapse}table.form th{width:30%;text-align:left;vertical-align:top;
font-weight:600;padding:8px 10px;background:#f7f9fb;border-bottom:1px solid #e4e7eb}
table.form td{padding:8px 10px;border-bottom:1px solid #e4e7eb;vertical-align:top;word-break:break-word}
tr.tool th{border-left:3px solid #3f83f8}tr.tech th{border-left:3px solid #f0a202}
.req{color:#c81e1e;margin-left:2px}.help,.hint{font-weight:400;color:#7b8794;font-size:12px;margin-top:2px}
.todo{display:inline-block;background:#fffbea;border:1px dashed #f0a202;color:#8d5b00;padding:2px 8px;
border-radius:4px}.none{color:#9aa5b1}
pre{white-space:pre-wrap;word-break:break-all;background:#f5f7fa;border:1px solid #e4e7eb;padding:6px 8px;
border-radius:4px;font-size:12px;margin:4px 0}
code{font-family:Consolas,"SFMono-Regular",Menlo,monospace;font-size:12px;background:#f1f3f5;padding:0 3px;
border-radius:3px}
ol.errors>li{margin-bottom:12px}ul.chain{margin:2px 0 4px 0;padding-left:18px;font-size:13px}
.where{color:#52606d;font-size:12px}ul.check{list-style:none;padding-left:0}ul.check li{margin:3px 0}
.sev{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 6px;
border-radius:3px;color:#fff;background:#7b8794}.sev.critical{background:#9b1c1c}.sev.error{background:#c81e1e}
.sev.warning{background:#c27803}.sev.info{background:#1c64f2}
.legend{font-size:12px;color:#52606d}.legend .k{display:inline-block;width:10px;height:10px;margin:0 5px 0 12px;
vertical-align:middle}.legend .k.tool{background:#3f83f8;margin-left:0}.legend .k.tech{background:#f0a202}
a{color:#1a56db}.foot{color:#7b8794;font-size:12px;margin-top:24px}
@media print{body{background:#fff}main{box-shadow:none;margin:0;max-width:none}}
"""


def html_page(title: str, css: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{css}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )
