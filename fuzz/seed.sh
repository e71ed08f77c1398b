#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ with the shared corpus's lockfiles of each target's format, and
# the archive target with small package archives written here.
set -euo pipefail
cd "$(dirname "$0")"
data=../../shared/data/lockfiles
seed() { # target, MANIFEST format prefix
  mkdir -p "corpus/$1"
  awk -F, -v p="$2" 'NR > 1 && index($2, p) == 1 { print $1 }' "$data/MANIFEST.csv" |
    while read -r path; do cp "$data/$path" "corpus/$1/$(echo "$path" | tr / _)"; done
}
seed cargo_lock Cargo.lock
seed uv_lock uv.lock
seed pylock pylock.toml
seed poetry_lock poetry.lock
seed pdm_lock pdm.lock
seed yarn_lock yarn
seed requirements requirements.txt
seed pipfile_lock Pipfile.lock
seed pnpm_lock pnpm
seed package_lock package-lock
seed package_lock npm-shrinkwrap
seed bun_lock bun.lock
# SBOMs: the fixtures of the SBOM readers' tests (the corpus holds lockfiles only).
sboms=../crates/customs-lockfile/tests/sbom
mkdir -p corpus/cyclonedx_json corpus/cyclonedx_xml corpus/spdx_json
cp "$sboms"/*.cdx.json corpus/cyclonedx_json/
cp "$sboms"/*.cdx.xml corpus/cyclonedx_xml/
cp "$sboms"/*.spdx.json corpus/spdx_json/
mkdir -p corpus/manifests corpus/sniff
cp corpus/*_lock/* corpus/cyclonedx_*/* corpus/spdx_json/* corpus/sniff/ 2>/dev/null || true
printf '{"name":"a","dependencies":{"b":"^1"},"workspaces":["p/*"]}' > corpus/manifests/package.json
printf '[project]\nname = "a"\ndependencies = ["b>=1"]\n' > corpus/manifests/pyproject.toml
printf '[package]\nname = "a"\n[dependencies]\nb = "1"\n' > corpus/manifests/Cargo.toml
# Package archives: an npm tarball (plain and gzipped, with a symlink), a crate in PAX format
# with a name too long for a tar header, and a wheel when python3 is there to write it.
mkdir -p corpus/archive
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
long="$work/demo-0.1.0/tests/a_module_name_long_enough/to_need_an_extension_header/of_its_own"
mkdir -p "$work/package/lib" "$work/demo-0.1.0/src" "$long"
printf '{"name":"a","version":"1.0.0","bin":"lib/index.js"}' > "$work/package/package.json"
printf '#!/usr/bin/env node\nmodule.exports = 1;\n' > "$work/package/lib/index.js"
chmod +x "$work/package/lib/index.js"
ln -s ../package.json "$work/package/lib/link.json"
printf '[package]\nname = "demo"\nversion = "0.1.0"\n' > "$work/demo-0.1.0/Cargo.toml"
printf 'pub fn f() {}\n' > "$work/demo-0.1.0/src/lib.rs"
printf '#[test]\nfn t() {}\n' > "$long/case.rs"
tar -C "$work" -cf corpus/archive/npm.tar package
gzip -9 -n -c corpus/archive/npm.tar > corpus/archive/npm.tgz
tar -C "$work" --format=pax -cf - demo-0.1.0 | gzip -n > corpus/archive/demo-0.1.0.crate
if command -v python3 > /dev/null; then
  python3 - corpus/archive/demo-1.0-py3-none-any.whl <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as wheel:
    wheel.writestr("demo/__init__.py", "from .core import run\n")
    wheel.writestr("demo/core.py", "def run():\n    return 1\n" * 20)
    wheel.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\n")
    wheel.writestr("demo-1.0.dist-info/RECORD", "demo/__init__.py,,\n")
PY
fi
