#!/usr/bin/env python3
"""`customs scan` against cargo-audit and syft, on the shared corpus and advisory data.

1. Agreement: on every Cargo.lock of the corpus, the vulnerability ids cargo-audit reports
   (RustSec's own data, ../shared/data/rustsec) and those customs reports (the same data as
   OSV, ../shared/data/osv) are compared, and the informational ids (unmaintained, unsound)
   too. `--record FILE` writes cargo-audit's results for the test that pins the agreement
   (crates/customs/tests/cargo_audit.rs).
2. Speed: `customs scan` of reth's Cargo.lock with an existing database against
   `cargo audit --no-fetch --no-yanked` on the same file and data (goal: at least 10x faster;
   customs with `--no-registry`, as cargo-audit without its yanked-crate check),
   and `customs scan` of the corpus's largest npm lockfile against syft's inventory alone of the
   same file (goal: at least 20x faster). Both in the same run, median of --runs, with the
   harness's own cost of starting a process subtracted from both (see harness.spawn_overhead).

    python3 bench/scan_vs_peers.py [--runs 5] [--check] [--record FILE]

cargo-audit is installed with `cargo install --locked cargo-audit` when missing; syft as in
inventory_vs_syft.py. Exit 3 when a peer cannot be installed.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from harness import CORPUS, ROOT, customs_binary, measure, spawn_overhead, syft_binary

DATA = ROOT.parent / "shared" / "data"
LARGEST_NPM = ("npm/firebase-tools__npm-shrinkwrap-v2/npm-shrinkwrap.json", "npm-shrinkwrap.json")
CANNOT_INSTALL = 3


def cargo_audit() -> str:
    found = shutil.which("cargo-audit")
    if found:
        return found
    installed = subprocess.run(["cargo", "install", "--locked", "cargo-audit"])
    found = shutil.which("cargo-audit")
    if installed.returncode != 0 or not found:
        print("cargo-audit could not be installed", file=sys.stderr)
        sys.exit(CANNOT_INSTALL)
    return found


def cargo_locks() -> list[str]:
    rows = (CORPUS / "MANIFEST.csv").read_text().splitlines()[1:]
    return sorted(
        row.split(",")[0]
        for row in rows
        if row.split(",")[0].endswith(".lock") and row.split(",")[0].startswith("crates/")
    )


def audit_ids(audit: str, db: Path, lockfile: Path) -> dict:
    out = subprocess.run(
        [audit, "audit", "--db", str(db), "--no-fetch", "--no-yanked", "-f", str(lockfile), "--json", "-q"],
        capture_output=True,
        text=True,
    )
    if not out.stdout.strip():
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "no output"}
    report = json.loads(out.stdout)
    warnings = report.get("warnings", {})
    return {
        "vulnerabilities": sorted({v["advisory"]["id"] for v in report["vulnerabilities"]["list"]}),
        "unmaintained": sorted({w["advisory"]["id"] for w in warnings.get("unmaintained", []) if w.get("advisory")}),
        "unsound": sorted({w["advisory"]["id"] for w in warnings.get("unsound", []) if w.get("advisory")}),
    }


def customs_ids(customs: Path, db: Path, lockfile: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(lockfile, Path(tmp) / "Cargo.lock")
        out = subprocess.run(
            [str(customs), "scan", tmp, "--db", str(db), "--offline", "--no-registry", "--format", "json", "--fail-on", "none"],
            capture_output=True,
            text=True,
        )
    if out.returncode not in (0, 1):
        return {"error": out.stderr.strip()}
    findings = json.loads(out.stdout)["findings"]
    by = lambda codes: sorted({f["advisory"]["id"] for f in findings if f["code"] in codes and f.get("advisory")})
    return {
        # cargo-audit lists malicious-crate notices among vulnerabilities.
        "vulnerabilities": by({"vulnerability", "malicious"}),
        "unmaintained": by({"unmaintained"}),
        "unsound": by({"unsound"}),
    }


def median_run(command, cwd, runs):
    results = [measure(command, cwd, ok_codes=(0, 1)) for _ in range(runs)]
    return statistics.median(t for t, _ in results), statistics.median(m for _, m in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    if not (DATA / "osv" / "crates.io" / "all.zip").exists():
        sys.exit(f"shared data not found at {DATA}")
    customs, audit = customs_binary(), cargo_audit()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(DATA / "rustsec" / "advisory-db.tar.gz") as archive:
            archive.extractall(work, filter="data")
        rustsec = work / "adb"
        db = work / "advisories.sqlite"
        subprocess.run([str(customs), "db", "update", "--source", str(DATA / "osv"),
                        "--popular-source", str(DATA / "popular"), "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL)

        print("Agreement with cargo-audit on every Cargo.lock of the corpus:")
        recorded = {}
        for path in cargo_locks():
            theirs, ours = audit_ids(audit, rustsec, CORPUS / path), customs_ids(customs, db, CORPUS / path)
            recorded[path] = theirs
            if "error" in theirs or "error" in ours:
                print(f"  {path}: cargo-audit {theirs.get('error', 'ok')}; customs {ours.get('error', 'ok')}")
                continue
            same = theirs == ours
            counts = ", ".join(f"{len(theirs[k])} {k}" for k in ("vulnerabilities", "unmaintained", "unsound"))
            print(f"  {'same' if same else 'DIFFERENT'}  {path}: {counts}")
            if not same:
                for key in theirs:
                    only_theirs = sorted(set(theirs[key]) - set(ours[key]))
                    only_ours = sorted(set(ours[key]) - set(theirs[key]))
                    if only_theirs or only_ours:
                        print(f"      {key}: only cargo-audit {only_theirs}, only customs {only_ours}")
        if args.record:
            args.record.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
            print(f"recorded cargo-audit's results in {args.record}")

        print(f"\nSpeed (median of {args.runs} runs, in the same run):")
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(CORPUS / "crates/reth__cargo/Cargo.lock", Path(tmp) / "Cargo.lock")
            c_time, c_mem = median_run([str(customs), "scan", tmp, "--db", str(db), "--offline", "--no-registry", "--format", "json", "--fail-on", "none"], tmp, args.runs)
            a_time, a_mem = median_run([audit, "audit", "--db", str(rustsec), "--no-fetch", "--no-yanked", "-f", "Cargo.lock", "--json", "-q"], tmp, args.runs)
            rows.append(("reth Cargo.lock", "cargo-audit", c_time, a_time, 10))
            # The runs above reuse the typosquat verdicts the first one kept (as every scan
            # after the first does); a first scan checks every name against the popular lists.
            verdicts = db.with_name("popular") / "verdicts.sqlite"
            cold = []
            for _ in range(args.runs):
                verdicts.unlink(missing_ok=True)
                cold.append(measure([str(customs), "scan", tmp, "--db", str(db), "--offline", "--no-registry", "--format", "json", "--fail-on", "none"], tmp, ok_codes=(0, 1))[0])
            rows.append(("reth Cargo.lock, first scan (no kept typosquat verdicts)", "cargo-audit", statistics.median(cold), a_time, 10))
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(CORPUS / LARGEST_NPM[0], Path(tmp) / LARGEST_NPM[1])
            syft = syft_binary()
            c_time, _ = median_run([str(customs), "scan", tmp, "--db", str(db), "--offline", "--no-registry", "--format", "json", "--fail-on", "none"], tmp, args.runs)
            s_time, _ = median_run([str(syft), "scan", f"dir:{tmp}", "-o", "json", "-q"], tmp, args.runs)
            rows.append(("firebase-tools npm-shrinkwrap.json (largest npm)", "syft inventory", c_time, s_time, 20))
        overhead = spawn_overhead(args.runs)
        print(f"  (starting a process through the harness: {overhead*1000:.1f} ms, subtracted from both sides)")
        for name, peer, ours, theirs, goal in rows:
            raw = theirs / ours
            ours, theirs = max(ours - overhead, 1e-6), max(theirs - overhead, 1e-6)
            ratio = theirs / ours
            verdict = "meets" if ratio >= goal else "BELOW"
            print(f"  {name}: customs scan {ours*1000:.1f} ms, {peer} {theirs*1000:.1f} ms: {ratio:.1f}x "
                  f"(raw {raw:.1f}x; {verdict} the {goal}x goal)")
            if ratio < goal:
                failures.append(f"{name}: {ratio:.1f}x < {goal}x")
    if failures and args.check:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
