#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ with the shared corpus's lockfiles of each target's format.
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
