"""Functions through the controller: a SAM function whose code is a local directory and a
Lambda function with inline code, planned, applied, invoked with boto3, changed, destroyed.

The SAM function names no role, so the transform makes one (GreeterRole, with
AWSLambdaBasicExecutionRole); the Lambda function's role is the template's own AWS::IAM::Role.
Both are created before their functions and deleted after them.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from engine_fixture import BIN, start_engine

PROJECT = """\
project: fn
defaults: {stage: dev, region: us-east-1, account: "000000000000"}
stacks:
  - {name: app, template: app.yaml}
stages:
  dev: {}
"""

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: fn-dev-greeter
      CodeUri: code/
      Handler: app.lambda_handler
      Runtime: python3.11
      Timeout: 10
      Environment:
        Variables: {GREETING: hello}
  EchoRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Echo:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: fn-dev-echo
      Runtime: python3.11
      Handler: index.handler
      Role: !GetAtt EchoRole.Arn
      Code:
        ZipFile: |
          def handler(event, context):
              return {"echo": event, "function": context.function_name}
"""

ECHO_ROLE_TRUST = """\
            Action: sts:AssumeRole
"""
ECHO_ROLE_MORE = """\
      Description: echoes events
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents]
                Resource: "*"
      Tags:
        - {Key: team, Value: data}
"""

HANDLER = """\
import os

def lambda_handler(event, context):
    return {"message": os.environ["GREETING"] + " " + event["name"], "version": VERSION}

VERSION = 1
"""


def open_project(case, prefix, project_file, template):
    """An engine, a Lambda client and a project directory (streamform.yaml, app.yaml and
    code/app.py) for a TestCase (class or instance), cleaned up with it."""
    engine = start_engine(case)
    lam = engine.client("lambda")
    (case.addClassCleanup if isinstance(case, type) else case.addCleanup)(lam.close)
    project = tempfile.mkdtemp(prefix=prefix, dir=engine.tmp)
    for name, text in (("streamform.yaml", project_file), ("app.yaml", template), ("code/app.py", HANDLER)):
        os.makedirs(os.path.dirname(os.path.join(project, name)), exist_ok=True)
        with open(os.path.join(project, name), "w") as f:
            f.write(text)
    return engine, lam, project


class ProjectCase(unittest.TestCase):
    """A TestCase with `engine` and `project` that runs streamform on that project and engine."""

    def sf(self, *args):
        return subprocess.run([BIN, "--project", self.project, *args, "--data-dir", self.engine.data_dir],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


class Functions(ProjectCase):
    @classmethod
    def setUpClass(cls):
        cls.engine, cls.lam, cls.project = open_project(cls, "sf-fn-", PROJECT, TEMPLATE)

    @classmethod
    def write(cls, name, text):
        with open(os.path.join(cls.project, name), "w") as f:
            f.write(text)

    def invoke(self, name, event):
        response = self.lam.invoke(FunctionName=name, Payload=json.dumps(event).encode())
        self.assertNotIn("FunctionError", response, response)
        return json.loads(response["Payload"].read())

    def test_plan_apply_invoke_change_destroy(self):
        planned = self.sf("--output", "json", "plan")
        self.assertEqual(planned.returncode, 0, planned.stderr)
        changes = json.loads(planned.stdout)
        greeter = [r for s in changes["stacks"] for r in s["resources"] if r["logicalId"] == "Greeter"][0]
        self.assertEqual(greeter["desired"]["Code"]["S3Bucket"], "streamform-artifacts")
        self.assertRegex(greeter["desired"]["Code"]["S3Key"], r"^code/[0-9a-f]{64}\.zip$")

        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        self.assertIn("uploaded", applied.stdout)
        self.assertEqual(self.invoke("fn-dev-greeter", {"name": "ada"}),
                         {"message": "hello ada", "version": 1})
        self.assertEqual(self.invoke("fn-dev-echo", {"x": 1}), {"echo": {"x": 1}, "function": "fn-dev-echo"})
        config = self.lam.get_function(FunctionName="fn-dev-greeter")["Configuration"]
        self.assertEqual((config["Timeout"], config["Environment"]["Variables"]), (10, {"GREETING": "hello"}))
        iam = self.engine.client("iam")
        self.addCleanup(iam.close)
        self.assertEqual(len(iam.list_roles()["Roles"]), 2)  # GreeterRole (SAM's) and EchoRole
        greeter_role = config["Role"].rsplit("/", 1)[1]
        attached = iam.list_attached_role_policies(RoleName=greeter_role)["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in attached], ["AWSLambdaBasicExecutionRole"])
        self.assertEqual(iam.list_role_tags(RoleName=greeter_role)["Tags"],
                         [{"Key": "lambda:createdBy", "Value": "SAM"}])
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)

        # streamform invoke and logs.
        event = os.path.join(self.project, "event.json")
        with open(event, "w") as f:
            json.dump({"name": "cy"}, f)
        invoked = self.sf("invoke", "fn-dev-greeter", "--event", event, "--log")
        self.assertEqual(invoked.returncode, 0, invoked.stderr)
        self.assertEqual(json.loads(invoked.stdout), {"message": "hello cy", "version": 1})
        self.assertIn("REPORT RequestId", invoked.stderr)
        logs = self.sf("logs", "fn-dev-greeter")
        self.assertEqual(logs.returncode, 0, logs.stderr)
        self.assertEqual(logs.stdout.count("START RequestId"), 2, logs.stdout)  # boto3, then invoke
        missing = self.sf("logs", "no-such-function")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("Function not found", missing.stderr)

        # Touching the code changes nothing; changing it is a Code update, applied in place.
        self.write("code/app.py", HANDLER)
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)
        self.write("code/app.py", HANDLER.replace("VERSION = 1", "VERSION = 2"))
        changed = self.sf("--output", "json", "plan")
        rows = [r for s in json.loads(changed.stdout)["stacks"] for r in s["resources"]]
        self.assertEqual([(r["logicalId"], r["action"]) for r in rows], [("Greeter", "Modify")])
        self.assertEqual(self.sf("apply", "--yes").returncode, 0)
        self.assertEqual(self.invoke("fn-dev-greeter", {"name": "bo"})["version"], 2)

        # A role's policies, description and tags change in place; the plan after is empty.
        self.write("app.yaml", TEMPLATE.replace(ECHO_ROLE_TRUST, ECHO_ROLE_TRUST + ECHO_ROLE_MORE))
        changed = self.sf("--output", "json", "plan")
        rows = [r for s in json.loads(changed.stdout)["stacks"] for r in s["resources"]]
        self.assertEqual([(r["logicalId"], r["action"]) for r in rows], [("EchoRole", "Modify")])
        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        echo_role = self.lam.get_function(FunctionName="fn-dev-echo")["Configuration"]["Role"].rsplit("/", 1)[1]
        self.assertEqual(iam.list_role_policies(RoleName=echo_role)["PolicyNames"], ["logs"])
        self.assertEqual(iam.get_role(RoleName=echo_role)["Role"]["Description"], "echoes events")
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)
        self.assertEqual(self.invoke("fn-dev-echo", {"x": 2}), {"echo": {"x": 2}, "function": "fn-dev-echo"})

        destroyed = self.sf("destroy", "--yes")
        self.assertEqual(destroyed.returncode, 0, destroyed.stdout + destroyed.stderr)
        names = [f["FunctionName"] for f in self.lam.list_functions()["Functions"]]
        self.assertEqual(names, [])
        self.assertEqual(iam.list_roles()["Roles"], [])


GIT_PROJECT = PROJECT.replace("  dev: {}\n", "  dev: {gitRef: HEAD}\n  prod: {gitRef: release}\n")

GIT_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String}
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "fn-${Stage}-greeter"
      CodeUri: code/
      Handler: app.lambda_handler
      Runtime: python3.11
      Environment:
        Variables: {GREETING: hello}
"""


class FunctionsFromGitRefs(ProjectCase):
    """A stage's gitRef decides which code it deploys: dev (HEAD) and prod (branch release) get
    their commits' code from one checkout; uncommitted edits are reported and not deployed."""

    def setUp(self):
        self.engine, self.lam, self.project = open_project(self, "sf-git-", self.project_file("HEAD"),
                                                           GIT_TEMPLATE)
        self.git("init", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "v1")
        self.git("branch", "release")

    def write(self, name, text):
        with open(os.path.join(self.project, name), "w") as f:
            f.write(text)

    @staticmethod
    def project_file(dev_ref):
        return GIT_PROJECT.replace("{gitRef: HEAD}", "{gitRef: %s, commonParameters: {Stage: dev}}" % dev_ref) \
            .replace("{gitRef: release}", "{gitRef: release, commonParameters: {Stage: prod}}")

    def git(self, *args):
        subprocess.run(["git", "-C", self.project, "-c", "user.name=t", "-c", "user.email=t@e",
                        "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)

    def version(self, name):
        response = self.lam.invoke(FunctionName=name, Payload=b'{"name": "x"}')
        self.assertNotIn("FunctionError", response, response)
        return json.loads(response["Payload"].read())["version"]

    def test_each_stage_deploys_its_commit(self):
        # An uncommitted edit: a warning naming the file, and the committed code is deployed.
        self.write("code/app.py", HANDLER.replace("VERSION = 1", "VERSION = 9"))
        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        self.assertIn("code: warning: the working tree differs from gitRef HEAD", applied.stderr)
        self.assertIn("(app.py); the stage deploys the committed code", applied.stderr)
        self.assertIn("at gitRef HEAD (", applied.stdout)
        self.assertEqual(self.version("fn-dev-greeter"), 1)
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)

        # Committed on main: dev (HEAD) changes, prod (release) still builds v1.
        self.write("code/app.py", HANDLER.replace("VERSION = 1", "VERSION = 2"))
        self.git("commit", "-q", "-am", "v2")
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 2)
        self.assertEqual(self.sf("apply", "--yes").returncode, 0)
        self.assertEqual(self.version("fn-dev-greeter"), 2)
        prod = self.sf("--stage", "prod", "apply", "--yes")
        self.assertEqual(prod.returncode, 0, prod.stdout + prod.stderr)
        # The working tree holds v2, which release does not: said, and release's v1 deployed.
        self.assertIn("the working tree differs from gitRef release", prod.stderr)
        self.assertEqual(self.version("fn-prod-greeter"), 1)

    def test_clear_errors(self):
        self.write("streamform.yaml", self.project_file("no-such-ref"))
        planned = self.sf("plan")
        self.assertEqual(planned.returncode, 1, planned.stdout + planned.stderr)
        self.assertIn("code: error: cannot package the function code: gitRef no-such-ref names nothing", planned.stderr)
        shutil.rmtree(os.path.join(self.project, ".git"))
        self.write("streamform.yaml", self.project_file("HEAD"))
        planned = self.sf("plan")
        self.assertEqual(planned.returncode, 1)
        self.assertIn("is not inside a git repository", planned.stderr)



# A project for AWS account 123456789012 in eu-west-1, deployed to the engine (000000000000,
# us-east-1): the role's policy names the stream by an ARN built from AWS::Region and
# AWS::AccountId, as templates written for AWS do. Against the engine those must be the
# engine's, or the handler's put_record is refused.
PSEUDO_PROJECT = """\
project: pseudo
defaults: {stage: dev, region: eu-west-1, account: "123456789012"}
stacks:
  - {name: app, template: app.yaml}
stages:
  dev: {}
"""

PSEUDO_TEMPLATE = """\
Resources:
  Orders:
    Type: AWS::Kinesis::Stream
    Properties: {Name: pseudo-dev-orders, ShardCount: 1}
  WriterRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: put
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: kinesis:PutRecord
                Resource: !Sub "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${Orders}"
  Writer:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: pseudo-dev-writer
      Runtime: python3.11
      Handler: index.handler
      Timeout: 20
      Role: !GetAtt WriterRole.Arn
      Environment:
        Variables: {STREAM: !Ref Orders}
      Code:
        ZipFile: |
          import os
          import boto3
          def handler(event, context):
              put = boto3.client("kinesis").put_record(StreamName=os.environ["STREAM"], Data=b"x",
                                                       PartitionKey="k")
              return {"shard": put["ShardId"]}
Outputs:
  Where:
    Value: !Sub "${AWS::Region}/${AWS::AccountId}"
"""


class PseudoParametersOnTheEngine(ProjectCase):
    @classmethod
    def setUpClass(cls):
        cls.engine, cls.lam, cls.project = open_project(cls, "sf-pseudo-", PSEUDO_PROJECT, PSEUDO_TEMPLATE)

    def test_region_and_account_are_the_engines(self):
        plan = self.sf("--output", "json", "plan")
        self.assertEqual(plan.returncode, 0, plan.stdout + plan.stderr)
        self.assertIn("arn:aws:kinesis:us-east-1:000000000000:stream/", plan.stdout)
        self.assertNotIn("123456789012", plan.stdout)
        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        response = self.lam.invoke(FunctionName="pseudo-dev-writer", Payload=b"{}")
        payload = json.loads(response["Payload"].read())
        self.assertNotIn("FunctionError", response, payload)
        self.assertEqual(payload, {"shard": "shardId-000000000000"})
        outputs = self.sf("--output", "json", "outputs")
        self.assertEqual(outputs.returncode, 0, outputs.stderr)
        self.assertEqual(json.loads(outputs.stdout)["app"]["Where"]["value"], "us-east-1/000000000000")
        # Nothing to do afterwards: the plan resolves them the same way again.
        again = self.sf("plan", "--detailed-exitcode")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        # Offline, validate has no engine: the stage's own region and account.
        validated = subprocess.run([BIN, "--project", self.project, "validate"], capture_output=True,
                                   text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(validated.returncode, 0, validated.stdout + validated.stderr)

if __name__ == "__main__":
    unittest.main()
