"""Builds tests/data/roots/planted_personal: an offline Windows root whose logs hold personal data in every form
`--redact full` must replace (issue 12, point 1). Run it to regenerate; the files are committed.

Every planted value is listed in PLANTED (what must not be found in a bundle made with --redact full); the
machine's own names are also where the system says them: the profile folders, the recorded index's host name.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "planted_personal"

PLANTED = [
    "WS-ACCT-07", "ws-acct-07", "corp.contoso-pharma.com", "contoso-pharma", "CONTOSOPH", "alice.smith",
    "Bob Jones", "bjones", "carol.white", "OLD-PC-17", "FILESRV02", "nas-basement", "10.20.30.40", "10.20.30.41",
    "192.168.77.12", "203.0.114.9", "fe80::215:5dff:feab:cdef", "2a01:4f8:10a:1f2::7", "00:15:5D:AB:CD:EF",
    "00-15-5D-AB-CD-F0", "S-1-5-21-1004336348-1177238915-682003330-1105", "dhcp-10-20-30-41", "Falcon Labs",
    "printer-3rdfloor",
]

# log lines are as long as they are (E501 is off for this file in pyproject)
MMS = """\
2024-05-12T09:00:01:123+02:00 1234 I00000000: Machine WS-ACCT-07 (ws-acct-07.corp.contoso-pharma.com) registered
2024-05-12T09:00:02:123+02:00 1234 I00000000: Backup started by CONTOSOPH\\alice.smith from 10.20.30.40
2024-05-12T09:00:03:123+02:00 1234 E00000001: Cannot open C:\\Users\\Bob Jones\\Documents\\Falcon Labs\\plan.xlsx
2024-05-12T09:00:04:123+02:00 1234 W00000002: Notification to alice.smith@contoso-pharma.com failed (smtp 192.168.77.12)
2024-05-12T09:00:05:123+02:00 1234 I00000000: Adapter 00:15:5D:AB:CD:EF fe80::215:5dff:feab:cdef%12 gw 10.20.30.1
2024-05-12T09:00:06:123+02:00 1234 I00000000: Target \\\\FILESRV02\\backups\\ws-acct-07 as S-1-5-21-1004336348-1177238915-682003330-1105
2024-05-12T09:00:07:123+02:00 1234 I00000000: Public address 203.0.114.9, IPv6 2a01:4f8:10a:1f2::7, peer dhcp-10-20-30-41
2024-05-12T09:00:08:123+02:00 1234 I00000000: Copy to nas-basement.contoso.local done; printer-3rdfloor.local offline
2024-05-12T09:00:09:123+02:00 1234 I00000000: user bjones (UPN bjones@corp.contoso-pharma.com) on WS-ACCT-07
"""
OLD = """\
2024-04-01T08:00:00:000+02:00 1234 I00000000: ComputerName: OLD-PC-17
2024-04-01T08:00:01:000+02:00 1234 I00000000: renamed OLD-PC-17 to WS-ACCT-07; NIC 00-15-5D-AB-CD-F0 ip 10.20.30.41
2024-04-01T08:00:02:000+02:00 1234 I00000000: profile /Users/carol.white/Library and carol.white logged in
"""
ACTIVITY = {"activities": [{"machine": "WS-ACCT-07", "user": "CONTOSOPH\\\\bjones", "error": "Access denied",
                            "path": "C:\\\\Users\\\\alice.smith\\\\AppData\\\\Local\\\\Temp\\\\x.log",
                            "ip": "10.20.30.40"}]}


def build() -> None:
    mms = HERE / "ProgramData/Acronis/BackupAndRecovery/MMS"
    mms.mkdir(parents=True, exist_ok=True)
    (mms / "mms.0.log").write_text(MMS, encoding="utf-8")
    with gzip.open(mms / "mms.1.log.gz", "wt", encoding="utf-8") as fh:  # a rotated log leaks just as well
        fh.write(OLD)
    (mms / "mms.2.log").write_bytes(b"\xff\xfe" + MMS.encode("utf-16-le"))  # UTF-16 too
    logs = HERE / "ProgramData/Acronis/BackupAndRecovery/Logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "activity_details.json").write_text(json.dumps(ACTIVITY, indent=1), encoding="utf-8")
    agent = HERE / "ProgramData/Acronis/Agent/var/log/aakore"
    agent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("old/aakore.ws-acct-07.log", OLD + MMS)
    (agent / "old_logs.zip").write_bytes(buf.getvalue())
    for user in ("alice.smith", "Bob Jones", "bjones", "Public", "Default"):
        folder = HERE / "Users" / user / "AppData/Local/Acronis"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".keep").write_text("", encoding="utf-8")
    rec = HERE / "_recorded"
    rec.mkdir(parents=True, exist_ok=True)
    (rec / "index.json").write_text(json.dumps({
        "captured": "2024-05-12T22:10:00+02:00", "hostname": "WS-ACCT-07",
        "os": "Microsoft Windows 11 Pro 10.0.22631", "commands": []}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    build()
