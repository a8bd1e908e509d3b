"""Pseudonyms for ``--redact full``: host, domain and user names, e-mail, IP and MAC addresses, SIDs, profile paths
and the technician's keywords, replaced the same way in every file of a bundle and in every bundle made with the
same map.

It runs inside the one redactor (`collectors.redact.RedactStream` hands it each block of whole lines after the
secrets are masked), so it follows the redactor's rules: linear time on any input, nothing added or removed but
the names themselves. How it stays linear:

1. one hyperscan scan of the block finds every trigger: ``@``, ``\\``, ``/home/``, ``/Users/``, ``S-1-5-21-``,
   dotted and dashed quads, hex groups with ``:`` or ``-``, internal top-level domains, and every word of the
   dictionaries (host, domain, user names and keywords, caseless);
2. each trigger is confirmed by a bounded look around it (a name is at most 255 bytes, a label 63, a user
   64), giving a span and a replacement made only if the span is chosen;
3. spans are chosen left to right, longest first where two start together (``alice@corp.example`` is one
   e-mail, not a user and a domain), none overlapping: no byte is looked at more than a bounded number of times.

The dictionaries are seeded from the system itself (the host's names, its domain, the users with a profile or a
login, whatever the collectors found) and from a first reading of the whole bundle (`discover`), so a bare user
name in the first file is replaced even when only the tenth file shows that it is one.

Pseudonyms keep what support needs: an address stays private or public, in the same subnet as its neighbours
(``10.1.2.3`` and ``10.1.2.4`` become ``10.1.1.1`` and ``10.1.1.2``), a MAC keeps its vendor (OUI), a SID its
domain and its well-known RID, an upper-case name stays upper-case. The map (`PseudonymMap`) says what each
pseudonym stands for; it is written beside the bundle, never inside.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import secrets as _secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

try:
    import hyperscan
except ImportError:  # pragma: no cover - the fallback is exercised by forcing it in the tests
    hyperscan = None  # type: ignore[assignment]

MAP_FORMAT = "acronis-triage pseudonym map"
MAP_VERSION = 1

CATEGORIES = ("host", "domain", "netbios", "user", "email", "ipv4", "ipv6", "mac", "sid", "profile", "keyword")
NAME_CATEGORIES = ("host", "domain", "netbios", "user", "keyword")

# Accounts and folders every machine has: not personal, and support reads them (SYSTEM, Administrator ...).
KEEP_USERS = frozenset(x.lower() for x in (
    "Public", "Default", "Default User", "All Users", "defaultuser0", "Administrator", "Administrators", "Guest",
    "SYSTEM", "LocalService", "NetworkService", "LOCAL SERVICE", "NETWORK SERVICE", "root", "nobody", "daemon",
    "admin", "DefaultAppPool", "Shared", "WDAGUtilityAccount", "DefaultAccount", "sshd", "www-data", "postgres",
    "mysql", "krbtgt", "Everyone", "Users", "Domain Users", "Domain Admins", "Authenticated Users", "N/A",
    "unknown", "none", "null", "ANONYMOUS LOGON", "TrustedInstaller", "Local", "LocalSystem", "user", "users",
    "Guest", "ASPNET", "IUSR", "AcronisAgent", "acronis", "AcronisUser", "mms", "aakore", "_mbsetupuser",
    "Default.migrated", "All Users.migrated", "localhost", "home", "Library", "Logs", "Documents",
))
KEEP_NETBIOS = frozenset(x.lower() for x in (
    "NT AUTHORITY", "AUTHORITY", "BUILTIN", "NT SERVICE", "WORKGROUP", "IIS APPPOOL", "APPPOOL", "Window Manager",
    "Font Driver Host", "HKLM", "HKCU", "HKU", "HKCR", "HKCC", "HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER",
    "HKEY_USERS", "HKEY_CLASSES_ROOT", "HKEY_CURRENT_CONFIG", "ACRONIS", "MICROSOFT", "WINDOWS", "SYSTEM",
    "SYSTEM32", "SOFTWARE", "SECURITY", "SAM", "CONTROLSET001", "CURRENTCONTROLSET", "PROGRAMDATA", "PROGRA~1",
    "PROGRA~2", "USERS", "TEMP", "TMP", "LOGS", "MMS", "VSS", "GLOBALROOT", "DEVICE", "ADMIN", "IPC", "NTFS",
    "ERROR", "WARNING", "INFO", "DEBUG", "TRACE", "NULL", "N", "R", "T", "LOCALHOST",
))
# Names of public services: an e-mail or address there says nothing about the customer, and support needs them.
KEEP_DOMAINS = frozenset((
    "acronis.com", "acronis.eu", "acronis.work", "acronis.net", "microsoft.com", "windows.com", "windowsupdate.com",
    "office.com", "office365.com", "live.com", "apple.com", "icloud.com", "google.com", "gmail.com", "googlemail.com",
    "outlook.com", "hotmail.com", "yahoo.com", "amazonaws.com", "azure.com", "cloudflare.com", "digicert.com",
    "letsencrypt.org", "verisign.com", "ubuntu.com", "debian.org", "redhat.com", "centos.org", "github.com",
    "example.com", "example.org", "example.net", "mozilla.org", "python.org", "gnu.org", "kernel.org", "w3.org",
    "schemas.microsoft.com", "xmlsoap.org", "openssl.org", "sectigo.com", "globalsign.com", "msftncsi.com",
))
KEEP_TLDS = frozenset(("example", "invalid", "test", "localhost"))
ROLE_MAILBOXES = frozenset(("support", "noreply", "no-reply", "postmaster", "abuse", "info", "sales", "webmaster",
                            "mailer-daemon", "hostmaster", "security", "privacy", "root", "admin"))
INTERNAL_TLDS = ("local", "lan", "corp", "internal", "intranet", "localdomain", "home.arpa", "localnet")
# Bare words that are also names of things in every log: pseudonymised only where their form says they are a
# name (a profile path, DOMAIN\user, an FQDN), never as a word in a sentence.
COMMON_WORDS = frozenset((
    "backup", "backups", "server", "admin", "user", "test", "service", "system", "agent", "acronis", "data",
    "files", "local", "share", "storage", "windows", "linux", "client", "master", "main", "default", "home",
    "office", "support", "help", "info", "mail", "web", "www", "db", "sql", "nas", "dc", "pc", "laptop",
    "desktop", "host", "domain", "vm", "node", "router", "gateway", "proxy", "cloud", "archive", "disk", "volume",
    "public", "private", "share", "work", "guest", "mac", "macbook", "imac", "ubuntu", "debian", "centos",
    "localhost", "workgroup", "corp", "lan", "internal", "error", "warning", "task", "plan", "machine", "computer",
))
_NOT_NAMES = frozenset(("offline", "online", "true", "false", "yes", "no", "none", "null", "unknown", "localhost",
                        "n/a", "na", "empty", "default", "local", "undefined", "nil", "any", "all", "self"))
_UNC_BEFORE = frozenset(b" \t\r\n\"'=(>,;[{")
MIN_BARE = 3  # shorter names are pseudonymised only in their structured forms

_NAMECH = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_HOSTCH = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
_LOCALCH = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_ACCOUNTCH = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-$")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_DIGITS = frozenset(b"0123456789")


def _is_name_byte(b: int) -> bool:
    return b in _NAMECH or b >= 0x80


# ---- the map


@dataclass
class PseudonymMap:
    """What each pseudonym stands for; private, kept beside the bundles of one customer."""

    customer: str | None = None
    map_id: str = field(default_factory=lambda: _secrets.token_hex(8))
    created_utc: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    names: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # category -> key -> [pseudo, as seen]
    addresses: dict[str, dict[str, str]] = field(default_factory=dict)  # category -> original -> pseudo
    trees: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # prefix trees of the addresses
    counters: dict[str, int] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    # -- persistence

    @classmethod
    def load(cls, path: Path) -> PseudonymMap:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read the map {path}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise ValueError(f"the map {path} is not JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != MAP_FORMAT:
            raise ValueError(f"{path} is not an acronis-triage pseudonym map")
        if int(data.get("version", 0)) > MAP_VERSION:
            raise ValueError(f"the map {path} was written by a newer acronis-triage (version {data.get('version')})")
        return cls(customer=data.get("customer"), map_id=str(data.get("map_id") or _secrets.token_hex(8)),
                   created_utc=str(data.get("created_utc") or ""), names=dict(data.get("names") or {}),
                   addresses=dict(data.get("addresses") or {}), trees=dict(data.get("trees") or {}),
                   counters=dict(data.get("counters") or {}), keywords=list(data.get("keywords") or []))

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "format": MAP_FORMAT, "version": MAP_VERSION,
                "warning": "PRIVATE: says who and what the pseudonyms in a bundle are. Never send it with the bundle.",
                "customer": self.customer, "map_id": self.map_id, "created_utc": self.created_utc,
                "updated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "keywords": self.keywords, "names": self.names, "addresses": self.addresses,
                "trees": self.trees, "counters": self.counters,
            }

    def dumps(self) -> bytes:
        return (json.dumps(self.to_json(), indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")

    # -- names

    def _next(self, category: str) -> int:
        n = self.counters.get(category, 0) + 1
        self.counters[category] = n
        return n

    def name(self, category: str, original: str, make: Callable[[int], str]) -> str:
        key = original.lower()
        with self._lock:
            table = self.names.setdefault(category, {})
            entry = table.get(key)
            if entry is None:
                entry = table[key] = [make(self._next(category)), original]
            return entry[0]

    def known(self, category: str, original: str) -> bool:
        return original.lower() in self.names.get(category, {})

    def address(self, category: str, original: str, make: Callable[[], str]) -> str:
        with self._lock:
            table = self.addresses.setdefault(category, {})
            pseudo = table.get(original)
            if pseudo is None:
                pseudo = table[original] = make()
            return pseudo

    def child(self, tree: str, node: str, original: int, pool: list[int]) -> int:
        """The pseudonym of ``original`` under ``node`` of a prefix tree: the next unused value of ``pool``.
        Two addresses under one prefix get pseudonyms under one prefix: subnets stay subnets."""
        with self._lock:
            children = self.trees.setdefault(tree, {}).setdefault(node, {})
            got = children.get(str(original))
            if got is None:
                used = set(children.values())
                got = next((v for v in pool[len(children):] if v not in used), None)
                if got is None:
                    got = next(v for v in pool if v not in used)
                children[str(original)] = got
            return got

    def reverse(self) -> dict[str, str]:
        """pseudonym (lower-case for names) -> what it stands for, as first seen."""
        out: dict[str, str] = {}
        for table in self.names.values():
            for _key, (pseudo, seen) in table.items():
                out[pseudo.lower()] = seen
        for table_ in self.addresses.values():
            for original, pseudo in table_.items():
                out[pseudo.lower()] = original
        return out


# ---- seeds: what the system says its own names are


@dataclass
class Seeds:
    hosts: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)  # DNS domains
    netbios: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)

    def add_host(self, name: str | None) -> None:
        name = (name or "").strip().strip(".")
        if not name or _looks_like_ip(name) or name.lower() in ("localhost", "localhost.localdomain"):
            return
        if "." in name:
            first, _, rest = name.partition(".")
            self.hosts.add(first)
            if rest and not _kept_domain(rest):
                self.domains.add(rest)
        else:
            self.hosts.add(name)

    def add_user(self, name: str | None) -> None:
        name = (name or "").strip()
        if name and name.lower() not in KEEP_USERS and len(name) <= 64 and not name.startswith(("$", ".")):
            self.users.add(name)

    def add_domain(self, name: str | None) -> None:
        name = (name or "").strip().strip(".")
        if name and "." in name and not _kept_domain(name) and not _looks_like_ip(name):
            self.domains.add(name)
        elif name and "." not in name:
            self.add_netbios(name)

    def add_netbios(self, name: str | None) -> None:
        name = (name or "").strip()
        if name and name.lower() not in KEEP_NETBIOS and len(name) <= 15:
            self.netbios.add(name)

    def merge(self, other: Seeds) -> None:
        self.hosts |= other.hosts
        self.domains |= other.domains
        self.netbios |= other.netbios
        self.users |= other.users


_IP_CHARS = frozenset("0123456789.:abcdefABCDEF%")


def _looks_like_ip(text: str) -> bool:
    if not text or not _IP_CHARS.issuperset(text):  # most names: no parse needed
        return False
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


def _kept_domain(domain: str) -> bool:
    d = domain.lower().strip(".")
    if d.rsplit(".", 1)[-1] in KEEP_TLDS:
        return True
    return any(d == k or d.endswith("." + k) for k in KEEP_DOMAINS)


def seeds_from_live() -> Seeds:
    """This machine's own names: host name and FQDN, domain, the logged-in and profile users."""
    import getpass
    import socket

    seeds = Seeds()
    with contextlib.suppress(OSError):
        seeds.add_host(socket.gethostname())
    with contextlib.suppress(OSError):
        seeds.add_host(socket.getfqdn())
    for var in ("COMPUTERNAME", "HOSTNAME"):
        seeds.add_host(os.environ.get(var))
    seeds.add_domain(os.environ.get("USERDNSDOMAIN"))
    seeds.add_netbios(os.environ.get("USERDOMAIN") if os.environ.get("USERDOMAIN") != os.environ.get(
        "COMPUTERNAME") else None)
    for var in ("USERNAME", "SUDO_USER", "LOGNAME", "USER"):
        seeds.add_user(os.environ.get(var))
    with contextlib.suppress(Exception):
        seeds.add_user(getpass.getuser())
    with contextlib.suppress(Exception):
        import psutil

        for u in psutil.users():
            seeds.add_user(u.name)
    with contextlib.suppress(Exception):
        import pwd

        for entry in pwd.getpwall():
            if 1000 <= entry.pw_uid < 65534:
                seeds.add_user(entry.pw_name)
    return seeds


def seeds_from_root(root: Any) -> Seeds:
    """The names an offline copy of a system (or the live one) writes about itself, read through the root's
    guard: hostname and hosts files, resolv.conf, passwd, profile folders, macOS's preferences."""
    seeds = Seeds()

    def read(path: str, limit: int = 1 << 20) -> str:
        try:
            real = root.resolve(path)
            return root.read_bytes(real, limit).decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return ""

    def listdir(path: str) -> list[str]:
        try:
            real = root.resolve(path)
            return sorted(os.listdir(real)) if os.path.isdir(real) and not os.path.islink(real) else []
        except (OSError, ValueError):
            return []

    if root.os == "windows":
        for name in listdir("C:\\Users") + listdir("C:\\Documents and Settings"):
            seeds.add_user(name)
        hosts_file = read("C:\\Windows\\System32\\drivers\\etc\\hosts")
    else:
        seeds.add_host(read("/etc/hostname").strip().split("\n")[0] if read("/etc/hostname") else None)
        for line in read("/etc/machine-info").splitlines():
            if line.startswith("PRETTY_HOSTNAME="):
                seeds.add_host(line.split("=", 1)[1].strip().strip('"'))
        for line in read("/etc/resolv.conf").splitlines():
            parts = line.split()
            if parts and parts[0] in ("search", "domain"):
                for d in parts[1:]:
                    seeds.add_domain(d)
        for line in read("/etc/passwd").splitlines():
            parts = line.split(":")
            if len(parts) > 3 and parts[2].isdigit() and 1000 <= int(parts[2]) < 65534:
                seeds.add_user(parts[0])
        for name in listdir("/home") + listdir("/Users"):
            seeds.add_user(name)
        hosts_file = read("/etc/hosts")
        prefs = read("/Library/Preferences/SystemConfiguration/preferences.plist")
        if prefs:
            for key in ("ComputerName", "HostName", "LocalHostName"):
                m = re.search(rf"<key>{key}</key>\s*<string>([^<]{{1,255}})</string>", prefs)
                if m:
                    seeds.add_host(m.group(1))
    for line in hosts_file.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2:
            ip = parts[0]
            if ip.startswith(("127.0.1.", "::1")) or not ip.startswith(("127.", "::", "ff0", "fe00")):
                for name in parts[1:]:
                    seeds.add_host(name)
    return seeds


def seeds_from_manifest(manifest: dict[str, Any]) -> Seeds:
    seeds = Seeds()
    host = manifest.get("host") or {}
    if isinstance(host, dict) and host.get("hostname") and not str(host["hostname"]).startswith("offline root "):
        seeds.add_host(str(host["hostname"]))
    on = manifest.get("collected_on") or {}
    if isinstance(on, dict):
        seeds.add_host(on.get("hostname"))
    return seeds


# ---- keyed pieces


def _case_like(original: str, pseudo: str) -> str:
    letters = [c for c in original if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return pseudo.upper()
    return pseudo


def _registrable(domain: str) -> str:
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "net", "org", "gov", "ac", "edu"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


# ---- the engine

# trigger ids
T_AT, T_BSLASH, T_POSIXHOME, T_SID, T_IPV4, T_IPV6A, T_IPV6B, T_MAC, T_MACDOT, T_DASHIP, T_ITLD, T_KEY = range(12)
T_WORD = 100  # dictionary words: T_WORD + index

_STRUCTURAL: tuple[tuple[bytes, int, bool, bool], ...] = (  # (pattern, id, caseless, start of match wanted)
    (rb"@", T_AT, False, False),
    (rb"\\", T_BSLASH, False, False),
    (rb"/(?:home|Users)/", T_POSIXHOME, True, True),
    (rb"S-1-(?:5-21|12-1)-\d", T_SID, True, True),
    (rb"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}", T_IPV4, False, True),
    (rb"[0-9A-Fa-f]{0,4}::", T_IPV6A, False, True),
    (rb"[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}", T_IPV6B, False, True),
    (rb"[0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-]"
     rb"[0-9A-Fa-f]{2}", T_MAC, False, True),
    (rb"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", T_MACDOT, False, True),
    (rb"\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}", T_DASHIP, False, True),
    (rb"\.(?:" + b"|".join(re.escape(t.encode()) for t in INTERNAL_TLDS) + rb")", T_ITLD, True, True),
)
# Keys whose value names the machine or a user (discovery only): hostname=..., "ComputerName": "...", <Computer>.
_KEY_TRIGGER = (rb"(?:host_?name|computer_?name|machine_?name|fqdn|computer|dns_?name|user_?name|logon_?name"
                rb"|account_?name|samaccountname|workstation_?name|user|login|owner)", T_KEY, True, True)
_KEY_VALUE = re.compile(rb"""["']?[ \t]*+(?:[:=]|>)[ \t]*+["']?([A-Za-z0-9][A-Za-z0-9_.\-$\\]{0,254}+)""")

_SID = re.compile(rb"S-1-(5-21|12-1)-(\d{1,10})-(\d{1,10})-(\d{1,10})(?:-(\d{1,10}))?(?![0-9])", re.I)
_IPV4 = re.compile(rb"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")
_DASHIP = re.compile(rb"(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})")
_MAC = re.compile(rb"([0-9A-Fa-f]{2})([:\-])([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2"
                  rb"([0-9A-Fa-f]{2})")
_MACDOT = re.compile(rb"([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})")
_LABELS = re.compile(rb"[A-Za-z0-9\-]{1,63}+(?:\.[A-Za-z0-9\-]{1,63}+)*+")
_ACCOUNT = re.compile(rb"[A-Za-z0-9_.\-$]{1,64}+")
_PROFILE_NAME = re.compile(rb"[^\\/\r\n\t\"'<>|:*?]{1,64}(?=\\|/)|[^\\/\r\n\t \"'<>|:*?,;]{1,64}+")
_V6RUN = re.compile(rb"[0-9A-Fa-f:.]{2,45}+")


@dataclass
class _Span:
    start: int
    end: int
    make: Callable[[], tuple[bytes, str] | None]  # the replacement and its category; None keeps the text


class _Dictionary:
    """The words scanned for as they are (caseless): host, user, NetBIOS and DNS domain names, keywords."""

    def __init__(self) -> None:
        self.words: list[tuple[bytes, str]] = []  # (word as bytes, category)
        self._index: dict[tuple[bytes, str], int] = {}

    def add(self, word: str, category: str) -> bool:
        added = False
        for form in {word, word.lower(), word.upper()}:
            for enc in ("utf-8", "cp1252"):
                try:
                    data = form.encode(enc)
                except UnicodeEncodeError:
                    continue
                key = (data.lower(), category)
                if key not in self._index:
                    self._index[key] = len(self.words)
                    self.words.append((data, category))
                    added = True
        return added


class _Scanner:
    """One hyperscan database for the triggers and the dictionary words (or `re` where hyperscan is missing)."""

    def __init__(self, dictionary: _Dictionary, discover: bool, use_hyperscan: bool) -> None:
        patterns = list(_STRUCTURAL)
        if discover:
            patterns.append(_KEY_TRIGGER)
        self.patterns = patterns
        self.words = list(dictionary.words)
        self.use_hyperscan = use_hyperscan and hyperscan is not None
        self._local = threading.local()
        if self.use_hyperscan:
            exprs = [p[0] for p in patterns] + [re.escape(w) for w, _c in self.words]
            ids = [p[1] for p in patterns] + [T_WORD + i for i in range(len(self.words))]
            flags = []
            for _p, _i, caseless, som in patterns:
                f = hyperscan.HS_FLAG_CASELESS if caseless else 0
                flags.append(f | (hyperscan.HS_FLAG_SOM_LEFTMOST if som else 0))
            flags += [hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SOM_LEFTMOST] * len(self.words)
            self.db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self.db.compile(expressions=exprs, ids=ids, flags=flags)
        else:
            # one pass per trigger (a trigger may start where another does: 00:15:5D:AB... is tried as IPv6
            # and as a MAC), one for all the words; a constant number of passes, each linear
            self.rxs = [(re.compile(pat, re.I if caseless else 0), pid) for pat, pid, caseless, _som in patterns]
            words = [b"(?P<w" + str(i).encode() + b">" + re.escape(w) + b")" for i, (w, _c) in enumerate(self.words)]
            self.rx = re.compile(b"|".join(words), re.I) if words else None

    def hits(self, buf: bytes) -> list[tuple[int, int, int]]:
        if not buf:
            return []
        if not self.use_hyperscan:
            out = [(m.start(), m.end(), pid) for rx, pid in self.rxs for m in rx.finditer(buf)]
            if self.rx is not None:
                out += [(m.start(), m.end(), T_WORD + int((m.lastgroup or "w0")[1:])) for m in self.rx.finditer(buf)]
            return out
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self.db)
        found: list[tuple[int, int, int]] = []
        add = found.append

        def on_match(pid: int, start: int, end: int, flags: int, ctx: object) -> None:
            add((start, end, pid))

        self.db.scan(buf, match_event_handler=on_match, scratch=scratch)
        return found


class Pseudonymiser:
    """Replaces names and addresses in text, the same way everywhere; learns names in `discover` mode."""

    def __init__(self, pmap: PseudonymMap, seeds: Seeds | None = None, keywords: Iterable[str] = (), *,
                 use_hyperscan: bool = True) -> None:
        self.map = pmap
        self.use_hyperscan = use_hyperscan
        self.hosts: set[str] = set()
        self.users: set[str] = set()
        self.netbios: set[str] = set()
        self.domains: set[str] = set()
        self.keywords: list[str] = []
        self._dictionary = _Dictionary()
        self._local = threading.local()
        self._scanners: dict[bool, _Scanner] = {}
        self._lock = threading.Lock()
        self.totals: Counter[str] = Counter()
        self._seen: set[bytes] = set()
        # what the map already knows: a customer's names stay pseudonymised in every later bundle
        for category, table in pmap.names.items():
            for _key, (_pseudo, seen) in table.items():
                self._learn(category, seen)
        for kw in pmap.keywords:
            self._learn("keyword", kw)
        for kw in keywords:
            self._learn("keyword", kw)
        if seeds is not None:
            self.add_seeds(seeds)

    # -- dictionaries

    def add_seeds(self, seeds: Seeds) -> None:
        for h in seeds.hosts:
            self._learn("host", h)
        for d in seeds.domains:
            self._learn("domain", d)
        for n in seeds.netbios:
            self._learn("netbios", n)
        for u in seeds.users:
            self._learn("user", u)

    def _learn(self, category: str, word: str) -> None:
        word = word.strip()
        if not word:
            return
        low = word.lower()
        with self._lock:
            if category == "host":
                if low in self.hosts or low in _NOT_NAMES:
                    return
                self.hosts.add(low)
                bare = len(word) >= MIN_BARE and low not in COMMON_WORDS
            elif category == "user":
                if low in self.users or low in KEEP_USERS or low in _NOT_NAMES:
                    return
                self.users.add(low)
                bare = len(word) >= MIN_BARE and low not in COMMON_WORDS
            elif category == "netbios":
                if low in self.netbios or low in KEEP_NETBIOS:
                    return
                self.netbios.add(low)
                bare = len(word) >= MIN_BARE and low not in COMMON_WORDS
            elif category == "domain":
                if low in self.domains or _kept_domain(low):
                    return
                self.domains.add(low)
                reg = _registrable(low)
                if reg != low and not _kept_domain(reg):
                    self.domains.add(reg)
                    self._dictionary.add(reg, "domain")
                bare = True
            elif category == "keyword":
                if low in (k.lower() for k in self.keywords):
                    return
                self.keywords.append(word)
                if word not in self.map.keywords:
                    self.map.keywords.append(word)
                bare = True
            else:
                return
            if bare and self._dictionary.add(word, category):
                self._scanners.clear()

    def _scanner(self, discover: bool) -> _Scanner:
        with self._lock:
            scanner = self._scanners.get(discover)
            if scanner is None:
                scanner = self._scanners[discover] = _Scanner(self._dictionary, discover, self.use_hyperscan)
            return scanner

    # -- counting per file

    @contextlib.contextmanager
    def counting(self) -> Iterator[Counter[str]]:
        """Counts the replacements made on this thread inside the block (one bundle member)."""
        counts: Counter[str] = Counter()
        previous = getattr(self._local, "counts", None)
        self._local.counts = counts
        try:
            yield counts
        finally:
            self._local.counts = previous
            with self._lock:
                self.totals.update(counts)

    def _count(self, category: str) -> None:
        counts = getattr(self._local, "counts", None)
        if counts is not None:
            counts[category] += 1

    # -- the hook

    def transform(self, data: bytes) -> bytes:
        """``data``: whole lines of ASCII-compatible text (UTF-8, cp1252). Returns them pseudonymised."""
        if not data:
            return data
        spans = self._spans(data, self._scanner(False))
        if not spans:
            return data
        out: list[bytes] = []
        pos = 0
        for span in spans:
            made = span.make()
            if made is None:
                continue
            new, category = made
            if new == data[span.start:span.end]:
                continue
            out.append(data[pos:span.start])
            out.append(new)
            pos = span.end
            self._count(category)
        if not out:
            return data
        out.append(data[pos:])
        return b"".join(out)

    def text(self, text: str) -> str:
        """A string (a file name, a manifest value) pseudonymised."""
        if not text:
            return text
        data = text.encode("utf-8", errors="surrogatepass")
        out = self.transform(data)
        return text if out is data else out.decode("utf-8", errors="surrogatepass")

    def discover(self, data: bytes) -> None:
        """Learn names from ``data`` (whole lines) without changing it: the bundle is read once this way before
        it is rewritten, so that a name is known in every file however late it shows what it is."""
        scanner = self._scanner(True)
        learning = getattr(self._local, "learning", False)
        self._local.learning = True
        seen = self._seen
        try:
            for span in self._spans(data, scanner, discover=True):
                token = data[span.start:span.end]
                if token in seen:  # the same name in the same form teaches nothing new
                    continue
                if len(seen) > 200_000:
                    seen.clear()
                seen.add(token)
                span.make()
        finally:
            self._local.learning = learning

    def _learning(self) -> bool:
        return bool(getattr(self._local, "learning", False))

    # -- spans

    def _spans(self, buf: bytes, scanner: _Scanner, discover: bool = False) -> list[_Span]:
        candidates: list[_Span] = []
        words = scanner.words
        for start, end, pid in scanner.hits(buf):
            span: _Span | None
            if pid >= T_WORD:
                _word, category = words[pid - T_WORD]
                span = self._word(buf, start, end, category)
            else:
                span = self._HANDLERS[pid](self, buf, start, end)
            if span is not None:
                candidates.append(span)
        if not candidates:
            return []
        candidates.sort(key=lambda s: (s.start, -s.end))
        chosen: list[_Span] = []
        floor = 0
        for span in candidates:
            if span.start >= floor:
                chosen.append(span)
                floor = span.end
        return chosen

    # e-mail or UPN: local@domain
    def _at(self, buf: bytes, start: int, end: int) -> _Span | None:
        at = end - 1  # one-byte triggers are reported by their end (no start-of-match asked: cheaper)
        s = at
        while s > 0 and at - s < 64 and (buf[s - 1] in _LOCALCH or buf[s - 1] >= 0x80):
            s -= 1
        while s < at and buf[s] in b".-":
            s += 1
        if s == at:
            return None
        m = _LABELS.match(buf, at + 1)
        if m is None:
            return None
        domain_end = m.end()
        while domain_end > at + 1 and buf[domain_end - 1] in b"-":
            domain_end -= 1
        local = buf[s:at].decode("utf-8", errors="replace")
        domain = buf[at + 1:domain_end].decode("ascii")
        labels = domain.split(".")
        if len(labels) < 2 or not labels[-1].isalpha() or len(labels[-1]) < 2:
            if len(labels) == 1 and domain.lower() in self.hosts:  # user@host (ssh, sudo logs)
                return _Span(s, domain_end, lambda: (
                    (self._user(local) + "@" + self._host(domain)).encode(), "email"))
            return None

        def make() -> tuple[bytes, str] | None:
            kept = _kept_domain(domain)
            if kept and local.lower() in ROLE_MAILBOXES:
                return None
            if self._learning():
                if not kept:
                    self._learn("domain", domain)
                return None
            new_domain = domain if kept else self._fqdn(domain)
            return (self._user(local) + "@" + new_domain).encode(), "email"

        return _Span(s, domain_end, make)

    # \ : UNC host, Windows profile, DOMAIN\user
    def _bslash(self, buf: bytes, start: int, end: int) -> _Span | None:
        i = end - 1
        if i > 0 and buf[i - 1] == 0x5C:
            return None  # handled at the first backslash of the run
        run = i
        while run < len(buf) and buf[run] == 0x5C and run - i < 4:
            run += 1
        n = run - i
        before = buf[i - 1] if i > 0 else 0x20
        # \\host\share (\\\\host\\share in JSON): where a path starts, not %ProgramFiles%\\x in JSON
        if n in (2, 4) and (i == 0 or before in _UNC_BEFORE):
            m = _LABELS.match(buf, run)
            if m is not None and not _looks_like_ip(m.group().decode("ascii")):
                name = m.group().decode("ascii")
                if name.lower() in ("?", "localhost", ".") or name.lower().startswith("globalroot"):
                    return None

                def unc() -> tuple[bytes, str] | None:
                    if self._learning():
                        self._learn_fqdn(name)
                        return None
                    # a UNC server is a host by its form: replaced even where no dictionary knows it yet
                    return self._fqdn(name, internal=True).encode(), "host"

                return _Span(run, m.end(), unc)
            return None
        if n not in (1, 2):
            return None
        # ...\Users\name\ : a profile folder
        for folder in (b"users", b"documents and settings"):
            f0 = i - len(folder)
            if f0 >= 0 and buf[f0:i].lower() == folder and (f0 == 0 or buf[f0 - 1] in b"\\/:\"' "):
                m = _PROFILE_NAME.match(buf, run)
                if m is None:
                    return None
                name = m.group().decode("utf-8", errors="replace").rstrip(" .")
                if not name or name.lower() in KEEP_USERS or name.startswith(("%", "$")):
                    return None
                e = run + len(name.encode("utf-8", errors="replace"))

                def profile(name: str = name) -> tuple[bytes, str] | None:
                    if self._learning():
                        self._learn("user", name)
                        return None
                    return self._user(name).encode(), "profile"

                return _Span(run, e, profile)
        # DOMAIN\user: not inside a path (nothing path-like before, no separator after)
        s = i
        while s > 0 and i - s < 64 and (buf[s - 1] in _HOSTCH or buf[s - 1] in b"._"):
            s -= 1
        if s == i or (s > 0 and (buf[s - 1] in b"\\/:%$" or _is_name_byte(buf[s - 1]))):
            return None
        m = _ACCOUNT.match(buf, run)
        if m is None:
            return None
        e = m.end()
        while e > run and buf[e - 1] in b".":
            e -= 1
        if e < len(buf) and buf[e] in b"\\/":
            return None
        left = buf[s:i].decode("ascii")
        right = buf[run:e].decode("ascii")
        if left.lower() in KEEP_NETBIOS or (right.lower() in KEEP_USERS and left.lower() in KEEP_NETBIOS):
            return None
        low = left.lower()
        known = low in self.netbios or low in self.hosts or low in self.domains
        if not known and not (left.isupper() and 2 <= len(left) <= 15 and left.replace("-", "").isalnum()):
            return None
        sep = buf[i:run].decode()

        def account() -> tuple[bytes, str] | None:
            if self._learning():
                if "." in left:
                    self._learn("domain", left)
                elif low not in self.hosts:
                    self._learn("netbios", left)
                self._learn("user", right)
                return None
            if "." in left:
                new_left = self._fqdn(left)
            elif low in self.hosts:
                new_left = self._host(left)
            else:
                new_left = self._netbios(left)
            # a machine account (DOMAIN\PC01$) is the host's name
            new_right = self._host(right[:-1]) + "$" if right.endswith("$") else self._user(right)
            return (new_left + sep + new_right).encode(), "user"

        return _Span(s, e, account)

    def _posixhome(self, buf: bytes, start: int, end: int) -> _Span | None:
        m = _PROFILE_NAME.match(buf, end)
        if m is None:
            return None
        name = m.group().decode("utf-8", errors="replace").rstrip(" .")
        if not name or name.lower() in KEEP_USERS:
            return None
        e = end + len(name.encode("utf-8", errors="replace"))

        def profile() -> tuple[bytes, str] | None:
            if self._learning():
                self._learn("user", name)
                return None
            return self._user(name).encode(), "profile"

        return _Span(end, e, profile)

    def _sid(self, buf: bytes, start: int, end: int) -> _Span | None:
        if start > 0 and (buf[start - 1] in _HOSTCH):
            return None
        m = _SID.match(buf, start)
        if m is None:
            return None
        text = m.group().decode("ascii")

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                return None
            return self._sid_pseudo(m).encode(), "sid"

        return _Span(start, m.end(), make) if text else None

    def _sid_pseudo(self, m: re.Match[bytes]) -> str:
        kind = m.group(1).decode()
        parts = [m.group(k).decode() for k in (2, 3, 4)]
        rid = m.group(5).decode() if m.group(5) else None
        if kind == "12-1":  # Azure AD: all four numbers are the user
            whole = "S-1-12-1-" + "-".join(parts + ([rid] if rid else []))
            return self.map.address("sid", whole.upper(), lambda: f"S-1-12-1-0-0-0-{self.map._next('sid_aad')}")
        domain_key = "-".join(parts)
        dom = self.map.address("sid_domain", domain_key, lambda: f"0-0-{self.map._next('sid_domain')}")
        if rid is None:
            return f"S-1-5-21-{dom}"
        if int(rid) < 1000:
            return f"S-1-5-21-{dom}-{rid}"
        return self.map.address("sid", f"S-1-5-21-{domain_key}-{rid}",
                                lambda: f"S-1-5-21-{dom}-{1000 + self.map._next('rid:' + domain_key)}")

    def _ipv4(self, buf: bytes, start: int, end: int) -> _Span | None:
        if start > 0 and (buf[start - 1] in _DIGITS or (buf[start - 1] == 0x2E and start > 1 and
                          buf[start - 2] in _DIGITS)):
            return None
        m = _IPV4.match(buf, start)
        if m is None:
            return None
        e = m.end()
        if e < len(buf) and (buf[e] in _DIGITS or (buf[e] == 0x2E and e + 1 < len(buf) and buf[e + 1] in _DIGITS)):
            return None
        octets = [int(g) for g in m.groups()]
        if any(o > 255 for o in octets):
            return None

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                return None
            new = self.ipv4(octets)
            return (None if new is None else (new.encode(), "ipv4"))

        return _Span(start, e, make)

    def ipv4(self, octets: list[int]) -> str | None:
        """The pseudonym of an IPv4 address, None for one kept as it is (loopback, netmask, multicast ...)."""
        a, b = octets[0], octets[1]
        if a in (0, 127) or a >= 224 or (a, b) == (169, 254) or _is_netmask(octets):
            return None
        if (a, b, octets[2]) in ((192, 0, 2), (198, 51, 100), (203, 0, 113)):
            return None  # documentation addresses
        original = ".".join(map(str, octets))

        def make() -> str:
            inner = list(range(1, 255))
            if a == 10:
                kept, pools = 1, [[], inner, inner, inner]
            elif a == 172 and 16 <= b <= 31:
                kept, pools = 1, [[], list(range(16, 32)), inner, inner]
            elif (a, b) == (192, 168):
                kept, pools = 2, [[], [], inner, inner]
            elif a == 100 and 64 <= b <= 127:
                kept, pools = 1, [[], list(range(64, 128)), inner, inner]
            else:
                public = [x for x in range(1, 224) if x not in (10, 100, 127, 169, 172, 192)]
                kept, pools = 0, [public, inner, inner, inner]
            out = octets[:kept]
            for i in range(kept, 4):
                if i > 0 and octets[i] in (0, 255):
                    out.append(octets[i])
                    continue
                node = "v4:" + ".".join(map(str, octets[:i]))
                out.append(self.map.child("ipv4", node, octets[i], pools[i]))
            return ".".join(map(str, out))

        return self.map.address("ipv4", original, make)

    def _ipv6(self, buf: bytes, start: int, end: int) -> _Span | None:
        s = start
        while s > 0 and start - s < 45 and (buf[s - 1] in _HEX or buf[s - 1] in b":."):
            s -= 1
        if s > 0 and (_is_name_byte(buf[s - 1]) or buf[s - 1] in b"%"):
            return None
        m = _V6RUN.match(buf, s)
        if m is None:
            return None
        e = m.end()
        text = m.group().decode("ascii")
        while text and text[-1] == "." and not text.endswith(":"):
            text, e = text[:-1], e - 1
        if e < len(buf) and _is_name_byte(buf[e]) and buf[e] != 0x25:
            return None
        if text.count(":") < 2 or ("::" not in text and text.count(":") < 7):
            return None
        try:
            addr = ipaddress.IPv6Address(text)
        except ValueError:
            return None

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                return None
            new = self.ipv6(addr, text)
            return None if new is None else (new.encode(), "ipv6")

        return _Span(s, e, make)

    def ipv6(self, addr: ipaddress.IPv6Address, text: str) -> str | None:
        if addr.is_loopback or addr.is_unspecified or addr.is_multicast:
            return None
        if addr.ipv4_mapped is not None:
            v4 = self.ipv4([int(x) for x in str(addr.ipv4_mapped).split(".")])
            return None if v4 is None else "::ffff:" + v4

        def make() -> str:
            groups = [int(g, 16) for g in addr.exploded.split(":")]
            first = groups[0]
            keep_first = (first & 0xFFC0) == 0xFE80 or (first & 0xFE00) == 0xFC00
            out = []
            for i, g in enumerate(groups):
                if (i == 0 and keep_first) or g == 0:
                    out.append(g)
                    continue
                node = "v6:" + ":".join(f"{x:x}" for x in groups[:i])
                pool = _V6_GROUP if i else _V6_GLOBAL if 0x2000 <= g < 0x4000 else [g]
                out.append(self.map.child("ipv6", node, g, pool))
            new = str(ipaddress.IPv6Address(":".join(f"{x:x}" for x in out)))
            return new.upper() if text.isupper() else new

        return self.map.address("ipv6", addr.compressed, make)

    def _mac(self, buf: bytes, start: int, end: int) -> _Span | None:
        if start > 0 and (buf[start - 1] in _HEX or (buf[start - 1] in b":-" and start > 1 and
                          buf[start - 2] in _HEX)):
            return None
        m = _MAC.match(buf, start)
        if m is None:
            return None
        e = m.end()
        if e < len(buf) and (buf[e] in _HEX or (buf[e] in b":-" and e + 1 < len(buf) and buf[e + 1] in _HEX)):
            return None
        sep = m.group(2).decode()
        parts = [m.group(k).decode() for k in (1, 3, 4, 5, 6, 7)]

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                return None
            new = self.mac(parts, sep)
            return None if new is None else (new.encode(), "mac")

        return _Span(start, e, make)

    def _macdot(self, buf: bytes, start: int, end: int) -> _Span | None:
        if start > 0 and (buf[start - 1] in _HEX or buf[start - 1] == 0x2E):
            return None
        m = _MACDOT.match(buf, start)
        if m is None or (m.end() < len(buf) and (buf[m.end()] in _HEX or buf[m.end()] == 0x2E)):
            return None
        whole = "".join(g.decode() for g in m.groups())
        parts = [whole[k:k + 2] for k in range(0, 12, 2)]

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                return None
            new = self.mac(parts, "")
            if new is None:
                return None
            flat = new.replace(":", "")
            return ".".join(flat[k:k + 4] for k in (0, 4, 8)).encode(), "mac"

        return _Span(start, m.end(), make)

    def mac(self, parts: list[str], sep: str) -> str | None:
        value = "".join(parts).lower()
        if value in ("000000000000", "ffffffffffff") or int(parts[0], 16) & 1:  # none, broadcast, multicast
            return None
        original = ":".join(p.lower() for p in parts)

        def make() -> str:
            # the vendor (OUI) stays: support reads "a Hyper-V NIC" from it; the rest is counted per vendor
            nic = f"{self.map._next('mac:' + value[:6]) & 0xFFFFFF:06x}"
            return ":".join([*[p.lower() for p in parts[:3]], nic[0:2], nic[2:4], nic[4:6]])

        new = self.map.address("mac", original, make)
        out = new.replace(":", sep or ":")
        return out.upper() if "".join(parts).isupper() else out

    def _daship(self, buf: bytes, start: int, end: int) -> _Span | None:
        if start > 0:
            before = buf[start - 1]
            if before in _DIGITS or (before == 0x2D and (start < 2 or not chr(buf[start - 2]).isalpha())):
                return None
        m = _DASHIP.match(buf, start)
        if m is None:
            return None
        e = m.end()
        if e < len(buf) and (buf[e] in _DIGITS or (buf[e] == 0x2D and e + 1 < len(buf) and buf[e + 1] in _DIGITS)):
            return None
        octets = [int(g) for g in m.groups()]
        if any(o > 255 for o in octets) or ((start == 0 or buf[start - 1] != 0x2D) and octets[0] in (0, 127)):
            return None

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                return None
            new = self.ipv4(octets)
            return None if new is None else (new.replace(".", "-").encode(), "host")

        return _Span(start, e, make)

    def _itld(self, buf: bytes, start: int, end: int) -> _Span | None:
        if end < len(buf) and (buf[end] in _HOSTCH or _is_name_byte(buf[end])):
            return None  # .localhost, .lane: not the internal name it starts like
        s = start
        while s > 0 and start - s < 255 and (buf[s - 1] in _HOSTCH or buf[s - 1] == 0x2E):
            s -= 1
        while s < start and buf[s] in b".-":
            s += 1
        if s == start or (s > 0 and (_is_name_byte(buf[s - 1]) or buf[s - 1] in b"@")):
            return None
        name = buf[s:end].decode("ascii")
        first = name.split(".", 1)[0]
        if _looks_like_ip(name) or first.isdigit():
            return None

        def make() -> tuple[bytes, str] | None:
            if self._learning():
                self._learn_fqdn(name, internal=True)
                return None
            return self._fqdn(name, internal=True).encode(), "host"

        return _Span(s, end, make)

    def _key(self, buf: bytes, start: int, end: int) -> _Span | None:
        if start > 0 and _is_name_byte(buf[start - 1]):
            return None
        m = _KEY_VALUE.match(buf, end)
        if m is None:
            return None
        key = buf[start:end].lower().replace(b"_", b"")
        value = m.group(1).decode("ascii").rstrip(".")

        def make() -> tuple[bytes, str] | None:
            if not self._learning():
                return None
            if b"user" in key or b"account" in key or b"logon" in key:
                if "\\" in value:
                    dom, _, user = value.rpartition("\\")
                    self._learn("netbios", dom.strip("\\"))
                    self._learn("user", user)
                elif not value.isdigit() and "." not in value:
                    self._learn("user", value)
            elif not _looks_like_ip(value) and any(c.isalpha() for c in value) and "\\" not in value:
                self._learn_fqdn(value)
            return None

        return _Span(m.start(1), m.end(1), make)

    # a dictionary word where it stands as a word (or as labels of a name)
    def _word(self, buf: bytes, start: int, end: int, category: str) -> _Span | None:
        if category == "keyword":
            word = buf[start:end].decode("utf-8", errors="replace")
            return _Span(start, end, lambda: (self._keyword(word).encode(), "keyword"))
        if (start > 0 and (_is_name_byte(buf[start - 1]) or buf[start - 1] == 0x2D)) or \
                (end < len(buf) and (_is_name_byte(buf[end]) or buf[end] == 0x2D)):
            return None
        # the whole dotted name around the word: ws-acct-07.corp.example, corp.example preceded by a host
        s, e = start, end
        while s > 0 and start - s < 255 and (buf[s - 1] in _HOSTCH or buf[s - 1] == 0x2E):
            s -= 1
        while s < start and buf[s] in b".-":
            s += 1
        while e < len(buf) and e - end < 255 and (buf[e] in _HOSTCH or buf[e] == 0x2E):
            e += 1
        while e > end and buf[e - 1] in b".-":
            e -= 1
        if (s > 0 and _is_name_byte(buf[s - 1])) or (e < len(buf) and _is_name_byte(buf[e])):
            s, e = start, end
        token = buf[s:e].decode("utf-8", errors="replace")
        word = buf[start:end].decode("utf-8", errors="replace")
        if s == start and e == end:
            def bare() -> tuple[bytes, str] | None:
                if self._learning():
                    return None
                return self._named(category, word)

            return _Span(start, end, bare)
        if category in ("user", "netbios"):
            # a user or NetBIOS name inside a dotted name (alice.log): the word alone
            return _Span(start, end, lambda: None if self._learning() else self._named(category, word))

        def dotted() -> tuple[bytes, str] | None:
            if self._learning():
                self._learn_fqdn(token)
                return None
            return self._fqdn(token).encode(), "host"

        return _Span(s, e, dotted)

    def _named(self, category: str, word: str) -> tuple[bytes, str] | None:
        if category == "host":
            return self._host(word).encode(), "host"
        if category == "user":
            return self._user(word).encode(), "user"
        if category == "netbios":
            return self._netbios(word).encode(), "domain"
        if category == "domain":
            return self._fqdn(word).encode(), "domain"
        return None

    _HANDLERS: ClassVar[dict[int, Callable[[Pseudonymiser, bytes, int, int], _Span | None]]] = {}

    # -- pseudonyms

    def _host(self, name: str) -> str:
        return _case_like(name, self.map.name("host", name, lambda n: f"host-{n:04d}"))

    def _user(self, name: str) -> str:
        if name.lower() in KEEP_USERS:
            return name
        return _case_like(name, self.map.name("user", name, lambda n: f"user-{n:04d}"))

    def _netbios(self, name: str) -> str:
        return self.map.name("netbios", name, lambda n: f"DOMAIN-{n:04d}")

    def _keyword(self, word: str) -> str:
        return self.map.name("keyword", word, lambda n: f"keyword-{n:04d}")

    def _domain(self, name: str) -> str:
        return _case_like(name, self.map.name("domain", name, lambda n: f"domain-{n:04d}.example"))

    def _learn_fqdn(self, name: str, internal: bool = False) -> None:
        name = name.strip(".")
        if not name or _looks_like_ip(name):
            return
        labels = name.split(".")
        low = name.lower()
        suffix = self._known_suffix(labels)
        if suffix is not None:
            if suffix > 0:
                self._learn("host", labels[0])
            return
        if labels[0].lower() in self.hosts or internal or len(labels) == 1:
            if len(labels) == 1:
                if any(c.isalpha() for c in name) and name.lower() not in KEEP_USERS:
                    self._learn("host", name)
                return
            self._learn("host", labels[0])
            rest = ".".join(labels[1:])
            if rest.lower() not in INTERNAL_TLDS:
                self._learn("domain", rest)
        elif not _kept_domain(low) and len(labels) >= 3:
            pass  # a name under a domain nobody said is the customer's: left as it is

    def _known_suffix(self, labels: list[str]) -> int | None:
        """Index of the first label of the longest known-domain suffix, or None."""
        for k in range(len(labels)):
            if ".".join(labels[k:]).lower() in self.domains:
                return k
        return None

    def _fqdn(self, name: str, internal: bool = False) -> str:
        """A dotted name with its known (or internal) parts replaced: host-0003.domain-0001.example."""
        labels = name.split(".")
        k = self._known_suffix(labels)
        if k is not None:
            domain = ".".join(labels[k:])
            prefix = ".".join(labels[:k])
            new_domain = self._domain(domain)
            return (self._host(prefix) + "." + new_domain) if prefix else new_domain
        if internal or labels[0].lower() in self.hosts:
            if len(labels) == 1:
                return self._host(name)
            rest = ".".join(labels[1:])
            if rest.lower() in INTERNAL_TLDS:
                return self._host(labels[0]) + "." + rest
            if _kept_domain(rest):
                return self._host(labels[0]) + "." + rest
            return self._host(labels[0]) + "." + self._domain(rest)
        # a file name with the host in it (aakore.ws-acct-07.log): the labels that are hosts
        return ".".join(self._host(label) if label.lower() in self.hosts else label for label in labels)

    # -- the manifest

    def value(self, data: Any) -> Any:
        """A JSON value with every string pseudonymised (the manifest)."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, list):
            return [self.value(v) for v in data]
        if isinstance(data, dict):
            return {k: self.value(v) for k, v in data.items()}
        return data

    def preview(self, text: str) -> tuple[str, str]:
        """(before, after) of a piece of text: for the window's preview."""
        return text, self.text(text)


Pseudonymiser._HANDLERS = {
    T_AT: Pseudonymiser._at, T_BSLASH: Pseudonymiser._bslash, T_POSIXHOME: Pseudonymiser._posixhome,
    T_SID: Pseudonymiser._sid, T_IPV4: Pseudonymiser._ipv4, T_IPV6A: Pseudonymiser._ipv6,
    T_IPV6B: Pseudonymiser._ipv6, T_MAC: Pseudonymiser._mac, T_MACDOT: Pseudonymiser._macdot,
    T_DASHIP: Pseudonymiser._daship, T_ITLD: Pseudonymiser._itld, T_KEY: Pseudonymiser._key,
}


_V6_GLOBAL = list(range(0x2000, 0x4000))
_V6_GROUP = list(range(1, 0x10000))


def _is_netmask(octets: list[int]) -> bool:
    value = int.from_bytes(bytes(octets), "big")
    if octets[0] != 255:
        return False
    inverted = (~value) & 0xFFFFFFFF
    return inverted & (inverted + 1) == 0
