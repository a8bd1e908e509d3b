"""Export speed for each format (issue 12), as ratios against zip and 7-Zip on the same tree, in one run.

Generates an offline Windows root of realistic MMS logs (with host names, users and addresses in them), then
times ``acronis-triage collect --root`` with every export option, and ``zip -q -r -6`` / ``7z a -mx1`` (LZMA2
preset 1, as our --format 7z) of the same tree. Medians of ``--runs`` runs; wall time (the machine is shared).
collectspeed owns benchmarks/collect.py (the collection itself); the formats are measured here.

    python benchmarks/export.py [--mb 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = ("{d}T{t}:{ms:03d}+02:00 {pid} I00000000: Backup of WS-ACCT-{h:02d}.corp.contoso.com by CONTOSO\\user{u} "
        "from 10.20.{a}.{b} to \\\\FILESRV02\\backups: block {n} written ({k} KB)\n")
ERROR = ("{d}T{t}:{ms:03d}+02:00 {pid} E00340002: Cannot open C:\\Users\\user{u}\\AppData\\Local\\Temp\\x{n}.tmp\n"
         "| error 0x340002: Access is denied\n| $module: mms_vsa64\n")


def make_root(folder: Path, megabytes: int) -> None:
    rng = random.Random(12)
    logs = folder / "ProgramData/Acronis/BackupAndRecovery/MMS"
    logs.mkdir(parents=True)
    per_file = 4 * 2**20
    n = 0
    for index in range(max(1, megabytes * 2**20 // per_file)):
        parts = []
        size = 0
        while size < per_file:
            n += 1
            fmt = ERROR if rng.random() < 0.01 else LINE
            line = fmt.format(d="2024-05-12", t=f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
                              ms=rng.randrange(1000), pid=rng.randrange(9999), h=rng.randrange(40),
                              u=rng.randrange(300), a=rng.randrange(4), b=rng.randrange(250), n=n,
                              k=rng.randrange(4096))
            parts.append(line)
            size += len(line)
        (logs / f"mms.{index}.log").write_text("".join(parts), encoding="utf-8")


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=40, help="size of the generated logs (default 40 MB)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seven = shutil.which("7z") or shutil.which("7zz") or shutil.which("7za")
    tool = [sys.executable, "-m", "acronis_triage.app"]
    env = {**os.environ, "PW": "benchmark pass phrase"}
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        base = Path(tmp)
        root = base / "root"
        make_root(root, args.mb)
        out = base / "out"
        cases: list[tuple[str, list[str]]] = [
            ("zip -q -r -6 (reference)", ["zip", "-q", "-r", "-6", str(out / "ref.zip"), "."]),
        ]
        if seven:
            cases.append(("7z a -mx1 (reference)", [seven, "a", "-bd", "-mx1", str(out / "ref.7z"), "."]))
        collect = [*tool, "collect", "--root", str(root), "-q", "--only", "acronis_logs"]
        cases += [
            ("collect (zip, default)", [*collect, "--output", str(out / "a.zip")]),
            ("collect --format 7z", [*collect, "--output", str(out / "b.7z")]),
            ("collect --password-env (AES zip)", [*collect, "--output", str(out / "c.zip"), "--password-env", "PW"]),
            ("collect --format 7z --password-env --split 10M",
             [*collect, "--output", str(out / "d.7z"), "--password-env", "PW", "--split", "10M"]),
            ("collect --redact full (zip)", [*collect, "--output", str(out / "e.zip"), "--redact", "full"]),
        ]
        results: dict[str, float] = {}
        for name, argv in cases:
            times = []
            for _ in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                cwd = root if "reference" in name else Path(__file__).resolve().parents[1]
                times.append(timed(argv, env, cwd))
            results[name] = statistics.median(times)
        zip_ref = results["zip -q -r -6 (reference)"]
        print(f"{args.mb} MB of logs, median of {args.runs} runs (wall seconds)")
        for name, seconds in results.items():
            print(f"  {name:48} {seconds:7.2f} s   {seconds / zip_ref:5.2f}x zip -6")
    return 0


if __name__ == "__main__":
    sys.exit(main())
