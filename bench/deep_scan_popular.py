#!/usr/bin/env python3
"""`customs scan --deep` over the latest releases of popular packages, against the live registries.

What it measures: how often artifact inspection raises `malicious-code`, `suspicious-code` and
`suspicious-change` on packages that are, with near certainty, benign (the most popular ones,
latest release), and every such finding with its evidence, so a person can judge each one.
`suspicious-change` compares each release with the one before it, so this is also the false
alarm rate of the version diff on ordinary releases.

1. From `../shared/data/popular/*.csv`, the top names of each ecosystem (`--npm 100 --pypi 100
   --crates 100`).
2. Their latest versions and digests from the registries: npm packuments (`dist.integrity`),
   PyPI's JSON API (the sdist's and wheels' sha256), the crates.io sparse index (`cksum`).
3. One lockfile per ecosystem, written into a work directory outside the repository: a
   `package-lock.json` (v3), a `requirements.txt` with `--hash` pins, a `Cargo.lock`.
4. `customs scan --deep --format json` over them (registry checks on, the artifact and verdict
   caches in the work directory: a rerun is warm), timed.

Needs the network (npm, PyPI, crates.io); not part of CI.

    python3 bench/deep_scan_popular.py [--npm N] [--pypi N] [--crates N] [--work DIR]
"""

import argparse
import concurrent.futures
import csv
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from harness import ROOT, customs_binary

DATA = ROOT.parent / "shared" / "data"
USER_AGENT = "customs-bench (deep scan of popular packages)"
CODES = ("malicious-code", "suspicious-code", "suspicious-change", "integrity-mismatch", "inspect-unchecked")


def get_text(url: str):
    """The body of `url` as text, retried with backoff; None on a 404 or after four failures."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    for attempt in range(4):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            time.sleep(1 + attempt * 2)
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            time.sleep(1 + attempt * 2)
    return None


def get_json(url: str):
    text = get_text(url)
    return json.loads(text) if text is not None else None


def top(name: str, count: int) -> list[str]:
    with open(DATA / "popular" / f"{name}.csv", newline="") as handle:
        return [row["name"] for _, row in zip(range(count), csv.DictReader(handle))]


def npm_release(name: str):
    document = get_json("https://registry.npmjs.org/" + urllib.parse.quote(name, safe="@"))
    if not document:
        return None
    version = document.get("dist-tags", {}).get("latest")
    meta = document.get("versions", {}).get(version)
    if not meta or "integrity" not in meta.get("dist", {}):
        return None
    return {"name": name, "version": version, "resolved": meta["dist"]["tarball"], "integrity": meta["dist"]["integrity"]}


def pypi_release(name: str):
    document = get_json(f"https://pypi.org/pypi/{name}/json")
    if not document:
        return None
    version = document["info"]["version"]
    hashes = sorted({f["digests"]["sha256"] for f in document.get("urls", []) if f.get("digests", {}).get("sha256")})
    if not hashes:
        return None
    return {"name": document["info"]["name"], "version": version, "hashes": hashes}


def index_path(name: str) -> str:
    name = name.lower()
    if len(name) <= 2:
        return f"{len(name)}/{name}"
    if len(name) == 3:
        return f"3/{name[0]}/{name}"
    return f"{name[:2]}/{name[2:4]}/{name}"


def semver_key(version: str):
    core = version.split("+")[0]
    if "-" in core:
        return None
    try:
        return tuple(int(part) for part in core.split("."))
    except ValueError:
        return None


def crate_release(name: str):
    text = get_text("https://index.crates.io/" + index_path(name))
    if not text:
        return None
    best = None
    for line in text.splitlines():
        entry = json.loads(line)
        key = semver_key(entry["vers"])
        if entry.get("yanked") or key is None:
            continue
        if best is None or key > best[0]:
            best = (key, entry)
    if best is None:
        return None
    return {"name": best[1]["name"], "version": best[1]["vers"], "checksum": best[1]["cksum"]}


def releases(kind: str, names: list[str]) -> list[dict]:
    fetch = {"npm": npm_release, "pypi": pypi_release, "crates": crate_release}[kind]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        found = list(pool.map(fetch, names))
    missing = [name for name, release in zip(names, found) if release is None]
    if missing:
        print(f"{kind}: no release found for {len(missing)}: {', '.join(missing[:10])}", file=sys.stderr)
    return [release for release in found if release]


def write_lockfiles(work: Path, npm: list, pypi: list, crates: list) -> list[Path]:
    written = []
    if npm:
        directory = work / "npm"
        directory.mkdir(parents=True, exist_ok=True)
        packages = {"": {"name": "popular", "version": "1.0.0", "dependencies": {r["name"]: r["version"] for r in npm}}}
        for release in npm:
            packages[f"node_modules/{release['name']}"] = {
                "version": release["version"],
                "resolved": release["resolved"],
                "integrity": release["integrity"],
            }
        lock = {"name": "popular", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}
        (directory / "package-lock.json").write_text(json.dumps(lock, indent=2))
        written.append(directory)
    if pypi:
        directory = work / "pypi"
        directory.mkdir(parents=True, exist_ok=True)
        lines = []
        for release in pypi:
            pins = " ".join(f"--hash=sha256:{digest}" for digest in release["hashes"])
            lines.append(f"{release['name']}=={release['version']} {pins}")
        (directory / "requirements.txt").write_text("\n".join(lines) + "\n")
        written.append(directory)
    if crates:
        directory = work / "crates"
        directory.mkdir(parents=True, exist_ok=True)
        lines = ["version = 4", ""]
        lines += ["[[package]]", 'name = "popular"', 'version = "0.1.0"', "dependencies = ["]
        lines += [f' "{r["name"]}",' for r in crates]
        lines += ["]", ""]
        for release in sorted(crates, key=lambda r: r["name"]):
            lines += [
                "[[package]]",
                f'name = "{release["name"]}"',
                f'version = "{release["version"]}"',
                'source = "registry+https://github.com/rust-lang/crates.io-index"',
                f'checksum = "{release["checksum"]}"',
                "",
            ]
        (directory / "Cargo.lock").write_text("\n".join(lines))
        written.append(directory)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--npm", type=int, default=100)
    parser.add_argument("--pypi", type=int, default=100)
    parser.add_argument("--crates", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache" / "customs-bench" / "deep-scan")
    arguments = parser.parse_args()

    work: Path = arguments.work
    work.mkdir(parents=True, exist_ok=True)
    npm = releases("npm", top("npm", arguments.npm))
    pypi = releases("pypi", top("pypi", arguments.pypi))
    crates = releases("crates", top("crates", arguments.crates))
    directories = write_lockfiles(work, npm, pypi, crates)
    binary = customs_binary()
    db = work / "db" / "advisories.sqlite"
    environment = dict(os.environ, CUSTOMS_OSV_SOURCE=str(DATA / "osv"), NO_COLOR="1")
    subprocess.run([str(binary), "db", "update", "--db", str(db), "--source", str(DATA / "osv"),
                    "--popular-source", str(DATA / "popular")],
                   check=True, env=environment, stdout=subprocess.DEVNULL)

    summary = {}
    for directory in directories:
        started = time.perf_counter()
        process = subprocess.run(
            [str(binary), "scan", str(directory), "--deep", "--db", str(db), "--format", "json"],
            capture_output=True, env=environment,
        )
        elapsed = time.perf_counter() - started
        if process.returncode not in (0, 1):
            print(process.stderr.decode(errors="replace"), file=sys.stderr)
            return 2
        report = json.loads(process.stdout)
        findings = [f for f in report["findings"] if f["code"] in CODES]
        packages = report["summary"]["packages_checked"]
        counts = {code: sum(1 for f in findings if f["code"] == code) for code in CODES}
        summary[directory.name] = {"packages": packages, "seconds": round(elapsed, 1), **counts}
        print(f"\n== {directory.name}: {packages} packages, {elapsed:.1f} s")
        for code in CODES:
            print(f"  {code:20} {counts[code]:4}  ({100.0 * counts[code] / max(packages, 1):.1f}%)")
        for finding in findings:
            print(f"\n  [{finding['code']}] {finding['message']}")
            inspection = finding.get("inspection") or {}
            for hit in (inspection.get("hits") or [])[:6]:
                print(f"      {hit['rule']:24} {hit['file']}:{hit['line']}  {hit['excerpt'][:120]}")
    (ROOT / "target" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "target" / "bench" / "deep_scan_popular.json").write_text(json.dumps(summary, indent=2))
    print("\n" + json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
