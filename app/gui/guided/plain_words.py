"""What the collectors take, said for someone who has never heard of VSS: a few kinds of information, each with
why the technician needs it. Collectors are grouped by name; one this table does not know (a plugin) is shown
with its own title and description."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_GROUP_OF = {
    "products": "acronis", "acronis_config": "acronis", "acronis_logs": "acronis", "acronis_sysinfo": "acronis",
    "windows_registry": "acronis", "recorded_diagnostics": "acronis",
    "system_info": "computer", "windows_systeminfo": "computer", "linux_kernel": "computer",
    "macos_system": "computer", "linux_memory": "computer", "linux_packages": "computer",
    "macos_profiler": "computer",
    "windows_volumes": "disks", "linux_storage": "disks",
    "windows_vss": "snapshots", "windows_filters": "snapshots", "linux_snapapi": "snapshots",
    "windows_services": "services", "linux_services": "services", "macos_launchd": "services",
    "windows_eventlogs": "journal", "linux_dmesg": "journal", "macos_unified_log": "journal",
    "connectivity": "network", "windows_proxy": "network",
}
_ORDER = ("acronis", "services", "snapshots", "disks", "journal", "network", "computer")


# (what, why) of each kind of information. QT_TRANSLATE_NOOP marks them for the translation tools; they are
# translated when shown, in the language of that moment.
_TEXTS = {
    "acronis": (
        QT_TRANSLATE_NOOP("GuidedWords", "Acronis logs and settings"),
        QT_TRANSLATE_NOOP("GuidedWords", "The Acronis programs write down every backup and every error. This shows "
                          "your technician what went wrong. Passwords and keys in the settings are removed.")),
    "services": (
        QT_TRANSLATE_NOOP("GuidedWords", "Whether the Acronis programs are running"),
        QT_TRANSLATE_NOOP("GuidedWords", "Acronis works through programs that run in the background. If one of "
                          "them has stopped, backups cannot run.")),
    "snapshots": (
        QT_TRANSLATE_NOOP("GuidedWords", "The disk snapshot helpers"),
        QT_TRANSLATE_NOOP("GuidedWords", "Before a backup, the computer takes a quick picture of each disk (a "
                          "snapshot). When the helpers that do this fail, the backup fails.")),
    "disks": (
        QT_TRANSLATE_NOOP("GuidedWords", "Disks and free space"),
        QT_TRANSLATE_NOOP("GuidedWords", "A full or damaged disk is a common reason for a failed backup.")),
    "journal": (
        QT_TRANSLATE_NOOP("GuidedWords", "The computer's own error journal"),
        QT_TRANSLATE_NOOP("GuidedWords", "The operating system keeps a journal of its errors. It often explains "
                          "why a backup stopped.")),
    "network": (
        QT_TRANSLATE_NOOP("GuidedWords", "The connection to the Acronis cloud"),
        QT_TRANSLATE_NOOP("GuidedWords", "Whether this computer can reach Acronis over the internet, and its proxy "
                          "settings (passwords removed).")),
    "computer": (
        QT_TRANSLATE_NOOP("GuidedWords", "Basic facts about this computer"),
        QT_TRANSLATE_NOOP("GuidedWords", "The version of the operating system, the memory and the installed "
                          "updates: some problems only happen with certain versions.")),
}


def group_texts(group: str) -> tuple[str, str]:
    """(what, why) of one kind of information, translated."""
    what, why = _TEXTS[group]
    return (QCoreApplication.translate("GuidedWords", str(what)), QCoreApplication.translate("GuidedWords", str(why)))


@dataclass
class Group:
    key: str
    what: str
    why: str
    collectors: list[str] = field(default_factory=list)


def group_collectors(chosen: Iterable[tuple[str, str, str]]) -> list[Group]:
    """The kinds of information the chosen collectors take, in a fixed order, from (name, title, description)."""
    groups: dict[str, Group] = {}
    others: list[Group] = []
    for name, title, description in chosen:
        key = _GROUP_OF.get(name)
        if key is None:
            others.append(Group(name, title, description, [name]))
            continue
        if key not in groups:
            groups[key] = Group(key, *group_texts(key))
        groups[key].collectors.append(name)
    return [groups[k] for k in _ORDER if k in groups] + others
