"""Where each Acronis product keeps its logs and settings, per operating system (DOMAIN.md §1.2-1.5, §7).

A declarative table read by the ``acronis_logs`` and ``acronis_config`` collectors. Paths are named as on the
target system and are always globs: log names rotate and several paths are only known by analogy ([U] in
DOMAIN.md), so nothing depends on one exact file name. Earlier rows win when several globs match one file,
so specific rows come before the catch-alls.

Kinds:
    text-log    taken when modified inside the time window, tailed to the per-file cap; a file that turns
                out to be XML, a gzip rotation or binary is taken whole instead (never cut).
    structured  databases and documents: taken whole or skipped with the reason, whatever their age.
    config      settings files: taken whole and redacted, whatever their age.

The finder below searches through the root's guard (collectors/pathguard.py): no link is followed out of an
offline root (on the live system, out of the folder searched), no named pipe or device is opened, a link loop
costs nothing, and each of them comes back as a refused file with the reason, as does a folder that cannot be
listed. It never descends into the excluded folders (certificates, quarantined malware, mounted recovery
points, caches) and never takes a bundle of this tool (the one being written, or an earlier one).
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from acronis_triage.collectors.sysroot import Refused, SystemRoot

if TYPE_CHECKING:
    from acronis_triage.collectors.bundle import ArtifactWriter

TEXT_LOG = "text-log"
STRUCTURED = "structured"
CONFIG = "config"


@dataclass(frozen=True)
class Location:
    os: str
    product: str
    kind: str
    pattern: str
    description: str


@dataclass(frozen=True)
class Exclusion:
    os: str
    pattern: str
    reason: str


_PD = r"%ProgramData%\Acronis"  # expanded from the environment on a live system
_TI = _PD + r"\TrueImageHome"
_MAC = "/Library/Application Support/Acronis"

LOCATIONS: tuple[Location, ...] = (
    # ---- Windows: Cyber Protect (Cloud) agent, Backup 12.5, Cyber Protect 15/16 (DOMAIN §1.2)
    Location("windows", "agent", TEXT_LOG, _PD + r"\BackupAndRecovery\MMS\mms*.log",
             "MMS (agent) log and its rotations"),
    Location("windows", "agent", TEXT_LOG, _PD + r"\BackupAndRecovery\MMS\mms*.log.gz",
             "MMS log rotations, compressed"),
    Location("windows", "agent", TEXT_LOG, _PD + r"\Agent\var\log\**",
             "Agent Core (aakore) and agent service logs"),
    Location("windows", "installer", TEXT_LOG, _PD + r"\InstallationLogs\**",
             "installer and auto-update (live_update MSI) logs"),
    Location("windows", "agent", TEXT_LOG, _PD + r"\FileProtectorLogs\**",
             "File Protector (active protection driver) logs"),
    # ---- Windows: on-premises management server
    Location("windows", "management_server", TEXT_LOG, _PD + r"\AccountServer\Logs\**",
             "management server: account server log"),
    Location("windows", "management_server", TEXT_LOG, _PD + r"\BackupManager\Logs\**",
             "management server: backup manager log"),
    Location("windows", "management_server", TEXT_LOG, _PD + r"\AMS\logs\**",
             "management server: AMS curl logs"),
    # ---- Windows: True Image / Cyber Protect Home Office (DOMAIN §1.5)
    Location("windows", "true_image", TEXT_LOG, _TI + r"\Logs\ti_demon\*.log",
             "True Image backup/operation logs (one per run)"),
    Location("windows", "true_image", TEXT_LOG, _TI + r"\Logs\**",
             "other True Image logs"),
    Location("windows", "true_image", STRUCTURED, _TI + r"\Database\archives.db*",
             "True Image backup database"),
    Location("windows", "true_image", TEXT_LOG, _PD + r"\ActiveProtection\Logs\**",
             "Active Protection logs"),
    # ---- Windows: legacy per-component Logs folders (11.x) and any other Acronis log
    Location("windows", "other", TEXT_LOG, _PD + r"\*\Logs\**", "per-component Logs folders"),
    Location("windows", "other", TEXT_LOG, _PD + r"\**\*.log", "other Acronis logs"),

    # ---- Linux agent (DOMAIN §1.3)
    Location("linux", "agent", TEXT_LOG, "/var/lib/Acronis/BackupAndRecovery/MMS/mms*.log",
             "MMS (agent) log and its rotations"),
    Location("linux", "agent", TEXT_LOG, "/var/lib/Acronis/BackupAndRecovery/MMS/mms*.log.gz",
             "MMS log rotations, compressed"),
    Location("linux", "agent", TEXT_LOG, "/opt/acronis/var/log/**", "Agent Core (aakore) and agent service logs"),
    Location("linux", "agent", TEXT_LOG, "/var/log/acronis/**", "other agent logs (atp-downloader ...)"),
    Location("linux", "agent", TEXT_LOG, "/var/log/Acronis/**", "Storage Gateway logs (binary .blg)"),
    Location("linux", "installer", TEXT_LOG, "/var/log/trueimage-setup.log*", "agent installer log"),
    Location("linux", "installer", TEXT_LOG, "/var/log/AcronisRemoteInstall/**", "remote-install bootstrap log"),
    # DKMS keeps a failed build in <module>/<version>/build/ and a good one in <version>/<kernel>/<arch>/log/.
    Location("linux", "snapapi", TEXT_LOG, "/var/lib/dkms/snapapi26/*/build/make.log",
             "SnapAPI kernel module build log (failed build)"),
    Location("linux", "snapapi", TEXT_LOG, "/var/lib/dkms/snapapi26/*/*/*/log/make.log",
             "SnapAPI kernel module build log (per kernel)"),
    Location("linux", "snapapi", TEXT_LOG, "/var/lib/dkms/snumbd26/*/build/make.log",
             "snumbd kernel module build log (failed build)"),
    Location("linux", "snapapi", TEXT_LOG, "/var/lib/dkms/snumbd26/*/*/*/log/make.log",
             "snumbd kernel module build log (per kernel)"),
    Location("linux", "cpanel", TEXT_LOG, "/usr/lib/Acronis/BackupAndRecovery/hosting_agent.log*",
             "cPanel/Plesk plugin: hosting agent log"),
    Location("linux", "cpanel", TEXT_LOG, "/var/lib/Acronis/AgentCommData/*.log*",
             "cPanel/Plesk plugin: capture-data log"),
    Location("linux", "other", TEXT_LOG, "/var/lib/Acronis/**/*.log", "other Acronis logs"),

    # ---- macOS (DOMAIN §1.4): the MMS log path is undocumented, so whole folders are globbed
    Location("darwin", "agent", TEXT_LOG, "/Library/Logs/Acronis/**", "Acronis logs (system)"),
    Location("darwin", "true_image", TEXT_LOG, "/Users/*/Library/Logs/Acronis/**",
             "Acronis logs of each user (True Image / Cyber Protect Home Office)"),
    Location("darwin", "true_image", TEXT_LOG, "/var/root/Library/Logs/Acronis/**", "Acronis logs of root"),
    Location("darwin", "agent", TEXT_LOG, _MAC + "/**/*.log", "Acronis logs under Application Support"),
    Location("darwin", "agent", TEXT_LOG, _MAC + "/**/*.log.gz", "compressed Acronis log rotations"),

    # ---- settings (acronis_config)
    Location("windows", "agent", CONFIG, _PD + r"\Agent\etc\*.yaml", "Agent Core settings (aakore.yaml)"),
    Location("windows", "agent", CONFIG, _PD + r"\Agent\var\aakore\*.yaml",
             "Agent Core proxy override (http-proxy.yaml) and registration"),
    Location("windows", "agent", CONFIG, _PD + r"\BackupAndRecovery\*.config", "agent settings"),
    Location("windows", "agent", CONFIG, _PD + r"\BackupAndRecovery\MMS\*.config", "MMS settings"),
    Location("windows", "agent", CONFIG, _PD + r"\BackupAndRecovery\MMS\Locations\*",
             "backup location definitions"),
    Location("windows", "true_image", CONFIG, _TI + r"\Scripts\*.tib.tis", "True Image task scripts"),
    Location("windows", "management_server", CONFIG, _PD + r"\*\api_gateway.json",
             "management server API gateway (web console TLS)"),
    Location("linux", "agent", CONFIG, "/etc/Acronis/*.config",
             "agent settings (BackupAndRecovery.config, MMS.config, Global.config proxy)"),
    Location("linux", "agent", CONFIG, "/opt/acronis/etc/*.yaml", "Agent Core settings (aakore.yaml)"),
    Location("linux", "agent", CONFIG, "/opt/acronis/var/aakore/*.yaml",
             "Agent Core proxy override and registration"),
    Location("linux", "agent", CONFIG, "/var/lib/Acronis/BackupAndRecovery/MMS/Locations/*",
             "backup location definitions"),
    Location("linux", "management_server", CONFIG, "/var/lib/Acronis/*/api_gateway.json",
             "management server API gateway (web console TLS)"),
    Location("darwin", "agent", CONFIG, _MAC + "/Registry/*.config",
             "agent settings (BackupAndRecovery.config, Global.config proxy)"),
    Location("darwin", "agent", CONFIG, _MAC + "/Agent/etc/*.yaml", "Agent Core settings (aakore.yaml)"),
    Location("darwin", "agent", CONFIG, _MAC + "/Agent/var/aakore/*.yaml",
             "Agent Core proxy override and registration"),
    Location("darwin", "agent", CONFIG, _MAC + "/BackupAndRecovery/MMS/Locations/*",
             "backup location definitions"),
)

_CERTS = "certificates and keys of the cloud backup account: never collected"
_QUARANTINE = "quarantined malware: never collected"
_CACHE = "cache, not logs (can be hundreds of GB)"

EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("windows", _PD + r"\BackupAndRecovery\OnlineBackup\Default", _CERTS),
    Exclusion("windows", _PD + r"\NGMP\quarantine", _QUARANTINE),
    Exclusion("windows", _PD + r"\ArchivePersistentCache", _CACHE),
    Exclusion("windows", _PD + r"\Agent\var\atp-downloader\Cache", _CACHE),
    Exclusion("windows", _PD + r"\ETLTool", "performance traces, not logs"),
    Exclusion("linux", "/var/lib/Acronis/BackupAndRecovery/OnlineBackup/Default", _CERTS),
    Exclusion("linux", "/var/lib/Acronis/NGMP/quarantine", _QUARANTINE),
    Exclusion("linux", "/var/lib/Acronis/mount", "mounted recovery points, not logs"),
    Exclusion("darwin", _MAC + "/BackupAndRecovery/OnlineBackup/Default", _CERTS),
    Exclusion("darwin", _MAC + "/NGMP/quarantine", _QUARANTINE),
    Exclusion("darwin", _MAC + "/Agent/var/atp-downloader/Cache", _CACHE),
)

# Key material is never taken, wherever a glob finds it.
SECRET_SUFFIXES: tuple[str, ...] = (".pem", ".key", ".pfx", ".p12", ".crt", ".cer", ".der", ".jks")


def locations_for(os_name: str, kinds: Iterable[str]) -> tuple[Location, ...]:
    wanted = set(kinds)
    return tuple(loc for loc in LOCATIONS if loc.os == os_name and loc.kind in wanted)


def exclusions_for(os_name: str) -> tuple[Exclusion, ...]:
    return tuple(e for e in EXCLUSIONS if e.os == os_name)


def bundle_name(root: SystemRoot, real: Path) -> str:
    """The file's path on the target without the system drive: ``ProgramData/Acronis/.../mms.0.log``."""
    shown = root.display(real)
    drive = re.match(r"^([A-Za-z]):[\\/]", shown)
    if drive:
        letter = drive.group(1).upper()
        shown = shown[drive.end():] if letter == "C" else f"{letter}/{shown[drive.end():]}"
    return "/".join(p for p in re.split(r"[\\/]+", shown) if p)


@dataclass(frozen=True)
class Found:
    """One file a location matched.

    ``refused`` says why it could not be taken safely (a link leading out, a named pipe, a loop, a folder that
    cannot be listed): something looked for and missing, a skip. ``excluded`` says why it is left out on purpose
    (key material, a bundle of this tool). Both empty: take it.
    """

    path: Path
    location: Location
    refused: str = ""
    excluded: str = ""

    def set_aside(self, writer: ArtifactWriter, shown: str) -> bool:
        """True when the file is not to be taken, after telling `writer` (a collector's bundle writer) why: a
        refusal is a skip, an exclusion is listed as left out on purpose."""
        if self.refused:
            writer.skip(shown, self.refused)
            return True
        if self.excluded:
            writer.exclude(shown, self.excluded)
            return True
        return False


class Finder:
    """Resolves the table's globs on one system root: deduplicated, guarded, exclusions pruned."""

    def __init__(self, root: SystemRoot) -> None:
        self.root = root
        self.excluded: list[tuple[Path, Exclusion]] = []
        excluded_real: list[str] = []
        for exc in exclusions_for(root.os):
            matches = root.glob(exc.pattern)
            for path in matches:
                self.excluded.append((path, exc))
                excluded_real.append(_key(matches.real[path]))
        self._excluded_real = tuple(excluded_real)
        self._seen: set[str] = set()
        self._refused_seen: set[str] = set()

    def find(self, location: Location) -> Iterator[Found]:
        """Files of one location not already returned for an earlier one, and what was refused on the way."""
        pattern = location.pattern
        # The live system has no root boundary: a search there must not leave the folder it searches.
        within = self._static_dir(pattern) if self.root.live else None
        matches = self.root.glob(pattern, include_hidden="**" in pattern, prune=self._is_excluded, within=within)
        out: list[Found] = []
        for path, reason in matches.refused:
            if str(path) not in self._refused_seen:
                self._refused_seen.add(str(path))
                out.append(Found(path, location, refused=reason))
        for path in matches.files():
            real = _key(matches.real[path])
            if real in self._seen:
                continue
            self._seen.add(real)
            if self._is_excluded(real):
                continue
            excluded = ""
            if path.suffix.lower() in SECRET_SUFFIXES:
                excluded = "certificate or key file: never collected"
            elif path.name.lower().endswith((".zip", ".part")):
                excluded = self._own_bundle(path)
            out.append(Found(path, location, excluded=excluded))
        out.sort(key=lambda f: str(f.path))
        yield from out

    def _own_bundle(self, path: Path) -> str:
        try:
            with self.root.open(path) as handle:
                head = handle.read(64)
        except Refused as exc:
            return exc.reason if exc.deliberate else ""
        except OSError:
            return ""  # the collector's own read reports it
        if is_triage_bundle(head):
            return "a bundle of acronis-triage (an earlier run's, or this one's): never collected into another"
        return ""

    def _is_excluded(self, real: str) -> bool:
        key = _key(real)
        return any(key == ex or key.startswith(ex.rstrip(os.sep) + os.sep) for ex in self._excluded_real)

    def _static_dir(self, pattern: str) -> Path:
        parts = re.split(r"[\\/]", pattern)
        head = []
        for part in parts[:-1]:
            if any(ch in part for ch in "*?["):
                break
            head.append(part)
        return self.root.resolve("/".join(head) if self.root.os != "windows" else "\\".join(head))


def is_triage_bundle(head: bytes) -> bool:
    """True for the start of a zip whose first member is one this tool writes first (``collected/...``,
    ``analysis/...``, ``manifest.json``): a finished bundle or a ``.part`` left by an interrupted run."""
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return False
    name_len = struct.unpack_from("<H", head, 26)[0]
    name = head[30:30 + name_len]
    return name.startswith((b"collected/", b"analysis/")) or name == b"manifest.json"


def _key(path: Path | str) -> str:
    return os.path.normcase(os.path.normpath(path))
