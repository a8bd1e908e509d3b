"""Benchmark: `acronis-triage analyze --json` against ripgrep with the same patterns, in the same run.

Three cases, each on a generated corpus kept in benchmarks/corpus/ (made once; reused when present), in the
DOMAIN.md §2.1 MMS layout: mostly I lines, some W lines, rare E lines taken from the signatures' own MMS samples
(with their ``|`` detail blocks), plus near misses:

* ``files``: rotated logs, 8 files of 40 MB (``--size-mb``, 320 by default);
* ``single``: ONE log of ``--single-mb`` (200 by default): the file is cut at event boundaries and its parts
  scanned by both cores;
* ``templates``: ONE log of ``--templates-mb`` (1000 by default) with tens of thousands of distinct warning
  templates (unquoted words, so masking cannot merge them): the bounded-memory case.

For each case, interleaved ``--runs`` times (3 by default; medians), it times

* ``acronis-triage analyze <corpus> --json`` (subprocess), with its peak memory (getrusage of children);
* ``rg -c -f <patterns> <corpus>`` where the patterns come from ``acronis-triage signatures patterns``;

then one more run of ours sampling the memory of all its processes together. Prints ripgrep's time / ours (the
ratio: above 1 we are faster; the median of the ratios of each run of ours and the run of ripgrep just before it,
so that both sides of a ratio saw the same state of a shared machine), CPU seconds of both and our peak memory.
Required: ratio >= 1.0 on ``single``, peak memory < 300 MB on every case. ``--source DIR`` runs the tool from
another checkout (for before/after figures: ``git archive <commit> | tar -x -C DIR``).
Usage: python benchmarks/scan.py [--case all|files|single|templates] [--runs 3] [--regenerate] [--source DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
FILES = 8
_STAMP_TID = re.compile(r"^\S+ \d+ ")
MMS_HEAD = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}:\d{3}[+-]\d{2}:\d{2} \d+ [A-Z][0-9A-F]{8}: ")
REQUIRED_RATIO = {"single": 1.0}
MAX_PEAK_MB = 300

INFO = (
    "I0135003A: User is running command. Command=Backup plan '{name}'; User=; clientProfileID=; "
    "clientSessionID={guid}",
    "I000101FA: Locking partition {drive}:...",
    "I000101F8: Pending operation {n} started: 'Creating partition structure'.",
    "I00640000: Backing up {n} files from {drive}:\\Users\\{user}\\Documents",
    "I00640002: Creating volume snapshot for {drive}: using Microsoft Software Shadow Copy provider 1.0",
    "I013C0004: Retry {n}/5 succeeded for request {guid}",
    "I00000000: Request to AMS succeeded with status: 200, elapsed {n} ms",
    "I02980012: Archive '{name}' opened, flags 0x{hexlow}",
    "I0064000A: Error code: none reported for slice {n}",
    "I00BE0007: Transferred {n} KB to storage, speed {n} KB/s",
    "I01350041: Activity '{guid}' state changed to 'running'",
    "I000E0001: Snapshot of volume {drive}: is ready ({n} MB of shadow storage used)",
)
WARN = (
    "W0057002C: Error 0x57002c: Database '{name}' is in simple recovery mode; log backup skipped.",
    "W01C90009: Connection to {ip} is slow: {n} ms",
    "W0064001C: File '{drive}:\\Users\\{user}\\ntuser.dat' is locked; it will be backed up from the snapshot",
    "W00BE0003: Retrying request {guid} ({n}/5)",
    "W00A100D4: Error 0xa100d4: Failed to find archive '{name}'.",
)
UNKNOWN_ERRORS = (
    "E0064004D: Error 0x64004d: Unexpected reply from the catalog service for '{name}'.",
    "E02BF0005: Error 0x2bf0005: Assertion failed: found || !\"mtab not synced\", file d:/624/linex/utils/"
    "trueimagemnt/wrapper/wrapper_main.cpp, line {n}",
)
DETAIL = (
    "| trace level: error\n| channel: tol-activity#{guid}\n| line: 0x{hexlow}{hexlow}\n"
    "| file: e:\\235\\enterprise\\disk_manager\\daapi1\\vss_retryable_callbacker.cpp:{n}\n"
    "| function: Common::Error::AddWindowsError\n| $module: disk_bundle_vsa64_{n}\n"
)
# Template-heavy warnings: unquoted words (no digits, no quotes, no paths) stay in the template, so each
# combination is a template of its own, as with a product that prints names or messages in its own words.
TEMPLATE_CODES = ("W00640010", "W000101F6", "W01350019", "W00BE0011", "W02980004", "W013C0002")
TEMPLATE_SHAPES = (
    "Skipped folder {a} {b} of user {c}: access denied by policy {d} ({n} items)",
    "Cannot read {a} {b} {c} while backing up {d} {e}: retry {n} of 5",
    "Component {a} reported {b} {c} for the {d} service on port {n}",
    "Plan {a} {b}: option {c} {d} is ignored for {e} machines since {n} s",
)


def _sample_events() -> list[str]:
    """The MMS-format positive samples of the shipped signatures: real hits for the engine to find."""
    sys.path.insert(0, str(ROOT))
    from acronis_triage.analyzers.signatures import load_signatures

    out = []
    for sig in load_signatures().signatures:
        for sample in sig.positive:
            if MMS_HEAD.match(sample) and len(sample) < 4000:
                out.append(sample.rstrip("\n"))
    return out


def generate(folder: Path, target_bytes: int, files: int = FILES, seed: int = 7, templates: int = 0) -> list[Path]:
    """`files` MMS logs of `target_bytes` together. With `templates`, 4 % of the lines are warnings with a word
    template (a third from a pool of `templates` recurring ones, the rest new: ~240,000 distinct in 1 GB)."""
    rnd = random.Random(seed)
    samples = _sample_events()
    folder.mkdir(parents=True, exist_ok=True)
    per_file = target_bytes // files + 1
    t = datetime(2024, 5, 1, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    paths = []
    names = ("Arquivos", "SQL daily", "Exchange", "Teste", "Fileserver", "Entire machine")
    users = ("jsmith", "admin", "backup", "mlopez")
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(3, 9))) for _ in range(4000)]
    pool = [_word_template(rnd, words) for _ in range(templates)]
    warn_rate = 0.05 if templates else 0.0158 - 0.0008

    def fill(template: str) -> str:
        return template.format(
            name=rnd.choice(names), guid=f"{rnd.getrandbits(128):032X}"[:8] + "-DB67-49E2-9AB0-11CF40017004",
            drive=rnd.choice("CDE"), n=rnd.randint(1, 99999), user=rnd.choice(users),
            hexlow=f"{rnd.getrandbits(32):08x}", ip=f"10.0.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}",
        )

    for i in range(files):
        path = folder / f"mms.{files - 1 - i}.log"
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            parts: list[str] = []
            size = 0
            while size < per_file:
                t += timedelta(milliseconds=rnd.randint(1, 900))
                stamp = t.strftime("%Y-%m-%dT%H:%M:%S:") + f"{t.microsecond // 1000:03d}+02:00"
                tid = rnd.choice((9044, 10060, 5616, 5120, 140574684256000))
                r = rnd.random()
                if r < 0.0004 and samples:
                    line = _STAMP_TID.sub(f"{stamp} {tid} ", rnd.choice(samples), count=1)
                elif r < 0.0008:
                    line = f"{stamp} {tid} {fill(rnd.choice(UNKNOWN_ERRORS))}\n{fill(DETAIL)}".rstrip("\n")
                elif r < 0.0008 + warn_rate:
                    if templates and rnd.random() < 0.8:
                        shape = rnd.choice(pool) if rnd.random() < 0.33 else _word_template(rnd, words)
                        line = f"{stamp} {tid} {shape.format(n=rnd.randint(1, 99999))}"
                    else:
                        line = f"{stamp} {tid} {fill(rnd.choice(WARN))}"
                    if rnd.random() < 0.3:
                        line += "\n" + fill(DETAIL).rstrip("\n")
                else:
                    line = f"{stamp} {tid} {fill(rnd.choice(INFO))}"
                parts.append(line)
                size += len(line) + 1
                if len(parts) >= 100_000:
                    fh.write("\n".join(parts) + "\n")
                    parts = []
            if parts:
                fh.write("\n".join(parts) + "\n")
        paths.append(path)
    return paths


def _word_template(rnd: random.Random, words: list[str]) -> str:
    shape = rnd.choice(TEMPLATE_SHAPES)
    filled = shape.format(a=rnd.choice(words), b=rnd.choice(words), c=rnd.choice(words), d=rnd.choice(words),
                          e=rnd.choice(words), n="{n}")
    return f"{rnd.choice(TEMPLATE_CODES)}: {filled}"


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process so far (and of the children they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_measured(cmd: list[str], sample: bool = False, **kw) -> tuple[float, int, int, bytes, bytes]:
    """Wall seconds, peak memory in MB, exit code, stdout, stderr. Peak memory is the largest single-process
    peak from os.wait4; with `sample`, also the sum of the RSS of the process and its worker processes sampled
    every 20 ms (the sampler costs CPU on a 2-core machine, so timed runs do not sample)."""
    import threading

    import psutil

    peak_sum = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        done = threading.Event()

        def sample_tree() -> None:
            nonlocal peak_sum
            try:
                root = psutil.Process(proc.pid)
                while not done.is_set():
                    try:
                        total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                    except psutil.Error:
                        total = 0
                    peak_sum = max(peak_sum, total)
                    done.wait(0.02)
            except psutil.Error:
                pass

        sampler = threading.Thread(target=sample_tree, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - start
        done.set()
        if sample:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = max(peak_sum // 2**20, usage.ru_maxrss // 1024)
        return secs, peak, proc.returncode, out.read(), err.read()


def _corpus(case: str, args: argparse.Namespace) -> tuple[list[Path], Path]:
    """The files of a case (generated when missing or too small) and the path given to analyze."""
    if case == "files":
        folder, mb, files, templates = CORPUS / "files", args.size_mb, FILES, 0
    elif case == "single":
        folder, mb, files, templates = CORPUS / "single", args.single_mb, 1, 0
    else:
        folder, mb, files, templates = CORPUS / "templates", args.templates_mb, 1, args.templates
    paths = sorted(folder.glob("mms.*.log"))
    if args.regenerate or len(paths) != files or sum(p.stat().st_size for p in paths) < mb * 10**6:
        print(f"generating the {case} corpus ({mb} MB) in {folder} ...", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        paths = generate(folder, mb * 10**6, files=files, templates=templates)
    return paths, (folder if files > 1 else paths[0])


def _case(case: str, args: argparse.Namespace, tool: list[str], env: dict[str, str], cwd: Path, rg: str,
          patterns: str) -> dict:
    files, target = _corpus(case, args)
    total = sum(f.stat().st_size for f in files)
    print(f"\n== {case}: {len(files)} file(s), {total / 1e6:.0f} MB", flush=True)
    ours, theirs, our_cpu, their_cpu, peak = [], [], [], [], 0
    result: dict = {}
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        cpu = _children_cpu()
        secs, _, code, _, err = _run_measured([rg, "-c", "-f", patterns, *map(str, files)])
        their_cpu.append(_children_cpu() - cpu)
        if code not in (0, 1):
            raise SystemExit(f"rg failed: {err.decode()[-2000:]}")
        theirs.append(secs)
        cpu = _children_cpu()
        secs, rss, code, out, err = _run_measured([*tool, "analyze", str(target), "--json"], env=env, cwd=cwd)
        our_cpu.append(_children_cpu() - cpu)
        if code != 0:
            raise SystemExit(f"analyze failed: {err.decode()[-2000:]}")
        ours.append(secs)
        result = json.loads(out)
        peak = max(peak, rss)
    _, rss, _, _, _ = _run_measured([*tool, "analyze", str(target), "--json"], sample=True, env=env, cwd=cwd)
    peak = max(peak, rss)
    rg_s, our_s = statistics.median(theirs), statistics.median(ours)
    # Each run of ours follows a run of ripgrep: the ratio of each such pair sees one state of a shared machine, and
    # their median is the figure kept (the ratio of the two medians is printed too).
    ratio = statistics.median(r / o for r, o in zip(theirs, ours, strict=True))
    found = sum(f["count"] for f in result.get("findings", []))
    folded = result.get("unmatched_folded") or {}
    print(f"findings: {len(result.get('findings', []))} signatures, {found} events; unmatched templates: "
          f"{len(result.get('unmatched', []))} shown, {folded.get('tracked', '?')} told apart, "
          f"{folded.get('events', 0)} events folded; events examined: {result.get('stats', {}).get('events')}")
    print(f"ripgrep  rg -c -f : {rg_s:.2f} s (runs {', '.join(f'{s:.2f}' for s in theirs)})")
    print(f"acronis-triage    : {our_s:.2f} s (runs {', '.join(f'{s:.2f}' for s in ours)}), "
          f"{total / 1e6 / our_s:.0f} MB/s")
    need = REQUIRED_RATIO.get(case)
    print(f"ratio rg/ours     : {ratio:.2f} (median of the {len(ours)} pairs; of the medians {rg_s / our_s:.2f})"
          + (f"  (required >= {need})" if need else ""))
    print(f"CPU s user+sys    : rg {statistics.median(their_cpu):.2f}, ours {statistics.median(our_cpu):.2f} "
          f"(medians)")
    print(f"peak RSS (ours)   : {peak} MB, all processes together  (required < {MAX_PEAK_MB} MB)")
    ok = peak < MAX_PEAK_MB and (need is None or ratio >= need)
    return {"case": case, "mb": total / 1e6, "rg": rg_s, "ours": our_s, "ratio": ratio, "peak": peak, "ok": ok}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=("all", "files", "single", "templates"), default="all")
    ap.add_argument("--size-mb", type=int, default=320, help="files case: the 8 logs together")
    ap.add_argument("--single-mb", type=int, default=200, help="single case: the one log")
    ap.add_argument("--templates-mb", type=int, default=1000, help="templates case: the one log")
    ap.add_argument("--templates", type=int, default=30_000, help="templates case: recurring word templates")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--source", type=Path, default=ROOT, help="run the tool from this checkout")
    args = ap.parse_args()
    rg = shutil.which("rg")
    if rg is None:
        print("ripgrep (rg) is needed as the reference", file=sys.stderr)
        return 1
    source = args.source.resolve()
    tool = [sys.executable, "-m", "acronis_triage.app"]
    # Installed copies run from compiled bytecode; a sandbox's PYTHONDONTWRITEBYTECODE would make every run
    # recompile every module (~0.08 s), and its PYTHONUNBUFFERED make every write a system call: no user pays that.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
    env["PYTHONPATH"] = str(source)
    proc = subprocess.run([*tool, "signatures", "patterns"], env=env, cwd=source, capture_output=True)
    if proc.returncode != 0:
        print(proc.stderr.decode(), file=sys.stderr)
        return 1
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as fh:
        fh.write(proc.stdout)
        patterns = fh.name
    print(f"patterns: {len(proc.stdout.splitlines())} (acronis-triage signatures patterns, from {source})")
    cases = ("files", "single", "templates") if args.case == "all" else (args.case,)
    rows = []
    try:
        for case in cases:
            files, _ = _corpus(case, args)
            subprocess.run([*tool, "analyze", str(files[-1]), "--json"], env=env, cwd=source,
                           capture_output=True)  # warm-up: bytecode, caches, the page cache
            rows.append(_case(case, args, tool, env, source, rg, patterns))
    finally:
        os.unlink(patterns)
    print("\n| case | size | ripgrep | acronis-triage | ratio | peak memory |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['mb']:.0f} MB | {r['rg']:.2f} s | {r['ours']:.2f} s | {r['ratio']:.2f} | "
              f"{r['peak']} MB |")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
