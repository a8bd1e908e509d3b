"""Benchmark: `acronis-triage collect --root` on a realistic offline drive, against `zip -6` and `7z -mx1` of it.

Generates (once; reused when present) benchmarks/corpus/collect/<size>/: the demo machine (resources/demo, a
Windows offline root) grown to ``--size-mb`` of logs where an agent keeps them:

* MMS logs (``ProgramData/Acronis/BackupAndRecovery/MMS/mms.N.log``, 60 %): benchmarks/scan.py's realistic MMS
  lines, with the signatures' own samples in them so the analysis finds something;
* Agent Core logs (``ProgramData/Acronis/Agent/var/log/aakore/``, 30 %): JSON lines as the demo's aakore.log
  writes them, half of the files realistic and half token-heavy (every line a key word, most a secret: Bearer
  headers, cookies, JSON passwords, long base64 tokens, one line in 100 of 30 KB; benchmarks/redact.py's lines);
* installer logs (``ProgramData/Acronis/InstallationLogs/live_update/``, 10 %): MSI verbose logs, half of them
  in UTF-16 as MSI writes them when asked for Unicode, a few lines with ``PASSWORD=`` properties.

Every log is at most 20 MB, under the collector's 25 MiB per-file cap, so collect and zip take the same bytes.

Then, in rounds on the same warm page cache (one untimed round first), each of:

* ``acronis-triage collect --root <drive> --since 36500 --quiet`` (subprocess: the whole run: collection with
  redaction, analysis, report, compression, verification, the bundle renamed into place);
* ``zip -q -r -6`` of the drive (reading, deflating and writing only: the floor the issue sets);
* ``7z a -tzip -mx1`` of the drive (what a multi-threaded archiver does), when 7z or 7za is installed.

Prints the median wall and CPU seconds of each, the median of the per-round ratios (reference time divided by
collect time: at least 1.0 means collect is as fast as the reference), the throughput of collect, and the
redactor's MB/s on the drive's realistic and token-heavy logs (in this process, as the bundle writer streams
them: 1 MiB reads through a RedactStream). ``--source DIR`` runs the tool from another checkout, for before/after
figures; ``--quick`` builds a 24 MB drive and runs one round: a smoke run of the script, whose ratio says little
(the tool's fixed start, imports and signatures, about half a second, is most of so small a run).
Usage: python benchmarks/collect.py [--size-mb 400] [--runs 5] [--quick] [--regenerate] [--source DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from measure import cached_corpus, timed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus" / "collect"
FILE_MB = 20

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

MSI_HEAD = ("=== Verbose logging started: 11/19/2026  3:12:{i:02d}  Build type: SHIP UNICODE 5.00.10011.00  Calling "
            "process: C:\\Program Files\\BackupClient\\Updater\\updater.exe ===")
MSI = (
    "MSI (s) ({pid}:{tid}) [{clock}]: Executing op: ComponentRegister(ComponentId={{{guid}}},KeyPath=C:\\Program "
    "Files\\BackupClient\\{name}.dll,State=3,,Disk=1,SharedDllRefCount=0,BinaryType=1)",
    "MSI (s) ({pid}:{tid}) [{clock}]: Note: 1: 2205 2:  3: Error",
    "Action {clock}: InstallFiles. Copying new files",
    "MSI (s) ({pid}:{tid}) [{clock}]: PROPERTY CHANGE: Adding INSTALLDIR property. Its value is "
    "'C:\\Program Files\\BackupClient\\'.",
    "MSI (c) ({pid}:{tid}) [{clock}]: Doing action: {name}",
    "Action ended {clock}: {name}. Return value 1.",
    "MSI (s) ({pid}:{tid}) [{clock}]: Component: {name}; Installed: Absent;   Request: Local;   Action: Local",
)
MSI_SECRETS = (
    "MSI (c) ({pid}:{tid}) [{clock}]: Command Line: REGISTRATION_ADDRESS=https://eu2-cloud.acronis.com "
    "REGISTRATION_LOGIN={user} REGISTRATION_PASSWORD={tok} CURRENTDIRECTORY=C:\\Temp",
    "MSI (s) ({pid}:{tid}) [{clock}]: PROPERTY CHANGE: Adding PROXY_PASSWORD property. Its value is '{tok}'.",
)
# Agent Core (aakore) JSON lines, as the demo machine's aakore.log writes them, with their weights: mostly
# request lines, one warning in 100 (each warning is parsed and templated by the analysis: a file of 20 %
# warnings analyzes at ~12 MB/s where one of 1 % goes at ~100).
AAKORE_WEIGHTS = (45, 45, 6, 3, 1)
AAKORE = (
    '"level":"info","time":"{time}","msg":"response completed in 0.00{d}s","pid":3412,"request_id":{rid},'
    '"method":"GET","path":"/api/agent-manager/v1/status","status":200',
    '"level":"info","time":"{time}","msg":"response completed in 0.00{d}s","pid":3412,"request_id":{rid},'
    '"method":"GET","path":"/api/cyber-desktop-service/v1/getpolicystatus","status":200',
    '"level":"debug","time":"{time}","msg":"proxy: using http-proxy from aakore.yaml env section","pid":3412',
    '"level":"info","time":"{time}","msg":"token refreshed","expires_in":3600,"token_type":"bearer","pid":3412',
    '"level":"warn","time":"{time}","msg":"retrying","attempt":{d},"error":"connection reset","pid":3412',
)


def _msi_pool(rnd: random.Random, size: int = 20_000) -> list[str]:
    from redact import _filler

    lines = []
    for _ in range(size):
        f = _filler(rnd)
        f.update(pid=f"{rnd.randrange(0x100):02X}", tid=f"{rnd.randrange(0x100):02X}",
                 clock=f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}:"
                       f"{rnd.randint(0, 999):03d}")
        template = rnd.choice(MSI_SECRETS) if rnd.random() < 0.002 else rnd.choice(MSI)
        lines.append(template.format(**f))
    return lines


def _aakore_pool(rnd: random.Random, heavy: bool) -> list[str]:
    """JSON lines; token-heavy ones carry benchmarks/redact.py's token-heavy lines as their message."""
    import redact

    messages = redact._pool("token-heavy", rnd, 10_000) if heavy else []
    lines = []
    for i in range(10_000 if heavy else 20_000):
        time_ = (f"2026-11-23T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}."
                 f"{rnd.randint(0, 999):03d}+01:00")
        if heavy:
            body = f'"level":"debug","time":"{time_}","msg":{json.dumps(messages[i])},"pid":3412'
        else:
            body = rnd.choices(AAKORE, AAKORE_WEIGHTS)[0].format(time=time_, d=rnd.randint(1, 9),
                                                                 rid=rnd.getrandbits(60))
        lines.append("{" + body + "}")
    return lines


def _write(path: Path, pool: list[str], size: int, rnd: random.Random, *, head: str = "",
           encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "w", encoding=encoding, newline="\n") as out:
        if head:
            out.write(head + "\n")
        while written < size:
            block = "\n".join(rnd.choices(pool, k=2000)) + "\n"
            out.write(block)
            written += len(block) * (2 if encoding.startswith("utf-16") else 1)


def _split(total: int, share: float, least: int = 1) -> list[int]:
    """Sizes of the files holding ``share`` of ``total`` bytes, none over FILE_MB."""
    part = int(total * share)
    count = max(least, -(-part // (FILE_MB * 10**6)))
    return [part // count] * count


def generate(drive: Path, size_mb: int, seed: int = 23) -> dict[str, list[Path]]:
    import scan

    from acronis_triage.resources import resource_path

    rnd = random.Random(seed)
    total = size_mb * 10**6
    shutil.copytree(resource_path("demo"), drive, ignore=shutil.ignore_patterns("README.md"))
    pd = drive / "ProgramData" / "Acronis"
    mms_sizes = _split(total, 0.6)
    mms = scan.generate(pd / "BackupAndRecovery" / "MMS", sum(mms_sizes), files=len(mms_sizes), seed=seed)
    realistic, heavy = _aakore_pool(rnd, False), _aakore_pool(rnd, True)
    aakore_dir = pd / "Agent" / "var" / "log" / "aakore"
    aakore, tokens = [], []
    for i, size in enumerate(_split(total, 0.3, least=2)):
        path = aakore_dir / f"aakore.{i}.log"
        heavy_file = i % 2 == 1
        _write(path, heavy if heavy_file else realistic, size, rnd)
        (tokens if heavy_file else aakore).append(path)
    msi = _msi_pool(rnd)
    installer = []
    for i, size in enumerate(_split(total, 0.1, least=2)):
        path = pd / "InstallationLogs" / "live_update" / f"msi_15.0.{36791 + i}_20261119_0312{i:02d}.log"
        # MSI writes its verbose log in UTF-16 when asked for Unicode (the demo's is): one file in two here
        _write(path, msi, size, rnd, head=MSI_HEAD.format(i=i), encoding="utf-16" if i % 2 else "utf-8")
        installer.append(path)
    return {"realistic": [*mms, *aakore, *installer], "token-heavy": tokens}


def drive_for(size_mb: int, regenerate: bool) -> Path:
    return cached_corpus(CORPUS / str(size_mb), str(size_mb), lambda drive: generate(drive, size_mb),
                         f"a {size_mb} MB offline drive", regenerate)


def redaction_speed(files: list[Path]) -> float:
    """MB/s of the redactor over these files, as the bundle writer streams them."""
    from redact import redact_files

    from acronis_triage.collectors.redact import Redactor

    seconds, total = redact_files(files, Redactor())
    return total / 1e6 / seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=400)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="a 24 MB drive, one round: a smoke run")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--source", type=Path, default=ROOT, help="checkout to run acronis-triage from")
    args = ap.parse_args()
    if args.quick:
        args.size_mb, args.runs = 24, 1
    if shutil.which("zip") is None:
        sys.exit("zip is not installed (apt-get install zip)")
    seven = shutil.which("7z") or shutil.which("7za")
    drive = drive_for(args.size_mb, args.regenerate)
    size = sum(p.stat().st_size for p in drive.rglob("*") if p.is_file())
    exe = [sys.executable, "-m", "acronis_triage.app"]
    # An installed tool has its modules compiled (pip writes the .pyc files); a PYTHONDONTWRITEBYTECODE in the
    # environment would have each run compile ~100 modules again (about 0.6 s) and measure that instead.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[tuple[float, float]]] = {"collect": [], "zip": [], "7z": []}
    with tempfile.TemporaryDirectory(prefix="collect-bench-") as tmp:
        out = Path(tmp)
        for rnd in range(args.runs + 1):
            for f in out.iterdir():
                f.unlink()
            got = {"zip": timed(["zip", "-q", "-r", "-6", str(out / "zip.zip"), "."], cwd=drive)}
            if seven:
                got["7z"] = timed([seven, "a", "-tzip", "-mx1", "-bd", "-bso0", str(out / "7z.zip"), "."], cwd=drive)
            got["collect"] = timed([*exe, "collect", "--root", str(drive), "--since", "36500", "--quiet",
                                    "--output", str(out / "bundle.zip")], cwd=args.source, env=env)
            if rnd:  # the first round only warms the page cache and the compiled-signature cache
                for key, value in got.items():
                    times[key].append(value)
        sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.suffix == ".zip"}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"offline drive of {size / 1e6:.0f} MB ({drive}), {os.cpu_count()} CPUs, "
          f"median of {args.runs} round(s), tool from {args.source}")
    ours = times["collect"]
    for key, label in (("zip", "zip -q -r -6"), ("7z", "7z a -tzip -mx1"), ("collect", "acronis-triage collect")):
        if not times[key]:
            continue
        wall = statistics.median(t[0] for t in times[key])
        cpu = statistics.median(t[1] for t in times[key])
        name = {"zip": "zip.zip", "7z": "7z.zip", "collect": "bundle.zip"}[key]
        print(f"{label:24s} {wall:7.2f} s wall {cpu:7.2f} s CPU  {size / 1e6 / wall:7.1f} MB/s  "
              f"{sizes.get(name, 0) / 1e6:7.1f} MB")
    for key in ("zip", "7z"):
        if times[key]:
            ratios = [ref[0] / mine[0] for ref, mine in zip(times[key], ours, strict=True)]
            cpu = [ref[1] / mine[1] for ref, mine in zip(times[key], ours, strict=True)]
            print(f"ratio {key}/collect (>= 1.0: collect as fast): {statistics.median(ratios):5.2f} wall "
                  f"{statistics.median(cpu):5.2f} CPU   (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    if not seven:
        print("7z / 7za not installed (apt-get install p7zip-full): no 7z ratio")
    print(f"peak memory of the child processes: {peak_mb:.0f} MB")
    logs = {"realistic": [], "token-heavy": []}
    for path in sorted(drive.rglob("*.log")):
        if path.stat().st_size >= 10**6:
            logs["token-heavy" if path.parent.name == "aakore" and int(path.stem.split(".")[1]) % 2 else
                 "realistic"].append(path)
    for kind, files in logs.items():
        mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"redaction, {kind:12s} {mb:6.0f} MB: {redaction_speed(files):7.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
