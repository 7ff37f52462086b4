#!/usr/bin/env python3
"""Golden tests: runs `streamform validate` over the template corpus and compares what it
prints and its exit code with tests/templates/expected/.

  golden.py STREAMFORM_BIN            compare; exit 1 on any difference
  golden.py STREAMFORM_BIN --update   rewrite the expected files (review the diff!)

Each case runs from the repository root with relative paths, so output is stable.
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = pathlib.Path("tests/templates")
EXPECTED = CORPUS / "expected"


def cases():
    """(name, argv) for every case: each template file alone, each project, and stages."""
    for folder in ("valid", "invalid"):
        for path in sorted((ROOT / CORPUS / folder).iterdir()):
            if path.suffix in (".yaml", ".yml", ".json"):
                rel = path.relative_to(ROOT)
                yield f"{folder}/{path.name}", ["validate", str(rel)]
    for project in sorted((ROOT / CORPUS / "projects").iterdir()):
        if project.is_dir():
            rel = project.relative_to(ROOT)
            yield f"projects/{project.name}", ["--project", str(rel), "validate"]
    yield "projects/unknown-stage-staging", [
        "--project", str(CORPUS / "projects" / "unknown-stage"), "--stage", "staging", "validate"]
    yield "projects/conditional-export-prod", [
        "--project", str(CORPUS / "projects" / "conditional-export"), "--stage", "prod", "validate"]
    for stage in ("dev", "prod"):
        yield f"reference/{stage}", ["--project", "stacks", "--stage", stage, "validate"]
    yield "reference/graph-stacks", ["--project", "stacks", "graph", "--stacks"]
    # What the SAM transform makes of Schedule events: <Function><Event> (AWS::Events::Rule,
    # its target the function's Arn) and <Function><Event>Permission (for the rule's Arn).
    for template in ("sam-scheduled-function.yaml", "sam-multiple-events-inline.yaml"):
        yield f"sam/graph-{template}", ["graph", str(CORPUS / "valid" / template)]
    yield "examples/minimal", ["--project", "examples/minimal", "validate"]


def run(binary, argv):
    result = subprocess.run([binary, "--color", "never", *argv], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    return result.stdout + result.stderr + f"exit: {result.returncode}\n"


def main():
    binary = str(pathlib.Path(sys.argv[1]).resolve())
    update = "--update" in sys.argv[2:]
    failed = passed = 0
    for name, argv in cases():
        actual = run(binary, argv)
        expected_file = ROOT / EXPECTED / (name + ".txt")
        if update:
            expected_file.parent.mkdir(parents=True, exist_ok=True)
            expected_file.write_text(actual)
            continue
        expected = expected_file.read_text() if expected_file.exists() else "(no expected file)\n"
        if actual == expected:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {name}: streamform {' '.join(argv)}")
        print("--- expected\n" + expected + "--- actual\n" + actual)
    if update:
        print(f"updated {EXPECTED}")
        return 0
    # A golden file whose case no longer exists is a stale expectation.
    names = {name for name, _ in cases()}
    for path in sorted((ROOT / EXPECTED).rglob("*.txt")):
        if str(path.relative_to(ROOT / EXPECTED))[:-4] not in names:
            failed += 1
            print(f"FAIL stale expected file {path.relative_to(ROOT)}")
    print(f"golden: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
