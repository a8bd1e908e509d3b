"""Secrets in the real formats Acronis and Windows write them in never reach the bundle."""

from __future__ import annotations

import pytest

from collectors.redact import MASK, Redactor

CASES = [
    ("reg query", "    Password    REG_SZ    Winter is Coming\n    Host    REG_SZ    proxy.local\n",
     "Winter", "Host    REG_SZ    proxy.local"),
    ("reg export string", '"Password"="two words"\r\n"Port"=dword:00000c38\r\n', "two words", '"Port"=dword:00000c38'),
    ("reg export hex",
     '"Password"=hex:01,00,00,00,d0,8c,9d,df,\\\r\n  01,15,d1,11,8c,7a,00,c0\r\n"Enabled"=dword:1\r\n',
     "d0,8c", '"Enabled"=dword:1'),
    ("aakore proxy without scheme", "env:\n  http-proxy: login:Pr0xy-Secret!@proxy.local:3128\n", "Pr0xy-Secret",
     "@proxy.local:3128"),
    ("url credentials", "connecting to https://admin:S3cret@gw.example.com:44445/fes", "S3cret",
     "@gw.example.com:44445"),
    ("acronis config value", '<value name="Password" type="TString">\n"pw 123"\n</value>', "pw 123",
     '<value name="Password" type="TString">'),
    ("json", '{"user": "bob", "client_secret": "abcDEF123"}', "abcDEF123", '"user": "bob"'),
    ("yaml", "proxy_password: hunter2\nport: 9999\n", "hunter2", "port: 9999"),
    ("bearer", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGci", "Authorization"),
    ("command line", "register_agent.exe -o register -t cloud -a https://eu2-cloud.acronis.com --password Xy9!pq",
     "Xy9!pq", "--password"),
]


@pytest.mark.parametrize(("name", "text", "secret", "kept"), CASES, ids=[c[0] for c in CASES])
def test_secret_masked_and_context_kept(name: str, text: str, secret: str, kept: str) -> None:
    out = Redactor().redact_text(text)
    assert secret not in out
    assert kept in out
    assert MASK in out


def test_bytes_path_matches_text_path_and_counts() -> None:
    redactor = Redactor()
    data = b"line one\nproxy_password: hunter2\n"
    assert b"hunter2" not in redactor.redact_bytes(data)
    assert redactor.replacements >= 1
    clean = b"2024-05-01T10:01:50:260+02:00 5120 I00640002: Backup started\n"
    assert redactor.redact_bytes(clean) is clean  # untouched chunks are passed through as they are


def test_disabled_redactor_changes_nothing() -> None:
    assert Redactor(enabled=False).redact_text("password=x") == "password=x"
