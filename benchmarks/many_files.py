"""Benchmark: `acronis-triage collect --root` on a tree of many small logs, against `zip -q -r -6` of the same tree.

Generates (once; reused when present) benchmarks/corpus-many/<N>/: an offline Linux root whose Acronis log
folder (``var/log/acronis``) holds N small MMS-style logs (3-12 lines, ~0.4-1.2 KB each) in folders of 1,000.
Then, in the same run and on the same warm page cache, times (median of ``--runs``):

* ``acronis-triage collect --root <tree> --since 36500 --quiet`` (subprocess: collect, analyze, report,
  verified bundle), with its peak memory;
* ``zip -q -r -6`` of the same tree (only reading, deflating and writing: the floor for a bundle of it).

Prints wall and CPU (user + system) times of both, the per-file cost, and the ratios collect / zip (lower is
better; the CPU ratio is steadier on a machine shared with other work). ``--source DIR`` runs the tool from
another checkout (e.g. an older commit unpacked with ``git archive``), to compare versions on the same tree.
Usage: python benchmarks/many_files.py [--files 100000] [--runs 1] [--regenerate] [--source DIR]
"""

from __future__ import annotations

import argparse
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
PER_FOLDER = 1000
STEPS = ("opened archive", "listed slice", "backed up files", "verified checksum", "closed session")


def generate(target: Path, files: int, seed: int = 11) -> None:
    rnd = random.Random(seed)
    logs = target / "var" / "log" / "acronis"
    (target / "etc").mkdir(parents=True, exist_ok=True)
    for i in range(files):
        folder = logs / f"component{i // PER_FOLDER:03d}"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        lines = [
            f"2024-05-01T10:{j:02d}:{rnd.randrange(60):02d}:{rnd.randrange(1000):03d}+02:00 {1000 + j} "
            f"I0135003A: task {i}: {rnd.choice(STEPS)} in {rnd.randint(1, 999)} ms\n"
            for j in range(rnd.randint(3, 12))
        ]
        (folder / f"service_{i % PER_FOLDER:04d}.log").write_text("".join(lines))


def corpus(files: int, regenerate: bool) -> Path:
    return cached_corpus(HERE / "corpus-many" / str(files), str(files), lambda tree: generate(tree, files),
                         f"{files} small logs", regenerate)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--source", type=Path, default=ROOT, help="checkout to run acronis-triage from")
    args = ap.parse_args()
    if shutil.which("zip") is None:
        sys.exit("zip is not installed (apt-get install zip)")
    tree = corpus(args.files, args.regenerate)
    exe = [sys.executable, "-m", "acronis_triage.app"]
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="many-files-") as tmp:
        out = Path(tmp)
        # One untimed pass of each warms the page cache and the compiled-signature cache alike.
        for rnd in range(args.runs + 1):
            for f in out.iterdir():
                f.unlink()
            zip_t = timed(["zip", "-q", "-r", "-6", str(out / "zip.zip"), "."], cwd=tree)
            ours_t = timed([*exe, "collect", "--root", str(tree), "--since", "36500", "--quiet",
                            "--output", str(out / "bundle.zip")], cwd=args.source)
            if rnd:
                theirs.append(zip_t)
                ours.append(ours_t)
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    collect_s, zip_s = (statistics.median(t[0] for t in ours), statistics.median(t[0] for t in theirs))
    collect_cpu, zip_cpu = (statistics.median(t[1] for t in ours), statistics.median(t[1] for t in theirs))
    print(f"{args.files} small logs ({sum(p.stat().st_size for p in tree.rglob('*.log')) / 2**20:.0f} MiB), "
          f"{os.cpu_count()} CPUs, median of {args.runs} run(s), tool from {args.source}")
    print(f"zip -q -r -6:             {zip_s:7.1f} s wall {zip_cpu:7.1f} s CPU   "
          f"({zip_s / args.files * 1e3:.3f} ms per file, {sizes['zip.zip'] / 2**20:.1f} MiB)")
    print(f"acronis-triage collect:   {collect_s:7.1f} s wall {collect_cpu:7.1f} s CPU   "
          f"({collect_s / args.files * 1e3:.3f} ms per file, {sizes['bundle.zip'] / 2**20:.1f} MiB, "
          f"peak {peak_mb:.0f} MB)")
    print(f"ratio collect / zip:      {collect_s / zip_s:7.1f} wall {collect_cpu / zip_cpu:7.1f} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
