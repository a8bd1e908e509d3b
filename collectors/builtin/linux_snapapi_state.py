"""Reading SnapAPI's state from lsmod, dkms, modinfo, the kernel headers check and mokutil, and saying
in plain words what is wrong (DOMAIN §1.3, §2.7, §6.2).

Pure functions over command output, so the diagnosis is tested on recordings from real machines.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

SNAPAPI = "snapapi26"
ACRONIS_MODULES = re.compile(r"snapapi|file_protector")

# dkms >= 3.0 prints "module/version, kernel, arch: state"; dkms 2.x (CentOS 7, Ubuntu 18.04) prints
# "module, version, kernel, arch: state". Either may end with a note in parentheses.
_DKMS_LINE = re.compile(
    r"^(?P<module>[^/,\s]+)(?:/|, )(?P<version>[^,:\s]+)"
    r"(?:, (?P<kernel>[^,:\s]+))?(?:, (?P<arch>[^,:\s]+))?: (?P<state>[A-Za-z]+)(?P<note>.*)$"
)


@dataclass
class DkmsEntry:
    module: str
    version: str
    kernel: str
    arch: str
    state: str
    note: str = ""


def parse_module_list(text: str) -> set[str]:
    """Module names from ``lsmod`` (with its header) or ``/proc/modules`` (without)."""
    names = set()
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] != "Module":
            names.add(parts[0])
    return names


def parse_dkms_status(text: str) -> list[DkmsEntry]:
    entries = []
    for line in text.splitlines():
        m = _DKMS_LINE.match(line.strip())
        if m:
            entries.append(DkmsEntry(m["module"], m["version"], m["kernel"] or "", m["arch"] or "",
                                     m["state"].lower(), m["note"].strip()))
    return entries


def parse_modinfo(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        key = key.strip()
        if sep and key in ("filename", "version", "vermagic", "srcversion", "signer", "sig_key", "description"):
            fields.setdefault(key, value.strip())
    return fields


def parse_secure_boot(text: str) -> str:
    """``enabled``, ``disabled``, ``not_efi`` or ``unknown`` from ``mokutil --sb-state`` output (both streams)."""
    low = text.lower()
    if "secureboot enabled" in low:
        return "enabled"
    if "secureboot disabled" in low:
        return "disabled"
    if "efi variables are not supported" in low or "doesn't support secure boot" in low:
        return "not_efi"
    return "unknown"


@dataclass
class SnapapiState:
    """What is known about SnapAPI on this machine; None means it could not be determined."""

    kernel: str = ""
    snapapi26_loaded: bool | None = None
    file_protector_loaded: bool | None = None
    loaded_acronis_modules: list[str] = field(default_factory=list)
    module_list_source: str = ""
    dkms: list[DkmsEntry] = field(default_factory=list)
    dkms_available: bool | None = None
    modinfo: dict[str, str] = field(default_factory=dict)
    module_file_for_running_kernel: bool | None = None
    kernel_headers_installed: bool | None = None
    secure_boot: str = "unknown"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def any_trace(self) -> bool:
        """True when anything says a SnapAPI module was ever put on this machine."""
        return bool(self.snapapi26_loaded or self.modinfo or any(e.module == SNAPAPI for e in self.dkms))


def diagnose(state: SnapapiState) -> None:
    """Fill ``problems`` (what stops snapshots) and ``notes`` (context) from the collected facts."""
    kernel = state.kernel or "the running kernel"
    ours = [e for e in state.dkms if e.module == SNAPAPI]
    for_running = [e for e in ours if e.kernel == state.kernel]
    if state.snapapi26_loaded is False and not state.any_trace:
        state.notes.append(
            f"no SnapAPI module on this machine: {SNAPAPI} is not loaded, not registered in DKMS and not "
            f"installed for {kernel} (expected when no Acronis agent is installed)"
        )
        if state.kernel_headers_installed is False:
            state.notes.append(f"kernel headers for {kernel} are not installed; an Acronis agent installed "
                               "later could not build SnapAPI until they are")
        return
    if state.snapapi26_loaded is False:
        state.problems.append(f"the {SNAPAPI} kernel module is not loaded: disk-level backups cannot take "
                              "snapshots")
    elif state.snapapi26_loaded is None:
        state.notes.append(f"could not tell whether {SNAPAPI} is loaded (no module list could be read)")
    if ours and not for_running:
        built_for = ", ".join(sorted({e.kernel for e in ours if e.kernel})) or "no kernel yet"
        state.problems.append(
            f"DKMS has {SNAPAPI} {ours[0].version} for {built_for}, but not for {kernel}: it must be rebuilt "
            f"(dkms build/install -m {SNAPAPI} -v {ours[0].version})"
        )
    for entry in for_running:
        if entry.state != "installed":
            state.problems.append(f"DKMS state of {SNAPAPI} {entry.version} for {kernel} is '{entry.state}', "
                                  "not 'installed'")
        if "warning" in entry.note.lower():
            state.notes.append(f"dkms: {entry.note}")
    if state.kernel_headers_installed is False:
        state.problems.append(
            f"kernel headers for {kernel} are not installed (/lib/modules/{state.kernel or '<kernel>'}/build is "
            f"missing): DKMS cannot build {SNAPAPI}; install kernel-devel-{state.kernel or '<kernel>'} (RHEL "
            f"family) or linux-headers-{state.kernel or '<kernel>'} (Debian family)"
        )
    if state.module_file_for_running_kernel is False and state.snapapi26_loaded is not True:
        state.problems.append(f"no {SNAPAPI} module file is installed for {kernel} (modinfo cannot find it)")
    if state.secure_boot == "enabled" and state.snapapi26_loaded is not True:
        state.problems.append(
            f"Secure Boot is enabled: a {SNAPAPI} module not signed with an enrolled key is refused by the "
            "kernel; enroll the Acronis key with mokutil (Machine Owner Key) or disable Secure Boot"
        )
