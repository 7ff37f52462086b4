"""The IAM and STS Query APIs as boto3 1.26 and Debian's AWS CLI v2 use them against a streamform
engine: roles (create, get, list with paths and pages, update, trust policy, tags), inline and
managed policies, IAM's error codes and limits, AssumeRole and GetCallerIdentity, and roles and
their session credentials surviving a restart."""
import json
import os
import tempfile
import unittest

from botocore.exceptions import ClientError

from engine_fixture import ACCOUNT, LAMBDA_TRUST, start_engine

PUT_ORDERS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"],
     "Resource": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/orders"}]}
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


class IamApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.iam = cls.engine.client("iam")
        cls.sts = cls.engine.client("sts")
        cls.addClassCleanup(cls.iam.close)
        cls.addClassCleanup(cls.sts.close)

    def create(self, name, **overrides):
        args = dict(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        args.update(overrides)
        role = self.iam.create_role(**args)["Role"]
        self.addCleanup(self.delete_quietly, name)
        return role

    def delete_quietly(self, name):
        try:
            for policy in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
                self.iam.delete_role_policy(RoleName=name, PolicyName=policy)
            for policy in self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                self.iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
            self.iam.delete_role(RoleName=name)
        except ClientError:
            pass

    def client_error(self, code, status, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status, error)
        return error["Error"]["Message"]

    def test_role_lifecycle(self):
        role = self.create("app", Path="/service-role/", Description="the app",
                           MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "data"}])
        self.assertEqual(role["Arn"], f"arn:aws:iam::{ACCOUNT}:role/service-role/app")
        self.assertRegex(role["RoleId"], r"^AROA[A-Z2-7]{17}$")
        self.assertEqual(role["AssumeRolePolicyDocument"], LAMBDA_TRUST, "decoded from IAM's URL-encoding")
        got = self.iam.get_role(RoleName="app")["Role"]
        for field in ("Path", "RoleName", "RoleId", "Arn", "CreateDate", "Description",
                      "MaxSessionDuration", "Tags"):
            self.assertEqual(got[field], role[field], field)
        self.assertEqual(got["MaxSessionDuration"], 7200)

        self.iam.update_role(RoleName="app", Description="changed", MaxSessionDuration=3600)
        got = self.iam.get_role(RoleName="APP")["Role"]  # names are case-insensitive
        self.assertEqual((got["Description"], got["MaxSessionDuration"]), ("changed", 3600))
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
        self.iam.update_assume_role_policy(RoleName="app", PolicyDocument=json.dumps(trust))
        self.assertEqual(self.iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"], trust)

        self.iam.tag_role(RoleName="app", Tags=[{"Key": "TEAM", "Value": "platform"}, {"Key": "cost", "Value": "1"}])
        self.assertEqual(self.iam.list_role_tags(RoleName="app")["Tags"],
                         [{"Key": "team", "Value": "platform"}, {"Key": "cost", "Value": "1"}])
        self.iam.untag_role(RoleName="app", TagKeys=["Team"])
        self.assertEqual(self.iam.list_role_tags(RoleName="app")["Tags"], [{"Key": "cost", "Value": "1"}])

        self.iam.delete_role(RoleName="app")
        message = self.client_error("NoSuchEntity", 404, self.iam.get_role, RoleName="app")
        self.assertEqual(message, "The role with name app cannot be found.")

    def test_inline_and_managed_policies(self):
        self.create("consumer")
        self.iam.put_role_policy(RoleName="consumer", PolicyName="put", PolicyDocument=json.dumps(PUT_ORDERS))
        got = self.iam.get_role_policy(RoleName="consumer", PolicyName="put")
        self.assertEqual((got["RoleName"], got["PolicyName"], got["PolicyDocument"]),
                         ("consumer", "put", PUT_ORDERS))
        self.iam.put_role_policy(RoleName="consumer", PolicyName="another", PolicyDocument=json.dumps(PUT_ORDERS))
        self.assertEqual(self.iam.list_role_policies(RoleName="consumer")["PolicyNames"], ["another", "put"])
        self.iam.attach_role_policy(RoleName="consumer", PolicyArn=BASIC)
        self.iam.attach_role_policy(RoleName="consumer", PolicyArn=BASIC)  # twice: no change
        self.iam.attach_role_policy(RoleName="consumer", PolicyArn=S3_READ)
        attached = self.iam.list_attached_role_policies(RoleName="consumer")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": BASIC},
                                    {"PolicyName": "AmazonS3ReadOnlyAccess", "PolicyArn": S3_READ}])
        only = self.iam.list_attached_role_policies(RoleName="consumer", PathPrefix="/service-role/")
        self.assertEqual([p["PolicyArn"] for p in only["AttachedPolicies"]], [BASIC])

        message = self.client_error("DeleteConflict", 409, self.iam.delete_role, RoleName="consumer")
        self.assertEqual(message, "Cannot delete entity, must delete policies first.")
        self.iam.delete_role_policy(RoleName="consumer", PolicyName="put")
        self.iam.delete_role_policy(RoleName="consumer", PolicyName="another")
        message = self.client_error("DeleteConflict", 409, self.iam.delete_role, RoleName="consumer")
        self.assertEqual(message, "Cannot delete entity, must detach all policies first.")
        self.iam.detach_role_policy(RoleName="consumer", PolicyArn=BASIC)
        self.iam.detach_role_policy(RoleName="consumer", PolicyArn=S3_READ)
        self.iam.delete_role(RoleName="consumer")

    def test_errors_and_limits_as_iam(self):
        self.create("taken")
        message = self.client_error("EntityAlreadyExists", 409, self.create, "TAKEN")
        self.assertEqual(message, "Role with name TAKEN already exists.")
        self.client_error("MalformedPolicyDocument", 400, self.create, "bad",
                          AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": [')
        message = self.client_error("MalformedPolicyDocument", 400, self.create, "bad",
                                    AssumeRolePolicyDocument=json.dumps(PUT_ORDERS))
        self.assertEqual(message, "Has prohibited field Resource")
        message = self.client_error("MalformedPolicyDocument", 400, self.iam.put_role_policy, RoleName="taken",
                                    PolicyName="p", PolicyDocument=json.dumps(LAMBDA_TRUST))
        self.assertEqual(message, "Policy document should not specify a principal.")
        message = self.client_error("ValidationError", 400, self.create, "bad name")
        self.assertIn("at 'roleName' failed to satisfy constraint: Member must satisfy regular expression "
                      "pattern: [\\w+=,.@-]+", message)
        self.client_error("NoSuchEntity", 404, self.iam.put_role_policy, RoleName="ghost", PolicyName="p",
                          PolicyDocument=json.dumps(PUT_ORDERS))
        message = self.client_error("NoSuchEntity", 404, self.iam.get_role_policy, RoleName="taken",
                                    PolicyName="missing")
        self.assertEqual(message, "The role policy with name missing cannot be found.")
        message = self.client_error("NoSuchEntity", 404, self.iam.attach_role_policy, RoleName="taken",
                                    PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")
        self.assertEqual(message, "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
        self.client_error("NoSuchEntity", 404, self.iam.detach_role_policy, RoleName="taken", PolicyArn=BASIC)
        self.client_error("InvalidInput", 400, self.iam.tag_role, RoleName="taken",
                          Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
        # boto3 checks ranges itself; a raw request reaches the engine's check.
        status, _, body = self.engine.request(
            "POST", "/", b"Action=UpdateRole&Version=2010-05-08&RoleName=taken&MaxSessionDuration=60",
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, service="iam")
        self.assertEqual(status, 400, body)
        self.assertIn(b"<Code>ValidationError</Code>", body)
        self.assertIn(b"Value &apos;60&apos; at &apos;maxSessionDuration&apos; failed to satisfy constraint: "
                      b"Member must have value greater than or equal to 3600", body)
        big = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket/{'k' * 100}-{i}"}
            for i in range(100)]}
        message = self.client_error("LimitExceeded", 409, self.iam.put_role_policy, RoleName="taken",
                                    PolicyName="big", PolicyDocument=json.dumps(big))
        self.assertEqual(message, "Maximum policy size of 10240 bytes exceeded for role taken")
        managed = ["arn:aws:iam::aws:policy/" + name for name in (  # eleven built-in managed policies
            "AdministratorAccess", "AWSLambdaExecute", "AmazonKinesisFullAccess", "AmazonKinesisReadOnlyAccess",
            "AmazonKinesisFirehoseFullAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess",
            "service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaKinesisExecutionRole",
            "service-role/AWSLambdaRole", "service-role/AWSLambdaSQSQueueExecutionRole")]
        for arn in managed[:10]:
            self.iam.attach_role_policy(RoleName="taken", PolicyArn=arn)
        message = self.client_error("LimitExceeded", 409, self.iam.attach_role_policy, RoleName="taken",
                                    PolicyArn=managed[10])
        self.assertEqual(message, "Cannot exceed quota for PoliciesPerRole: 10")

    def test_listing_by_path_and_pages(self):
        for name, path in (("list-a", "/"), ("list-b", "/team/"), ("list-c", "/team/sub/"), ("list-d", "/")):
            self.create(name, Path=path)
        names = [r["RoleName"] for page in self.iam.get_paginator("list_roles").paginate(
                 PaginationConfig={"PageSize": 2}) for r in page["Roles"]]
        self.assertEqual([n for n in names if n.startswith("list-")], ["list-a", "list-b", "list-c", "list-d"])
        first = self.iam.list_roles(MaxItems=1)
        self.assertTrue(first["IsTruncated"])
        self.assertIn("Marker", first)
        team = self.iam.list_roles(PathPrefix="/team/")["Roles"]
        self.assertEqual([r["RoleName"] for r in team], ["list-b", "list-c"])

    def test_sts(self):
        identity = self.sts.get_caller_identity()
        self.assertEqual((identity["Account"], identity["Arn"], identity["UserId"]),
                         (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT))
        role = self.create("assumable", MaxSessionDuration=3600)
        assumed = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="tester", DurationSeconds=900)
        credentials = assumed["Credentials"]
        self.assertRegex(credentials["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertEqual(assumed["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/assumable/tester")
        self.assertEqual(assumed["AssumedRoleUser"]["AssumedRoleId"], role["RoleId"] + ":tester")
        again = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="tester")["Credentials"]
        self.assertEqual(again["AccessKeyId"], credentials["AccessKeyId"], "a session is (role, name)")

        keys = (credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
        as_role = self.engine.client("sts", credentials=keys)
        self.addCleanup(as_role.close)
        who = as_role.get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/assumable/tester")
        self.assertEqual(who["UserId"], role["RoleId"] + ":tester")
        # The role has no policies: it may not touch IAM, nor assume itself (its trust policy
        # names only Lambda).
        iam_as_role = self.engine.client("iam", credentials=keys)
        self.addCleanup(iam_as_role.close)
        message = self.client_error("AccessDenied", 403, iam_as_role.list_roles)
        self.assertEqual(message, f"User: arn:aws:sts::{ACCOUNT}:assumed-role/assumable/tester is not authorized "
                                  "to perform: iam:ListRoles on resource: * because no identity-based policy "
                                  "allows the iam:ListRoles action")
        self.client_error("AccessDenied", 403, as_role.assume_role, RoleArn=role["Arn"], RoleSessionName="again")

        message = self.client_error("AccessDenied", 403, self.sts.assume_role,
                                    RoleArn=f"arn:aws:iam::{ACCOUNT}:role/ghost", RoleSessionName="tester")
        self.assertIn("is not authorized to perform: sts:AssumeRole", message)
        self.client_error("ValidationError", 400, self.sts.assume_role, RoleArn=role["Arn"],
                          RoleSessionName="tester", DurationSeconds=7200)
        # Without its session token the key is refused.
        no_token = self.engine.client("sts", credentials=keys[:2])
        self.addCleanup(no_token.close)
        message = self.client_error("InvalidClientTokenId", 403, no_token.get_caller_identity)
        self.assertEqual(message, "The security token included in the request is invalid.")

    def test_aws_cli(self):
        tmp = tempfile.mkdtemp(prefix="sf-iam-cli-", dir=self.engine.tmp)
        trust = os.path.join(tmp, "trust.json")
        with open(trust, "w") as f:
            json.dump(LAMBDA_TRUST, f)
        policy = os.path.join(tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump(PUT_ORDERS, f)
        self.addCleanup(self.delete_quietly, "cli-role")
        created = self.engine.aws("iam", "create-role", "--role-name", "cli-role",
                                  "--assume-role-policy-document", f"file://{trust}")
        self.assertEqual(created.returncode, 0, created)
        self.assertEqual(created.json["Role"]["AssumeRolePolicyDocument"], LAMBDA_TRUST)
        put = self.engine.aws("iam", "put-role-policy", "--role-name", "cli-role", "--policy-name", "put",
                              "--policy-document", f"file://{policy}")
        self.assertEqual(put.returncode, 0, put)
        got = self.engine.aws("iam", "get-role-policy", "--role-name", "cli-role", "--policy-name", "put")
        self.assertEqual(got.json["PolicyDocument"], PUT_ORDERS)
        attached = self.engine.aws("iam", "attach-role-policy", "--role-name", "cli-role", "--policy-arn", BASIC)
        self.assertEqual(attached.returncode, 0, attached)
        listed = self.engine.aws("iam", "list-attached-role-policies", "--role-name", "cli-role")
        self.assertEqual([p["PolicyArn"] for p in listed.json["AttachedPolicies"]], [BASIC])
        roles = self.engine.aws("iam", "list-roles")
        self.assertIn("cli-role", [r["RoleName"] for r in roles.json["Roles"]])
        refused = self.engine.aws("iam", "delete-role", "--role-name", "cli-role")
        self.assertEqual(refused.returncode, 254, refused)
        self.assertIn("DeleteConflict", refused.stderr)
        missing = self.engine.aws("iam", "get-role", "--role-name", "no-such-role")
        self.assertEqual(missing.returncode, 254, missing)
        self.assertIn("NoSuchEntity", missing.stderr)
        who = self.engine.aws("sts", "get-caller-identity")
        self.assertEqual(who.json["Arn"], f"arn:aws:iam::{ACCOUNT}:root")


class Restart(unittest.TestCase):
    def test_roles_and_session_credentials_survive_a_restart(self):
        engine = start_engine(self)
        arn = engine.create_role("durable", {"put": PUT_ORDERS}, managed=[BASIC])
        keys = engine.assume_role(arn, "survivor")
        engine.restart()  # SIGKILL, then the same data dir
        iam = engine.client("iam")
        self.addCleanup(iam.close)
        self.assertEqual(iam.get_role(RoleName="durable")["Role"]["Arn"], arn)
        self.assertEqual(iam.get_role_policy(RoleName="durable", PolicyName="put")["PolicyDocument"], PUT_ORDERS)
        self.assertEqual([p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="durable")[
            "AttachedPolicies"]], [BASIC])
        sts = engine.client("sts", credentials=keys)
        self.addCleanup(sts.close)
        self.assertEqual(sts.get_caller_identity()["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/durable/survivor")
        self.assertEqual(engine.assume_role(arn, "survivor"), keys)
        mode = os.stat(os.path.join(engine.data_dir, "iam.db")).st_mode
        self.assertEqual(mode & 0o077, 0, "iam.db holds secrets: owner only")


if __name__ == "__main__":
    unittest.main()
