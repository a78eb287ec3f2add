#!/usr/bin/env python3
"""Scale benchmark: onus on a million resources, beside CPython's json.load.

Builds an inventory of N resources (the demo estate replicated, every copy with
unique identifiers) and an asset list, then runs the release binary and prints
wall time and peak resident memory of each job:

  * CPython `json.load` of the same inventory (the reference);
  * `onus audit --inventory` in every format (JSON at N; every format at the
    small and large sizes, with the ratio between them);
  * `onus audit --store` on SQLite (and PostgreSQL when ONUS_BENCH_POSTGRES
    holds a connection URL), with the database's size per resource, and
    `onus diff` of the two stored runs;
  * `onus plan --assets` of the asset list;
  * `onus audit --framework` (the compliance view: CCM alone, then all five
    built-in frameworks) against the in-memory table of the same audit.

Usage (from the repository root):

    cargo build --release
    python3 benches/scale.py                       # 1 000 000 resources
    python3 benches/scale.py --resources 200000    # a smaller run
    python3 benches/scale.py --only json,plan      # some jobs only

Nothing here asserts a time: the figures go to the README by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ["json", "sarif", "ocsf", "junit", "csv", "markdown", "html", "table"]


def build_inventory(path: Path, n: int) -> int:
    """Write the demo estate replicated to `n` resources; return the size in bytes."""
    demo = json.loads((ROOT / "examples/demo/inventory.json").read_text())
    resources = demo.pop("resources")
    head = json.dumps(demo)[:-1]  # without the closing brace
    encoded = [json.dumps(r, separators=(",", ":")) for r in resources]
    ids = [json.dumps(r["id"]) for r in resources]
    with path.open("w", encoding="utf-8") as out:
        out.write(head + ',"resources":[\n')
        for i in range(n):
            k = i % len(resources)
            # Unique identity: the id gets a suffix (the first occurrence in the
            # encoded resource is its "id" field, which comes first).
            text = encoded[k].replace(ids[k], ids[k][:-1] + f'#{i}"', 1)
            out.write(text)
            out.write(",\n" if i + 1 < n else "\n")
        out.write("]}\n")
    return path.stat().st_size


def build_assets(path: Path, n: int) -> None:
    """Write the example asset list replicated to `n` rows with unique names."""
    lines = (ROOT / "examples/premigration/assets.csv").read_text().splitlines()
    header, rows = lines[0], [l for l in lines[1:] if l.strip()]
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for i in range(n):
            name, rest = rows[i % len(rows)].split(",", 1)
            out.write(f"{name}-{i},{rest}\n")


def best(cmd: list[str], runs: int) -> tuple[float, int]:
    """The best wall time of `runs` runs of `cmd`, and the peak RSS of that run."""
    results = [run(cmd)[:2] for _ in range(runs)]
    return min(results)


def run(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, int, int]:
    """Run `cmd`; return (seconds, peak RSS in bytes, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{err}")
    return elapsed, usage.ru_maxrss * 1024, proc.returncode


def show(label: str, seconds: float, rss: int, extra: str = "") -> None:
    print(f"{label:<44} {seconds:>8.2f} s {rss / 2**20:>9.0f} MiB  {extra}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resources", type=int, default=1_000_000, help="the large inventory (default 1 000 000)")
    ap.add_argument("--small", type=int, default=20_000, help="the small size for the format ratios (default 20 000)")
    ap.add_argument("--medium", type=int, default=100_000, help="the size for every format, the store and the planner (default 100 000)")
    ap.add_argument("--binary", default=None, help="the onus binary (default: the release build)")
    ap.add_argument("--only", default="reference,json,formats,store,plan,compliance", help="comma-separated jobs")
    ap.add_argument("--keep", metavar="DIR", help="build the files in DIR and keep them")
    ap.add_argument("--runs", type=int, default=3, help="runs per format measurement, best kept (default 3)")
    args = ap.parse_args()
    only = set(args.only.split(","))

    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    onus = args.binary or str(target / "release" / "onus")
    if not Path(onus).is_file():
        sys.exit(f"no binary at {onus}: run `cargo build --release` first (or pass --binary)")

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="onus-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sizes = sorted({args.small, args.medium, args.resources})
        files = {}
        for n in sizes:
            f = work / f"inventory-{n}.json"
            if not f.exists():
                build_inventory(f, n)
            files[n] = f
        print(f"onus {onus}")
        print(f"{'job':<44} {'wall':>10} {'peak RSS':>13}")
        big = files[args.resources]
        mib = big.stat().st_size / 2**20
        if "reference" in only:
            t, rss, _ = run([sys.executable, "-c", "import json,sys; json.load(open(sys.argv[1]))", str(big)])
            show(f"CPython json.load, {args.resources} resources", t, rss, f"({mib:.0f} MiB)")
        if "json" in only:
            t, rss, _ = run([onus, "audit", "--inventory", str(big), "--format", "json"])
            show(f"audit {args.resources} -> JSON on stdout", t, rss)
        if "formats" in only:
            for fmt in FORMATS:
                times = {}
                for n in (args.small, args.medium):
                    # To standard output (discarded): the format's work, not the
                    # disk's (a report file is synced before it replaces the old one).
                    cmd = [onus, "audit", "--inventory", str(files[n]), "--format", fmt]
                    t, rss = best(cmd, args.runs)
                    times[n] = t
                    show(f"audit {n} -> {fmt} (best of {args.runs})", t, rss)
                print(f"{'':<44} {times[args.medium] / times[args.small]:>8.1f} x the time for {args.medium // args.small} x the resources", flush=True)
        if "store" in only:
            n = args.medium
            t0, rss0 = best([onus, "audit", "--inventory", str(files[n]), "--format", "json"], args.runs)
            show(f"audit {n} -> JSON, no store (best of {args.runs})", t0, rss0)
            stores = [("SQLite", "sqlite:" + str(work / "history.db"))]
            if os.environ.get("ONUS_BENCH_POSTGRES"):
                stores.append(("PostgreSQL", os.environ["ONUS_BENCH_POSTGRES"]))
            for name, url in stores:
                for attempt in (1, 2):
                    t, rss, _ = run([onus, "audit", "--inventory", str(files[n]), "--format", "json", "--store", url, "--quiet"])
                    extra = f"{t / t0:.1f} x the audit"
                    if name == "SQLite":
                        size = sum(p.stat().st_size for p in work.glob("history.db*"))
                        extra += f", {size / attempt / n:.0f} bytes a resource"
                    show(f"audit {n} --store {name} (run {attempt})", t, rss, extra)
                t, rss, _ = run([onus, "history", "--store", url, "--format", "json"])
                show(f"history --store {name}", t, rss)
                t, rss, _ = run([onus, "diff", "--store", url, "--format", "json"])
                show(f"diff of the two runs ({name})", t, rss)
        if "compliance" in only:
            # The compliance view holds the report in memory (the JSON is not
            # streamed then): against the in-memory table of the same audit.
            n = args.medium
            t0, rss0 = best([onus, "audit", "--inventory", str(files[n]), "--format", "table"], args.runs)
            show(f"audit {n} -> table (best of {args.runs})", t0, rss0)
            for fw in ("ccm-4.0", "ccm-4.0,cis-aws-5.0,cis-azure-4.0,cis-gcp-4.0,nist-800-53-r5"):
                for fmt in ("table", "json"):
                    cmd = [onus, "audit", "--inventory", str(files[n]), "--format", fmt, "--framework", fw]
                    t, rss = best(cmd, args.runs)
                    label = "ccm-4.0" if fw == "ccm-4.0" else "all five"
                    show(f"audit {n} --framework {label} -> {fmt}", t, rss, f"{t / t0:.2f} x the table")
        if "plan" in only:
            for n in (args.medium, args.resources):
                assets = work / f"assets-{n}.csv"
                if not assets.exists():
                    build_assets(assets, n)
                t, rss, _ = run([onus, "plan", "--assets", str(assets), "--format", "json"])
                show(f"plan --assets {n} rows -> JSON", t, rss)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
