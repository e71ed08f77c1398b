#!/usr/bin/env python3
"""Validate customs' SBOMs of the whole lockfile corpus with the official libraries.

For every file in ../shared/data/lockfiles/MANIFEST.csv, `customs sbom` writes CycloneDX JSON
1.6 and 1.5, CycloneDX XML 1.6 and 1.5 and SPDX 2.3 JSON, and CycloneDX JSON 1.6 and XML 1.5
again `--with-vulnerabilities` (against a database imported from ../shared/data/osv, so the
vulnerabilities section is validated too); each document is checked with the official libraries:

- CycloneDX JSON with cyclonedx-python-lib's JsonStrictValidator (the JSON schema, formats
  checked, no unknown properties), XML with its XSD validator;
- SPDX by parsing with spdx-tools and running validate_full_spdx_document.

Files that customs cannot read (the corpus's negative cases: not a lockfile, empty, malformed)
are counted; customs still writes a document of what it read (nothing), which is validated too. Prints the counts; exits 1 if any document is invalid. Documents are
written and validated by a pool of worker processes (--jobs), each loading the validators once;
the official validators are slow on large documents (uniqueItems and spdx-tools' id lookups are
quadratic), so the whole corpus takes minutes.

    target/sbom-venv/bin/python scripts/validate_sboms.py [--customs PATH] [--jobs N]

The venv needs `cyclonedx-python-lib[json-validation,xml-validation]` and `spdx-tools`
(.ci/run creates it). Without --customs, customs is built (debug) first.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "lockfiles"
OSV = ROOT.parent / "shared" / "data" / "osv"

# (label, customs arguments, kind)
FORMATS = [
    ("cyclonedx-json-1.6", ["--format", "cyclonedx-json", "--spec-version", "1.6"], "json-1.6"),
    ("cyclonedx-json-1.5", ["--format", "cyclonedx-json", "--spec-version", "1.5"], "json-1.5"),
    ("cyclonedx-xml-1.6", ["--format", "cyclonedx-xml", "--spec-version", "1.6"], "xml-1.6"),
    ("cyclonedx-xml-1.5", ["--format", "cyclonedx-xml", "--spec-version", "1.5"], "xml-1.5"),
    ("spdx-json-2.3", ["--format", "spdx-json"], "spdx"),
]


def with_vulnerabilities(db: Path):
    """The variants written with the advisory findings of the database at `db`."""
    flags = ["--with-vulnerabilities", "--db", str(db), "--offline"]
    return [
        ("cyclonedx-json-1.6+vulnerabilities", ["--format", "cyclonedx-json", *flags], "json-1.6"),
        ("cyclonedx-xml-1.5+vulnerabilities", ["--format", "cyclonedx-xml", "--spec-version", "1.5", *flags],
         "xml-1.5"),
    ]


def customs_binary() -> Path:
    subprocess.run(["cargo", "build", "--locked", "-p", "customs"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "customs"


def validators():
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from cyclonedx.validation.xml import XmlValidator
    from spdx_tools.spdx.parser.json import json_parser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    cyclonedx = {
        "json-1.6": JsonStrictValidator(SchemaVersion.V1_6),
        "json-1.5": JsonStrictValidator(SchemaVersion.V1_5),
        "xml-1.6": XmlValidator(SchemaVersion.V1_6),
        "xml-1.5": XmlValidator(SchemaVersion.V1_5),
    }

    def validate(kind: str, path: Path) -> list[str]:
        if kind == "spdx":
            try:
                document = json_parser.parse_from_file(str(path))
            except Exception as error:  # the parser raises several types; any is a failure
                return [f"spdx-tools cannot parse it: {error}"]
            return [message.validation_message for message in validate_full_spdx_document(document)]
        errors = cyclonedx[kind].validate_str(path.read_text(encoding="utf-8"), all_errors=True)
        # A JSON error's text repeats the whole sub-schema; its message is what matters.
        return [getattr(getattr(error, "data", None), "message", None) or str(error) for error in errors or []]

    return validate


# Each worker process builds the validators once (loading the schemas is the slow part of a
# small document) and then handles many documents: no process per file.
_validate = None
_customs = None
_out_dir = None


def _start_worker(customs: str, out_dir: str) -> None:
    global _validate, _customs, _out_dir
    _validate, _customs, _out_dir = validators(), customs, Path(out_dir)


def _check(job):
    """Writes one SBOM and validates it: (entry, label, outcome, messages)."""
    index, entry, (label, flags, kind) = job
    output = _out_dir / f"{index}-{label}"
    process = subprocess.run(
        [_customs, "sbom", str(CORPUS / entry), *flags, "--output", str(output)],
        capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"),
    )
    # Exit status 2 with errors: customs could not read (all of) the file, and still wrote the
    # document of what it read (nothing, for the corpus's negative cases). Validated all the same.
    read_errors = process.returncode == 2 and "customs: error:" in process.stderr
    if process.returncode != 0 and not read_errors or not output.exists():
        return entry, label, False, "invalid", [f"customs exited {process.returncode}: {process.stderr[-500:]}"], 0
    errors = _validate(kind, output)
    text = output.read_text(encoding="utf-8")
    output.unlink()
    vulnerabilities = text.count("<vulnerability>") if kind.startswith("xml") else \
        len(json.loads(text).get("vulnerabilities", [])) if kind.startswith("json") else 0
    return entry, label, read_errors, "invalid" if errors else "valid", errors, vulnerabilities


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customs", type=Path, help="the customs binary to run (default: build it)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", metavar="TEXT", help="only the corpus entries whose path contains TEXT")
    args = parser.parse_args()
    manifest = CORPUS / "MANIFEST.csv"
    if not manifest.exists():
        sys.exit(f"shared corpus not found at {CORPUS}")
    try:
        validators()
    except ImportError as error:
        sys.exit(f"{error}: run with the venv that has cyclonedx-python-lib and spdx-tools")
    customs = args.customs or customs_binary()
    with manifest.open(newline="") as handle:
        entries = [row["path"] for row in csv.DictReader(handle)]
    if args.only:
        entries = [entry for entry in entries if args.only in entry]

    rejected: set[str] = set()
    failures = []
    vulnerabilities = 0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "advisories.sqlite"
        subprocess.run([str(customs), "db", "update", "--source", str(OSV), "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL)
        formats = FORMATS + with_vulnerabilities(db)
        counts = {label: [0, 0] for label, _, _ in formats}  # valid, invalid
        jobs = [(i, entry, fmt) for i, entry in enumerate(entries) for fmt in formats]
        # Large documents first, so that the slowest validations do not start last.
        jobs.sort(key=lambda job: -(CORPUS / job[1]).stat().st_size)
        with ProcessPoolExecutor(max_workers=args.jobs, initializer=_start_worker,
                                 initargs=(str(customs), tmp)) as pool:
            for entry, label, read_errors, outcome, messages, found in pool.map(_check, jobs):
                vulnerabilities += found
                if read_errors:
                    rejected.add(entry)
                if outcome == "valid":
                    counts[label][0] += 1
                else:
                    counts[label][1] += 1
                    failures.append(f"{entry} [{label}]: " + "; ".join(messages[:3])[:1000])

    print(f"corpus entries: {len(entries)}, of which customs could not read {len(rejected)} "
          "(negative cases and unsupported content: their documents hold what was read)")
    for label, (valid, invalid) in counts.items():
        print(f"  {label:36} valid {valid:4}  invalid {invalid}")
    print(f"vulnerability entries written and validated: {vulnerabilities}")
    total_valid = sum(v for v, _ in counts.values())
    total_invalid = sum(i for _, i in counts.values())
    print(f"documents: {total_valid + total_invalid} validated, {total_invalid} invalid")
    if failures:
        print("\ninvalid documents:")
        for failure in failures:
            print("  " + failure)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
