"""A streamform engine for client tests: started in a temporary directory on a free loopback
port, reachable by boto3, the AWS CLI v2 and raw HTTP, stopped (and checked to exit 0) at the
end, and never leaked.

    engine = Engine("--virtual-clock")      # extra `streamform engine run` options
    engine.start()                          # waits for engine.json and GET /health
    kinesis = engine.client()               # boto3, region us-east-1, the engine's credentials
    result = engine.aws("kinesis", "list-streams")  # /usr/bin/aws (CLI v2), JSON output
    engine.kinesis("ListStreams", {})       # raw HTTP, SigV4-signed (signed=False: unsigned)
    engine.env()                            # AWS_ACCESS_KEY_ID, ... AWS_ENDPOINT_URL for subprocesses
    role = engine.create_role("fn-role", {"all": ALLOW_ALL})  # an IAM role Lambda may assume
    keys = engine.assume_role(role); engine.client("s3", credentials=keys)  # signed as the role
    engine.kill(); engine.start()           # SIGKILL, then the same data dir and port
    engine.close()                          # SIGTERM, exit code 0 checked, temp dir removed

The engine requires SigV4 on every Kinesis call and on /_streamform/*: the fixture reads the
credentials the engine created (<data dir>/credentials.json) and signs with them. `sign()` gives
the headers of a signed request for raw HTTP and sockets; `credentials=` and `when=` sign with
other keys or at another time, to be refused. An engine on --virtual-clock checks the request
time against its own clock, so for such engines the fixture signs at the engine's time (boto3
clients included); the AWS CLI (a subprocess) signs at the real time, so on a virtual-clock
engine it works only while that clock is within 15 minutes of the real one.

In a unittest.TestCase use `start_engine(self, ...)` (or `start_engine(cls, ...)` from
setUpClass), which registers the cleanup so that the engine stops even when the test fails.
Every engine process also gets PR_SET_PDEATHSIG=SIGKILL, and an atexit hook kills whatever is
still running, so not even a killed test runner leaks engines. (PDEATHSIG fires when the
*thread* that started the engine ends: start engines from the main thread only.)

STREAMFORM_BIN names the binary under test (default: build/src/streamform of this checkout).
All traffic goes to 127.0.0.1.
"""
import atexit
import collections
import base64
import ctypes
import datetime
import functools
import http.client
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("STREAMFORM_BIN") or str(ROOT / "build" / "src" / "streamform")
AWS_CLI = "/usr/bin/aws"  # Debian's AWS CLI v2, not a pyenv shim of CLI v1 that may be first on PATH
REGION = "us-east-1"
ACCOUNT = "000000000000"
TARGET_PREFIX = "Kinesis_20131202."
START_TIMEOUT = 20.0
STOP_TIMEOUT = 30.0

# boto3 reads these too: no config or credentials file of the machine may change what the
# tests send, and nothing may go through a proxy or ask an instance-metadata service. No
# credentials either: every client gets an engine's own (and `streamform put`/`tail`, run as
# subprocesses, must find them themselves unless a test passes engine.env()).
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
              "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
              "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "STREAMFORM_ENDPOINT",
              "STREAMFORM_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update({
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_DEFAULT_REGION": REGION,
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
})

SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"


def read_credentials(data_dir):
    """The engine's credentials file: {"accessKeyId", "secretAccessKey", "region"}."""
    with open(os.path.join(data_dir, "credentials.json")) as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def _signers():
    """botocore's SigV4 signers, made to sign at a chosen time (botocore 1.29 always takes now)."""
    from botocore.auth import SigV4Auth, SigV4QueryAuth
    from botocore.exceptions import NoCredentialsError

    class AtTime:
        now = None  # a callable returning a naive UTC datetime; None: the real time

        def add_auth(self, request):  # SigV4Auth.add_auth with the time taken from self.now
            if self.credentials is None:
                raise NoCredentialsError()
            when = self.now() if self.now is not None else datetime.datetime.utcnow()
            request.context["timestamp"] = when.strftime(SIGV4_TIMESTAMP)
            self._modify_request_before_signing(request)
            canonical_request = self.canonical_request(request)
            string_to_sign = self.string_to_sign(request, canonical_request)
            self._inject_signature_to_request(request, self.signature(string_to_sign, request))

    class HeaderSigner(AtTime, SigV4Auth):
        pass

    class QuerySigner(AtTime, SigV4QueryAuth):
        """Presigns a JSON-protocol request: the body stays the body (botocore would move it into
        the query string, as for query-protocol services) and its SHA-256 is signed."""

        def _modify_request_before_signing(self, request):
            body, request.data = request.data, b""
            super()._modify_request_before_signing(request)
            request.data = body

    return HeaderSigner, QuerySigner


def http_head(method, target, headers):
    """The bytes of a request line and header block, for tests that write raw sockets."""
    lines = [f"{method} {target} HTTP/1.1"] + [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


_live = set()  # Popen objects of engines that may still run
_live_lock = threading.Lock()


def _kill_all():
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass


atexit.register(_kill_all)

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class EngineError(AssertionError):
    pass


class CliResult:
    def __init__(self, args, completed, elapsed):
        self.args = args
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.elapsed = elapsed

    @property
    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else None

    def __repr__(self):
        return (f"aws {' '.join(self.args)} -> exit {self.returncode}\n"
                f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}")


class Engine:
    def __init__(self, *options, data_dir=None):
        self.options = list(options)
        self.tmp = tempfile.mkdtemp(prefix="sf-clients-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.home = os.path.join(self.tmp, "home")  # HOME of the AWS CLI: no ~/.aws of the machine
        os.makedirs(self.home, exist_ok=True)
        self.port = 0  # fixed after the first start, so restarts keep it
        self.proc = None
        self.runs = 0
        self.log_path = None
        self.exit_codes = []
        self._credentials = None  # the credentials file, once read
        self.clock_ms = None  # with --virtual-clock: the engine's time, which only we move

    # --- process control -------------------------------------------------------------------

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=START_TIMEOUT):
        if self.running:
            raise EngineError("the engine is already running")
        self.runs += 1
        self.log_path = os.path.join(self.tmp, f"engine-{self.runs}.log")
        argv = [BIN, "engine", "run", "--data-dir", self.data_dir, "--port", str(self.port), *self.options]
        deadline = time.monotonic() + timeout
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         preexec_fn=_die_with_parent)
        with _live_lock:
            _live.add(self.proc)
        state_path = os.path.join(self.data_dir, "engine.json")
        while True:
            code = self.proc.poll()
            if code is not None:
                self._forget()
                raise EngineError(f"the engine exited with {code} while starting:\n{self.log_tail()}")
            state = None
            try:
                with open(state_path) as f:
                    state = json.load(f)
            except (OSError, ValueError):
                pass
            if state and state.get("pid") == self.proc.pid:
                port = int(state["port"])
                if self.port not in (0, port):
                    self.kill()
                    raise EngineError(f"restarted on port {port}, not {self.port}")
                self.port = port
                try:
                    status, _, body = self.request("GET", "/health", timeout=2)
                    if status == 200:
                        health = json.loads(body)
                        self._credentials = read_credentials(self.data_dir)
                        self.clock_ms = health["nowMs"] if health.get("clock") == "virtual" else None
                        return health
                except OSError:
                    pass
            if time.monotonic() > deadline:
                self.kill()
                raise EngineError(f"the engine did not answer /health within {timeout} s:\n{self.log_tail()}")
            time.sleep(0.02)

    def _forget(self):
        with _live_lock:
            _live.discard(self.proc)

    def stop(self, timeout=STOP_TIMEOUT, sig=signal.SIGTERM):
        """SIGTERM (or `sig`), wait; returns the exit code (raises unless it is 0)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._forget()
                raise EngineError(f"the engine did not stop within {timeout} s of {sig!r}:\n{self.log_tail()}")
        code = self.proc.returncode
        self._forget()
        self.exit_codes.append(code)
        if code != 0:
            raise EngineError(f"the engine exited with {code} after {sig!r}:\n{self.log_tail()}")
        return code

    def kill(self):
        """SIGKILL, wait."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc is not None:
            self._forget()

    def restart(self, hard=True):
        """Kills (SIGKILL, or SIGTERM when hard=False) and starts again: same data dir and port."""
        if hard:
            self.kill()
        else:
            self.stop()
        return self.start()

    def close(self):
        """Stops the engine (checking exit 0) and removes the temporary directory."""
        try:
            if self.running:
                self.stop()
        finally:
            self.kill()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def log(self):
        try:
            return pathlib.Path(self.log_path).read_text(errors="replace") if self.log_path else ""
        except OSError:
            return ""

    def log_tail(self, lines=30):
        return "\n".join(self.log().splitlines()[-lines:])

    # --- credentials and signing ------------------------------------------------------------

    @property
    def credentials(self):
        """(access key id, secret access key) of this engine, from its credentials.json."""
        if self._credentials is None:
            self._credentials = read_credentials(self.data_dir)
        return self._credentials["accessKeyId"], self._credentials["secretAccessKey"]

    @property
    def region(self):
        if self._credentials is None:
            self._credentials = read_credentials(self.data_dir)
        return self._credentials["region"]

    def env(self):
        """Environment variables that point an SDK, the AWS CLI or `streamform put` at this engine."""
        access, secret = self.credentials
        return {"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region, "AWS_ENDPOINT_URL": self.endpoint}

    def signing_time(self):
        """The time requests are signed at (naive UTC): the machine's, as SDKs do. The engine checks
        signatures against the real clock even when its streams run on a virtual one."""
        return datetime.datetime.utcnow()

    def _aws_request(self, method, path, body, headers, host):
        from botocore.awsrequest import AWSRequest
        all_headers = {"Host": host or f"127.0.0.1:{self.port}"}
        all_headers.update(headers or {})
        return AWSRequest(method=method, url=f"http://127.0.0.1:{self.port}{path}", data=body or b"",
                          headers=all_headers)

    def sign(self, method, path, body=b"", headers=None, service="kinesis", credentials=None, when=None,
             host=None, region=None):
        """The headers of a SigV4-signed request: `headers` plus Host, X-Amz-Date and Authorization.
        `credentials` (access, secret) and `when` (a naive UTC datetime) default to the engine's."""
        from botocore.credentials import Credentials
        header_signer, _ = _signers()
        request = self._aws_request(method, path, body, headers, host)
        signer = header_signer(Credentials(*(credentials or self.credentials)), service, region or self.region)
        signer.now = (lambda: when) if when is not None else self.signing_time
        signer.add_auth(request)
        return dict(request.headers.items())

    def presign(self, method, path, body=b"", headers=None, service="kinesis", expires=300, credentials=None,
                when=None):
        """A presigned request: (path with the X-Amz-* query, the headers to send with it)."""
        from botocore.credentials import Credentials
        _, query_signer = _signers()
        request = self._aws_request(method, path, body, headers, None)
        signer = query_signer(Credentials(*(credentials or self.credentials)), service, self.region, expires)
        signer.now = (lambda: when) if when is not None else self.signing_time
        signer.add_auth(request)
        url = request.url
        return url[url.index("/", len("http://")):], dict(request.headers.items())

    # --- raw HTTP ----------------------------------------------------------------------------

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10, service=None, **signing):
        """One request on a fresh connection: (status, headers as a lower-cased dict, body bytes).
        Sent as given unless `service` is named ("kinesis", "streamform"): then SigV4-signed for it
        (`signing`: credentials=, when=, host= as for sign())."""
        if service is not None:
            headers = self.sign(method, path, body or b"", headers, service=service, **signing)
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def kinesis(self, operation, payload=None, raw=None, headers=None, timeout=10, signed=True, **signing):
        """A Kinesis JSON 1.1 call without any SDK: (status, parsed JSON body or None). Signed with
        the engine's credentials unless signed=False (`signing`: credentials=, when=, as for sign())."""
        body = raw if raw is not None else json.dumps(payload if payload is not None else {}).encode()
        all_headers = {"X-Amz-Target": TARGET_PREFIX + operation,
                       "Content-Type": "application/x-amz-json-1.1"}
        all_headers.update(headers or {})
        status, _, data = self.request("POST", "/", body, all_headers, timeout,
                                       service="kinesis" if signed else None, **signing)
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = {"__raw": data.decode(errors="replace")}
        return status, parsed

    def control(self, path, payload, **signing):
        """A signed call to the engine's own API (/_streamform/...): (status, body bytes)."""
        status, _, body = self.request("POST", path, json.dumps(payload).encode(),
                                       {"Content-Type": "application/json"}, service="streamform", **signing)
        return status, body

    def health(self, timeout=5):
        status, _, body = self.request("GET", "/health", timeout=timeout)
        return status, (json.loads(body) if status == 200 else None)

    def advance_clock(self, ms):
        """Moves the virtual clock (engine started with --virtual-clock); returns the new now in ms."""
        status, body = self.control("/_streamform/clock", {"advanceMs": int(ms)})
        if status != 200:
            raise EngineError(f"advancing the clock failed: {status} {body!r}")
        self.clock_ms = json.loads(body)["nowMs"]
        return self.clock_ms

    def now_ms(self):
        return self.health()[1]["nowMs"]

    def set_throttling(self, stream, enabled):
        status, body = self.control("/_streamform/throttling", {"stream": stream, "enabled": enabled})
        if status != 200:
            raise EngineError(f"setting throttling failed: {status} {body!r}")

    # --- SDK and CLI ---------------------------------------------------------------------------

    def client(self, service="kinesis", retries=0, read_timeout=30, credentials=None, **config):
        """A boto3 client against this engine, with its credentials (or `credentials`: (access, secret)
        or, for a role session, (access, secret, session token)). Retries are off by default so that
        no error hides."""
        import boto3
        from botocore.config import Config
        access, secret, *token = credentials or self.credentials
        session = boto3.session.Session(aws_access_key_id=access, aws_secret_access_key=secret,
                                        aws_session_token=token[0] if token else None,
                                        region_name=self.region)
        client = session.client(service, endpoint_url=self.endpoint,
                                config=Config(retries={"total_max_attempts": retries + 1, "mode": "standard"},
                                              connect_timeout=5, read_timeout=read_timeout, **config))
        return client

    def aws(self, *args, timeout=60, input=None, env=None):
        """Runs Debian's AWS CLI v2 against this engine, with its credentials (`env` adds or
        overrides variables). Returns a CliResult (never raises on exit)."""
        access, secret = self.credentials
        variables = {
            "PATH": "/usr/bin:/bin",
            "HOME": self.home,
            "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": access,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_PAGER": "",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_CLI_AUTO_PROMPT": "off",
            "NO_PROXY": "127.0.0.1,localhost",
            **(env or {}),
        }
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "--region", self.region, "--output", "json", *args]
        started = time.monotonic()
        completed = subprocess.run(argv, env=variables, capture_output=True, text=True, timeout=timeout, input=input,
                                   stdin=None if input is not None else subprocess.DEVNULL)
        return CliResult(list(args), completed, time.monotonic() - started)


    # --- IAM ------------------------------------------------------------------------------------

    def create_role(self, name, policies=None, managed=(), trust=None, path="/"):
        """Creates an IAM role (by default one Lambda may assume: the engine refuses functions
        whose role it cannot assume), with inline `policies` ({policy name: document dict}) and the
        `managed` policy ARNs attached. Returns the role's ARN."""
        iam = self.client("iam")
        try:
            arn = iam.create_role(RoleName=name, Path=path,
                                  AssumeRolePolicyDocument=json.dumps(trust or LAMBDA_TRUST))["Role"]["Arn"]
            for policy, document in (policies or {}).items():
                iam.put_role_policy(RoleName=name, PolicyName=policy, PolicyDocument=json.dumps(document))
            for policy_arn in managed:
                iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
            return arn
        finally:
            iam.close()

    def create_delivery_role(self, name="delivery", policy=None):
        """A role Firehose may assume that may write what `policy` allows (by default, into any
        of the engine's buckets); an existing one is kept. Returns its ARN."""
        iam = self.client("iam")
        try:
            return iam.get_role(RoleName=name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            return self.create_role(name, {"write": policy or WRITE_ANY_BUCKET}, trust=FIREHOSE_TRUST)
        finally:
            iam.close()

    def assume_role(self, role_arn, session="tester"):
        """sts:AssumeRole with the engine's credentials: the session's (access, secret, token), for
        `client(credentials=...)`."""
        sts = self.client("sts")
        try:
            c = sts.assume_role(RoleArn=role_arn, RoleSessionName=session)["Credentials"]
            return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]
        finally:
            sts.close()


# A trust policy that lets Lambda assume a role.
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# What Firehose needs of a delivery stream's role: to assume it (as the reference project's
# DeliveryRole lets it, with the account as sts:ExternalId) and to write the bucket's objects.
FIREHOSE_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"sts:ExternalId": "000000000000"}}}]}
WRITE_ANY_BUCKET = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketLocation"],
     "Resource": "*"}]}
# A permissions policy that allows everything (for functions whose tests are not about IAM).
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def start_engine(case, *options, data_dir=None):
    """Starts an engine for a TestCase (instance or class) and registers its cleanup there."""
    engine = Engine(*options, data_dir=data_dir)
    if isinstance(case, type):
        case.addClassCleanup(engine.close)
    else:
        case.addCleanup(engine.close)
    engine.start()
    return engine


# --- helpers shared by the tests --------------------------------------------------------------

def make_zip(files):
    """A deployment package: {name: content} (mode 0644) or {name: (content, mode)}."""
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, entry in files.items():
            content, mode = entry if isinstance(entry, tuple) else (entry, 0o644)
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()


def wait_active(client, stream, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        summary = client.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
        if summary["StreamStatus"] == "ACTIVE":
            return summary
        if time.monotonic() > deadline:
            raise AssertionError(f"stream {stream} not ACTIVE after {timeout} s: {summary['StreamStatus']}")
        time.sleep(0.05)


def all_shards(client, stream):
    shards, token = [], None
    for _ in range(100):
        response = client.list_shards(NextToken=token) if token else client.list_shards(StreamName=stream)
        shards.extend(response["Shards"])
        token = response.get("NextToken")
        if not token:
            return shards
    raise AssertionError("list_shards did not finish in 100 pages")


def read_shard(client, stream, shard_id, iterator_type="TRIM_HORIZON", max_calls=1000, deadline_s=60.0,
               stop_when_empty=True, **iterator_args):
    """Reads one shard with GetRecords from the given position.

    Returns (records, child_shards, closed): closed is True when the shard ended (NextShardIterator
    null). For an open shard it stops at the first empty response with MillisBehindLatest 0.
    Bounded by max_calls and deadline_s."""
    iterator = client.get_shard_iterator(StreamName=stream, ShardId=shard_id, ShardIteratorType=iterator_type,
                                         **iterator_args)["ShardIterator"]
    records = []
    deadline = time.monotonic() + deadline_s
    for _ in range(max_calls):
        response = client.get_records(ShardIterator=iterator, Limit=10000)
        records.extend(response["Records"])
        next_iterator = response.get("NextShardIterator")
        if next_iterator is None:
            return records, response.get("ChildShards", []), True
        if stop_when_empty and not response["Records"] and response.get("MillisBehindLatest", 0) == 0:
            return records, response.get("ChildShards", []), False
        iterator = next_iterator
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"reading {stream}/{shard_id} did not finish within {max_calls} calls / {deadline_s} s")


def read_stream_in_lineage_order(client, stream):
    """Reads every shard from TRIM_HORIZON, each only after all its parents were read to their end
    (as KCL does). Returns (order, records by shard id, child shards reported per shard)."""
    shards = {s["ShardId"]: s for s in all_shards(client, stream)}
    done, order, records, reported = set(), [], {}, {}
    for _ in range(len(shards) + 1):
        ready = [sid for sid, s in sorted(shards.items()) if sid not in done and all(
            p in done or p not in shards for p in (s.get("ParentShardId"), s.get("AdjacentParentShardId")) if p)]
        if not ready:
            break
        for sid in ready:
            got, children, closed = read_shard(client, stream, sid)
            closed_expected = "EndingSequenceNumber" in shards[sid]["SequenceNumberRange"]
            if closed != closed_expected:
                raise AssertionError(f"{sid}: reading ended with closed={closed}, but ListShards says "
                                     f"closed={closed_expected}")
            records[sid] = got
            reported[sid] = children
            order.append(sid)
            done.add(sid)
    if len(done) != len(shards):
        raise AssertionError(f"some shards were never ready to read: {sorted(set(shards) - done)}")
    return order, records, reported


class Ledger:
    """What producers sent and what the engine acknowledged, for checking a stream afterwards with
    verify(). Each producer thread sends put_records batches of BATCH records over its own keys,
    one batch at a time, until `stop` is set, the deadline passes, or a call fails."""

    BATCH = 40
    KEYS_PER_PRODUCER = 8

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()
        self.sent = {}   # data -> partition key, for every record ever sent
        self.acked = {}  # data -> (partition key, shard id, sequence number)
        self.failures = collections.Counter()  # how put_records calls ended badly
        self.slowest = 0.0  # the longest put_records call that succeeded, in seconds

    def producer(self, engine, pid, cycle, stop, deadline):
        client = engine.client(read_timeout=10)
        rng = random.Random(pid * 1000 + cycle)
        try:
            for batch_no in range(100_000):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                batch = []
                for i in range(self.BATCH):
                    key = f"p{pid}-k{(batch_no + i) % self.KEYS_PER_PRODUCER}"
                    # Position (cycle, batch, i) first, so that per key the data sorts in send order,
                    # then random bytes of random length, so that corruption cannot go unnoticed.
                    data = (f"{cycle:02d}-{batch_no:06d}-{i:03d}|".encode()
                            + rng.randbytes(rng.randrange(1, 600)))
                    batch.append((key, data))
                with self.lock:
                    for key, data in batch:
                        self.sent[data] = key
                try:
                    started = time.monotonic()
                    response = client.put_records(StreamName=self.stream, Records=[
                        {"PartitionKey": key, "Data": data} for key, data in batch])
                    self.slowest = max(self.slowest, time.monotonic() - started)
                except Exception as error:  # the engine went away mid-request
                    with self.lock:
                        self.failures[type(error).__name__] += 1
                    return
                with self.lock:
                    for (key, data), result in zip(batch, response["Records"]):
                        if "ErrorCode" in result:
                            self.failures[result["ErrorCode"]] += 1
                        else:
                            self.acked[data] = (key, result["ShardId"], result["SequenceNumber"])
        finally:
            client.close()


def verify(case, engine, ledger, label):
    """Reads the whole stream and checks it against the ledger; returns how many records it holds."""
    client = engine.client()
    try:
        _, records, _ = read_stream_in_lineage_order(client, ledger.stream)
    finally:
        client.close()
    seen = set()
    positions = {}
    per_key = collections.defaultdict(list)
    for sid, shard_records in records.items():
        previous = -1
        for record in shard_records:
            data, key, sequence = record["Data"], record["PartitionKey"], record["SequenceNumber"]
            case.assertIn(data, ledger.sent, f"{label}: {sid} holds a record that was never sent "
                                             f"(corrupted?): {data[:40]!r}")
            case.assertEqual(ledger.sent[data], key, f"{label}: partition key changed for {data[:20]!r}")
            case.assertNotIn(data, seen, f"{label}: record {data[:20]!r} read twice")
            seen.add(data)
            case.assertGreater(int(sequence), previous, f"{label}: {sid} sequence numbers not increasing")
            previous = int(sequence)
            positions[data] = (sid, sequence)
            per_key[key].append(data.split(b"|", 1)[0])
    lost = [data for data in ledger.acked if data not in seen]
    case.assertEqual(lost, [], f"{label}: {len(lost)} of {len(ledger.acked)} acknowledged records are lost, "
                               f"e.g. {[d[:20] for d in lost[:5]]}")
    for data, (key, sid, sequence) in ledger.acked.items():
        case.assertEqual(positions[data], (sid, sequence), f"{label}: {data[:20]!r} moved")
    for key, order in per_key.items():
        case.assertEqual(order, sorted(order), f"{label}: records of {key} out of order")
    return len(seen)
