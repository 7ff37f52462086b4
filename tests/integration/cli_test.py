"""Tests of the streamform command line as a user and a CI job see it: exit codes, text and
JSON output, colour, and the graph. STREAMFORM_BIN names the binary under test."""
import json
import os
import pathlib
import subprocess
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("STREAMFORM_BIN", str(ROOT / "build" / "src" / "streamform"))
PROJECTS = ROOT / "tests" / "templates" / "projects"


def streamform(*args, cwd=ROOT):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


class VersionAndUsage(unittest.TestCase):
    def test_version(self):
        result = streamform("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^streamform \d+\.\d+\.\d+ \(")

    def test_unknown_option_is_a_usage_error(self):
        result = streamform("validate", "--no-such-option")
        self.assertEqual(result.returncode, 64)

    def test_bad_output_format_is_a_usage_error(self):
        self.assertEqual(streamform("--output", "yaml", "validate").returncode, 64)

    def test_no_command_prints_help_and_is_a_usage_error(self):
        result = streamform()
        self.assertEqual(result.returncode, 64)
        self.assertIn("validate", result.stdout)


class Validate(unittest.TestCase):
    def test_reference_project_is_valid_for_dev(self):
        result = streamform("--project", "stacks", "--stage", "dev", "validate")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("0 error(s)", result.stdout)

    def test_json_output_is_machine_readable(self):
        result = streamform("--project", "stacks", "--stage", "dev", "--output", "json", "validate")
        self.assertEqual(result.returncode, 0)
        report = json.loads(result.stdout)
        self.assertTrue(report["valid"])
        self.assertEqual(report["stage"], "dev")
        self.assertEqual(report["errors"], 0)
        self.assertEqual([s["name"] for s in report["stacks"]],
                         ["data-sources", "delivery", "stream", "alarms"])

    def test_json_diagnostics_carry_location_code_and_hint(self):
        result = streamform("--output", "json", "validate",
                            "tests/templates/invalid/unknown-property.yaml")
        self.assertEqual(result.returncode, 1)
        report = json.loads(result.stdout)
        self.assertFalse(report["valid"])
        [diagnostic] = report["diagnostics"]
        self.assertEqual(diagnostic["code"], "unknown-property")
        self.assertEqual(diagnostic["line"], 8)
        self.assertEqual(diagnostic["pointer"], "/Resources/Stream/Properties/ShardCont")
        self.assertIn("ShardCount", diagnostic["hint"])

    def test_every_error_in_one_run(self):
        result = streamform("validate", "tests/templates/invalid/many-errors.yaml")
        self.assertEqual(result.returncode, 1)
        errors = [line for line in result.stdout.splitlines() if ": error: " in line]
        self.assertGreaterEqual(len(errors), 5)
        for line in errors:
            self.assertRegex(line, r"^tests/templates/invalid/many-errors\.yaml:\d+:\d+: error: ")

    def test_unknown_stage_lists_the_known_ones(self):
        result = streamform("--project", "stacks", "--stage", "staging", "validate")
        self.assertEqual(result.returncode, 1)
        self.assertIn("unknown stage 'staging'", result.stdout)
        self.assertIn("dev, prod", result.stdout)

    def test_missing_project_says_what_to_do(self):
        result = streamform("--project", "/nonexistent-dir", "validate")
        self.assertEqual(result.returncode, 1)
        self.assertIn("streamform validate FILE", result.stdout)

    def test_missing_file(self):
        result = streamform("validate", "no/such/template.yaml")
        self.assertEqual(result.returncode, 1)
        self.assertIn("no such template file", result.stdout)

    def test_imports_resolve_among_files_given_together(self):
        good = PROJECTS.relative_to(ROOT) / "good"
        importer, exporter = str(good / "stream.yaml"), str(good / "storage.yaml")
        alone = streamform("validate", importer)
        self.assertEqual(alone.returncode, 0, alone.stdout)  # a warning, not an error
        self.assertIn("validate the whole project to check this import", alone.stdout)
        together = streamform("validate", importer, exporter)
        self.assertEqual(together.returncode, 0, together.stdout)
        self.assertNotIn("validate the whole project", together.stdout)

    def test_color_always_and_never(self):
        args = ("validate", "tests/templates/invalid/unknown-type.yaml")
        self.assertIn("\x1b[", streamform("--color", "always", *args).stdout)
        self.assertNotIn("\x1b[", streamform("--color", "never", *args).stdout)
        self.assertNotIn("\x1b[", streamform(*args).stdout)  # not a terminal


class Graph(unittest.TestCase):
    def test_text_graph_lists_dependencies(self):
        result = streamform("--project", "stacks", "graph")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("stream/WriteToBucketFunction\n", result.stdout)
        self.assertIn("-> stream/WriteToBucketFunctionRole  (GetAtt)", result.stdout)
        self.assertIn("(ImportValue streaming-pipeline-dev-OutputBucketName)", result.stdout)

    def test_dot_graph_has_a_cluster_per_stack(self):
        result = streamform("--project", "stacks", "graph", "--format", "dot")
        self.assertEqual(result.returncode, 0)
        self.assertTrue(result.stdout.startswith('digraph "streaming-pipeline (dev)"'))
        self.assertEqual(result.stdout.count("subgraph cluster_"), 4)
        self.assertIn('"stream/Stream"', result.stdout)

    def test_json_graph_has_an_order(self):
        result = streamform("--project", "stacks", "--output", "json", "graph", "--stacks")
        graph = json.loads(result.stdout)
        self.assertEqual(graph["order"], ["data-sources", "delivery", "stream", "alarms"])

    def test_cycle_fails_and_names_the_path(self):
        result = streamform("graph", "tests/templates/invalid/circular-dependency.yaml")
        self.assertEqual(result.returncode, 1)
        self.assertIn("circular dependency: ", result.stderr)


class Env(unittest.TestCase):
    def test_bad_format_is_a_usage_error(self):
        self.assertEqual(streamform("env", "--format", "yaml").returncode, 64)

    def test_no_credentials_says_to_start_the_engine(self):
        result = streamform("--project", "/nonexistent-dir", "env")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertIn("no engine credentials in /nonexistent-dir/.streamform/engine/credentials.json: "
                      "start the engine first (`streamform --project /nonexistent-dir engine start`)",
                      result.stderr)


if __name__ == "__main__":
    unittest.main()
