#!/usr/bin/env python3
"""`customs inspect` on the most popular packages: false positives, speed, and GuardDog.

The most downloaded packages of npm, PyPI and crates.io are taken as benign (a popular
package that was compromised would be news: a `malicious` verdict here is first of all a
false positive to look at). Their latest versions are downloaded once into a cache outside
the repository and unpacked there.

1. Verdicts: `customs inspect ARTIFACT... --format json` on the downloaded artifacts (files,
   as a lockfile scan would fetch them). Per ecosystem: packages inspected, `malicious` and
   `suspicious` counts and rates, errors; every malicious package with its reasons and first
   hits, the suspicious ones in a short list. Goal: malicious on at most 1% of the packages.
2. Speed: `customs inspect DIR... --format json` on the unpacked directories with
   RAYON_NUM_THREADS=1 (local targets are analysed one after the other on one thread anyway):
   unpacked bytes / wall time = MB/s per core. Goal: at least 100 MB/s per core. Native
   libraries in wheels and crates are much of those bytes and are only identified, so the
   text files' bytes over the same time are printed beside, a lower bound.
3. GuardDog: `guarddog npm|pypi scan DIR`, one process per package (it takes one target), on
   a deterministic sample (every k-th) of the same unpacked npm and PyPI directories, against
   customs on exactly that sample in the same run: wall and CPU time ratios (GuardDog /
   customs). Both run on one core: GuardDog scans a package on one thread, customs with
   RAYON_NUM_THREADS=1. Goal: at least 20x, judged on each tool scanning the sample the way
   it can (GuardDog a process per package, customs one process for all); customs is also
   timed a process per package, like GuardDog, and that ratio printed beside. crates.io is
   left out of this comparison (the goal was set on npm and PyPI). GuardDog 3 runs YARA rules
   (no longer semgrep) and leaves out test/dist/build directories and non-code extensions.

    python3 bench/inspect_benign.py [--npm 300 --pypi 300 --crates 200] [--quick]
        [--cache DIR] [--runs 3] [--guarddog-sample 40] [--no-guarddog] [--refresh] [--check]

Nothing is downloaded for a package already in the cache's manifest (`--refresh` looks the
latest versions up again). The summary is printed and written to
target/bench/inspect_benign.json. GuardDog is installed from PyPI into
target/bench/guarddog-venv (pinned); exit 3 when it cannot be installed.
"""

import argparse
import base64
import concurrent.futures
import csv
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from harness import GNU_TIME, ROOT, customs_binary, measure, print_table

POPULAR = ROOT.parent / "shared" / "data" / "popular"
OUT = ROOT / "target" / "bench"
GUARDDOG_VERSION = "3.2.0"
GUARDDOG_VENV = OUT / "guarddog-venv"
CANNOT_INSTALL = 3
USER_AGENT = "customs-bench (benign set)"
ECOSYSTEMS = ("npm", "pypi", "crates")
# The ecosystem names `customs inspect --ecosystem` takes.
CUSTOMS_ECOSYSTEM = {"npm": "npm", "pypi": "pypi", "crates": "crates.io"}
GOAL_MALICIOUS_RATE = 0.01
GOAL_MB_PER_S = 100.0
GOAL_RATIO = 20.0


# ---------------------------------------------------------------------------------------------
# Downloads


def http_get(url: str, retries: int = 4) -> bytes:
    last = None
    for attempt in range(retries):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code in (404, 410):
                raise
            last = error
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            last = error
        time.sleep(1.5 * (attempt + 1))
    raise RuntimeError(f"{url}: {last}")


def popular(ecosystem: str, count: int) -> list[str]:
    """The first `count` names of a popular list (npm and crates by rank, PyPI as sorted)."""
    with open(POPULAR / f"{ecosystem}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if ecosystem in ("npm", "crates"):
        rows.sort(key=lambda row: int(row["rank"]))
    return [row["name"] for row in rows[:count]]


def safe_name(name: str) -> str:
    """A package name as one path component (`@scope/name` -> `scope__name`)."""
    return name.lstrip("@").replace("/", "__")


def resolve_npm(name: str) -> dict:
    quoted = name.replace("/", "%2f") if name.startswith("@") else urllib.parse.quote(name, safe="")
    url = f"https://registry.npmjs.org/{quoted}"
    document = json.loads(http_get(url))
    version = document["dist-tags"]["latest"]
    dist = document["versions"][version]["dist"]
    digest = None
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        digest = ("sha512", base64.b64decode(integrity[len("sha512-"):]).hex())
    elif dist.get("shasum"):
        digest = ("sha1", dist["shasum"])
    return {"version": version, "url": urllib.parse.urljoin(url, dist["tarball"]),
            "file": f"{safe_name(name)}-{version}.tgz", "digest": digest}


def resolve_pypi(name: str) -> dict:
    url = f"https://pypi.org/pypi/{urllib.parse.quote(name)}/json"
    document = json.loads(http_get(url))
    version = document["info"]["version"]
    files = [f for f in document.get("urls", []) if not f.get("yanked")]
    wheels = [f for f in files if f["packagetype"] == "bdist_wheel"]
    pure = [f for f in wheels if f["filename"].endswith("-py3-none-any.whl")
            or f["filename"].endswith("-py2.py3-none-any.whl")]
    sdists = [f for f in files if f["packagetype"] == "sdist"]
    # A wheel for the machine the benchmark runs on when there is no pure one: the choice
    # must only be deterministic, and Linux x86-64 wheels are the most downloaded.
    linux = [f for f in wheels if "manylinux" in f["filename"] and "x86_64" in f["filename"]]
    chosen = (pure or linux or wheels or sdists or [None])[0]
    if chosen is None:
        raise RuntimeError(f"no file for {name} {version}")
    # Some mirrors give file URLs relative to the JSON document.
    return {"version": version, "url": urllib.parse.urljoin(url, chosen["url"]), "file": chosen["filename"],
            "digest": ("sha256", chosen["digests"]["sha256"])}


def sparse_index_path(name: str) -> str:
    lower = name.lower()
    if len(lower) <= 2:
        return f"{len(lower)}/{lower}"
    if len(lower) == 3:
        return f"3/{lower[0]}/{lower}"
    return f"{lower[:2]}/{lower[2:4]}/{lower}"


def semver_key(version: str):
    core = version.split("+", 1)[0]
    numbers = core.split("-", 1)[0].split(".")
    return tuple(int(n) if n.isdigit() else 0 for n in numbers)


def resolve_crates(name: str) -> dict:
    lines = http_get(f"https://index.crates.io/{sparse_index_path(name)}").decode().splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    stable = [e for e in entries if not e.get("yanked") and "-" not in e["vers"].split("+", 1)[0]]
    if not stable:
        raise RuntimeError(f"no stable, non-yanked version of {name}")
    entry = max(stable, key=lambda e: semver_key(e["vers"]))
    version, real_name = entry["vers"], entry["name"]
    return {"version": version,
            "url": f"https://static.crates.io/crates/{real_name}/{real_name}-{version}.crate",
            "fallback": f"https://crates.io/api/v1/crates/{real_name}/{version}/download",
            "file": f"{real_name}-{version}.crate", "digest": ("sha256", entry["cksum"])}


RESOLVE = {"npm": resolve_npm, "pypi": resolve_pypi, "crates": resolve_crates}


def fetch(cache: Path, ecosystem: str, name: str) -> dict:
    """Resolves the latest version of a package and downloads its artifact, digest checked."""
    found = RESOLVE[ecosystem](name)
    path = cache / "artifacts" / ecosystem / found["file"]
    if not path.exists():
        try:
            data = http_get(found["url"])
        except Exception:
            if not found.get("fallback"):
                raise
            data = http_get(found["fallback"])
        if found["digest"]:
            algorithm, expected = found["digest"]
            actual = hashlib.new(algorithm, data).hexdigest()
            if actual != expected:
                raise RuntimeError(f"{found['url']}: {algorithm} {actual}, registry says {expected}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.rename(path)
    return {"ecosystem": ecosystem, "name": name, "version": found["version"],
            "file": str(path.relative_to(cache)),
            "digest": ":".join(found["digest"]) if found["digest"] else None}


def download_all(cache: Path, wanted: dict, jobs: int, refresh: bool) -> list[dict]:
    """The manifest entries of the wanted packages, downloading those not in the cache."""
    manifest_path = cache / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else []
    known = {(e["ecosystem"], e["name"]): e for e in manifest}
    todo = [(eco, name) for eco, names in wanted.items() for name in names
            if refresh or (eco, name) not in known or not (cache / known[(eco, name)]["file"]).exists()]
    failures = []
    if todo:
        print(f"downloading {len(todo)} packages into {cache} ({jobs} at a time)...", flush=True)
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(fetch, cache, eco, name): (eco, name) for eco, name in todo}
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                eco, name = futures[future]
                try:
                    known[(eco, name)] = future.result()
                except Exception as error:  # noqa: BLE001 - reported, not fatal
                    failures.append((eco, name, str(error)[:300]))
                if done % 50 == 0:
                    print(f"  {done}/{len(todo)}", flush=True)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        manifest = sorted(known.values(), key=lambda e: (e["ecosystem"], e["name"]))
        cache.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    for eco, name, error in failures:
        print(f"  could not download {eco} {name}: {error}")
    return [known[(eco, name)] for eco, names in wanted.items() for name in names
            if (eco, name) in known]


# ---------------------------------------------------------------------------------------------
# Unpacking


def skip_unsafe(member: tarfile.TarInfo, path: str):
    """tarfile's `data` filter, skipping (not refusing the archive for) what it rejects."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def unpack_zip(archive: Path, dest: Path) -> None:
    root = dest.resolve()
    with zipfile.ZipFile(archive) as handle:
        for info in handle.infolist():
            name = info.filename
            parts = Path(name).parts
            if info.is_dir() or name.startswith(("/", "\\")) or "\\" in name or ".." in parts \
                    or (parts and ":" in parts[0]):
                continue
            target = (root / name).resolve()
            if root not in target.parents:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with handle.open(info) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)


def unpack(cache: Path, entry: dict) -> Path:
    """`<cache>/unpacked/<ecosystem>/<name>-<version>/`, the package root (npm's `package/`,
    a crate's or an sdist's `name-version/`) lifted to the top; unpacked once."""
    dest = cache / "unpacked" / entry["ecosystem"] / f"{safe_name(entry['name'])}-{entry['version']}"
    if dest.exists():
        return dest
    archive = cache / entry["file"]
    staging = dest.with_name(dest.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if archive.suffix in (".whl", ".zip"):
        unpack_zip(archive, staging)
    else:
        with tarfile.open(archive) as handle:
            handle.extractall(staging, filter=skip_unsafe)
    children = list(staging.iterdir())
    if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink():
        children[0].rename(dest)
        staging.rmdir()
    else:
        staging.rename(dest)
    return dest


def tree_bytes(path: Path) -> tuple[int, int]:
    """Bytes of the regular files under `path` (links not followed), and of those that are
    text: no NUL in the first 8 KiB, customs' own test. Binary files are only identified
    (executables' first 4 MiB scanned), so they are quick bytes."""
    total = text = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            full = os.path.join(root, name)
            if os.path.islink(full):
                continue
            size = os.lstat(full).st_size
            total += size
            with open(full, "rb") as handle:
                if b"\0" not in handle.read(8192):
                    text += size
    return total, text


def read_all(paths) -> None:
    """Reads every file once, so that the timed runs find them in the page cache."""
    for path in paths:
        for root, _dirs, names in os.walk(path):
            for name in names:
                full = os.path.join(root, name)
                if not os.path.islink(full):
                    with open(full, "rb") as handle:
                        while handle.read(1 << 20):
                            pass


# ---------------------------------------------------------------------------------------------
# customs


def inspect(customs: Path, ecosystem: str, paths: list[Path], batch: int) -> dict:
    """Target text -> the report's target object (or {"error": ...}), by batches."""
    results = {}
    for start in range(0, len(paths), batch):
        chunk = [str(p) for p in paths[start:start + batch]]
        out = subprocess.run(
            [str(customs), "inspect", *chunk, "--format", "json",
             "--ecosystem", CUSTOMS_ECOSYSTEM[ecosystem]],
            capture_output=True, text=True,
        )
        if out.returncode not in (0, 1, 2) or not out.stdout.strip():
            for text in chunk:
                results[text] = {"error": f"customs exited {out.returncode}: {out.stderr.strip()[-300:]}"}
            continue
        report = json.loads(out.stdout)
        for target in report["targets"]:
            results[target["target"]] = target
    return results


def worst(target: dict) -> str:
    if target.get("error"):
        return "error"
    order = ["clean", "suspicious", "integrity-mismatch", "malicious"]
    levels = [a["verdict"] for a in target.get("artifacts", [])]
    return max(levels, key=lambda level: order.index(level) if level in order else 0, default="clean")


def cpu_of(run) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of every process it waited for) and peak KiB
    of `run()`, which calls harness.measure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, peak = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # GNU time waits for the tool, and is itself waited for: both land in RUSAGE_CHILDREN.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak


def customs_dirs(customs: Path, ecosystem: str, dirs: list[Path], runs: int = 1) -> tuple[float, float, int]:
    """`customs inspect DIR...`: the run of median wall time among `runs`."""
    command = [str(customs), "inspect", *map(str, dirs), "--format", "json",
               "--ecosystem", CUSTOMS_ECOSYSTEM[ecosystem]]
    results = sorted(cpu_of(lambda: measure(command, ROOT, ok_codes=(0, 1, 2))) for _ in range(runs))
    return results[len(results) // 2]


# ---------------------------------------------------------------------------------------------
# GuardDog


def guarddog() -> Path:
    binary = GUARDDOG_VENV / "bin" / "guarddog"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True) \
        if binary.exists() else None
    if version is None or version.returncode != 0 or GUARDDOG_VERSION not in version.stdout:
        subprocess.run([sys.executable, "-m", "venv", str(GUARDDOG_VENV)], check=True)
        installed = subprocess.run(
            [str(GUARDDOG_VENV / "bin" / "pip"), "install", "-q", f"guarddog=={GUARDDOG_VERSION}"])
        if installed.returncode != 0 or not binary.exists():
            print(f"SKIPPED: guarddog {GUARDDOG_VERSION} could not be installed from PyPI",
                  file=sys.stderr)
            sys.exit(CANNOT_INSTALL)
    return binary


def guarddog_offline_cache(binary: Path) -> None:
    """Points GuardDog at a copy of the popular-package lists it ships, stamped as fresh.

    GuardDog refreshes those lists (for its typosquatting rule) from hosts this machine cannot
    reach when they are over 30 days old, and would try (and fail) in every run; online it
    would refresh them once and keep them. The fresh copy spares it that wait.
    """
    shipped = next(binary.parent.parent.glob("lib/python3*/site-packages/guarddog/analyzer/metadata/resources"))
    fresh = OUT / "guarddog-cache"
    fresh.mkdir(parents=True, exist_ok=True)
    for source in shipped.iterdir():
        if source.suffix == ".json":
            document = json.loads(source.read_text())
            document["downloaded_timestamp"] = int(time.time())
            (fresh / source.name).write_text(json.dumps(document))
        elif source.is_file():
            shutil.copy(source, fresh / source.name)
    os.environ["GUARDDOG_TOP_PACKAGES_CACHE_LOCATION"] = str(fresh)


def guarddog_sandbox(binary: Path) -> bool:
    """Whether GuardDog's kernel sandbox (its default) works here."""
    python = binary.parent / "python"
    probe = subprocess.run([str(python), "-c", "import nono_py; print(nono_py.is_supported())"],
                           capture_output=True, text=True)
    return probe.stdout.strip() == "True"


def sample(dirs: list[Path], count: int) -> list[Path]:
    """Every k-th directory, `count` of them, in list order."""
    if count >= len(dirs):
        return list(dirs)
    step = len(dirs) / count
    return [dirs[int(i * step)] for i in range(count)]


def guarddog_runs(binary: Path, ecosystem: str, dirs: list[Path], sandbox: bool):
    flag = [] if sandbox else ["--no-sandbox"]
    wall = cpu = 0.0
    peak = 0
    for path in dirs:
        command = [str(binary), ecosystem, "scan", str(path), "--output-format", "json", *flag]
        w, c, p = cpu_of(lambda: measure(command, ROOT, ok_codes=(0, 1)))
        wall, cpu, peak = wall + w, cpu + c, max(peak, p)
    return wall, cpu, peak


# ---------------------------------------------------------------------------------------------


def cited_first(artifact: dict) -> list[dict]:
    """The hits the reasons cite (`rule (file:line)`) first, then threats, then the rest."""
    reasons = " ".join(artifact["reasons"])
    def rank(hit):
        cited = f"{hit['rule']} ({hit['file']}:{hit.get('line')})" in reasons
        return (not cited, hit["category"] != "threat")
    return sorted(artifact["hits"], key=rank)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--npm", type=int, default=300)
    parser.add_argument("--pypi", type=int, default=300)
    parser.add_argument("--crates", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 npm, 20 PyPI, 10 crates, GuardDog on 5+5")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "customs-bench" / "benign")
    parser.add_argument("--jobs", type=int, default=8, help="concurrent downloads")
    parser.add_argument("--batch", type=int, default=100, help="targets per customs process")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of customs (median)")
    parser.add_argument("--guarddog-sample", type=int, default=40, help="npm and PyPI packages each")
    parser.add_argument("--no-guarddog", action="store_true")
    parser.add_argument("--refresh", action="store_true", help="look the latest versions up again")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.npm, args.pypi, args.crates, args.guarddog_sample = 20, 20, 10, 5
    cache = args.cache.expanduser().resolve()
    if cache == ROOT or ROOT in cache.parents:
        sys.exit("the cache must be outside the repository")
    if not (POPULAR / "npm.csv").exists():
        sys.exit(f"shared data not found at {POPULAR}")
    if not Path(GNU_TIME).exists():
        sys.exit("GNU time is needed (Debian package `time`)")

    wanted = {"npm": popular("npm", args.npm), "pypi": popular("pypi", args.pypi),
              "crates": popular("crates", args.crates)}
    entries = download_all(cache, wanted, args.jobs, args.refresh)
    by_eco = {eco: [e for e in entries if e["ecosystem"] == eco] for eco in ECOSYSTEMS}
    missing = {eco: len(wanted[eco]) - len(by_eco[eco]) for eco in ECOSYSTEMS}

    print("unpacking...", flush=True)
    unpacked, unpack_errors = {}, []
    for entry in entries:
        try:
            unpacked[(entry["ecosystem"], entry["name"])] = unpack(cache, entry)
        except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as error:
            unpack_errors.append((entry["ecosystem"], entry["name"], str(error)[:200]))
    for eco, name, error in unpack_errors:
        print(f"  could not unpack {eco} {name}: {error}")

    customs = customs_binary()
    summary = {"cache": str(cache), "goals": {"malicious_rate_max": GOAL_MALICIOUS_RATE,
               "mb_per_s_per_core_min": GOAL_MB_PER_S, "guarddog_ratio_min": GOAL_RATIO}}
    failures = []

    # 1. Verdicts on the artifacts -------------------------------------------------------------
    print("\n== Verdicts: customs inspect ARTIFACT... ==", flush=True)
    rows, per_eco, malicious, suspicious, errors = [], {}, [], [], []
    for eco in ECOSYSTEMS:
        files = [cache / e["file"] for e in by_eco[eco]]
        results = inspect(customs, eco, files, args.batch)
        counts = {"clean": 0, "suspicious": 0, "malicious": 0, "integrity-mismatch": 0, "error": 0}
        for entry, path in zip(by_eco[eco], files):
            target = results.get(str(path), {"error": "missing from the report"})
            level = worst(target)
            counts[level] = counts.get(level, 0) + 1
            label = f"{eco}:{entry['name']}@{entry['version']}"
            if level == "error":
                errors.append((label, target.get("error")))
            for artifact in target.get("artifacts", []):
                if artifact["verdict"] == "malicious":
                    malicious.append((label, artifact))
                elif artifact["verdict"] == "suspicious":
                    suspicious.append((label, artifact))
        inspected = len(files) - counts["error"]
        rate = lambda n: n / inspected if inspected else 0.0
        per_eco[eco] = {"wanted": len(wanted[eco]), "not_downloaded": missing[eco],
                        "inspected": inspected, "malicious": counts["malicious"],
                        "malicious_rate": rate(counts["malicious"]),
                        "suspicious": counts["suspicious"], "suspicious_rate": rate(counts["suspicious"]),
                        "integrity_mismatch": counts["integrity-mismatch"], "errors": counts["error"]}
        rows.append((eco, inspected, counts["malicious"], f"{100 * rate(counts['malicious']):.1f}%",
                     counts["suspicious"], f"{100 * rate(counts['suspicious']):.1f}%",
                     counts["error"], missing[eco]))
    total_inspected = sum(p["inspected"] for p in per_eco.values())
    total_malicious = sum(p["malicious"] for p in per_eco.values())
    total_suspicious = sum(p["suspicious"] for p in per_eco.values())
    overall_rate = total_malicious / total_inspected if total_inspected else 0.0
    rows.append(("all", total_inspected, total_malicious, f"{100 * overall_rate:.1f}%",
                 total_suspicious, f"{100 * total_suspicious / max(total_inspected, 1):.1f}%",
                 sum(p["errors"] for p in per_eco.values()), sum(missing.values())))
    print_table(("ecosystem", "inspected", "malicious", "rate", "suspicious", "rate", "errors",
                 "not downloaded"), rows)

    print(f"\nmalicious ({len(malicious)}):")
    for label, artifact in malicious:
        print(f"  {label} ({artifact.get('file', artifact.get('file_name'))})")
        for reason in artifact["reasons"]:
            print(f"    reason: {first_line(reason)}")
        for hit in cited_first(artifact)[:5]:
            where = f"{hit['file']}:{hit.get('line') or '?'}"
            reach = f" [from {hit['reachable_from']}]" if hit.get("reachable_from") else ""
            print(f"    hit: {hit['rule']} ({hit['category']}) {where}{reach}: {hit.get('excerpt', '')[:120]}")
    print(f"\nsuspicious ({len(suspicious)}):")
    for label, artifact in suspicious:
        print(f"  {label}: {first_line(artifact['reasons'][0]) if artifact['reasons'] else ''}"[:200])
    if errors:
        print(f"\nerrors ({len(errors)}):")
        for label, error in errors:
            print(f"  {label}: {error}")
    verdict = "meets" if overall_rate <= GOAL_MALICIOUS_RATE else "ABOVE"
    print(f"\nmalicious rate {100 * overall_rate:.2f}% ({verdict} the {100 * GOAL_MALICIOUS_RATE:.0f}% goal)")
    if overall_rate > GOAL_MALICIOUS_RATE:
        failures.append(f"malicious rate {100 * overall_rate:.2f}% > {100 * GOAL_MALICIOUS_RATE:.0f}%")
    summary["verdicts"] = {
        "per_ecosystem": per_eco, "inspected": total_inspected, "malicious": total_malicious,
        "malicious_rate": overall_rate, "suspicious": total_suspicious,
        "malicious_packages": [{"package": label, "file": a.get("file", a.get("file_name")), "reasons": a["reasons"],
                                "hits": cited_first(a)[:10]} for label, a in malicious],
        "suspicious_packages": [{"package": label, "reasons": [first_line(r) for r in a["reasons"]]}
                                for label, a in suspicious],
        "errors": [{"package": label, "error": error} for label, error in errors],
    }

    # 2. Speed on the unpacked directories ------------------------------------------------------
    print(f"\n== Speed: customs inspect DIR..., RAYON_NUM_THREADS=1, median of {args.runs} ==", flush=True)
    os.environ["RAYON_NUM_THREADS"] = "1"
    dirs = {eco: [unpacked[(eco, e["name"])] for e in by_eco[eco] if (eco, e["name"]) in unpacked]
            for eco in ECOSYSTEMS}
    read_all(d for eco in ECOSYSTEMS for d in dirs[eco])
    speed_rows, speed = [], {}
    all_bytes = all_text = all_wall = all_cpu = 0.0
    for eco in ECOSYSTEMS:
        if not dirs[eco]:
            continue
        sizes = [tree_bytes(d) for d in dirs[eco]]
        size, text = sum(s for s, _ in sizes), sum(t for _, t in sizes)
        wall, cpu, peak = customs_dirs(customs, eco, dirs[eco], args.runs)
        all_bytes, all_text = all_bytes + size, all_text + text
        all_wall, all_cpu = all_wall + wall, all_cpu + cpu
        speed[eco] = {"packages": len(dirs[eco]), "bytes": size, "text_bytes": text, "wall_s": wall,
                      "cpu_s": cpu, "peak_kib": peak, "mb_per_s": size / 1e6 / wall,
                      "text_mb_per_s": text / 1e6 / wall}
        speed_rows.append((eco, len(dirs[eco]), f"{size / 1e6:.1f}", f"{text / 1e6:.1f}", f"{wall:.2f}",
                           f"{cpu:.2f}", f"{size / 1e6 / wall:.0f}", f"{text / 1e6 / wall:.0f}",
                           f"{peak / 1024:.0f}"))
    mb_per_s = all_bytes / 1e6 / all_wall if all_wall else 0.0
    text_mb_per_s = all_text / 1e6 / all_wall if all_wall else 0.0
    speed_rows.append(("all", sum(len(d) for d in dirs.values()), f"{all_bytes / 1e6:.1f}",
                       f"{all_text / 1e6:.1f}", f"{all_wall:.2f}", f"{all_cpu:.2f}", f"{mb_per_s:.0f}",
                       f"{text_mb_per_s:.0f}", ""))
    print_table(("ecosystem", "packages", "MB unpacked", "of it text", "wall s", "cpu s", "MB/s/core",
                 "text MB/s", "peak MiB"), speed_rows)
    verdict = "meets" if mb_per_s >= GOAL_MB_PER_S else "BELOW"
    print(f"\n{mb_per_s:.0f} MB/s per core ({verdict} the {GOAL_MB_PER_S:.0f} MB/s goal; one thread, "
          f"CPU {all_cpu:.1f} s for {all_wall:.1f} s wall). Counting only the text files' bytes "
          f"against the same time (binaries are only identified): {text_mb_per_s:.0f} MB/s, a lower bound.")
    if mb_per_s < GOAL_MB_PER_S:
        failures.append(f"{mb_per_s:.0f} MB/s per core < {GOAL_MB_PER_S:.0f}")
    summary["speed"] = {"per_ecosystem": speed, "bytes": all_bytes, "text_bytes": all_text,
                        "wall_s": all_wall, "cpu_s": all_cpu, "mb_per_s_per_core": mb_per_s,
                        "text_mb_per_s_per_core": text_mb_per_s, "threads": 1}

    # 3. GuardDog ------------------------------------------------------------------------------
    if not args.no_guarddog:
        binary = guarddog()
        sandbox = guarddog_sandbox(binary)
        guarddog_offline_cache(binary)
        picked = {eco: sample(dirs[eco], args.guarddog_sample) for eco in ("npm", "pypi")}
        size = sum(tree_bytes(d)[0] for eco in picked for d in picked[eco])
        count = sum(len(v) for v in picked.values())
        print(f"\n== Against GuardDog {GUARDDOG_VERSION}: {len(picked['npm'])} npm + "
              f"{len(picked['pypi'])} PyPI packages ({size / 1e6:.1f} MB unpacked), "
              f"the same directories ==", flush=True)
        print(f"  GuardDog: one process per package (it scans one target), its kernel sandbox "
              f"{'on (its default)' if sandbox else 'unavailable here: --no-sandbox'}; "
              "it runs its rules on one thread")
        print(f"  customs: RAYON_NUM_THREADS=1, one process for the sample (median of {args.runs}), "
              "and one per package")
        g_wall = g_cpu = c_wall = c_cpu = p_wall = p_cpu = 0.0
        g_peak = c_peak = 0
        for eco in ("npm", "pypi"):
            w, c, p = customs_dirs(customs, eco, picked[eco], args.runs)
            c_wall, c_cpu, c_peak = c_wall + w, c_cpu + c, max(c_peak, p)
            for d in picked[eco]:
                w, c, _ = customs_dirs(customs, eco, [d])
                p_wall, p_cpu = p_wall + w, p_cpu + c
            w, c, p = guarddog_runs(binary, eco, picked[eco], sandbox)
            g_wall, g_cpu, g_peak = g_wall + w, g_cpu + c, max(g_peak, p)
        gd_rows = [
            ("GuardDog, one process per package", f"{g_wall:.2f}", f"{g_cpu:.2f}", f"{g_peak / 1024:.0f}", "", ""),
            ("customs, one process for the sample", f"{c_wall:.3f}", f"{c_cpu:.3f}", f"{c_peak / 1024:.0f}",
             f"{g_wall / c_wall:.0f}x", f"{g_cpu / c_cpu:.0f}x"),
            ("customs, one process per package", f"{p_wall:.3f}", f"{p_cpu:.3f}", "",
             f"{g_wall / p_wall:.0f}x", f"{g_cpu / p_cpu:.0f}x"),
        ]
        print_table(("tool", "wall s", "cpu s", "peak MiB", "wall ratio", "cpu ratio"), gd_rows)
        # The goal is judged on each tool scanning the sample as it can: GuardDog takes one
        # package per process, customs all of them in one. The per-package figures say how much
        # of customs' time is its start (compiling the rules, about 60 ms a process).
        ratio_wall, ratio_cpu = g_wall / c_wall, g_cpu / c_cpu
        ratio = min(ratio_wall, ratio_cpu)
        verdict = "meets" if ratio >= GOAL_RATIO else "BELOW"
        print(f"\nGuardDog / customs: {ratio_wall:.0f}x wall, {ratio_cpu:.0f}x CPU ({verdict} the "
              f"{GOAL_RATIO:.0f}x goal; one process per package on both sides: "
              f"{g_wall / p_wall:.0f}x wall, {g_cpu / p_cpu:.0f}x CPU); crates.io not compared")
        if ratio < GOAL_RATIO:
            failures.append(f"GuardDog ratio {ratio:.1f}x < {GOAL_RATIO:.0f}x")
        summary["guarddog"] = {
            "version": GUARDDOG_VERSION, "sandbox": sandbox,
            "sample": {eco: [d.name for d in picked[eco]] for eco in picked},
            "packages": count, "bytes": size,
            "guarddog": {"wall_s": g_wall, "cpu_s": g_cpu, "peak_kib": g_peak, "cores": 1},
            "customs_one_process": {"wall_s": c_wall, "cpu_s": c_cpu, "peak_kib": c_peak, "cores": 1},
            "customs_per_package": {"wall_s": p_wall, "cpu_s": p_cpu, "cores": 1},
            "ratio_wall": ratio_wall, "ratio_cpu": ratio_cpu,
            "ratio_wall_per_package": g_wall / p_wall, "ratio_cpu_per_package": g_cpu / p_cpu,
        }

    summary["failures"] = failures
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "inspect_benign.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"\nsummary written to {OUT / 'inspect_benign.json'}")
    if failures:
        print("goals missed: " + "; ".join(failures))
    if failures and args.check:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
