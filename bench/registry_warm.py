#!/usr/bin/env python3
"""Registry checks with a warm cache against the offline scan of the same file.

Goal (issue: registry intelligence): with a warm cache, `customs scan` with its registry checks
of the vite pnpm lockfile (about 1,300 registry packages) takes at most twice as long as the
offline scan of the same file without them, measured in the same run.

1. A fake npm registry on loopback serves a generated packument for every package name the
   lockfile locks (each locked version, plus an older one so that "previous version" evidence
   is computed), with publish times, scripts, publishers and licences.
2. One online `customs scan` against it fills the registry cache (a cold run; its time and
   request count are reported: against a real registry a cold run is bounded by the
   concurrency limit, 16 requests in flight, and the registry's latency).
3. Then, alternately: `customs scan --no-registry` (the offline scan) and `customs scan` with the
   registry checks answered from the warm cache. The fake registry keeps counting: a warm run
   must make no request.

    python3 bench/registry_warm.py [--runs 9] [--check]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness import CORPUS, ROOT, alternate, customs_binary, measure, print_table

DATA = ROOT.parent / "shared" / "data"
LOCKFILE = CORPUS / "npm/vitejs-vite__pnpm-v9.0/pnpm-lock.yaml"


def packuments(inventory: dict) -> dict:
    """A packument per npm name: every locked version and an older one before them."""
    versions: dict[str, set] = {}
    for package in inventory["packages"]:
        if package["ecosystem"] != "npm" or package["source"]["type"] != "registry" or not package.get("version"):
            continue
        versions.setdefault(package["name"], set()).add(package["version"])
    documents = {}
    for name, locked in versions.items():
        entries, times = {}, {}
        for index, version in enumerate(["0.0.1-old", *sorted(locked)]):
            entries[version] = {
                "name": name,
                "version": version,
                "_npmUser": {"name": "maintainer"},
                "license": "MIT",
                "scripts": {"postinstall": "node install.js"} if name.endswith("esbuild") else {},
                "dist": {"tarball": f"https://registry.npmjs.org/{name}/-/x-{version}.tgz"},
            }
            times[version] = f"2020-01-{1 + index % 28:02d}T00:00:00.000Z"
        documents["/" + name.replace("/", "%2f")] = json.dumps(
            {"name": name, "dist-tags": {"latest": sorted(locked)[-1]}, "versions": entries, "time": times}
        ).encode()
    return documents


class Registry(BaseHTTPRequestHandler):
    documents: dict = {}
    requests = 0
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 (the http.server interface)
        with Registry.lock:
            Registry.requests += 1
        body = Registry.documents.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (for profiling)")
    args = parser.parse_args()
    if not LOCKFILE.exists():
        sys.exit(f"shared corpus not found at {LOCKFILE}")
    customs = customs_binary()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        project = work / "project"
        project.mkdir(parents=True, exist_ok=True)
        shutil.copy(LOCKFILE, project / "pnpm-lock.yaml")
        db, cache = work / "advisories.sqlite", work / "registry.sqlite"
        subprocess.run([str(customs), "db", "update", "--source", str(DATA / "osv"),
                        "--popular-source", str(DATA / "popular"), "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL)
        inventory = json.loads(subprocess.run([str(customs), "inventory", str(project), "--format", "json"],
                                              check=True, capture_output=True).stdout)
        Registry.documents = packuments(inventory)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        os.environ["npm_config_registry"] = f"http://127.0.0.1:{server.server_address[1]}/"
        os.environ["HOME"] = str(work)

        common = ["--db", str(db), "--format", "json", "--fail-on", "none"]
        with_registry = [str(customs), "scan", str(project), *common, "--registry-cache", str(cache)]
        offline_scan = [str(customs), "scan", str(project), *common, "--offline", "--no-registry"]

        cold_time, _ = measure(with_registry, work, ok_codes=(0, 1))
        cold_requests = Registry.requests
        report = json.loads(subprocess.run(with_registry, capture_output=True).stdout)
        unchecked = [f for f in report["findings"] if f["code"] == "registry-unchecked"]
        print(f"customs: {customs}\nlockfile: {LOCKFILE.relative_to(CORPUS)}, "
              f"{len(Registry.documents)} package names served\n")
        print(f"cold run (fake registry on loopback): {cold_time * 1000:.0f} ms, {cold_requests} requests; "
              f"registry-unchecked findings afterwards: {len(unchecked)}")

        before = Registry.requests
        warm, offline, warm_mem, offline_mem = alternate(with_registry, offline_scan, work, args.runs)
        warm_requests = Registry.requests - before
        ratio = warm / offline
        print(f"\nmedian of {args.runs} alternating runs:")
        print_table(
            ["run", "ms", "peak MiB", "requests"],
            [
                ["scan --no-registry --offline", f"{offline * 1000:.1f}", f"{offline_mem / 1024:.1f}", "0"],
                ["scan with registry checks (warm)", f"{warm * 1000:.1f}", f"{warm_mem / 1024:.1f}", str(warm_requests)],
            ],
        )
        print(f"\nwarm registry scan / offline scan: {ratio:.2f} (goal: at most 2.00)")
        server.shutdown()
        failures = []
        if unchecked:
            failures.append(f"{len(unchecked)} registry-unchecked findings after the cold run: {unchecked[:2]}")
        if warm_requests:
            failures.append(f"the warm runs made {warm_requests} requests")
        if ratio > 2.0:
            failures.append(f"ratio {ratio:.2f} above 2.00")
        if args.check and failures:
            print("FAILED: " + "; ".join(failures), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
