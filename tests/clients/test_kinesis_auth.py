"""SigV4 on the Kinesis API as real clients meet it: boto3 (1.26), Debian's AWS CLI v2 (2.9) and
raw HTTP against an engine that requires signatures. The right credentials work; a wrong secret,
an unknown key, no signature, a skewed clock each get AWS's error type and HTTP status; a
presigned request is accepted; the credentials file is private and stable; `--no-auth` takes
anything; the engine's control routes need a signature too; and `eval "$(streamform env)"` gives
a shell what the AWS CLI needs. No timing assertions: skew is made by signing at chosen times."""
import datetime
import json
import os
import re
import shlex
import stat
import subprocess
import tempfile
import unittest
from unittest import mock

import botocore
import botocore.auth
from botocore.exceptions import ClientError

from engine_fixture import BIN, REGION, SIGV4_TIMESTAMP, TARGET_PREFIX, start_engine

JSON_11 = "application/x-amz-json-1.1"
MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.")
UNKNOWN_KEY = "The security token included in the request is invalid."
MINUTE = datetime.timedelta(minutes=1)


def error_of(raised):
    """(code, message, HTTP status) of a botocore ClientError."""
    response = raised.exception.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def amz_ms(text):
    return int(datetime.datetime.strptime(text, SIGV4_TIMESTAMP).replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000)


class Signatures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.kinesis = cls.engine.client()
        cls.addClassCleanup(cls.kinesis.close)
        cls.kinesis.create_stream(StreamName="auth", ShardCount=1)

    def client(self, **kwargs):
        client = self.engine.client(**kwargs)
        self.addCleanup(client.close)
        return client

    def assertRefused(self, status, body, want_type, want_message=None):
        self.assertIsInstance(body, dict, body)
        self.assertEqual((status, body.get("__type")), (400, want_type), body)
        if want_message is not None:
            self.assertEqual(body["message"], want_message)

    # --- boto3 and the AWS CLI ----------------------------------------------------------------

    def test_the_engines_credentials_work(self):
        self.assertIn("auth", self.kinesis.list_streams()["StreamNames"])
        put = self.kinesis.put_record(StreamName="auth", PartitionKey="k", Data=b"signed")
        self.assertEqual(put["ShardId"], "shardId-000000000000")
        result = self.engine.aws("kinesis", "list-streams")
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("auth", result.json["StreamNames"])

    def test_wrong_secret(self):
        access, _ = self.engine.credentials
        with self.assertRaises(ClientError) as raised:
            self.client(credentials=(access, "not-the-secret")).list_streams()
        self.assertEqual(error_of(raised), ("InvalidSignatureException", MISMATCH, 400))
        result = self.engine.aws("kinesis", "list-streams", env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
        self.assertEqual(result.returncode, 254, result)
        self.assertIn("An error occurred (InvalidSignatureException) when calling the ListStreams operation",
                      result.stderr)
        self.assertIn(MISMATCH, result.stderr)

    def test_unknown_access_key(self):
        with self.assertRaises(ClientError) as raised:
            self.client(credentials=("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).put_record(
                StreamName="auth", PartitionKey="k", Data=b"x")
        self.assertEqual(error_of(raised), ("UnrecognizedClientException", UNKNOWN_KEY, 400))
        result = self.engine.aws("kinesis", "list-streams", env={"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"})
        self.assertEqual(result.returncode, 254, result)
        self.assertIn("An error occurred (UnrecognizedClientException) when calling the ListStreams operation",
                      result.stderr)
        self.assertIn(UNKNOWN_KEY, result.stderr)

    def test_unsigned_requests(self):
        status, body = self.engine.kinesis("ListStreams", {}, signed=False)
        self.assertRefused(status, body, "MissingAuthenticationTokenException", "Missing Authentication Token")
        unsigned = self.client(signature_version=botocore.UNSIGNED)
        with self.assertRaises(ClientError) as raised:
            unsigned.list_streams()
        self.assertEqual(error_of(raised), ("MissingAuthenticationTokenException", "Missing Authentication Token", 400))
        result = self.engine.aws("--no-sign-request", "kinesis", "list-streams")
        self.assertEqual(result.returncode, 254, result)
        self.assertIn("(MissingAuthenticationTokenException)", result.stderr)

    def test_tampered_request(self):
        # Signed, then changed on the way: the body, the target, the signature itself.
        body = json.dumps({"StreamName": "auth", "PartitionKey": "k", "Data": "eA=="}).encode()
        headers = self.engine.sign("POST", "/", body, {"X-Amz-Target": TARGET_PREFIX + "PutRecord",
                                                       "Content-Type": JSON_11})
        status, _, raw = self.engine.request("POST", "/", body.replace(b"eA==", b"eQ=="), headers)
        self.assertRefused(status, json.loads(raw), "InvalidSignatureException", MISMATCH)
        retargeted = {**headers, "X-Amz-Target": TARGET_PREFIX + "PutRecords"}
        status, _, raw = self.engine.request("POST", "/", body, retargeted)
        self.assertRefused(status, json.loads(raw), "InvalidSignatureException", MISMATCH)
        forged = re.sub(r"Signature=[0-9a-f]{64}", "Signature=" + "0" * 64, headers["Authorization"])
        status, _, raw = self.engine.request("POST", "/", body, {**headers, "Authorization": forged})
        self.assertRefused(status, json.loads(raw), "InvalidSignatureException", MISMATCH)
        status, _, raw = self.engine.request("POST", "/", body, headers)
        self.assertEqual(status, 200, raw)  # the untouched request passes

    def test_wrong_scope(self):
        status, body = self.engine.kinesis("ListStreams", {}, region="eu-west-1")
        self.assertRefused(status, body, "IncompleteSignatureException")
        self.assertIn("'eu-west-1'", body["message"])
        status, _, raw = self.engine.request("POST", "/", b"{}", {"X-Amz-Target": TARGET_PREFIX + "ListStreams",
                                                                  "Content-Type": JSON_11}, service="dynamodb")
        self.assertRefused(status, json.loads(raw), "IncompleteSignatureException")

    # --- time -----------------------------------------------------------------------------------

    def test_request_time_20_minutes_off(self):
        now = datetime.datetime.utcnow().replace(microsecond=0)
        for offset, wording in ((-20 * MINUTE, "Signature expired: {} is now earlier than {} ({} - 15 min.)"),
                                (20 * MINUTE, "Signature not yet current: {} is still later than {} ({} + 15 min.)")):
            with self.subTest(offset=offset):
                signed_at = now + offset
                status, body = self.engine.kinesis("ListStreams", {}, when=signed_at)
                self.assertRefused(status, body, "InvalidSignatureException")
                pattern = re.escape(wording).replace(re.escape("{}"), r"(\d{8}T\d{6}Z)")
                match = re.fullmatch(pattern, body["message"])
                self.assertIsNotNone(match, body["message"])
                request_time, limit, server_time = match.groups()
                self.assertEqual(request_time, signed_at.strftime(SIGV4_TIMESTAMP))
                sign = -1 if offset < datetime.timedelta(0) else 1
                self.assertEqual(amz_ms(limit), amz_ms(server_time) + sign * 15 * 60_000)
                # The server's time is the later of the two by at least the 20 minutes given (past)...
                if offset < datetime.timedelta(0):
                    self.assertGreaterEqual(amz_ms(server_time) - amz_ms(request_time), 20 * 60_000)
                else:  # ...or at most 20 minutes earlier (future).
                    self.assertLessEqual(amz_ms(request_time) - amz_ms(server_time), 20 * 60_000)

    def test_skew_through_boto3(self):
        # botocore 1.29 takes the signing time from datetime.datetime.utcnow() in the module of its
        # SigV4 signer: botocore.auth, or botocore.crt.auth when awscrt is installed (as on Debian).
        signer_module = botocore.auth.AUTH_TYPE_MAPS["v4"].__module__
        skewed = datetime.datetime.utcnow() - 20 * MINUTE
        with mock.patch(signer_module + ".datetime") as clock:
            clock.datetime.utcnow.return_value = skewed
            clock.timezone = datetime.timezone
            with self.assertRaises(ClientError) as raised:
                self.kinesis.list_streams()
        code, message, status = error_of(raised)
        self.assertEqual((code, status), ("InvalidSignatureException", 400))
        self.assertTrue(message.startswith(f"Signature expired: {skewed.strftime(SIGV4_TIMESTAMP)} is now earlier "
                                           f"than "), message)
        self.assertIn("auth", self.kinesis.list_streams()["StreamNames"])  # the real clock passes again

    def test_14_minutes_off_passes(self):
        status, body = self.engine.kinesis("ListStreams", {}, when=datetime.datetime.utcnow() - 14 * MINUTE)
        self.assertEqual(status, 200, body)

    # --- presigned requests -----------------------------------------------------------------------

    def test_presigned_put_record(self):
        # The X-Amz-* parameters in the query instead of an Authorization header; the JSON body
        # stays the body and its SHA-256 is signed.
        body = json.dumps({"StreamName": "auth", "PartitionKey": "k", "Data": "cHJlc2lnbmVk"}).encode()
        headers = {"X-Amz-Target": TARGET_PREFIX + "PutRecord", "Content-Type": JSON_11}
        path, signed_headers = self.engine.presign("POST", "/", body, headers, expires=300)
        self.assertIn("X-Amz-Signature=", path)
        self.assertNotIn("Authorization", signed_headers)
        status, _, raw = self.engine.request("POST", path, body, signed_headers)
        self.assertEqual(status, 200, raw)
        self.assertIn("SequenceNumber", json.loads(raw))
        status, _, raw = self.engine.request("POST", path, body + b" ", signed_headers)
        self.assertRefused(status, json.loads(raw), "InvalidSignatureException", MISMATCH)
        # Expired: signed ten minutes ago for five.
        path, signed_headers = self.engine.presign("POST", "/", body, headers, expires=300,
                                                   when=datetime.datetime.utcnow() - 10 * MINUTE)
        status, _, raw = self.engine.request("POST", path, body, signed_headers)
        refused = json.loads(raw)
        self.assertRefused(status, refused, "InvalidSignatureException")
        self.assertTrue(refused["message"].startswith("Signature expired: "), refused)

    def test_botocore_generate_presigned_url(self):
        # botocore presigns JSON-protocol calls by moving the parameters into the query string, which
        # Kinesis does not read; for an operation without parameters the URL works as is (with the
        # signed headers: content-type, host, x-amz-target).
        url = self.kinesis.generate_presigned_url("list_streams", Params={}, ExpiresIn=60)
        self.assertTrue(url.startswith(self.engine.endpoint + "/?"), url)
        self.assertIn("X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-target", url)
        status, _, raw = self.engine.request("POST", url[len(self.engine.endpoint):], b"",
                                             {"X-Amz-Target": TARGET_PREFIX + "ListStreams", "Content-Type": JSON_11})
        self.assertEqual(status, 200, raw)
        self.assertIn("auth", json.loads(raw)["StreamNames"])

    # --- the engine's own routes --------------------------------------------------------------------

    def test_control_routes_need_a_signature(self):
        for path, payload in (("/_streamform/clock", {"advanceMs": 1}),
                              ("/_streamform/throttling", {"stream": "auth", "enabled": False})):
            with self.subTest(path=path):
                status, _, raw = self.engine.request("POST", path, json.dumps(payload).encode(),
                                                     {"Content-Type": "application/json"})
                self.assertRefused(status, json.loads(raw), "MissingAuthenticationTokenException")
                access, _ = self.engine.credentials
                status, raw = self.engine.control(path, payload, credentials=(access, "wrong"))
                self.assertRefused(status, json.loads(raw), "InvalidSignatureException", MISMATCH)
                # Signed for Kinesis is not signed for the engine's API (service "streamform").
                status, _, raw = self.engine.request("POST", path, json.dumps(payload).encode(),
                                                     {"Content-Type": "application/json"}, service="kinesis")
                self.assertRefused(status, json.loads(raw), "IncompleteSignatureException")
        # Signed: the clock route answers (this engine runs on the real clock), throttling is set.
        status, raw = self.engine.control("/_streamform/clock", {"advanceMs": 1})
        self.assertEqual((status, json.loads(raw)["__type"]), (409, "ClockNotVirtual"), raw)
        status, raw = self.engine.control("/_streamform/throttling", {"stream": "auth", "enabled": False})
        self.assertEqual(status, 200, raw)

    def test_health_and_metrics_need_none(self):
        for path in ("/health", "/metrics"):
            with self.subTest(path=path):
                status, _, _ = self.engine.request("GET", path)
                self.assertEqual(status, 200)


class CredentialsFile(unittest.TestCase):
    def test_private_and_stable_across_restarts(self):
        engine = start_engine(self)
        path = os.path.join(engine.data_dir, "credentials.json")
        info = os.stat(path)
        self.assertEqual(stat.S_IMODE(info.st_mode), 0o600)
        self.assertEqual(info.st_uid, os.getuid())
        with open(path) as f:
            first = json.load(f)
        self.assertEqual(sorted(first), ["accessKeyId", "region", "secretAccessKey"])
        self.assertRegex(first["accessKeyId"], r"^SFKA[A-Z2-7]{16}$")
        self.assertRegex(first["secretAccessKey"], r"^[A-Za-z0-9+/]{40}$")
        self.assertEqual(first["region"], REGION)
        client = engine.client()
        self.addCleanup(client.close)
        client.create_stream(StreamName="stable", ShardCount=1)
        engine.restart(hard=False)
        engine.restart(hard=True)
        with open(path) as f:
            self.assertEqual(json.load(f), first)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertIn("stable", client.list_streams()["StreamNames"])  # the old client's keys still work

    def test_each_data_dir_has_its_own_keys(self):
        one, two = start_engine(self), start_engine(self)
        self.assertNotEqual(one.credentials, two.credentials)
        crossed = two.client(credentials=one.credentials)
        self.addCleanup(crossed.close)
        with self.assertRaises(ClientError) as raised:
            crossed.list_streams()
        self.assertEqual(error_of(raised)[0], "UnrecognizedClientException")

    def test_a_file_others_can_read_is_refused(self):
        engine = start_engine(self)
        engine.stop()
        path = os.path.join(engine.data_dir, "credentials.json")
        os.chmod(path, 0o644)
        with self.assertRaises(AssertionError):  # the engine does not start (EngineError)
            engine.start()
        result = subprocess.run([BIN, "env", "--data-dir", engine.data_dir], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 1, result)
        self.assertIn("may be read by other users; run: chmod 600 " + path, result.stderr)
        os.chmod(path, 0o600)
        engine.start()


class NoAuth(unittest.TestCase):
    def test_no_auth_takes_any_credentials(self):
        engine = start_engine(self, "--no-auth")
        self.assertIn("SigV4 NOT checked (--no-auth)", engine.log())
        dummy = engine.client(credentials=("test", "test"))
        self.addCleanup(dummy.close)
        dummy.create_stream(StreamName="open", ShardCount=1)
        self.assertEqual(engine.kinesis("ListStreams", {}, signed=False)[1]["StreamNames"], ["open"])
        result = engine.aws("kinesis", "list-streams", env={"AWS_ACCESS_KEY_ID": "test",
                                                           "AWS_SECRET_ACCESS_KEY": "test"})
        self.assertEqual(result.returncode, 0, result)
        status, _, _ = engine.request("POST", "/_streamform/throttling",
                                      json.dumps({"stream": "open", "enabled": True}).encode())
        self.assertEqual(status, 200)
        # The engine still has (and shows) its own credentials, so turning auth on needs no new setup.
        self.assertTrue(os.path.exists(os.path.join(engine.data_dir, "credentials.json")))


class StreamformEnv(unittest.TestCase):
    """`streamform env` in the shells and tools that consume it."""

    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)

    def shell(self, script, extra_env=None):
        env = {"PATH": "/usr/bin:/bin", "HOME": self.engine.home, "LANG": "C.UTF-8", "SF": BIN,
               "DATA": self.engine.data_dir, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "NO_PROXY": "127.0.0.1,localhost",
               **(extra_env or {})}
        return subprocess.run(["/bin/bash", "-c", "set -euo pipefail\n" + script], env=env, capture_output=True,
                              text=True, timeout=120)

    def test_eval_then_the_aws_cli(self):
        result = self.shell('eval "$("$SF" env --data-dir "$DATA")"\n'
                            '/usr/bin/aws --endpoint-url "$STREAMFORM_ENDPOINT_URL" --output json kinesis list-streams',
                            {"AWS_ACCESS_KEY_ID": "stale", "AWS_SESSION_TOKEN": "stale-token"})
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("StreamNames", json.loads(result.stdout))

    def test_exports(self):
        result = self.shell('eval "$("$SF" env --data-dir "$DATA")"\n'
                            'printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" '
                            '"$AWS_DEFAULT_REGION" "$AWS_ENDPOINT_URL" "$STREAMFORM_ENDPOINT_URL" '
                            '"${AWS_SESSION_TOKEN-unset}"', {"AWS_SESSION_TOKEN": "stale-token"})
        self.assertEqual(result.returncode, 0, result)
        access, secret = self.engine.credentials
        self.assertEqual(result.stdout.splitlines(), [access, secret, REGION, REGION, self.engine.endpoint,
                                                      self.engine.endpoint, "unset"])
        text = subprocess.run([BIN, "env", "--data-dir", self.engine.data_dir], capture_output=True, text=True,
                              timeout=60).stdout
        self.assertIn('--endpoint-url "$STREAMFORM_ENDPOINT_URL"', text)
        self.assertIn("AWS CLI >= 2.13", text)

    def test_json_and_fish(self):
        access, secret = self.engine.credentials
        expected = {"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": REGION,
                    "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL": self.engine.endpoint,
                    "STREAMFORM_ENDPOINT_URL": self.engine.endpoint}
        for argv in (["env", "--format", "json"], ["--output", "json", "env"]):
            with self.subTest(argv=argv):
                result = subprocess.run([BIN, *argv, "--data-dir", self.engine.data_dir], capture_output=True,
                                        text=True, timeout=60)
                self.assertEqual(result.returncode, 0, result)
                self.assertEqual(json.loads(result.stdout), expected)
        self.assertEqual(self.engine.env(), {k: v for k, v in expected.items() if k != "STREAMFORM_ENDPOINT_URL"})
        fish = subprocess.run([BIN, "env", "--format", "fish", "--data-dir", self.engine.data_dir],
                              capture_output=True, text=True, timeout=60).stdout
        self.assertIn(f"set -gx AWS_SECRET_ACCESS_KEY '{secret}'\n", fish)
        self.assertIn("set -e AWS_SESSION_TOKEN\n", fish)

    def test_quoting_survives_any_value(self):
        # A hand-made credentials file with everything a shell might interpret.
        data = tempfile.mkdtemp(prefix="sf-env-")
        self.addCleanup(subprocess.run, ["rm", "-rf", data])
        secret = "a+b/c'd\"e$(touch pwned)`id`\\f $HOME;*"
        path = os.path.join(data, "credentials.json")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({"accessKeyId": "SFKA'x", "secretAccessKey": secret, "region": "us-east-1"}, f)
        result = self.shell('cd "$DATA"\neval "$("$SF" env --data-dir "$DATA")"\n'
                            'printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"', {"DATA": data})
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(result.stdout.splitlines(), ["SFKA'x", secret])
        self.assertFalse(os.path.exists(os.path.join(data, "pwned")))
        self.assertIn("is not running", result.stderr)

    def test_engine_not_running(self):
        data = tempfile.mkdtemp(prefix="sf-env-")
        self.addCleanup(subprocess.run, ["rm", "-rf", data])
        missing = subprocess.run([BIN, "env", "--data-dir", data], capture_output=True, text=True, timeout=60)
        self.assertEqual(missing.returncode, 1, missing)
        self.assertEqual(missing.stdout, "")
        self.assertIn(f"no engine credentials in {data}/credentials.json: start the engine first "
                      f"(`streamform engine start --data-dir {data}`)", missing.stderr)
        engine = start_engine(self, data_dir=data)
        engine.stop()  # a clean stop removes engine.json: the default endpoint is printed
        stopped = subprocess.run([BIN, "--output", "json", "env", "--data-dir", data], capture_output=True,
                                 text=True, timeout=60)
        self.assertEqual(stopped.returncode, 0, stopped)
        self.assertEqual(json.loads(stopped.stdout)["AWS_ACCESS_KEY_ID"], engine.credentials[0])
        self.assertEqual(json.loads(stopped.stdout)["AWS_ENDPOINT_URL"], "http://127.0.0.1:4560")
        self.assertIn("is not running", stopped.stderr)
        given = subprocess.run([BIN, "env", "--format", "json", "--data-dir", data, "--endpoint", "127.0.0.1:9999/"],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(json.loads(given.stdout)["STREAMFORM_ENDPOINT_URL"], "http://127.0.0.1:9999")

    def test_aws_endpoint_url_alone(self):
        # AWS_ENDPOINT_URL alone, no endpoint flag or option: what SDKs that read it (JS v3, AWS CLI
        # >= 2.13, botocore >= 1.31) do after the eval. Debian 12's CLI 2.9 and botocore 1.29 do
        # not read it (hence STREAMFORM_ENDPOINT_URL); the pinned JS SDK in node/ does.
        node_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
        installed = subprocess.run([os.path.join(node_dir, "install.sh")], capture_output=True, text=True,
                                   timeout=600)
        self.assertEqual(installed.returncode, 0, installed)
        script = ("const {KinesisClient, ListStreamsCommand} = require('@aws-sdk/client-kinesis');\n"
                  "const {NodeHttpHandler} = require('@smithy/node-http-handler');\n"
                  "new KinesisClient({requestHandler: new NodeHttpHandler()})"
                  ".send(new ListStreamsCommand({}))"
                  ".then(r => console.log(JSON.stringify(r.StreamNames)))"
                  ".catch(e => { console.error(e.name + ': ' + e.message); process.exit(1); });")
        result = self.shell('eval "$("$SF" env --data-dir "$DATA")"\n'
                            f'cd {shlex.quote(node_dir)}\nnode -e {shlex.quote(script)}',
                            {"AWS_ACCESS_KEY_ID": "stale", "AWS_REGION": "eu-west-1"})
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(json.loads(result.stdout), [])

if __name__ == "__main__":
    unittest.main()
