#!/usr/bin/env python3
"""Agreement: SBOMs written by syft, read back by customs, give the packages syft reports.

For every lockfile of the shared corpus (../shared/data/lockfiles/MANIFEST.csv), copied alone
into a fresh directory under its canonical name, syft writes CycloneDX JSON, CycloneDX XML, SPDX
JSON and its own syft-json in one invocation. `customs inventory --format json` reads each SBOM,
and the set of (ecosystem, name, version) it reports is compared with the set syft itself
reports in syft-json, restricted to npm, PyPI and crates.io packages. Names are compared under
each ecosystem's normalisation (PEP 503 for PyPI; case folded for npm, whose purls lowercase
names; case and `-`/`_` folded for crates.io, as the registry does).

    python3 bench/sbom_syft_agreement.py [--check] [--jobs 2] [--only SUBSTRING] [--keep DIR]

Prints per-format agreement counts and every difference; `--check` exits 1 on any difference
that is not a known inconsistency of syft's own formats (listed in SYFT_QUIRKS, counted apart).
syft is installed on first use as in inventory_vs_syft.py (exit 3 when it cannot be); customs
is built in the debug profile (agreement, not speed), in $CARGO_TARGET_DIR when set.
"""

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import CORPUS, ROOT, syft_binary

FORMATS = [("cdx.json", "cyclonedx-json"), ("cdx.xml", "cyclonedx-xml"), ("spdx.json", "spdx-json")]

# MANIFEST format label prefix -> the file name syft (and customs) recognise the format by.
CANONICAL_NAMES = [
    ("package-lock", "package-lock.json"),
    ("npm-shrinkwrap", "npm-shrinkwrap.json"),
    ("yarn", "yarn.lock"),
    ("pnpm", "pnpm-lock.yaml"),
    ("bun.lock", "bun.lock"),
    ("Cargo.lock", "Cargo.lock"),
    ("uv.lock", "uv.lock"),
    ("pylock.toml", "pylock.toml"),
    ("poetry.lock", "poetry.lock"),
    ("pdm.lock", "pdm.lock"),
    ("Pipfile.lock", "Pipfile.lock"),
    ("requirements.txt", "requirements.txt"),
]

# syft's own formats disagree with its syft-json in these ways; each is counted apart, not as a
# customs error.
SYFT_QUIRKS = {
    # syft-json keeps packages without a version as "UNKNOWN"; its purls (which the SBOMs
    # carry) omit the version, so the SBOMs say "no version". Compared as "no version".
    "unknown-version": "syft writes version UNKNOWN in syft-json but no version in its purls",
}

PURL_ECOSYSTEMS = {"npm": "npm", "pypi": "PyPI", "cargo": "crates.io"}


def normalise(ecosystem: str, name: str) -> str:
    if ecosystem == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    if ecosystem == "crates.io":
        return name.lower().replace("_", "-")
    return name.lower()


def canonical_name(label: str) -> str | None:
    label = label.removeprefix("negative-case(")
    for prefix, name in CANONICAL_NAMES:
        if label.startswith(prefix):
            return name
    return None


def syft_packages(document: dict) -> tuple[set, int]:
    """(ecosystem, name, version) of syft-json's npm/PyPI/crates.io artifacts, and how many had
    version UNKNOWN."""
    packages, unknown = set(), 0
    for artifact in document.get("artifacts", []):
        purl = artifact.get("purl") or ""
        kind = purl.removeprefix("pkg:").split("/", 1)[0]
        ecosystem = PURL_ECOSYSTEMS.get(kind)
        if ecosystem is None:
            continue
        version = artifact.get("version") or None
        if version == "UNKNOWN":
            version, unknown = None, unknown + 1
        packages.add((ecosystem, normalise(ecosystem, artifact["name"]), version))
    return packages, unknown


def customs_packages(customs: Path, sbom: Path) -> tuple[set | None, str]:
    out = subprocess.run(
        [str(customs), "inventory", "--format", "json", str(sbom)], capture_output=True, text=True
    )
    if out.returncode not in (0, 2):
        return None, f"customs exited {out.returncode}: {out.stderr[-500:]}"
    document = json.loads(out.stdout)
    if document["errors"]:
        return None, "; ".join(f"{e.get('line')}: {e['message']}" for e in document["errors"])
    return {
        (p["ecosystem"], normalise(p["ecosystem"], p["name"]), p["version"])
        for p in document["packages"]
    }, ""


def customs_binary() -> Path:
    # Agreement, not speed: the debug build the tests already made.
    subprocess.run(["cargo", "build", "--locked", "-q", "-p", "customs"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "customs"


def one(row: dict, syft: Path, customs: Path, keep: Path | None) -> dict:
    path, name = row["path"], canonical_name(row["format"])
    result = {"path": path, "formats": {}, "quirks": {}, "error": ""}
    if name is None:
        result["error"] = f"no canonical file name for format {row['format']!r}"
        return result
    with tempfile.TemporaryDirectory() as tmp:
        scanned, out = Path(tmp) / "project", Path(tmp) / "sboms"
        scanned.mkdir()
        out.mkdir()
        shutil.copy(CORPUS / path, scanned / name)
        outputs = [f"{kind}={out / ('sbom.' + suffix)}" for suffix, kind in FORMATS]
        outputs.append(f"syft-json={out / 'syft.json'}")
        command = [str(syft), "scan", f"dir:{scanned}", "-q"]
        for output in outputs:
            command += ["-o", output]
        env = dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false")
        ran = subprocess.run(command, capture_output=True, text=True, env=env)
        if ran.returncode != 0:
            result["error"] = f"syft failed: {ran.stderr[-500:]}"
            return result
        expected, unknown = syft_packages(json.loads((out / "syft.json").read_text()))
        if unknown:
            result["quirks"]["unknown-version"] = unknown
        for suffix, _ in FORMATS:
            got, error = customs_packages(customs, out / f"sbom.{suffix}")
            if got is None:
                result["formats"][suffix] = {"error": error}
                continue
            result["formats"][suffix] = {
                "expected": len(expected),
                "missing": sorted(expected - got, key=str),
                "extra": sorted(got - expected, key=str),
            }
        if keep:
            target = keep / path.replace("/", "__")
            shutil.copytree(out, target, dirs_exist_ok=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="only corpus paths containing this text")
    parser.add_argument("--keep", type=Path, help="keep the SBOMs syft wrote in this directory")
    args = parser.parse_args()
    if not (CORPUS / "MANIFEST.csv").exists():
        sys.exit(f"shared corpus not found at {CORPUS}")
    started = time.perf_counter()
    customs, syft = customs_binary(), syft_binary()
    with open(CORPUS / "MANIFEST.csv", newline="") as manifest:
        rows = [r for r in csv.DictReader(manifest) if args.only in r["path"]]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda row: one(row, syft, customs, args.keep), rows))

    totals = {suffix: {"files": 0, "agree": 0, "differ": 0, "unreadable": 0, "packages": 0} for suffix, _ in FORMATS}
    quirks = {name: 0 for name in SYFT_QUIRKS}
    problems = []
    for result in results:
        if result["error"]:
            problems.append(f"{result['path']}: {result['error']}")
            continue
        for name, count in result["quirks"].items():
            quirks[name] += count
        for suffix, outcome in result["formats"].items():
            total = totals[suffix]
            total["files"] += 1
            if "error" in outcome:
                total["unreadable"] += 1
                problems.append(f"{result['path']} [{suffix}]: customs could not read syft's SBOM: {outcome['error']}")
                continue
            total["packages"] += outcome["expected"]
            if outcome["missing"] or outcome["extra"]:
                total["differ"] += 1
                lines = [f"{result['path']} [{suffix}]:"]
                lines += [f"  syft only:   {p}" for p in outcome["missing"][:20]]
                lines += [f"  customs only: {p}" for p in outcome["extra"][:20]]
                problems.append("\n".join(lines))
            else:
                total["agree"] += 1

    print(f"{'format':<12} {'files':>6} {'agree':>6} {'differ':>7} {'unreadable':>11} {'packages':>9}")
    for suffix, t in totals.items():
        print(f"{suffix:<12} {t['files']:>6} {t['agree']:>6} {t['differ']:>7} {t['unreadable']:>11} {t['packages']:>9}")
    for name, count in quirks.items():
        print(f"syft quirk, counted apart: {name}: {count} packages ({SYFT_QUIRKS[name]})")
    print(f"{len(rows)} corpus files in {time.perf_counter() - started:.0f} s")
    if problems:
        print("\ndifferences:\n" + "\n".join(problems))
        return 1 if args.check else 0
    print("every SBOM syft wrote reads back into the packages syft reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
