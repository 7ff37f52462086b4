"""Helpers shared by the S3 client tests (test_s3_awscli, test_s3_boto3, test_s3_bad_input).

    raw = S3Raw(engine)                       # raw HTTP, signed as S3 signs (S3SigV4Auth)
    r = raw.request("PUT", "bucket", "a key", body=b"x", headers={...})
    r.status, r.headers["etag"], r.body, r.error   # r.error: the <Error> document as a dict
    assert_s3_error(case, r, "NoSuchKey", 404)  # a parseable S3 error with Code/Message/RequestId
    metrics(engine)                            # /metrics (unsigned) as {(name, labels): value}
    with localhost_subdomains(): ...           # bucket.localhost -> 127.0.0.1 in this process

Why not engine_fixture's sign(): it signs as non-S3 services do (botocore's SigV4Auth), which
normalises the path ("a/../b" -> "b") and percent-encodes it a second time. S3 signs the path
as sent (S3SigV4Auth), which keys such as "../x" or "a%2Fb" need. The credentials, region and
endpoint are still the fixture's (engine.credentials, engine.region, engine.port).
"""
import contextlib
import datetime
import functools
import hashlib
import hmac
import http.client
import re
import socket
import threading
import urllib.parse
import xml.etree.ElementTree as ElementTree

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
MiB = 1024 * 1024


def uri_encode(text, keep_slash=True):
    """SigV4's UriEncode: every byte outside A-Z a-z 0-9 - . _ ~ as %XX (UTF-8)."""
    return urllib.parse.quote(text, safe="/~" if keep_slash else "~")


def query_string(query):
    """A raw query string from a dict or a list of pairs; a value of None gives a bare name."""
    if not query:
        return ""
    if isinstance(query, str):
        return query
    pairs = query.items() if isinstance(query, dict) else query
    parts = []
    for name, value in pairs:
        parts.append(uri_encode(name, False) if value is None
                     else f"{uri_encode(name, False)}={uri_encode(str(value), False)}")
    return "&".join(parts)


def target(bucket="", key="", query=None):
    """The request target "/bucket/key?query" with the key percent-encoded once (slashes kept)."""
    path = "/" + uri_encode(bucket) if bucket else "/"
    if key:
        path += "/" + uri_encode(key)
    qs = query_string(query)
    return path + ("?" + qs if qs else "")


@functools.lru_cache(maxsize=None)
def _s3_signer():
    from botocore.auth import S3SigV4Auth

    class Signer(S3SigV4Auth):
        """S3SigV4Auth at a chosen time, with an optional x-amz-content-sha256 of our choosing
        (a streaming payload marker, or a wrong hash)."""
        when = None
        content_sha256 = None

        def payload(self, request):
            if self.content_sha256 is not None:
                return self.content_sha256
            return super().payload(request)

        def add_auth(self, request):
            when = self.when or datetime.datetime.utcnow()
            request.context["timestamp"] = when.strftime(SIGV4_TIMESTAMP)
            self._modify_request_before_signing(request)
            canonical_request = self.canonical_request(request)
            string_to_sign = self.string_to_sign(request, canonical_request)
            self._inject_signature_to_request(request, self.signature(string_to_sign, request))

    return Signer


def sign_s3(engine, method, request_target, body=b"", headers=None, credentials=None, when=None,
            content_sha256=None, host=None, region=None):
    """The headers of an S3 SigV4-signed request (Host, X-Amz-Date, X-Amz-Content-SHA256,
    Authorization added to `headers`). The target is signed exactly as given."""
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    all_headers = {"Host": host or f"127.0.0.1:{engine.port}"}
    all_headers.update(headers or {})
    request = AWSRequest(method=method, url=f"http://127.0.0.1:{engine.port}{request_target}",
                         data=body if isinstance(body, (bytes, bytearray)) else b"", headers=all_headers)
    signer = _s3_signer()(Credentials(*(credentials or engine.credentials)), "s3", region or engine.region)
    signer.when = when
    signer.content_sha256 = content_sha256
    signer.add_auth(request)
    return dict(request.headers.items())


def signature_of(headers):
    """The Signature=... of a signed request's Authorization header."""
    return re.search(r"Signature=([0-9a-f]{64})", headers["Authorization"]).group(1)


def signing_key(secret, date, region, service="s3"):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def chunk_signatures(secret, region, amz_date, seed_signature, chunks):
    """The chunk signatures of an aws-chunked STREAMING-AWS4-HMAC-SHA256-PAYLOAD body (AWS:
    "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
    Chunks"): for each chunk (the last one empty) HMAC(kSigning, "AWS4-HMAC-SHA256-PAYLOAD\\n" +
    date + "\\n" + scope + "\\n" + previous signature + "\\n" + SHA256("") + "\\n" + SHA256(data)),
    the first previous signature being the seed (the request's own)."""
    date = amz_date[:8]
    scope = f"{date}/{region}/s3/aws4_request"
    key = signing_key(secret, date, region)
    previous, signatures = seed_signature, []
    for data in chunks:
        string_to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_SHA256,
                                    hashlib.sha256(data).hexdigest()])
        previous = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        signatures.append(previous)
    return signatures


def trailer_signature(secret, region, amz_date, final_signature, trailers):
    """The x-amz-trailer-signature of STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (AWS:
    "Signature Calculations for the Authorization Header: Including Trailing Headers"):
    HMAC(kSigning, "AWS4-HMAC-SHA256-TRAILER\\n" + date + "\\n" + scope + "\\n" + the final
    chunk's signature + "\\n" + SHA256 of the trailers as "name:value\\n" lines)."""
    date = amz_date[:8]
    scope = f"{date}/{region}/s3/aws4_request"
    canonical = "".join(f"{name.lower()}:{value.strip()}\n" for name, value in sorted(trailers))
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, final_signature,
                                hashlib.sha256(canonical.encode()).hexdigest()])
    return hmac.new(signing_key(secret, date, region), string_to_sign.encode(), hashlib.sha256).hexdigest()


def split_chunks(data, chunk_size):
    """`data` in chunks of chunk_size, then the final empty chunk."""
    return [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]


def encode_chunks(chunks, signatures):
    return b"".join(f"{len(data):x};chunk-signature={sig}\r\n".encode() + data + b"\r\n"
                    for data, sig in zip(chunks, signatures))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body

    @property
    def error(self):
        return parse_error(self.body)

    def __repr__(self):
        return f"HTTP {self.status} {self.headers}\n{self.body[:3000]!r}"


def parse_error(body):
    """The <Error> document of an S3 error as {element: text}, or None when it is not one."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    if root.tag != "Error":
        return None
    return {child.tag: child.text or "" for child in root}


def assert_s3_error(case, response, code, status, head=False):
    """`response` (a Response) is the S3 error `code` with HTTP `status`: a parseable <Error>
    with Code, Message and RequestId, the RequestId also in x-amz-request-id. HEAD: no body."""
    case.assertEqual(response.status, status, response)
    if head:
        case.assertEqual(response.body, b"", response)
        case.assertIn("x-amz-request-id", response.headers, response)
        return None
    error = response.error
    case.assertIsNotNone(error, f"not an S3 <Error> document: {response!r}")
    case.assertEqual(error.get("Code"), code, response)
    case.assertTrue(error.get("Message"), f"no Message: {response!r}")
    case.assertTrue(error.get("RequestId"), f"no RequestId: {response!r}")
    if "x-amz-request-id" in response.headers:
        case.assertEqual(response.headers["x-amz-request-id"], error["RequestId"], response)
    return error


class S3Raw:
    """Raw HTTP to an engine's S3 API, each request on a fresh connection."""

    def __init__(self, engine):
        self.engine = engine

    def send(self, method, request_target, body=b"", headers=None, timeout=15):
        conn = http.client.HTTPConnection("127.0.0.1", self.engine.port, timeout=timeout)
        try:
            conn.putrequest(method, request_target, skip_host=True, skip_accept_encoding=True)
            all_headers = dict(headers or {})
            if "Host" not in all_headers and "host" not in all_headers:
                all_headers["Host"] = f"127.0.0.1:{self.engine.port}"
            if body is not None and not any(k.lower() == "content-length" for k in all_headers):
                if body or method in ("PUT", "POST"):
                    all_headers["Content-Length"] = str(len(body))
            for name, value in all_headers.items():
                conn.putheader(name, value)
            conn.endheaders(body if body else None)
            response = conn.getresponse()
            data = response.read()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def request(self, method, bucket="", key="", query=None, body=b"", headers=None, signed=True, timeout=15,
                **signing):
        """`signing`: credentials=, when=, content_sha256=, host=, region= as for sign_s3()."""
        request_target = target(bucket, key, query)
        if signed:
            headers = sign_s3(self.engine, method, request_target, body, headers, **signing)
        return self.send(method, request_target, body, headers, timeout)

    def ok(self, case, method, bucket="", key="", expect=200, **kwargs):
        response = self.request(method, bucket, key, **kwargs)
        case.assertEqual(response.status, expect, response)
        return response

    def list_keys(self, case, bucket, prefix=""):
        response = self.ok(case, "GET", bucket, query=[("list-type", "2"), ("prefix", prefix)])
        root = ElementTree.fromstring(response.body)
        return [e.text for e in root.iter(S3_NS + "Key")]


_METRIC = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def metrics(engine):
    """GET /metrics (unsigned) as {(name, frozenset of label pairs): float}."""
    status, _, body = engine.request("GET", "/metrics")
    if status != 200:
        raise AssertionError(f"/metrics answered {status}: {body[:500]!r}")
    values = {}
    for line in body.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        match = _METRIC.match(line)
        if match:
            labels = frozenset(_LABEL.findall(match.group(2) or ""))
            values[(match.group(1), labels)] = float(match.group(3))
    return values


def metric(values, name, **labels):
    return values.get((name, frozenset(labels.items())), 0.0)


def localhost_subdomains_resolve():
    try:
        return any(info[4][0] == "127.0.0.1" for info in socket.getaddrinfo("sf-probe.localhost", 80))
    except OSError:
        return False


@contextlib.contextmanager
def localhost_subdomains(record=None):
    """Makes `<anything>.localhost` resolve to 127.0.0.1 in this process (socket.getaddrinfo is
    patched; urllib3 resolves through it), whatever the machine's resolver says. The Host header
    that goes out is untouched. Host names looked up are appended to `record` if given."""
    real = socket.getaddrinfo
    lock = threading.Lock()

    def patched(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if isinstance(host, str) and (host == "localhost" or host.endswith(".localhost")):
            if record is not None:
                with lock:
                    record.append(host)
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = patched
    try:
        yield
    finally:
        socket.getaddrinfo = real


@contextlib.contextmanager
def recorded_host_headers(record):
    """Appends the value of every Host header http.client sends (urllib3 and botocore go through
    it) to `record` while active."""
    real = http.client.HTTPConnection.putheader

    def putheader(self, header, *values):
        name = header.decode() if isinstance(header, bytes) else header
        if name.lower() == "host":
            record.append(b"".join(v if isinstance(v, bytes) else str(v).encode() for v in values).decode())
        return real(self, header, *values)

    http.client.HTTPConnection.putheader = putheader
    try:
        yield
    finally:
        http.client.HTTPConnection.putheader = real


def md5_etag(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


def multipart_etag(data, part_size):
    digests = b"".join(hashlib.md5(data[i:i + part_size]).digest() for i in range(0, len(data), part_size))
    count = (len(data) + part_size - 1) // part_size
    return f'"{hashlib.md5(digests).hexdigest()}-{count}"'


def random_bytes(size, seed):
    import random
    return random.Random(seed).randbytes(size)
