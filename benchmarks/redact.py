"""Benchmark: the secret redactor against `zip -1` on the same files, in the same run.

Generates (once; reused when present) two corpora in benchmarks/corpus/redact/:

* realistic: MMS logs, aakore JSON-lines logs and settings text (YAML, Acronis registry XML, .reg exports) in
  the proportions of a real agent's log folder; about one line in 200 holds a key word (auth, token, proxy,
  password) and one in 1,000 a real secret;
* token-heavy: every line holds a key word, most lines a secret: Bearer and Basic headers, cookies, JSON
  passwords, command lines, URLs with credentials, long base64 tokens (up to 3,000 characters), bare JWTs, and
  one line in 100 of 30 KB (the issue's examples: a 30 KB line took 31 s, a 100,000-character base64 run never
  finished, 2,000 lines with long tokens took 157 s with the previous redactor).

Then times, best of ``--runs``: the redactor as the bundle writer runs it (a `RedactStream` per file, fed
1 MiB reads, output discarded) and, as the reference, ``zip -1 -q -`` of the same files to /dev/null (what the
bundle writer does with the bytes next). Prints MB/s for each variant, the ratio of our time to zip's, and the
peak memory of this process. Target: each variant well under 60 s.
Usage: python benchmarks/redact.py [--size-mb 500] [--runs 2] [--regenerate] [--fallback-mb 50]
"""

from __future__ import annotations

import argparse
import base64
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus" / "redact"
FILES = 8
READ = 1024 * 1024

sys.path.insert(0, str(ROOT))

from acronis_triage.collectors.redact import Redactor  # noqa: E402

MMS = (
    "I0135003A: User is running command. Command=Backup plan '{name}'; User=; clientProfileID=; "
    "clientSessionID={guid}",
    "I000101FA: Locking partition {drive}:...",
    "I00640000: Backing up {n} files from {drive}:\\Users\\{user}\\Documents",
    "I00640002: Creating volume snapshot for {drive}: using Microsoft Software Shadow Copy provider 1.0",
    "I013C0004: Retry {n}/5 succeeded for request {guid}",
    "I00000000: Request to AMS succeeded with status: 200, elapsed {n} ms",
    "I02980012: Archive '{name}' opened, flags 0x{hex}",
    "I00BE0007: Transferred {n} KB to storage, speed {n} KB/s",
    "I01350041: Activity '{guid}' state changed to 'running'",
    "W01C90009: Connection to 10.0.{n}.1 is slow: {n} ms",
    "W0064001C: File '{drive}:\\Users\\{user}\\ntuser.dat' is locked; it will be backed up from the snapshot",
    "E0064004D: Error 0x64004d: Unexpected reply from the catalog service for '{name}'.\n| trace level: error\n"
    "| channel: tol-activity#{guid}\n| line: 0x{hex}{hex}\n| $module: disk_bundle_vsa64_{n}",
)
AAKORE = (
    '{{"level":"info","ts":"2024-05-12T22:00:{s:02d}Z","msg":"request","method":"GET","path":"/api/1/agents/{guid}",'
    '"status":200,"elapsed_ms":{n}}}',
    '{{"level":"info","ts":"2024-05-12T22:00:{s:02d}Z","msg":"token refreshed","expires_in":3600,'
    '"token_type":"bearer"}}',
    '{{"level":"debug","ts":"2024-05-12T22:00:{s:02d}Z","msg":"authentication succeeded","user":"{user}"}}',
    '{{"level":"info","ts":"2024-05-12T22:00:{s:02d}Z","msg":"proxy settings","proxy":"proxy.corp.local:3128",'
    '"bypass":"*.corp.local"}}',
    '{{"level":"warn","ts":"2024-05-12T22:00:{s:02d}Z","msg":"retrying","attempt":{n},"error":"connection reset"}}',
)
SETTINGS = (
    '    <value name="ServicePort" type="TDword">"{n}"</value>',
    '    <value name="LogLevel" type="TString">"info"</value>',
    '"ThreadsCount"=dword:0000000{d}',
    "  http: 127.0.0.1:{n}",
    "  log_level: debug",
)
SECRETS_REALISTIC = (
    '    <value name="Password" type="TString">"{tok}"</value>',
    "  http-proxy: {user}:{tok}@proxy.corp.local:3128",
    '{{"level":"debug","msg":"GET /api","headers":{{"Authorization":"Bearer {tok}"}}}}',
    "I00000000: register_agent -o register -t cloud -a https://eu2-cloud.acronis.com -u {user} -p {tok}",
)
TOKEN_HEAVY = (
    "Authorization: Bearer {long}",
    "Authorization: Basic {b64}",
    "Cookie: lang=en; session={tok}; csrftoken={tok}; tracking={long}",
    '{{"user":"{user}","password":"{tok}","token":"{long}","client_secret":"{tok}"}}',
    "I00000000: acrocmd backup disk --credentials={user},{tok} --loc=\\\\nas\\b --password \"{tok} {tok}\"",
    "I00000000: endpoint https://{user}:{tok}@eu2-cloud.acronis.com/api?sig={tok}&token={long}",
    "I00000000: session {jwt} accepted for token refresh",
    "proxy_password: {tok}; api_key={long}; AccountKey={b64};EndpointSuffix=core.windows.net",
    "    ProxyPassword    REG_SZ    {tok} {tok}",
    "I00000000: passing token {long} to the auth service (bypass cache, secret rotation {n})",
)


def _filler(rnd: random.Random) -> dict[str, object]:
    return {
        "name": rnd.choice(("Arquivos", "SQL daily", "Exchange", "Fileserver", "Entire machine")),
        "guid": f"{rnd.getrandbits(128):032X}", "drive": rnd.choice("CDE"), "n": rnd.randint(1, 99999),
        "user": rnd.choice(("jsmith", "admin", "backup", "mlopez")), "hex": f"{rnd.getrandbits(32):08x}",
        "s": rnd.randint(0, 59), "d": rnd.randint(1, 9),
        "tok": base64.b64encode(rnd.randbytes(rnd.randint(9, 24))).decode(),
        "long": base64.urlsafe_b64encode(rnd.randbytes(rnd.randint(150, 2250))).decode(),
        "b64": base64.b64encode(f"admin:{rnd.getrandbits(64):x}".encode()).decode(),
        "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJ" + base64.urlsafe_b64encode(rnd.randbytes(300)).decode().rstrip("=")
               + "." + base64.urlsafe_b64encode(rnd.randbytes(256)).decode().rstrip("="),
    }


def _stamp(rnd: random.Random) -> str:
    return f"2024-05-12T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}:" \
           f"{rnd.randint(0, 999):03d}+02:00 {rnd.choice((9044, 10060, 5616))}"


def _pool(kind: str, rnd: random.Random, size: int = 40_000) -> list[str]:
    """Distinct lines to draw from (drawing is fast; formatting 500 MB line by line is not)."""
    lines = []
    for _ in range(size):
        f = _filler(rnd)
        if kind == "realistic":
            r = rnd.random()
            if r < 0.001:
                line = rnd.choice(SECRETS_REALISTIC).format(**f)
            elif r < 0.70:
                line = f"{_stamp(rnd)} {rnd.choice(MMS).format(**f)}"
            elif r < 0.92:
                line = rnd.choice(AAKORE).format(**f)
            else:
                line = rnd.choice(SETTINGS).format(**f)
        else:
            line = rnd.choice(TOKEN_HEAVY).format(**f)
            if rnd.random() < 0.01:  # a 30 KB line: a token-filled request dump
                line += " token=" + base64.b64encode(rnd.randbytes(22_000)).decode()
            if not line.startswith(("Authorization", "Cookie", "{", "proxy_", "    ")):
                line = f"{_stamp(rnd)} {line}"
        lines.append(line)
    return lines


def generate(kind: str, target_bytes: int, seed: int) -> list[Path]:
    rnd = random.Random(seed)
    pool = _pool(kind, rnd)
    folder = CORPUS / kind
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.log"):
        old.unlink()
    per_file = target_bytes // FILES + 1
    paths = []
    for i in range(FILES):
        path = folder / f"{'mms' if kind == 'realistic' else 'tokens'}.{i}.log"
        size = 0
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            while size < per_file:
                block = "\n".join(rnd.choices(pool, k=2000)) + "\n"
                out.write(block)
                size += len(block)
        paths.append(path)
    return paths


def redact_files(files: list[Path], redactor: Redactor, limit: int | None = None) -> tuple[float, int]:
    """Seconds and bytes: each file through a RedactStream, as the bundle writer streams it."""
    start = time.perf_counter()
    total = 0
    for path in files:
        stream = redactor.stream()
        with open(path, "rb") as handle:
            while chunk := handle.read(READ):
                total += len(chunk)
                stream.feed(chunk)
                if limit is not None and total >= limit:
                    break
        stream.finish()
        if limit is not None and total >= limit:
            break
    return time.perf_counter() - start, total


def zip_files(files: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run(["zip", "-1", "-q", "-", *map(str, files)], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=500, help="size of each corpus (default 500)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--fallback-mb", type=int, default=50,
                    help="also time the plain-Python scan (no hyperscan) on this many MB of each (0: skip)")
    args = ap.parse_args()
    if shutil.which("zip") is None:
        print("zip is needed as the reference", file=sys.stderr)
        return 1
    results = []
    for seed, kind in enumerate(("realistic", "token-heavy"), start=11):
        files = sorted((CORPUS / kind).glob("*.log"))
        if args.regenerate or sum(f.stat().st_size for f in files) < args.size_mb * 10**6:
            print(f"generating the {kind} corpus ({args.size_mb} MB) in {CORPUS / kind} ...", flush=True)
            files = generate(kind, args.size_mb * 10**6, seed)
        size = sum(f.stat().st_size for f in files)
        redactor = Redactor()
        ours = min(redact_files(files, redactor)[0] for _ in range(args.runs))
        masks = redactor.replacements // args.runs
        ref = min(zip_files(files) for _ in range(args.runs))
        line = (f"{kind:12s} {size / 1e6:6.0f} MB  redactor {ours:6.1f} s = {size / 1e6 / ours:6.1f} MB/s"
                f"  ({masks:,} values masked)  |  zip -1 {ref:5.1f} s = {size / 1e6 / ref:6.1f} MB/s"
                f"  |  ratio redactor/zip {ours / ref:4.2f}")
        print(line, flush=True)
        results.append(line)
        if args.fallback_mb:
            secs, done = redact_files(files, Redactor(use_hyperscan=False), args.fallback_mb * 10**6)
            print(f"{'':12s} without hyperscan (plain Python scan), first {done / 1e6:.0f} MB: "
                  f"{done / 1e6 / secs:6.1f} MB/s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory of this process: {peak} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
