"""A runtime client nobody here wrote: AWS's Runtime Interface Client for Node.js (npm
aws-lambda-ric, whose native addon is aws-lambda-cpp over its own libcurl) running a Node.js
handler in a `provided.al2023` function whose bootstrap execs
`node node_modules/.bin/aws-lambda-ric index.handler`, invoked through the Lambda API with boto3:
results, context, handler errors, a warm second invocation, and the log.

node_ric/ pins the package; node/install.sh installs it there (a native build: ci/setup.sh
installs the tools it needs). The function's zip carries only what runs (the package's bin/,
dist/ and package.json, and the .bin symlink), as a deployment package would. Skipped, saying
why, only when the package is absent after the install (e.g. the npm registry is unreachable)."""
import io
import json
import os
import shutil
import subprocess
import unittest
import zipfile

from engine_fixture import start_engine

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_RIC = os.path.join(HERE, "node_ric")
RIC = os.path.join(NODE_RIC, "node_modules", "aws-lambda-ric")
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
BOOTSTRAP = """\
#!/bin/sh
cd "$LAMBDA_TASK_ROOT"
exec node node_modules/.bin/aws-lambda-ric index.handler
"""
HANDLER = """\
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  console.log("handling", context.awsRequestId);
  if (event.fail) throw new TypeError("asked to fail");
  return {echo: event, requestId: context.awsRequestId, functionName: context.functionName,
          arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis(),
          invocations};
};
"""


def function_zip(handler_files=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name, data, mode):
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, data)
        add("bootstrap", BOOTSTRAP, 0o100755)
        for name, text in (handler_files or {"index.js": HANDLER}).items():
            add(name, text, 0o100644)
        for part in ("package.json", "bin/index.mjs", "dist/index.mjs", "dist/rapid-client.node"):
            with open(os.path.join(RIC, part), "rb") as source:
                add("node_modules/aws-lambda-ric/" + part, source.read(), 0o100755)
        add("node_modules/.bin/aws-lambda-ric", "../aws-lambda-ric/bin/index.mjs", 0o120777)
    return buffer.getvalue()


class LambdaNodeRic(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("node") is None:
            raise AssertionError("node is not on PATH: ci/setup.sh installs Debian's nodejs and npm")
        installed = subprocess.run(["bash", os.path.join(HERE, "node", "install.sh"), NODE_RIC],
                                   capture_output=True, text=True, timeout=1200)
        if not os.path.isfile(os.path.join(RIC, "dist", "rapid-client.node")):
            raise unittest.SkipTest("aws-lambda-ric is not installed in node_ric/ (node/install.sh exited "
                                    f"{installed.returncode}):\n{installed.stdout}{installed.stderr}")
        cls.engine = start_engine(cls)
        cls.lam = cls.engine.client("lambda", read_timeout=60)
        cls.addClassCleanup(cls.lam.close)
        iam = cls.engine.client("iam")
        role = iam.create_role(RoleName="node-ric", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        iam.close()
        cls.lam.create_function(FunctionName="node-ric", Runtime="provided.al2023", Role=role,
                                Handler="index.handler", Code={"ZipFile": function_zip()}, Timeout=10,
                                MemorySize=128)  # AWS's default: node's V8 must start in it

    def invoke(self, payload):
        response = self.lam.invoke(FunctionName="node-ric", Payload=json.dumps(payload).encode(), LogType="Tail")
        return response, json.loads(response["Payload"].read())

    def test_the_handler_runs_with_its_context_and_stays_warm(self):
        response, body = self.invoke({"n": 1})
        self.assertEqual(response["StatusCode"], 200)
        self.assertNotIn("FunctionError", response, body)
        self.assertEqual(body["echo"], {"n": 1})
        self.assertEqual(body["requestId"], response["ResponseMetadata"]["RequestId"])
        self.assertEqual(body["functionName"], "node-ric")
        self.assertEqual(body["arn"], "arn:aws:lambda:us-east-1:000000000000:function:node-ric")
        self.assertGreater(body["remaining"], 5000)
        _, again = self.invoke({"n": 2})
        self.assertEqual(again["invocations"], body["invocations"] + 1, "the same warm process")

    def test_a_thrown_error_is_a_function_error(self):
        response, body = self.invoke({"fail": True})
        self.assertEqual(response["FunctionError"], "Unhandled")
        self.assertEqual(body["errorType"], "TypeError")
        self.assertEqual(body["errorMessage"], "asked to fail")
        self.assertIsInstance(body.get("trace"), list, body)
        import base64
        tail = base64.b64decode(response["LogResult"]).decode()
        self.assertIn("handling " + response["ResponseMetadata"]["RequestId"], tail)

    def test_init_errors_keep_their_type(self):
        # aws-lambda-ric posts init errors to /2018-06-01/runtime/init/error without the
        # worker's path prefix (its JavaScript reads AWS_LAMBDA_RUNTIME_API as host:port); the
        # engine finds the worker by its connection, so the type survives as Lambda gives it.
        role = self.lam.get_function(FunctionName="node-ric")["Configuration"]["Role"]
        # The bootstrap runs index.handler: a package without index.js, and one whose index.js
        # throws while it loads.
        cases = [({"other.js": HANDLER}, "Runtime.ImportModuleError", "Cannot find module 'index'"),
                 ({"index.js": "exports.handler = async () => 1;\nthrow new RangeError('bad init');\n"},
                  "RangeError", "bad init")]
        for number, (files, error_type, message) in enumerate(cases):
            name = f"node-ric-broken-{number}"
            self.lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=role,
                                     Handler="index.handler", Code={"ZipFile": function_zip(files)},
                                     Timeout=10, MemorySize=128)
            self.addCleanup(self.lam.delete_function, FunctionName=name)
            response = self.lam.invoke(FunctionName=name, Payload=b"{}")
            body = json.loads(response["Payload"].read())
            self.assertEqual(response.get("FunctionError"), "Unhandled", body)
            self.assertEqual(body["errorType"], error_type, body)
            self.assertIn(message, body["errorMessage"])


if __name__ == "__main__":
    unittest.main()
