"""The AWS SDK for JavaScript v3 against a streamform engine: runs node/s3_sdk_test.mjs (S3 with
client-s3 and lib-storage, a Kinesis round trip with client-kinesis) under `node --test` with
the engine's endpoint and credentials, after node/install.sh has installed the pinned SDK.
Fails with node's output when any of its tests fails, is skipped or does not run."""
import os
import re
import shutil
import subprocess
import unittest

from engine_fixture import start_engine

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
MIN_TESTS = 13  # the tests in s3_sdk_test.mjs; fewer means some were not run


class NodeSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = shutil.which("node")
        if cls.node is None:
            raise AssertionError("node is not on PATH: ci/setup.sh installs Debian's nodejs and npm")
        installed = subprocess.run([os.path.join(NODE_DIR, "install.sh")], capture_output=True, text=True,
                                   timeout=600)
        if installed.returncode != 0:
            raise AssertionError(f"node/install.sh failed:\n{installed.stdout}{installed.stderr}")
        cls.engine = start_engine(cls)

    def test_sdk_for_javascript_v3(self):
        env = dict(os.environ)  # engine_fixture has already cleared proxies, profiles and config files
        for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KINESIS", "SKIP_BAD_SECRET_TEST", "NODE_OPTIONS"):
            env.pop(name, None)
        env.update(self.engine.env())  # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL
        completed = subprocess.run([self.node, "--test", "--test-reporter=tap", "s3_sdk_test.mjs"], cwd=NODE_DIR,
                                   env=env, capture_output=True, text=True, timeout=240)
        output = completed.stdout + completed.stderr
        report = f"node --test exited {completed.returncode}:\n{output[-20000:]}\nengine log:\n{self.engine.log_tail()}"
        counts = {name: int(value) for name, value in re.findall(r"^# (tests|pass|fail|skipped|cancelled|todo) (\d+)$",
                                                                  completed.stdout, re.M)}
        self.assertEqual(completed.returncode, 0, report)
        self.assertEqual(counts.get("fail"), 0, report)
        self.assertEqual(counts.get("cancelled"), 0, report)
        self.assertEqual(counts.get("skipped"), 0, report)
        self.assertGreaterEqual(counts.get("tests", 0), MIN_TESTS, report)
        self.assertEqual(counts.get("pass"), counts.get("tests"), report)


if __name__ == "__main__":
    unittest.main()
