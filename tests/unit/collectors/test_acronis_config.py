"""acronis_config: settings taken whole, the Acronis password formats masked, nothing else changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from acronis_triage.collectors import bundle as bundle_module
from acronis_triage.collectors.base import NotApplicable
from acronis_triage.collectors.builtin.acronis_config import AcronisConfig
from acronis_triage.collectors.redact import Redactor
from acronis_triage.collectors.sysroot import SystemRoot

ROOTS = Path(__file__).resolve().parents[2] / "data" / "roots"


def test_registry_xml_password_on_its_own_line_is_masked() -> None:
    text = ('<value name="Password" type="TString">\n\t\t"0nline Pw"\n\t</value>\n'
            '<value name="InstanceID" type="TString">"5A1C"</value>')
    redactor = Redactor()
    out = redactor.redact_text(text)
    assert redactor.replacements == 1
    assert out == '<value name="Password" type="TString">\n\t\t"*****"\n\t</value>\n' \
                  '<value name="InstanceID" type="TString">"5A1C"</value>'


def test_registry_xml_empty_password_stays_empty() -> None:
    out = Redactor().redact_text('<value name="Password" type="TString">""</value>')
    assert out == '<value name="Password" type="TString">""</value>'


@pytest.mark.parametrize(("line", "expected"), [
    ("    http-proxy: proxy_login:proxy_password@proxy_address:3128",
     "    http-proxy: proxy_login:*****@proxy_address:3128"),
    # the password runs to the last '@' before the host: "p@w:rd" is one password, none of it stays
    ("  https-proxy: 'u:p@w:rd@10.0.0.1:8080'", "  https-proxy: 'u:*****@10.0.0.1:8080'"),
    ("httpProxy: http://mylogin:mypassword@192.168.2.30:8080", "httpProxy: http://mylogin:*****@192.168.2.30:8080"),
    ("http-proxy: proxy.example.test:3128", "http-proxy: proxy.example.test:3128"),  # no credentials
    ("http: 127.0.0.1:9999", "http: 127.0.0.1:9999"),
])
def test_proxy_credentials_without_a_scheme_are_masked(line: str, expected: str) -> None:
    assert Redactor().redact_text(line) == expected


def test_utf16_settings_keep_their_encoding(tmp_path: Path, harness) -> None:
    tree = tmp_path / "lx"
    (tree / "etc/Acronis").mkdir(parents=True)
    text = '<registry name="Global"><key name="HttpProxy"><value name="Password" type="TString">"Pw16"</value>' \
           "</key></registry>\n"
    (tree / "etc/Acronis/Global.config").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    files, _ = harness(SystemRoot.offline(tree, "linux"), AcronisConfig).collect()
    data = files["etc/Acronis/Global.config"]
    assert data.startswith(b"\xff\xfe")
    assert '"*****"' in data.decode("utf-16") and "Pw16" not in data.decode("utf-16")


def test_unchanged_settings_are_byte_identical(harness) -> None:
    files, _ = harness(SystemRoot.offline(ROOTS / "linux"), AcronisConfig).collect()
    assert files["etc/Acronis/MMS.config"] == (ROOTS / "linux/etc/Acronis/MMS.config").read_bytes()
    index = json.loads(files["index.json"])
    assert {f["path"] for f in index["files"]} == {
        "/etc/Acronis/BackupAndRecovery.config", "/etc/Acronis/Global.config", "/etc/Acronis/MMS.config",
        "/opt/acronis/etc/aakore.yaml"}
    for masked in ("etc/Acronis/BackupAndRecovery.config", "etc/Acronis/Global.config", "opt/acronis/etc/aakore.yaml"):
        assert files[masked] != (ROOTS / "linux" / masked).read_bytes()
        assert b"*****" in files[masked]


def test_oversized_settings_file_is_skipped_not_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    harness) -> None:
    monkeypatch.setattr(bundle_module, "DEFAULT_STRUCTURED_CAP", 300)
    tree = tmp_path / "lx"
    shutil.copytree(ROOTS / "linux", tree)
    h = harness(SystemRoot.offline(tree), AcronisConfig)
    files, _ = h.collect()
    ctx = h.ctx
    assert "etc/Acronis/BackupAndRecovery.config" not in files  # 692 bytes
    assert "etc/Acronis/MMS.config" in files  # 276 bytes
    reasons = {s.what: s.reason for s in ctx.writer.skipped}
    assert "not cut" in reasons["/etc/Acronis/BackupAndRecovery.config"]


def test_no_settings_is_not_applicable(tmp_path: Path, harness) -> None:
    (tmp_path / "lx/etc").mkdir(parents=True)
    with pytest.raises(NotApplicable, match="no Acronis settings files"):
        harness(SystemRoot.offline(tmp_path / "lx"), AcronisConfig).collect()


def test_key_material_next_to_settings_is_never_taken(tmp_path: Path, harness) -> None:
    tree = tmp_path / "win"
    shutil.copytree(ROOTS / "windows", tree)
    (tree / "ProgramData/Acronis/BackupAndRecovery/MMS/Locations/share.pfx").write_bytes(b"\x30\x82fake")
    h = harness(SystemRoot.offline(tree), AcronisConfig)
    files, _ = h.collect()
    ctx = h.ctx
    assert not any(name.endswith(".pfx") for name in files)
    excluded = {e.what: e.reason for e in ctx.writer.excluded}
    assert "key" in excluded[r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\Locations\share.pfx"]


def test_a_large_settings_file_is_streamed_and_masked_in_bounded_memory(tmp_path: Path, harness) -> None:
    import tracemalloc

    tree = tmp_path / "lx"
    (tree / "etc/Acronis").mkdir(parents=True)
    entry = '<value name="Password" type="TString">"BigPw{:06d}"</value>\n<value name="Port">"{:06d}"</value>\n'
    long_line = '<value name="Blob" type="TString">"' + "A" * 30_000 + '"</value>\n'
    with open(tree / "etc/Acronis/Global.config", "w") as out:
        out.write("<registry>\n")
        for i in range(24_000):
            out.write(entry.format(i, i))
            if i % 30 == 0:
                out.write(long_line)
        out.write("</registry>\n")
    size = (tree / "etc/Acronis/Global.config").stat().st_size
    assert size > 20 * 2**20
    h = harness(SystemRoot.offline(tree, "linux"), AcronisConfig)
    tracemalloc.start()
    AcronisConfig().collect(h.ctx)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    files, _ = h.collected()
    data = files["etc/Acronis/Global.config"]
    assert b"BigPw" not in data and b'<value name="Port">"023999"</value>' in data
    assert peak < 16 * 2**20  # 1 MiB reads; the file is never held whole
