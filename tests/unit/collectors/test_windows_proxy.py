"""windows_proxy: WinHTTP, the Acronis HttpProxy key and aakore files, with every password kept out."""

from __future__ import annotations

from acronis_triage.collectors.builtin.windows_proxy import PROXY_KEYS, WindowsProxy, mask_userinfo, winhttp_summary
from acronis_triage.collectors.textdecode import decode_bytes

AAKORE = """http: 127.0.0.1:9999
log:
  level: info
env:
  http-proxy: svc-backup:Demo-Pr0xy-Secret!@proxy.contoso.local:3128
  https_proxy: http://svc-backup:An0ther%20Secret@proxy.contoso.local:3128
"""


def _runner(replay, recorded, winhttp="netsh_winhttp_proxy.txt"):
    replay.add("netsh winhttp show proxy", stdout=recorded(winhttp))
    replay.add(f"reg query {PROXY_KEYS[0]}", stdout=recorded("reg_query_httpproxy.txt"))
    replay.add(f"reg query {PROXY_KEYS[1]}", stderr=recorded("reg_query_not_found.txt"), returncode=1)
    return replay


def test_proxy_settings_without_passwords(run_windows, replay, recorded, tmp_path):
    etc = tmp_path / "target" / "ProgramData" / "Acronis" / "Agent" / "etc"
    etc.mkdir(parents=True)
    (etc / "aakore.yaml").write_text(AAKORE)
    run = run_windows(WindowsProxy, _runner(replay, recorded))
    assert run.status == "ok", run.outcome.reason
    everything = b"\n".join(run.files.values()).decode("utf-8")
    for secret in ("Winter is Coming", "is Coming 2024", "Demo-Pr0xy-Secret", "An0ther"):
        assert secret not in everything, secret
    reg = run.text("reg_query_acronis_httpproxy.txt")
    assert "Password    REG_SZ    *****" in reg and "Host    REG_SZ    proxy.contoso.local" in reg
    summary = run.json("proxy_summary.json")
    assert summary["winhttp"] == {"mode": "proxy", "server": "proxy.contoso.local:3128",
                                  "bypass": "<local>;*.contoso.local"}
    key = r"HKEY_LOCAL_MACHINE\SOFTWARE\Acronis\Global\HttpProxy"
    assert summary["acronis_registry"][key] == {"Enabled": "0x1", "Host": "proxy.contoso.local",
                                                "Port": "0xc38", "Login": "svc-backup"}
    files = summary["aakore_files"][r"%ProgramData%\Acronis\Agent\etc\aakore.yaml"]
    assert files["env.http-proxy"] == "svc-backup:*****@proxy.contoso.local:3128"
    assert "http: 127.0.0.1:9999" in run.text("aakore.yaml")
    assert run.excluded[r"%ProgramData%\Acronis\Agent\var\aakore\http-proxy.yaml"] == "file does not exist"


def test_direct_access(recorded):
    assert winhttp_summary(decode_bytes(recorded("netsh_winhttp_direct.txt"))) == {"mode": "direct"}


def test_userinfo_masking_keeps_the_rest():
    assert mask_userinfo("http: 127.0.0.1:9999") == "http: 127.0.0.1:9999"
    assert mask_userinfo("proxy: http://u:p@h:1 and a@b.com") == "proxy: http://u:*****@h:1 and a@b.com"


def test_broken_yaml_is_reported_not_fatal(run_windows, replay, recorded, tmp_path):
    var = tmp_path / "target" / "ProgramData" / "Acronis" / "Agent" / "var" / "aakore"
    var.mkdir(parents=True)
    (var / "http-proxy.yaml").write_text("proxy: [unclosed\n")
    run = run_windows(WindowsProxy, _runner(replay, recorded, "netsh_winhttp_direct.txt"))
    assert run.status == "ok", run.outcome.reason
    summary = run.json("proxy_summary.json")
    assert summary["aakore_files"][r"%ProgramData%\Acronis\Agent\var\aakore\http-proxy.yaml"]["error"].startswith(
        "not valid YAML")
    assert run.text("http-proxy.yaml") == "proxy: [unclosed\n"
