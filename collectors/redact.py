"""Secret stripping that is always on: passwords, tokens and keys never leave the machine.

Runs on every text artifact before it is written into the bundle. It is a one-way replacement of the value
with ``*****`` (sos ``postproc`` style). Under ``--redact full`` a pseudonymiser (collectors/pseudonym.py) also
replaces names and addresses on the same lines, after the secrets, through the same streams.

How it stays linear on any input (a 30 KB line, a 100,000-character base64 run, a million keywords):

1. one scan finds the candidate positions: hyperscan (already a dependency, for the analyzer) with every
   trigger in one database, or, where hyperscan is missing, ``bytes.find`` over the lower-cased block;
2. each candidate is confirmed and its value cut by small hand-written steps: the key is the word around the
   hit (``[A-Za-z0-9_.-]``, at most 128 characters), the value runs to its natural end for the syntax it is
   in: a closing quote, the end of the line, the next ``key=`` of a ``key=value`` list, the next XML tag, the
   ``\\``-continued hex lines of a ``.reg`` export, the next command-line token, an ``-----END`` line.
   Every ``re`` used here is anchored at one position and has only possessive or bounded repeats, so nothing
   can backtrack, and no byte is examined again once a candidate has looked at it (``floor``).

Text is redacted in blocks of whole lines (`RedactStream`); a construct that spans lines (PEM key, YAML
block, XML element text, ``.reg`` hex continuation) or a line longer than a block carries its state into
the next block, so a secret never survives a chunk boundary. Line breaks are never added or removed: line
numbers in a redacted log still match the original.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    hyperscan = None  # type: ignore[assignment]

MASK = "*****"
NAME_MASK = "REDACTED"  # in file names: Windows refuses '*' in a name, and the bundle is unpacked there

MAX_LINE = 1024 * 1024  # a longer line is redacted in pieces, its state carried from piece to piece
_MAX_KEY = 128

# ---- candidate triggers

C_WORD, C_URL, C_PEM_BEGIN, C_PEM_END, C_AKIA, C_JWT, C_NET = range(7)

_COMMAND_WORDS = (
    "register_agent", "mysql", "mariadb", "schtasks", "psexec", "paexec", "sshpass", "smbclient", "curl",
    "sqlcmd", "osql", "7z", "7za", "7zr", "7zz", "zip", "unzip", "rar", "unrar", "convertto-securestring",
)
_KEY_STEMS = ("api", "account", "access", "private", "shared", "encryption", "storage", "master", "subscription",
              "signing", "client", "sas")
_WORD_LITERALS = ("pass", "pwd", "secret", "token", "cred", "cookie", "auth", "bearer", "basic", "proxy",
                  "signature")

# (regex for hyperscan, id, caseless, offset of the position reported to the handler from the match end;
#  None = the match start, from HS_FLAG_SOM_LEFTMOST)
_HS_PATTERNS: tuple[tuple[bytes, int, bool, int | None], ...] = (
    *((w.encode(), C_WORD, True, -1) for w in _WORD_LITERALS),
    (rb"\bsig\b", C_WORD, True, -1),
    (rb"(?:" + "|".join(_KEY_STEMS).encode() + rb")[_.\-]?key", C_WORD, True, -1),
    (rb"\b(?:register_agent|mysql\w*|mariadb\w*|schtasks|psexec\w*|paexec|sshpass|smbclient|curl|sqlcmd|osql"
     rb"|7z[az]?|7zr|zip|unzip|rar|unrar|convertto-securestring)\b", C_WORD, True, -1),
    (rb"://", C_URL, False, -3),
    (rb"-----BEGIN ", C_PEM_BEGIN, False, -11),
    (rb"-----END ", C_PEM_END, False, -9),
    (rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", C_AKIA, False, -20),
    (rb"eyJ", C_JWT, False, -3),
    (rb"\bnet(?:1|\.exe)?[ \t]+user?\b", C_NET, True, None),
)

# Where hyperscan is missing: literals found with bytes.find (caseless ones in the lower-cased block).
_FALLBACK: tuple[tuple[bytes, int, bool], ...] = (
    *((w.encode(), C_WORD, True) for w in (*_WORD_LITERALS, "sig", "key")),
    *((w.encode(), C_WORD, True) for w in ("register_agent", "mysql", "mariadb", "schtasks", "psexec", "paexec",
                                           "sshpass", "smbclient", "curl", "sqlcmd", "osql", "7z", "zip", "rar",
                                           "convertto-securestring")),
    (b"://", C_URL, False),
    (b"-----BEGIN ", C_PEM_BEGIN, False),
    (b"-----END ", C_PEM_END, False),
    (b"AKIA", C_AKIA, False),
    (b"ASIA", C_AKIA, False),
    (b"eyJ", C_JWT, False),
    (b"net", C_NET, True),
)


class _Scanner:
    """The candidate scan: one hyperscan database, one scratch per thread (scratch cannot be shared)."""

    def __init__(self, use_hyperscan: bool) -> None:
        self.use_hyperscan = use_hyperscan and hyperscan is not None
        self._local = threading.local()
        self._db = None
        if self.use_hyperscan:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            flags = []
            for _rx, _cid, caseless, offset in _HS_PATTERNS:
                f = hyperscan.HS_FLAG_CASELESS if caseless else 0
                if offset is None:
                    f |= hyperscan.HS_FLAG_SOM_LEFTMOST
                flags.append(f)
            db.compile(expressions=[p[0] for p in _HS_PATTERNS], ids=list(range(len(_HS_PATTERNS))),
                       flags=flags)
            self._db = db

    def candidates(self, buf: bytes) -> list[tuple[int, int]]:
        if not buf:
            return []
        if not self.use_hyperscan:
            return _fallback_candidates(buf)
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        hits: list[tuple[int, int]] = []
        add = hits.append
        table = _HS_PATTERNS

        def on_match(pid: int, start: int, end: int, flags: int, ctx: object) -> None:
            offset = table[pid][3]
            add((start if offset is None else end + offset, table[pid][1]))

        assert self._db is not None
        self._db.scan(buf, match_event_handler=on_match, scratch=scratch)
        hits.sort()
        return hits


def _fallback_candidates(buf: bytes) -> list[tuple[int, int]]:
    low = buf.lower()
    hits: list[tuple[int, int]] = []
    for needle, cid, caseless in _FALLBACK:
        hay = low if caseless else buf
        find = hay.find
        i = find(needle)
        while i >= 0:
            hits.append((i, cid))
            i = find(needle, i + 1)
    hits.sort()
    return hits


_scanners: dict[bool, _Scanner] = {}
_scanner_lock = threading.Lock()


def _scanner(use_hyperscan: bool) -> _Scanner:
    with _scanner_lock:
        scanner = _scanners.get(use_hyperscan)
        if scanner is None:
            scanner = _scanners[use_hyperscan] = _Scanner(use_hyperscan)
        return scanner


# ---- key names

K_NONE, K_SECRET, K_HEADER, K_PROXY, K_BEARER, K_BASIC, K_COMMAND = range(7)

_EXACT = frozenset((
    "password", "passwd", "passwords", "pwd", "pass", "passphrase", "passcode", "passin", "passout", "secret",
    "secrets", "token", "tokens", "credential", "credentials", "cred", "creds", "apikey", "cookie", "cookies",
    "auth", "authorization", "sig", "privatekey", "accountkey", "accesskey", "secretkey", "sharedaccesskey",
    "sharedaccesssignature", "clientsecret", "sastoken",
))
_SUFFIXES = ("password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "accountkey", "accesskey",
             "privatekey", "secretkey", "cookie", "credential", "credentials", "pass")
_PREFIXES = ("password", "passwd", "passphrase", "secret", "credential")
_NOT_PASS = ("bypass", "compass", "overpass", "underpass", "surpass", "trespass", "impass")
_KEY_PARTNERS = frozenset((*_KEY_STEMS, "secret"))
_SIGNATURE_PARTNERS = frozenset(("access", "amz", "shared"))
# A key named like `token_type`, `password_expires` or `passwordFile` says something about the secret and is
# worth keeping; the secret itself is not in it.
_NOT_SECRET_LAST = frozenset((
    "expires", "expiry", "expiration", "expired", "type", "length", "lifetime", "ttl", "url", "uri", "endpoint",
    "file", "path", "policy", "age", "required", "changed", "enabled", "count", "timeout", "prompt", "method",
    "mode", "scheme", "provider", "status", "state", "result", "error", "errors", "level", "kind", "format",
    "source", "name", "ref", "reference", "id",
))
# "failed to refresh token: connection refused": a key word inside a sentence, followed by an error message, is
# prose. Only a value whose first word is one of these and that goes on is taken for one; a single word, a code
# or anything else after "password:" is still masked.
_PROSE_FIRST = frozenset((
    b"connection", b"invalid", b"expired", b"not", b"no", b"none", b"null", b"empty", b"missing", b"failed",
    b"unable", b"access", b"denied", b"unauthorized", b"forbidden", b"timeout", b"timed", b"error", b"cannot",
    b"could", b"is", b"was", b"has", b"request", b"server", b"certificate", b"x509", b"unknown", b"bad", b"wrong",
    b"incorrect", b"required", b"unsupported", b"refused", b"reset", b"http", b"status", b"operation", b"internal",
    b"context", b"dial", b"read", b"write", b"tls", b"eof", b"unexpected", b"malformed", b"mismatch", b"revoked",
    b"rejected", b"post", b"get", b"put", b"delete", b"rpc", b"network", b"host", b"service", b"user", b"account",
))
_HEADER_LAST = frozenset(("cookie", "cookies", "authorization"))
_COMMANDS = frozenset(_COMMAND_WORDS)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SPLIT = re.compile(r"[_.\-]+")
_class_cache: dict[bytes, int] = {}


def _components(word: str) -> list[str]:
    return [p.lower() for part in _SPLIT.split(word) for p in _CAMEL.findall(part)]


def _is_secret_component(comp: str, prev: str) -> bool:
    if comp in _EXACT:
        return True
    if comp == "key":
        return prev in _KEY_PARTNERS
    if comp == "signature":
        return prev in _SIGNATURE_PARTNERS
    if comp.endswith(_SUFFIXES):
        return not comp.endswith(_NOT_PASS)
    return comp.startswith(_PREFIXES)


def _classify(word: bytes) -> int:
    cls = _class_cache.get(word)
    if cls is not None:
        return cls
    text = word.strip(b"-.").decode("ascii")
    if len(text) < 2:
        _class_cache[word] = K_NONE
        return K_NONE
    low = text.lower()
    comps = _components(text)
    cls = K_NONE
    if low.removesuffix(".exe") in _COMMANDS or low.startswith(("mysql", "mariadb", "psexec")):
        cls = K_COMMAND
    elif low == "bearer":
        cls = K_BEARER
    elif low == "basic":
        cls = K_BASIC
    else:
        secret_at = next((i for i, c in enumerate(comps) if _is_secret_component(c, comps[i - 1] if i else "")),
                         None)
        if secret_at is not None and not (secret_at < len(comps) - 1 and comps[-1] in _NOT_SECRET_LAST):
            cls = K_HEADER if comps[-1] in _HEADER_LAST else K_SECRET
        elif "proxy" in comps or any(c.endswith("proxy") for c in comps):
            cls = K_PROXY
    if len(_class_cache) > 8192:
        _class_cache.clear()
    _class_cache[word] = cls
    return cls


# ---- patterns used to confirm and cut; all anchored, with possessive or bounded repeats only

_KEYCHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
_KEYRUN = re.compile(rb"[A-Za-z0-9_.\-]*+")
_SPACES = re.compile(rb"[ \t]*+")
_B64URL_RUN = re.compile(rb"[A-Za-z0-9_\-]*+")
_JWT = re.compile(rb"eyJ[A-Za-z0-9_\-]{7,}+\.[A-Za-z0-9_\-]{4,}+(?:\.[A-Za-z0-9_\-]*+)?")
_TOKEN_RUN = re.compile(rb"[A-Za-z0-9+/=._~\-]*+")
_REG_TYPE = re.compile(rb"REG_[A-Z0-9_]{2,24}+[ \t]++")
_REG_HEX = re.compile(rb"hex(?:\([0-9a-fA-F]{1,8}\))?:", re.I)
_REG_DWORD = re.compile(rb"[dq]word:", re.I)
_YAML_BLOCK = re.compile(rb"[|>][-+0-9]{0,3}+[ \t]*+(?:#[^\r\n]*+)?(?=\r?\n|\Z)")
_DQ_BODY = re.compile(rb'(?:[^"\\\r\n]++|\\[^\r\n])*+')
_SQ_BODY = re.compile(rb"(?:[^'\r\n]++|'')*+")
_TO_EOL = re.compile(rb"[^\r\n]*+")
# a value inside a line: ends at the line's end, a quote that closes something, an XML end tag, or a
# delimiter (whitespace , ; & |) followed by the next `key=` / `key:` of a list
_KEY_AHEAD = rb"[A-Za-z_$][A-Za-z0-9_.\-]{0,63}[ \t]{0,8}[=:]"
_MID = re.compile(
    rb"(?:[^\s\"'<;&,|]++|<(?!/)|[\"'](?![\s,;}\])>&]|\Z)|[;&,|](?![ \t]{0,8}" + _KEY_AHEAD + rb")"
    rb"|[ \t]++(?!" + _KEY_AHEAD + rb"|\||[\r\n]|\Z))*+"
)
_JSON_BARE = re.compile(rb"[^\s,}\]]*+")
_CLI_VALUE = re.compile(rb"(?:[^\s\"']++|[\"'](?![\s,;}\])>&]|\Z))*+")
_PEM_LABEL = re.compile(rb"-----(?:BEGIN|END) ([A-Z0-9 ]{1,64}+)-----")
_PEM_BODY_LINE = re.compile(rb"[ \t]*+(?:[A-Za-z0-9+/=]{1,100}+|[A-Za-z\-]{1,20}+: [^\r\n]{0,200}+)?[ \t]*+\r?")
_CLI_TOKEN = re.compile(rb"[ \t]*+((?:\"(?:[^\"\\\r\n]++|\\[^\r\n])*+\"?|'[^'\r\n]*+'?|[^ \t\r\n\"']++)++)")
_NET = re.compile(rb"net(?:1|\.exe)?[ \t]++(user?)\b", re.I)
_PROSE_VALUE = re.compile(rb"([A-Za-z0-9]{1,16})[:,]?[ \t]++[A-Za-z(]")
_TAG_REST = re.compile(rb"(?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+")
_VALUE_ATTR = re.compile(rb"""\bvalue[ \t]*+=[ \t]*+(["'])""", re.I)
_ATTR_NAME_BEFORE = re.compile(rb"[A-Za-z_:][A-Za-z0-9_:.\-]{0,63}+[ \t]*+=[ \t]*+\Z")
_CUT = re.compile(rb"[ \t,;&|<>(){}\[\]](?=[^ \t,;&|<>(){}\[\]]*+\Z)")

_BASE64_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_B64URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_OPT_BEFORE = frozenset(b" \t\"'(=")

# value kinds: where an unquoted or quoted value ends
V_EOL, V_DQ, V_SQ, V_MID, V_JSON, V_TOKEN, V_RUN = range(7)
_VALUE_END: dict[int, re.Pattern[bytes]] = {
    V_EOL: _TO_EOL, V_DQ: _DQ_BODY, V_SQ: _SQ_BODY, V_MID: _MID, V_JSON: _JSON_BARE, V_TOKEN: _CLI_VALUE,
    V_RUN: re.compile(rb"[A-Za-z0-9_\-.]*+"),
}

# what a block carries into the next one
S_NONE, S_PEM, S_REGHEX, S_BLOCK, S_XMLTEXT, S_VALUE = range(6)

# command-line options that take a secret: flag -> how its value is given
A_NEXT, A_ATTACHED, A_NEXT_OR_ATTACHED, A_USERPASS, A_USERPERCENT, A_FIRST = range(6)
_CLI_RULES: dict[str, tuple[bool, dict[bytes, int]]] = {  # command -> (flags compared caseless, flags)
    "register_agent": (False, {b"-p": A_NEXT}),
    "mysql": (False, {b"-p": A_ATTACHED}),
    "schtasks": (True, {b"/rp": A_NEXT, b"/p": A_NEXT}),
    "psexec": (False, {b"-p": A_NEXT}),
    "sshpass": (False, {b"-p": A_NEXT_OR_ATTACHED}),
    "smbclient": (False, {b"-U": A_USERPERCENT, b"--user": A_USERPERCENT}),
    "curl": (False, {b"-u": A_USERPASS, b"--user": A_USERPASS, b"-U": A_USERPASS, b"--proxy-user": A_USERPASS}),
    "sqlcmd": (False, {b"-P": A_NEXT_OR_ATTACHED}),
    "7z": (True, {b"-p": A_ATTACHED}),
    "zip": (False, {b"-P": A_NEXT}),
    "rar": (True, {b"-p": A_ATTACHED, b"-hp": A_ATTACHED}),
    "convertto-securestring": (True, {b"-string": A_NEXT, b"": A_FIRST}),
}
_CLI_ALIAS = {"mariadb": "mysql", "paexec": "psexec", "osql": "sqlcmd", "7za": "7z", "7zr": "7z", "7zz": "7z",
              "unzip": "zip", "unrar": "rar"}
_CLI_RESET = frozenset((b"&&", b"||", b"|", b";", b"&"))
_NET_DEVICE = re.compile(rb"[A-Za-z]:|LPT\d:|COM\d:", re.I)
# the command is an element of a JSON list (whose next element may be in the next block)
_JSON_NEXT = re.compile(rb'"[ \t\r\n]*+,[ \t\r\n]*+(?:"|\Z)')
_JSON_ELEMENT = re.compile(rb'[ \t\r\n]*+,?[ \t\r\n]*+"((?:[^"\\\r\n]++|\\[^\r\n])*+)"')
_JSON_GAP = re.compile(rb"[ \t\r\n,]*+")
# the switches of `net use` / `net user`; any other word after them is a password, even one starting with '/'
_NET_SWITCH = re.compile(
    rb"/(?:user|u|persistent|p|savecred|smartcard|delete|d|home|requireintegrity|requireprivacy|writethrough"
    rb"|global|transport|skipcertcheck|tcpport|quicport|rdmaport|blockntlm|add|active|domain|comment|expires"
    rb"|fullname|homedir|passwordchg|passwordreq|logonpasswordchg|profilepath|scriptpath|times|usercomment"
    rb"|workstations|countrycode|random|y|n|yes|no)(?::[^\s]*+)?\Z", re.I)


def _cli_command(token: bytes) -> str | None:
    name = token.strip(b"\"'").replace(b"\\", b"/").rsplit(b"/", 1)[-1].lower()
    try:
        text = name.decode("ascii").removesuffix(".exe")
    except UnicodeDecodeError:
        return None
    if text.startswith(("mysql", "mariadb")):
        return "mysql"
    if text.startswith("psexec"):
        return "psexec"
    text = _CLI_ALIAS.get(text, text)
    return text if text in _CLI_RULES else None


def _end(rx: re.Pattern[bytes], buf: bytes, pos: int) -> int:
    """End of the match of ``rx`` at ``pos``; the patterns used with it match the empty string too."""
    m = rx.match(buf, pos)
    return pos if m is None else m.end()


class _Incomplete(Exception):
    """A piece of an over-long line ended before a candidate could be decided: carry from ``at``."""

    def __init__(self, at: int) -> None:
        self.at = at


@dataclass
class _State:
    """What a block leaves open for the next one."""

    kind: int = S_NONE
    arg: int = 0  # S_BLOCK: indentation of the key; S_VALUE: the value kind
    midline: bool = False  # the last block ended inside a line
    cli: tuple[str, int, int, int] | None = None  # command, pending action, net mode, positional count
    cli_json: bool = False  # ``cli`` is a JSON argv list that goes on in the next block


def _mask_segment(seg: bytes, mask: bytes) -> bytes | None:
    """``seg`` with its value masked, keeping surrounding blanks and quotes; None when there is nothing to mask
    (empty, or already masked)."""
    core = seg.strip()
    if not core:
        return None
    if len(core) >= 2 and core[0] == core[-1] and core[0] in b"\"'":
        inner = core[1:-1].strip()
        if not inner or not inner.strip(b"*"):
            return None
        core = core[:1] + mask + core[:1]
    else:
        if not core.strip(b"*"):
            return None
        core = mask
    start = len(seg) - len(seg.lstrip())
    end = len(seg.rstrip())
    return seg[:start] + core + seg[end:]


def _masked(seg: bytes, mask: bytes) -> bytes | None:
    if b"\n" not in seg:
        return _mask_segment(seg, mask)
    parts = seg.split(b"\n")
    changed = False
    for i, part in enumerate(parts):
        new = _mask_segment(part, mask)
        if new is not None:
            parts[i] = new
            changed = True
    return b"\n".join(parts) if changed else None


class _Block:
    """One block of text (whole lines, or a piece of an over-long line) and the masks found in it."""

    def __init__(self, buf: bytes, state: _State, partial: bool, mask: bytes, start: int = 0) -> None:
        self.buf = buf  # buf[:start] is the line's text before this piece: context only, already written
        self.n = len(buf)
        self.start = start
        self.state = state
        self.partial = partial
        self.mask = mask
        self.spans: list[tuple[int, int]] = []
        self.floor = start
        self._ls = 0
        self._le = -1
        self.cli_until = -1
        self.jwt_fail = -1
        self.carry_at: int | None = None  # a piece must stop here: read again, with context, in the next one

    # -- lines

    def line(self, pos: int) -> tuple[int, int]:
        """(start, end) of the line holding ``pos``; end is the index of its newline, or n."""
        if pos > self._le or pos < self._ls:
            self._ls = self.buf.rfind(b"\n", 0, pos) + 1
            le = self.buf.find(b"\n", pos)
            self._le = self.n if le < 0 else le
        return self._ls, self._le

    def eol(self, pos: int) -> int:
        """End of the line at ``pos`` without a trailing CR."""
        le = self.line(pos)[1]
        if le > pos and self.buf[le - 1] == 13:
            le -= 1
        return le

    def line_continues(self, pos: int) -> bool:
        """True when the line at ``pos`` goes on in the next block (only in a piece of an over-long line)."""
        return self.partial and self.line(pos)[1] == self.n

    # -- masks

    def add(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))

    def set_floor(self, pos: int) -> None:
        if pos > self.floor:
            self.floor = pos

    def need(self, pos: int, at: int) -> None:
        """Raise when ``pos`` is past the block of a piece: the candidate at ``at`` is decided in the next one."""
        if pos >= self.n and self.partial:
            raise _Incomplete(at)

    def value(self, v: int, kind: int) -> None:
        """Mask the value starting at ``v`` that ends as ``kind`` says; carry it on when the piece ends first."""
        buf = self.buf
        end = _end(_VALUE_END[kind], buf, v)
        if kind in (V_MID, V_EOL, V_TOKEN, V_JSON):
            while end > v and buf[end - 1] in b" \t\r":
                end -= 1
        if self.partial and self.line(v)[1] == self.n and not buf[end:].strip(b" \t\"',;&|"):
            self.add(v, self.n)
            self.state.kind, self.state.arg = S_VALUE, kind
            self.set_floor(self.n)
            return
        self.add(v, end)
        self.set_floor(end)

    # -- continuation from the previous block

    def resume(self) -> None:
        st = self.state
        kind, midline = st.kind, st.midline
        st.kind, st.midline = S_NONE, False
        cli, cli_json = st.cli, st.cli_json
        st.cli, st.cli_json = None, False
        at = self.start
        if kind == S_VALUE:
            if midline:
                self.value(at, st.arg)
            return
        if kind == S_PEM:
            self._pem_body(at)
        elif kind == S_XMLTEXT:
            self._xml_text(at)
        elif kind == S_REGHEX:
            self._reg_hex_lines(at, midline)
        elif kind == S_BLOCK:
            self._yaml_block(at, st.arg, midline)
        if cli is not None and cli_json and self.floor == at:
            self._cli_json(at, cli)
        elif cli is not None and midline and self.floor == at:
            self._cli(at, cli)

    # -- handlers, one per candidate kind

    def word(self, h: int) -> None:
        buf, n = self.buf, self.n
        lo = h - 160 if h - 160 > self.floor else self.floor
        left = buf[lo:h]
        ks = h - (len(left) - len(left.rstrip(_KEYCHARS)))
        ke = _end(_KEYRUN, buf, h)
        if ke > self.floor:
            self.floor = ke
        if ke - ks > _MAX_KEY or (ks == h - 160 and ks > 0):
            return
        cls = _classify(buf[ks:ke])  # cached: most words seen are the same few (token_type, bypass ...)
        if cls == K_NONE:
            return
        cs, ce = ks, ke
        while cs < ce and buf[cs] in b"-.":
            cs += 1
        if cls == K_COMMAND:
            self.command(ks, ke)
            return
        self.need(ke + 1, ks)
        if cls in (K_BEARER, K_BASIC):
            self._scheme_token(ke, cls)
            return
        before = buf[ks - 1] if ks > 0 else 0
        option = (cs > ks and buf[ks] == 45 and (ks == 0 or before in _OPT_BEFORE)) or (
            before == 47 and (ks < 2 or buf[ks - 2] in _OPT_BEFORE))
        p = ke
        quote = 0
        if before in (34, 39) and ke < n and buf[ke] == before:
            quote = before
            p = ke + 1
            if _ATTR_NAME_BEFORE.search(buf, max(0, ks - 80), ks - 1):
                self._named_value(ks - 1, quote)
                return
        elif ke < n and buf[ke] in (34, 39):
            # inside an attribute value with spaces: name="Proxy Password"
            q = buf[ke]
            ls = self.line(ks)[0]
            qs = buf.rfind(bytes((q,)), max(ls, ks - 64), ks)
            if qs >= 0 and _ATTR_NAME_BEFORE.search(buf, max(0, qs - 80), qs):
                self._named_value(qs, q)
                return
        if not quote and not option and (before == 60 or (before == 58 and self._xml_prefix(ks - 1))):
            self._xml_element(ks, ke)
            return
        self._key_value(ks, p, cls, quote, option)

    def _key_value(self, ks: int, p: int, cls: int, quote: int, option: bool) -> None:
        buf, n = self.buf, self.n
        q = _end(_SPACES, buf, p)
        self.need(q + 2, ks)
        if q >= n:
            return
        c = buf[q]
        reg_query = False
        if c == 61:  # =
            v = q + 1
            if v < n and buf[v] == 62:  # =>
                v += 1
        elif c == 58:  # :
            nxt = buf[q + 1:q + 3]
            if nxt[:1] == b":" or nxt == b"//":
                return
            if not option and ks > 0 and buf[ks - 1] in b"/\\":
                return  # the last segment of a path or URL before a message: ".../idp/token: x509: ..."
            v = q + 1 + (nxt[:1] == b"=")
        elif q > p and (m := _REG_TYPE.match(buf, q)):
            v = m.end()
            reg_query = True
        elif option and q > p and c not in b"\r\n" and not buf.startswith(b"--", q):
            v = q
        else:
            return
        v = _end(_SPACES, buf, v)
        self.need(v + 1, ks)
        self.set_floor(v)
        if v >= n:
            return
        c = buf[v]
        if c in b"\r\n":
            return
        if cls == K_PROXY:
            self._proxy_userinfo(v)
            return
        if option and c in b"\"'":
            # a quoted command-line value, possibly in several quoted parts: "user","two words"
            end = _end(_CLI_TOKEN, buf, v)
            self.need(end + 1, ks)
            self.add(v, end)
            self.set_floor(end)
            return
        if reg_query:
            self.value(v, V_EOL)
            return
        if c == 34:  # "
            if quote == 34 and buf.startswith(b'""', v):  # "" is an empty value, not a quoted quote
                return
            self.value(v + 1, V_DQ)
            self._close_quote(34)
            return
        if c == 39:
            self.value(v + 1, V_SQ)
            self._close_quote(39)
            return
        if quote == 34 and c in b"hHdDqQ":
            if m := _REG_HEX.match(buf, v):
                self._reg_hex_lines(m.end(), False)
                return
            if m := _REG_DWORD.match(buf, v):
                self.value(m.end(), V_TOKEN)
                return
        if c == 91:  # [ : a list of values, to its closing bracket on the line
            end = buf.find(b"]", v, self.eol(v))
            if end < 0:
                self.value(v + 1, V_EOL)
            else:
                self.add(v + 1, end)
                self.set_floor(end)
            return
        if c == 123:  # { : an object; its own keys are found one by one
            return
        if c in b"|>" and (m := _YAML_BLOCK.match(buf, v)):
            ls = self.line(v)[0]
            indent = _end(_SPACES, buf, ls) - ls
            self.set_floor(m.end())
            self._yaml_block(self.line(v)[1] + 1, indent, False)
            return
        if option:
            self.value(v, V_TOKEN)
        elif c != 61 and buf[q] == 58 and not quote and self._prose(ks, v):
            return
        elif cls == K_HEADER:
            self.value(v, V_EOL)
        elif quote == 34 and buf[q] == 58:
            self.value(v, V_JSON)
        else:
            self.value(v, V_MID)

    def _prose(self, ks: int, v: int) -> bool:
        """``... refresh token: connection refused``: a key word after a word of a sentence, and a value that
        reads as an error message."""
        buf = self.buf
        if ks < 2 or buf[ks - 1] not in b" \t" or not chr(buf[ks - 2]).isalpha():
            return False
        m = _PROSE_VALUE.match(buf, v)
        return m is not None and m.group(1).lower() in _PROSE_FIRST

    def _close_quote(self, q: int) -> None:
        # step over the closing quote so that the next candidate does not start inside the value
        if self.floor < self.n and self.buf[self.floor] == q:
            self.floor += 1

    def _scheme_token(self, ke: int, cls: int) -> None:
        buf = self.buf
        v = _end(_SPACES, buf, ke)
        if v == ke or v >= self.n:
            return
        end = _end(_TOKEN_RUN, buf, v)
        self.need(end + 1, ke)
        if end - v < 8:
            return
        if cls == K_BASIC:
            try:
                decoded = base64.b64decode(buf[v:end], validate=True)
            except (binascii.Error, ValueError):
                return
            if b":" not in decoded:
                return
        self.add(v, end)
        self.set_floor(end)

    def _proxy_userinfo(self, v: int) -> None:
        buf = self.buf
        if buf[v] in b"\"'":
            v += 1
        end = _end(_CLI_VALUE, buf, v)
        self.need(end + 1, v)
        start = v
        scheme = buf.find(b"://", v, end)
        if scheme >= 0:
            return  # the URL candidate masks it
        at = buf.rfind(b"@", start, end)
        colon = buf.find(b":", start, at) if at > 0 else -1
        if colon >= 0 and at > colon + 1 and b"/" not in buf[start:colon]:
            self.add(colon + 1, at)
        self.set_floor(end)

    # -- XML

    def _xml_prefix(self, colon: int) -> bool:
        left = self.buf[max(0, colon - 64):colon]
        run = len(left) - len(left.rstrip(_KEYCHARS))
        start = colon - run
        return run > 0 and start > 0 and self.buf[start - 1] == 60

    def _xml_element(self, ks: int, ke: int) -> None:
        """<password>text</password>, <ns:Password attr="..">text<, <password><![CDATA[text]]>"""
        buf = self.buf
        end = self._tag_end(ke, ks)
        if end >= self.n or buf[end] != 62:  # >
            return
        tag = buf[ke:end]
        if m := _VALUE_ATTR.search(tag):
            self._attr_value(ke + m.end(), m.group(1)[0])
        if tag.endswith(b"/"):
            self.set_floor(end + 1)
            return
        self._xml_text(end + 1)

    def _named_value(self, qs: int, q: int) -> None:
        """<value name="...Password..." type="TString">"text"</value>, <add key="Password" value="..."/>"""
        buf = self.buf
        lt = buf.rfind(b"<", max(0, qs - 512), qs)
        if lt < 0 or buf.find(b">", lt, qs) >= 0:
            return  # not inside a tag
        close = buf.find(bytes((q,)), qs + 1)
        self.need(close if close >= 0 else self.n, qs)
        if close < 0:
            return
        end = self._tag_end(close + 1, qs)
        if end >= self.n or buf[end] != 62:
            return
        rest = buf[close + 1:end]
        if m := _VALUE_ATTR.search(rest):
            self._attr_value(close + 1 + m.end(), m.group(1)[0])
        if rest.endswith(b"/"):
            self.set_floor(end + 1)
            return
        self._xml_text(end + 1)

    def _tag_end(self, pos: int, at: int) -> int:
        """Index of the '>' (or what stopped the scan) of the tag going on at ``pos``."""
        buf = self.buf
        end = _end(_TAG_REST, buf, pos)
        if end < self.n and buf[end] in b"\"'" and buf.find(buf[end:end + 1], end + 1) < 0:
            end = self.n  # an attribute value the piece cut off
        self.need(end + 1, at)
        return end

    def _attr_value(self, v: int, q: int) -> None:
        end = self.buf.find(bytes((q,)), v)
        if end >= 0:
            self.add(v, end)

    def _xml_text(self, ts: int) -> None:
        buf = self.buf
        lt = buf.find(b"<", ts)
        if lt < 0:
            self.add(ts, self.n)
            self.state.kind = S_XMLTEXT
            self.set_floor(self.n)
            return
        if buf.startswith(b"<![CDATA[", lt) and not buf[ts:lt].strip():
            end = buf.find(b"]]>", lt + 9)
            if end < 0:
                self.add(lt + 9, self.n)
                self.state.kind = S_XMLTEXT  # the CDATA text goes on; its end holds no '<' we could miss
                self.set_floor(self.n)
                return
            self.add(lt + 9, end)
            self.set_floor(end + 3)
            return
        if not buf[ts:lt].strip() and buf[lt:lt + 7].lower() == b"<value>":
            self._xml_text(lt + 7)  # .NET settings: <setting name="Password"><value>text</value>
            return
        self.add(ts, lt)
        self.set_floor(lt)

    # -- multi-line values

    def _yaml_block(self, pos: int, indent: int, midline: bool) -> None:
        """A YAML block scalar (`key: |`): every following line indented deeper than the key, and blank ones."""
        buf, n = self.buf, self.n
        if midline:
            le = self.line(pos)[1]
            self.add(pos, le)
            pos = le + 1
        while pos < n:
            le = self.line(pos)[1]
            line = buf[pos:le]
            body = line.lstrip(b" ")
            if body.strip() and len(line) - len(body) <= indent:
                break
            self.add(pos, le)
            pos = le + 1
        else:
            self.state.kind, self.state.arg = S_BLOCK, indent
        self.set_floor(min(pos, n))

    def _reg_hex_lines(self, pos: int, midline: bool) -> None:
        """.reg hex data: `hex:01,02,\\` and its continuation lines, each masked up to its backslash."""
        buf, n = self.buf, self.n
        first = True
        while pos < n:
            le = self.line(pos)[1]
            end = le
            while end > pos and buf[end - 1] in b" \t\r":
                end -= 1
            more = end > pos and buf[end - 1] == 92
            start = pos if (first and not midline) else _end(_SPACES, buf, pos)
            self.add(start, end - 1 if more else end)
            first = False
            if le == n and self.partial:
                self.state.kind = S_REGHEX  # the line goes on in the next piece
                self.set_floor(n)
                return
            if not more:
                self.set_floor(le)
                return
            pos = le + 1
        self.state.kind = S_REGHEX
        self.set_floor(n)

    def _pem_body(self, pos: int) -> None:
        end = self.buf.find(b"-----END ", pos)
        if end < 0:
            self.add(pos, self.n)
            self.state.kind = S_PEM
            self.set_floor(self.n)
            return
        self.add(pos, end)
        self.set_floor(end)

    # -- token shapes

    def pem_begin(self, h: int) -> None:
        m = _PEM_LABEL.match(self.buf, h)
        if m is None:
            self.need(h + 80, h)
            return
        if b"PRIVATE KEY" in m.group(1):
            self._pem_body(m.end())

    def pem_end(self, h: int) -> None:
        """An END line whose BEGIN was cut off (a log kept from its tail): mask the key lines just above it."""
        buf = self.buf
        m = _PEM_LABEL.match(buf, h)
        if m is None or b"PRIVATE KEY" not in m.group(1):
            return
        if self.spans and self.spans[-1][1] >= h - 2:
            return  # the body of a key we saw begin
        ls = self.line(h)[0]
        if buf[ls:h].strip():
            # inside a line (JSON "...\n-----END"): back to the quote or separator before the body
            left = buf[max(ls, h - 16384):h]
            body = len(left) - len(left.rstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\\"))
            self.add(h - body, h)
            return
        start = ls
        floor = max(0, ls - 65536)
        while start > floor:
            prev = buf.rfind(b"\n", 0, start - 1) + 1
            if _PEM_BODY_LINE.fullmatch(buf, prev, start - 1) is None:
                break
            start = prev
        self.add(start, ls)

    def akia(self, h: int) -> None:
        buf = self.buf
        end = h + 20
        self.need(end + 1, h)
        if (h > 0 and buf[h - 1] in _ALNUM) or (end < self.n and buf[end] in _ALNUM):
            return
        if re.fullmatch(rb"(?:AKIA|ASIA)[0-9A-Z]{16}", buf[h:end]):
            self.add(h, end)
            self.set_floor(end)

    def jwt(self, h: int) -> None:
        buf = self.buf
        if h < self.jwt_fail or (h > 0 and buf[h - 1] in _B64URL):
            return
        m = _JWT.match(buf, h)
        if m is None:
            self.jwt_fail = _end(_B64URL_RUN, buf, h)
            return
        self.value(h, V_RUN)

    def url(self, h: int) -> None:
        """scheme://user:password@host: the password goes, the user and host stay."""
        buf = self.buf
        s = h + 3
        end = _end(_URL_AUTHORITY, buf, s)
        self.need(end + 1, h)
        at = buf.rfind(b"@", s, end)
        if at < 0:
            return
        colon = buf.find(b":", s, at)
        if colon >= 0 and at > colon + 1:
            self.add(colon + 1, at)
            self.set_floor(at)

    # -- command lines

    def command(self, ks: int, ke: int) -> None:
        if ks < self.cli_until:
            return
        name = _cli_command(self.buf[ks:ke])
        if name is None:
            return
        self.need(ke + 1, ks)  # is the word followed by the closing quote of its path?
        buf = self.buf
        if _JSON_NEXT.match(buf, ke):
            # an argv list in JSON (recorded commands): ["register_agent", "-p", "..."], one per line or not
            self._cli_json(ke + 1, (name, -1, 0, 0))
            return
        p = ke + (1 if ke < self.n and buf[ke] in b"\"'" else 0)
        self._cli(p, (name, -1, 0, 0))

    def net(self, h: int) -> None:
        if h < self.cli_until or (h > 0 and self.buf[h - 1] in _ALNUM):
            return
        m = _NET.match(self.buf, h)
        if m is None:
            self.need(h + 16, h)
            return
        self._cli(m.end(), ("net", -1, 2 if m.group(1).lower() == b"user" else 1, 0))

    def _cli(self, pos: int, ctx: tuple[str, int, int, int]) -> None:
        """Mask the secret arguments of known commands from ``pos`` to the end of the line."""
        buf = self.buf
        le = self.line(pos)[1]
        self.cli_until = le
        tokens: list[tuple[int, int]] = []
        p = pos
        while True:
            m = _CLI_TOKEN.match(buf, p, le)
            if m is None or m.end() == p:
                break
            tokens.append(m.span(1))
            p = m.end()
        continues = self.partial and le == self.n
        if continues and tokens and tokens[-1][1] == le:
            # the last token may go on in the next piece: the piece stops before it, it is read again there
            ts = tokens.pop()[0]
            self.carry_at = ts if self.carry_at is None else min(self.carry_at, ts)
        for i, (ts, te) in enumerate(tokens):
            nxt = buf[tokens[i + 1][0]:tokens[i + 1][1]] if i + 1 < len(tokens) else b""
            ctx = self._cli_token(ts, te, nxt, ctx)
        if continues:
            self.state.cli = ctx

    def _cli_json(self, pos: int, ctx: tuple[str, int, int, int]) -> None:
        """The elements of a JSON argv list after its command, up to the list's end (across lines)."""
        buf = self.buf
        p = pos
        spans: list[tuple[int, int]] = []
        while (m := _JSON_ELEMENT.match(buf, p)) is not None:
            spans.append(m.span(1))
            p = m.end()
        rest = _end(_JSON_GAP, buf, p)
        for i, (ts, te) in enumerate(spans):
            nxt = buf[spans[i + 1][0]:spans[i + 1][1]] if i + 1 < len(spans) else b""
            ctx = self._cli_token(ts, te, nxt, ctx)
        self.set_floor(p)
        if rest >= self.n:
            self.state.cli, self.state.cli_json = ctx, True  # the list goes on in the next block
        elif self.partial and buf[rest] == 34 and buf.find(b'"', rest + 1) < 0:
            # an element cut by the end of a piece: read again from its start in the next one
            self.state.cli, self.state.cli_json = ctx, True
            self.carry_at = rest if self.carry_at is None else min(self.carry_at, rest)

    def _cli_token(self, ts: int, te: int, nxt: bytes, ctx: tuple[str, int, int, int]) -> tuple[str, int, int, int]:
        """One argument of a command line; returns the context for the next one."""
        name, pending, net_mode, positional = ctx
        tok = self.buf[ts:te]
        if pending >= 0:
            self._cli_value(ts, te, pending)
            return name, -1, net_mode, positional
        if tok in _CLI_RESET:
            return "", -1, 0, 0
        found = _cli_command(tok)
        if found is not None:
            return found, -1, 0, 0
        if tok.lower() in (b"net", b"net.exe", b"net1"):
            sub = nxt.lower()
            if sub in (b"use", b"user"):
                return "net", -1, -(1 if sub == b"use" else 2), 0
            return name, pending, net_mode, positional
        if net_mode < 0:  # the "use" / "user" word itself
            return name, pending, -net_mode, positional
        if net_mode:
            if tok[:1] == b"/" and _NET_SWITCH.match(tok):
                return ctx
            positional += 1
            bare = tok.strip(b"\"'")
            if net_mode == 1 and (bare.startswith(b"\\\\") or bare == b"*" or _NET_DEVICE.fullmatch(bare)):
                return name, pending, net_mode, positional
            if (net_mode != 2 or positional != 1) and bare != b"*":
                self._cli_value(ts, te, A_NEXT)
            return name, pending, net_mode, positional
        nocase, flags = _CLI_RULES.get(name, (False, {}))
        if not flags:
            return ctx
        key = tok.lower() if nocase else tok
        action = flags.get(key)
        if action is not None:
            # "-p" alone for mysql or 7z: the program asks for the password, the next word is not it
            return name, (-1 if action == A_ATTACHED else action), net_mode, positional
        if b"" in flags and tok[:1] != b"-" and positional == 0:
            self._cli_value(ts, te, A_NEXT)  # ConvertTo-SecureString 'text'
            return name, pending, net_mode, 1
        for flag, act in flags.items():
            if act in (A_ATTACHED, A_NEXT_OR_ATTACHED, A_USERPASS, A_USERPERCENT) and len(flag) == 2 and len(tok) > 2 \
                    and (tok[:2].lower() if nocase else tok[:2]) == flag:
                self._cli_value(ts + 2, te, act)
                break
        return ctx

    def _cli_value(self, ts: int, te: int, action: int) -> None:
        buf = self.buf
        if te - ts >= 2 and buf[ts] in b"\"'" and buf[te - 1] == buf[ts]:
            ts, te = ts + 1, te - 1
        if action in (A_USERPASS, A_USERPERCENT):
            sep = buf.find(b":" if action == A_USERPASS else b"%", ts, te)
            if sep < 0:
                return
            ts = sep + 1
        self.add(ts, te)

    # -- output

    def render(self, upto: int) -> tuple[bytes, int]:
        buf, mask = self.buf, self.mask
        if not self.spans:
            return buf[self.start:upto], 0
        spans = sorted(self.spans)
        out: list[bytes] = []
        count = 0
        pos = self.start
        cur_s, cur_e = spans[0]
        merged: list[tuple[int, int]] = []
        for s, e in spans[1:]:
            if s <= cur_e:
                cur_e = max(cur_e, e)
            else:
                merged.append((cur_s, cur_e))
                cur_s, cur_e = s, e
        merged.append((cur_s, cur_e))
        for s, e in merged:
            if s >= upto:
                break
            s, e = max(s, self.start), min(e, upto)
            if e <= s:
                continue
            new = _masked(buf[s:e], mask)
            if new is None:
                continue
            out.append(buf[pos:s])
            out.append(new)
            pos = e
            count += 1
        out.append(buf[pos:upto])
        return b"".join(out), count


_URL_AUTHORITY = re.compile(rb"[^\s/\"'<>\\]*+")  # ? and # too: passwords are not always encoded

_HANDLERS: dict[int, Callable[[_Block, int], None]] = {
    C_WORD: _Block.word, C_URL: _Block.url, C_PEM_BEGIN: _Block.pem_begin, C_PEM_END: _Block.pem_end,
    C_AKIA: _Block.akia, C_JWT: _Block.jwt, C_NET: _Block.net,
}


def _process(buf: bytes, state: _State, partial: bool, mask: bytes, scanner: _Scanner,
             force: bool = True, start: int = 0) -> tuple[bytes, int, int]:
    """Redact ``buf[start:]`` (``buf[:start]``: the text of its line already written, for context).

    Returns (output, index in ``buf`` up to which it was consumed, masks made). A piece of a line
    (``partial``) may stop before a candidate it cannot decide yet: the bytes from there are not consumed.
    When that is its first byte, nothing is consumed, unless ``force``.
    """
    saved = (state.kind, state.arg, state.cli, state.midline)
    block = _Block(buf, state, partial, mask, start)
    block.resume()
    used = len(buf)
    try:
        for pos, cid in scanner.candidates(buf):
            if pos < block.floor:
                continue
            _HANDLERS[cid](block, pos)
        if block.carry_at is not None:
            raise _Incomplete(block.carry_at)
    except _Incomplete as stop:
        if stop.at <= start and not force:
            state.kind, state.arg, state.cli, state.midline = saved
            return b"", start, 0
        if stop.at > start:
            used = stop.at
            block.spans = [(s, min(e, used)) for s, e in block.spans if s < used]
        else:
            # nothing decided in a whole piece (a key, then a megabyte of blanks): mask on to the line's end
            block.spans.append((start, len(buf)))
            state.kind, state.arg = S_VALUE, V_EOL
    if partial:
        state.midline = True
    out, count = block.render(used)
    return out, used, count


_CONTEXT = 512  # bytes of a line kept before its next piece: handlers look back this far (`<value name="`)


class RedactStream:
    """Redacts text fed in arbitrary pieces; output comes out in whole lines (or pieces of over-long ones).

    ``feed`` returns what can be written so far, ``finish`` the rest. ASCII-compatible encodings (UTF-8,
    cp1252) are redacted as bytes; others (UTF-16) are transcoded through UTF-8 and back.
    """

    def __init__(self, redactor: Redactor, encoding: str = "utf-8", *, mask: str = MASK,
                 max_line: int = MAX_LINE) -> None:
        self._redactor = redactor
        self._encoding = encoding
        self._transcode = not _ascii_compatible(encoding)
        # surrogatepass both ways: text that is not valid UTF-16 still comes back byte for byte
        self._decoder = codecs.getincrementaldecoder(encoding)("surrogatepass") if self._transcode else None
        self._mask = mask.encode()
        self._max_line = max_line
        self._carry = b""
        self._context = b""  # the end of the current line's text already written, when a line is in pieces
        self._state = _State()
        self._scanner = _scanner(redactor.use_hyperscan)
        self.count = 0
        self.counted = 0

    def prime(self, data: bytes) -> None:
        """Run ``data`` (what came before the first byte fed, e.g. above a tail cut) only for the state it
        leaves: a key whose BEGIN is above the cut is still masked below it."""
        self.feed(data)
        self.finish_block()
        self.count = 0

    def finish_block(self) -> None:
        # forget a half line of priming text, keep the state it left
        if self._carry:
            self._run(self._carry, partial=True)
        self._carry = b""
        self._state.midline = False

    def feed(self, data: bytes) -> bytes:
        if not self._redactor.enabled:
            return data
        if self._decoder is not None:
            data = self._decoder.decode(data).encode("utf-8", errors="surrogatepass")
        buf = self._carry + data if self._carry else data
        out: list[bytes] = []
        cut = buf.rfind(b"\n") + 1
        if cut:
            out.append(self._run(buf[:cut], partial=False))
            buf = buf[cut:]
        limit = self._max_line
        while len(buf) >= limit:
            piece = _safe_cut(buf, limit)
            if piece == 0:
                break  # a short word at the end of what arrived: wait for the rest of it
            # a piece that decides nothing (a key whose value starts past its end) is tried again twice as
            # long; past four times the limit, the rest of the line is masked (see _process)
            text, used = self._run_piece(buf[:piece], force=piece >= 4 * self._max_line)
            if used == 0:
                if limit >= len(buf):
                    break  # wait for more of the line
                limit *= 2
                continue
            out.append(text)
            buf = buf[used:]
            limit = self._max_line
        self._carry = buf
        return self._encode(b"".join(out))

    def finish(self) -> bytes:
        if not self._redactor.enabled:
            return b""
        buf, self._carry = self._carry, b""
        if self._decoder is not None:
            try:
                buf += self._decoder.decode(b"", final=True).encode("utf-8", errors="surrogatepass")
            except UnicodeDecodeError:  # an odd byte at the end of UTF-16
                buf += "\ufffd".encode()
            self._decoder.reset()
        text = self._run(buf, partial=False) if buf else b""
        self._state = _State()
        self._redactor._add(self.count)
        self.counted = self.count  # what this stream added to the redactor's total
        self.count = 0
        return self._encode(text)

    def _run(self, buf: bytes, partial: bool) -> bytes:
        ctx = self._context
        out, _used, count = _process(ctx + buf, self._state, partial, self._mask, self._scanner,
                                     start=len(ctx))
        self._context = b""
        if not partial:
            self._state.midline = False
            if not self._state.cli_json:
                self._state.cli = None
        self.count += count
        return out

    def _run_piece(self, buf: bytes, force: bool) -> tuple[bytes, int]:
        ctx = self._context
        out, used, count = _process(ctx + buf, self._state, True, self._mask, self._scanner, force,
                                    start=len(ctx))
        used -= len(ctx)
        if used:
            self._context = (ctx + buf[:used])[-_CONTEXT:]
        self.count += count
        return out, used

    def _encode(self, data: bytes) -> bytes:
        if self._redactor.extra and data:
            text = data.decode("utf-8" if self._transcode else self._encoding, errors="surrogateescape")
            for pattern in self._redactor.extra:
                text, n = pattern.subn(MASK, text)
                self.count += n
            data = text.encode("utf-8" if self._transcode else self._encoding, errors="surrogateescape")
        if self._redactor.pseudonymiser is not None and data:
            # --redact full: names and addresses too, on the same whole lines, after the secrets
            # (collectors/pseudonym.py; linear like the rest). Here the text is UTF-8 or ASCII-compatible.
            data = self._redactor.pseudonymiser.transform(data)
        if self._transcode and data:
            return data.decode("utf-8", errors="surrogatepass").encode(self._encoding, errors="surrogatepass")
        return data


def _safe_cut(buf: bytes, limit: int) -> int:
    """Where to end a piece of an over-long line; 0 when the piece should wait for more data.

    After a blank or delimiter near ``limit`` when there is one. Never inside a run of word characters short
    enough to be a key (a longer run holds no key: keys are short), never through `://`, a PEM marker or
    `net use`, and never in the last bytes of what has arrived, which the next data may continue.
    """
    end = len(buf)
    limit = min(limit, end - _MARGIN)
    if limit <= 0:
        return 0
    lo = max(0, limit - 65536)
    m = _CUT.search(buf, lo, limit)
    if m is not None:
        cut = m.end()
    else:
        cut = limit
        window = buf[max(0, cut - 2 * _MAX_KEY):cut]
        left = len(window) - len(window.rstrip(_KEYCHARS))
        right = _end(_SHORT_RUN, buf, cut) - cut
        if left + right <= 2 * _MAX_KEY:
            cut = cut - left if cut - left > 0 or cut + right >= end else cut + right
        for trigger in (b"://", b"-----BEGIN ", b"-----END "):
            i = buf.find(trigger, max(0, cut - len(trigger) + 1), cut + len(trigger) - 1)
            if 0 <= i < cut:
                cut = i
    # `net use` cut after "net" would lose the command: cut before it, or after "use" when it starts the piece
    if net := _NET_AT_CUT.search(buf, max(0, cut - 16), cut):
        if net.start() > 0:
            return net.start()
        whole = _NET.match(buf, 0)
        return whole.end() if whole is not None and whole.end() < end else 0
    return cut


_NET_AT_CUT = re.compile(rb"(?<![A-Za-z0-9_])net(?:1|\.exe)?[ \t]*+\Z", re.I)
_MARGIN = 32  # longer than any trigger that is not made of word characters


_SHORT_RUN = re.compile(rb"[A-Za-z0-9_.\-]{0,257}")


def _ascii_compatible(encoding: str) -> bool:
    enc = encoding.lower().replace("_", "-")
    return enc.startswith(("utf-8", "utf8", "cp125", "latin", "iso-8859", "ascii", "windows-125"))


_NAMES_KEPT = 8192  # path components remembered by redact_name; past that the memory starts again

# the extension kept when a file name is masked: one, or two for a compressed file (mms.3.log.gz)
_NAME_EXT = re.compile(r"(?:\.[A-Za-z][A-Za-z0-9]{0,5}(?=\.(?:gz|bz2|xz|zip|7z)$))?\.[A-Za-z][A-Za-z0-9]{0,5}$")


@dataclass
class Redactor:
    """Strips secrets from text; counts what it replaced for the manifest."""

    enabled: bool = True
    replacements: int = 0
    extra: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    use_hyperscan: bool = field(default=hyperscan is not None)
    # --redact full: a collectors.pseudonym.Pseudonymiser that also replaces names and addresses, consistently
    pseudonymiser: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # redact_name's answer per path component (stem -> masked stem, count): a run names the same folders in
    # every member path and source (100,000 files: 200,000 names of 5-6 components, each a stream of its own,
    # a quarter of the per-file time). Components are redacted independently, so the cache changes nothing.
    _names: dict[str, tuple[bytes, int]] = field(default_factory=dict, repr=False, compare=False)

    def _add(self, n: int) -> None:
        if n:
            with self._lock:
                self.replacements += n

    def stream(self, encoding: str = "utf-8", *, mask: str = MASK, max_line: int = MAX_LINE) -> RedactStream:
        return RedactStream(self, encoding, mask=mask, max_line=max_line)

    def redact_text(self, text: str) -> str:
        if not self.enabled:
            return text
        data = text.encode("utf-8", errors="surrogatepass")
        out = self.redact_bytes(data)
        return text if out is data else out.decode("utf-8", errors="surrogatepass")

    def redact_bytes(self, data: bytes, encoding: str = "utf-8") -> bytes:
        """Redact a whole buffer, keeping the encoding; a buffer with nothing to mask is returned as it is."""
        if not self.enabled:
            return data
        stream = self.stream(encoding)
        out = stream.feed(data)
        out += stream.finish()
        return data if out == data else out

    def redact_name(self, name: str) -> str:
        """A path or file name with any secret in it masked (``password=x.log`` -> ``password=REDACTED.log``);
        separators and extensions stay, so the name still says what the file is."""
        if not self.enabled or not name:
            return name
        parts = re.split(r"([\\/])", name)
        for i in range(0, len(parts), 2):
            part = parts[i]
            if not part:
                continue
            m = _NAME_EXT.search(part)
            stem, ext = (part[:m.start()], part[m.start():]) if m and m.start() > 0 else (part, "")
            data = stem.encode("utf-8", errors="surrogatepass")
            out = self._name_part(stem, data)
            if out != data:
                parts[i] = out.decode("utf-8", errors="surrogatepass") + ext
        return "".join(parts)

    def _name_part(self, stem: str, data: bytes) -> bytes:
        plain = not self.extra and self.pseudonymiser is None  # extra patterns and pseudonyms: never cached
        if plain:
            cached = self._names.get(stem)
            if cached is not None:
                self._add(cached[1])  # counted each time it is masked, as without the cache
                return cached[0]
        stream = self.stream(mask=NAME_MASK)
        out = stream.feed(data) + stream.finish()
        if plain:
            if len(self._names) >= _NAMES_KEPT:
                self._names.clear()
            self._names[stem] = (out, stream.counted)
        return out
