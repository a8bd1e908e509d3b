"""Secret stripping that is always on: passwords, tokens and keys never leave the machine.

Runs on every text artifact before it is written into the bundle. It is a one-way replacement of the value
with ``*****`` (sos ``postproc`` style); reversible pseudonyms of hosts, users and addresses are a separate,
optional step (see ROADMAP "Export").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MASK = "*****"

# A cheap test first: most chunks of a log hold none of these words, and then no pattern runs at all.
# Plain substring tests on the lower-cased bytes run about ten times faster than one regex with alternatives.
_KEYWORDS: tuple[bytes, ...] = (
    b"pass", b"pwd", b"secret", b"token", b"auth", b"apikey", b"api_key", b"api-key", b"credential", b"private",
    b"cookie", b"bearer", b"proxy",
)
_URL_CREDENTIALS = re.compile(rb"://[^/\s:@]+:[^/\s@]+@")


def _might_hold_secrets(data: bytes) -> bool:
    low = data.lower()
    return any(word in low for word in _KEYWORDS) or (b"://" in data and _URL_CREDENTIALS.search(data) is not None)


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # `reg query` output: the data column runs to the end of the line and may hold spaces
    (re.compile(r"(?im)^(\s*\S*(?:password|passwd|pwd|secret|token|credential)\S*\s+REG_[A-Z_]+[ \t]+)\S.*$"),
     r"\1" + MASK),
    # `reg export` (.reg files): quoted strings, and hex data continued over several lines with a trailing backslash
    (re.compile(
        r'(?im)^("[^"\r\n]*(?:password|passwd|pwd|secret|token|credential)[^"\r\n]*"=)'
        r'(?:"(?:[^"\\\r\n]|\\.)*"'
        r'|hex(?:\([0-9a-f]+\))?:[0-9a-f]{2}[0-9a-f,]*(?:\\\r?\n[ \t]*[0-9a-f,]*)*'
        r'|dword:[0-9a-f]+)'),
     r'\1"' + MASK + '"'),
    # key: value / key=value / "key": "value" for secret-looking keys (YAML, INI, JSON, registry dumps)
    (
        re.compile(
            r"""(?ix)
            (?P<key>["']?[\w.\-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|credential|
                private[_-]?key|client[_-]?secret|cookie)[\w.\-]*["']?)
            (?P<sep>\s*(?:[:=]|\bREG_[A-Z_]+\b)\s*)
            (?P<q>["']?)(?P<val>[^"'\s,;}{]+)"""
        ),
        r"\g<key>\g<sep>\g<q>" + MASK,
    ),
    # Authorization headers
    (re.compile(r"(?i)(authorization\s*[:=]\s*(?:bearer|basic|negotiate|ntlm)?\s*)[A-Za-z0-9+/=._\-]{6,}"),
     r"\1" + MASK),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9+/=._\-]{12,}"), r"\1" + MASK),
    # Acronis registry-style configs (BackupAndRecovery.config, Global.config, True Image scripts):
    # <value name="Password" type="TString">"secret"</value>, the value sometimes on a line of its own
    (re.compile(r'(?is)(<value\s+name="[^"]*(?:password|passwd|pwd|secret|token|credential)[^"]*"[^>]*>\s*"?)[^"<]+'),
     r"\1" + MASK),
    # proxy settings written without a scheme, as the Acronis user guide documents for aakore.yaml:
    # `http-proxy: login:password@host:port`
    (re.compile(r"""(?im)^(\s*["']?[\w.\-]*proxy[\w.\-]*["']?\s*[:=]\s*["']?(?:[a-z][a-z0-9+.\-]*://)?[^:@\s"'/]+:)[^@\s"']+@"""),
     r"\1" + MASK + "@"),
    # user:password@host in URLs
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^/\s:@]+:)[^/\s@]+@"), r"\1" + MASK + "@"),
    # command-line style secrets: -p=..., --password ..., /password:...
    (re.compile(r"(?i)((?:^|\s)(?:--?(?:password|passwd|pwd|token|secret)|/password)[=:\s]\s*)(\S+)"),
     r"\1" + MASK),
    # PEM private keys
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
     "-----BEGIN PRIVATE KEY-----\n" + MASK + "\n-----END PRIVATE KEY-----"),
)


@dataclass
class Redactor:
    """Strips secrets from text; counts what it replaced for the manifest."""

    enabled: bool = True
    replacements: int = 0
    extra: tuple[re.Pattern[str], ...] = field(default_factory=tuple)

    def redact_text(self, text: str) -> str:
        if not self.enabled:
            return text
        for pattern, repl in (*_PATTERNS, *((p, MASK) for p in self.extra)):
            text, n = pattern.subn(repl, text)
            self.replacements += n
        return text

    def redact_bytes(self, data: bytes, encoding: str = "utf-8") -> bytes:
        """Redact a chunk of text bytes, keeping the encoding and leaving clean chunks untouched."""
        if not self.enabled:
            return data
        probe = data if encoding.startswith("utf-8") or encoding == "cp1252" else None
        if probe is not None and not _might_hold_secrets(probe):
            return data
        text = data.decode(encoding, errors="surrogateescape")
        out = self.redact_text(text)
        if out == text:
            return data
        return out.encode(encoding, errors="surrogateescape")
