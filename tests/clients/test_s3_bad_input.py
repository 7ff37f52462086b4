"""The S3 API under hostile or broken raw HTTP (http.client and sockets), signed correctly unless
a test is about signatures: path traversal keys, oversized headers, malformed and hostile XML,
Content-MD5 and x-amz-content-sha256 mismatches, missing/tampered/skewed signatures, clients
that vanish mid-upload, hand-built STREAMING-AWS4-HMAC-SHA256-PAYLOAD (aws-chunked) uploads and
their -TRAILER form, unsupported subresources, and a full disk. Every error must be a parseable S3 <Error> with
Code, Message and RequestId (HEAD: no body), and nothing partial may ever become visible."""
import base64
import datetime
import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ElementTree
import zlib

from engine_fixture import http_head, start_engine
from s3_support import (EMPTY_SHA256, MiB, S3_NS, STREAMING_PAYLOAD, STREAMING_TRAILER, Response, S3Raw,
                        assert_s3_error, chunk_signatures, encode_chunks, md5_etag, random_bytes, sign_s3,
                        signature_of, split_chunks, target, trailer_signature, uri_encode)

# The data dir's own entries; everything S3 stores must be under buckets/<bucket>/.
ENGINE_FILES = re.compile(r"^(engine\.json|credentials\.json|metadata\.db(-wal|-shm|-journal)?|engine\.lock|"
                          r"streams(/.*)?|buckets)$")


def b64md5(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def canonical_s3_path(raw_path):
    """SigV4's canonical URI of an S3 path: each '/'-separated segment decoded, then encoded once
    (so %2E%2E is "..", and %2F stays %2F)."""
    return "/".join(uri_encode(urllib.parse.unquote(segment), keep_slash=False) for segment in raw_path.split("/"))


def all_files(root):
    found = set()
    for directory, dirs, names in os.walk(root):
        for name in dirs + names:
            found.add(os.path.relpath(os.path.join(directory, name), root))
    return found


def read_response(sock, timeout=15):
    """Reads one HTTP response (head + Content-Length body) from a socket: (status, headers, body).
    Interim 1xx responses are skipped."""
    sock.settimeout(timeout)
    data = b""
    while True:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"connection closed before a response: {data!r}")
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if 100 <= status < 200:
            continue
        length = int(headers.get("content-length", "0"))
        while len(data) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return status, headers, data[:length]


class S3BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.raw = S3Raw(cls.engine)
        cls.buckets_dir = os.path.join(cls.engine.data_dir, "buckets")

    # --- helpers ---------------------------------------------------------------------------

    def bucket(self, name):
        self.raw.ok(self, "PUT", name)
        return name

    def put(self, bucket, key, body, headers=None):
        return self.raw.ok(self, "PUT", bucket, key, body=body, headers=headers)

    def keys(self, bucket, prefix=""):
        return self.raw.list_keys(self, bucket, prefix)

    def get(self, bucket, key):
        return self.raw.request("GET", bucket, key)

    def error(self, response, code, status, head=False):
        return assert_s3_error(self, response, code, status, head=head)

    def temp_files(self, bucket):
        objects = os.path.join(self.buckets_dir, bucket, "objects")
        return [n for n in os.listdir(objects) if n.startswith(".tmp")] if os.path.isdir(objects) else []

    def wait_no_temp_files(self, bucket, deadline_s=10):
        """A disconnected upload's temporary file goes when the engine notices the close: poll."""
        deadline = time.monotonic() + deadline_s
        while self.temp_files(bucket) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.temp_files(bucket), [], "a temporary file of an aborted upload was left behind")

    def assert_serves(self):
        self.raw.ok(self, "GET", "")

    def signed_socket_put(self, bucket, key, body_length, extra_headers=None, content_sha256=None):
        """A socket carrying the signed head of a PUT whose body is still to be written."""
        request_target = target(bucket, key)
        headers = {"Content-Length": str(body_length), **(extra_headers or {})}
        signed = sign_s3(self.engine, "PUT", request_target, b"", headers,
                         content_sha256=content_sha256 or "UNSIGNED-PAYLOAD")
        sock = socket.create_connection(("127.0.0.1", self.engine.port), timeout=15)
        sock.sendall(http_head("PUT", request_target, signed))
        return sock

    # --- keys that look like paths ----------------------------------------------------------

    def test_dot_dot_keys_stay_inside_the_bucket(self):
        self.bucket("bad-dots")
        data_dir = self.engine.data_dir
        def outside():  # every file and directory of the data dir that is not inside this bucket
            return {f for f in all_files(data_dir) if f != "buckets/bad-dots" and not f.startswith("buckets/bad-dots/")}

        before = outside()
        marker = f"sf-escape-{os.getpid()}-{time.monotonic_ns()}"
        # (raw path after the bucket, the key S3 must store it as)
        cases = [
            ("../escape-1", "../escape-1"),
            ("../../../../../../tmp/" + marker, "../../../../../../tmp/" + marker),
            ("a/../../escape-2", "a/../../escape-2"),
            ("..%2Fescape-3", "../escape-3"),
            ("..%2F..%2F..%2Fescape-4", "../../../escape-4"),
            ("%2E%2E%2Fescape-5", "../escape-5"),
            ("..", ".."),
            ("./dot", "./dot"),
            ("%2Fabsolute", "/absolute"),
            ("/double-slash", "/double-slash"),
            (".tmp-lookalike", ".tmp-lookalike"),
            ("bucket.obj", "bucket.obj"),
        ]
        for i, (raw_key, key) in enumerate(cases):
            request_target = "/bad-dots/" + raw_key
            signed_path = "/bad-dots/" + canonical_s3_path(raw_key)  # what SigV4 for S3 signs
            body = f"body {i}".encode()
            headers = sign_s3(self.engine, "PUT", signed_path, body)
            response = self.raw.send("PUT", request_target, body, headers)
            self.assertEqual(response.status, 200, f"{raw_key}: {response!r}")
            got = self.raw.send("GET", request_target, b"", sign_s3(self.engine, "GET", signed_path))
            self.assertEqual((got.status, got.body), (200, body), f"{raw_key}: {got!r}")
            # The same key through the canonical encoding.
            self.assertEqual(self.get("bad-dots", key).body, body, key)
        self.assertEqual(sorted(self.keys("bad-dots")), sorted(key for _, key in cases))

        self.assertEqual(outside() - before, set(), "an object was written outside buckets/bad-dots")
        self.assertFalse(os.path.exists(os.path.join("/tmp", marker)), "a key escaped to /tmp")
        escaped = [f for f in all_files(data_dir) if "escape" in f and not f.startswith("buckets/bad-dots/objects/")]
        self.assertEqual(escaped, [])
        stored = os.listdir(os.path.join(self.buckets_dir, "bad-dots", "objects"))
        self.assertEqual(len(stored), len(cases), stored)
        self.assertEqual(sorted(os.listdir(os.path.join(self.buckets_dir, "bad-dots"))),
                         ["bucket.obj", "objects", "uploads"], "keys must not create entries beside objects/")
        # The bucket record is not an object, and a key named like it did not replace it.
        self.raw.ok(self, "HEAD", "bad-dots")

        # Bucket names that try the same are refused and create nothing.
        for raw_bucket in ["..", "..%2F..%2Fescape-bucket", "%2E%2E"]:
            request_target = f"/{raw_bucket}/x"
            response = self.raw.send("PUT", request_target, b"x",
                                     sign_s3(self.engine, "PUT", "/" + canonical_s3_path(f"{raw_bucket}/x"), b"x"))
            self.assertIn(response.status, (400, 404), f"{raw_bucket}: {response!r}")
            self.assertIsNotNone(response.error, response)
            self.assertTrue(response.error.get("Code") and response.error.get("RequestId"), response)
        self.assertEqual(outside() - before, set(), "a refused bucket name left something behind")
        self.assertEqual(self.raw.list_keys(self, "bad-dots"), sorted(key for _, key in cases))

    # --- oversized and malformed requests ----------------------------------------------------

    def test_oversized_header_is_refused_and_the_engine_still_serves(self):
        self.bucket("bad-header")
        request_target = target("bad-header", "k")
        headers = sign_s3(self.engine, "PUT", request_target, b"x", {"X-Amz-Meta-Big": "b" * (20 * 1024)})
        response = self.raw.send("PUT", request_target, b"x", headers)
        self.assertEqual(response.status, 431, response)
        self.assertEqual(self.keys("bad-header"), [])
        self.assert_serves()
        self.put("bad-header", "k", b"small header")
        self.assertEqual(self.get("bad-header", "k").body, b"small header")

    def test_oversized_put_is_refused_before_its_body(self):
        self.bucket("bad-huge")
        for length in (5 * 1024 ** 3 + 1, 5 * 1024 ** 3 + 512 * MiB):
            sock = self.signed_socket_put("bad-huge", "huge", length, {"Expect": "100-continue"})
            with sock:
                status, headers, body = read_response(sock)  # no body byte was sent
            self.error(Response(status, headers, body), "EntityTooLarge", 400)
        self.assertEqual(self.keys("bad-huge"), [])
        self.assert_serves()

    def test_server_refusals_of_s3_requests_are_s3_errors(self):
        # The HTTP server's own refusals of S3 requests (431 for the header, 413 for a
        # Content-Length over its parser's limit) should still be S3 <Error> documents: S3 SDKs
        # parse XML errors only.
        self.bucket("bad-refusals")
        request_target = target("bad-refusals", "k")
        headers = sign_s3(self.engine, "GET", request_target, b"", {"X-Amz-Meta-Big": "b" * (20 * 1024)})
        response = self.raw.send("GET", request_target, b"", headers)
        with self.subTest("431"):
            self.assertEqual(response.status, 431, response)
            self.assertIsNotNone(response.error, f"a refusal of an S3 request that is not an S3 <Error>: {response!r}")
            self.assertTrue(response.error.get("Code") and response.error.get("Message"), response)
        with self.subTest("Content-Length over the parser's limit"):
            sock = self.signed_socket_put("bad-refusals", "huge", 7 * 1024 ** 3, {"Expect": "100-continue"})
            with sock:
                response = Response(*read_response(sock))
            self.assertIn(response.status, (400, 413), response)
            self.assertIsNotNone(response.error, f"a refusal of an S3 request that is not an S3 <Error>: {response!r}")
            self.assertEqual(response.error.get("Code"), "EntityTooLarge", response)
        self.assertEqual(self.keys("bad-refusals"), [])

    def test_malformed_xml_bodies(self):
        self.bucket("bad-xml")
        self.put("bad-xml", "keep", b"keep me")
        upload = ElementTree.fromstring(self.raw.ok(self, "POST", "bad-xml", "mpu", query=[("uploads", None)]).body)
        upload_id = upload.find(S3_NS + "UploadId").text
        part = self.raw.ok(self, "PUT", "bad-xml", "mpu", query={"partNumber": 1, "uploadId": upload_id}, body=b"p1")
        bodies = [
            b"this is not xml",
            b"<Delete><Object><Key>keep</Key></Object>",  # unclosed
            b"<Delete><Object><Key>keep</Key></Object></Delete><Delete/>",  # two roots
            b"<Delete><Object><Key>keep</Key><Key>other</Key></Object></Delete>",  # Key twice
            b"<Delete><Object><Key>keep</Key></Obj></Delete>",  # mismatched tag
            b"<Wrong><Object><Key>keep</Key></Object></Wrong>",  # wrong root
            b"<Delete></Delete>",  # no Object
            b"<Delete><Object></Object></Delete>",  # no Key
            b"<Delete><Object><Key>keep</Key></Object><Quiet>maybe</Quiet></Delete>",  # bad boolean
            b"\xff\xfe<\x00D\x00",  # not UTF-8
            b"",
        ]
        for body in bodies:
            response = self.raw.request("POST", "bad-xml", query=[("delete", None)], body=body,
                                        headers={"Content-MD5": b64md5(body)})
            self.error(response, "MalformedXML", 400)
        self.assertEqual(self.keys("bad-xml"), ["keep"], "a malformed DeleteObjects deleted something")

        etag = part.headers["etag"]
        for body in [b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>",
                     b"<CompleteMultipartUpload><Part><ETag>" + etag.encode() + b"</ETag></Part></CompleteMultipartUpload>",
                     b"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part>"
                     b"</CompleteMultipartUpload>",
                     b"<CompleteMultipartUpload></CompleteMultipartUpload>",
                     b"garbage"]:
            response = self.raw.request("POST", "bad-xml", "mpu", query={"uploadId": upload_id}, body=body)
            self.error(response, "MalformedXML", 400)
        self.assertNotIn("mpu", self.keys("bad-xml"))
        # The upload is intact: a well-formed completion still works.
        good = (b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag.encode()
                + b"</ETag></Part></CompleteMultipartUpload>")
        self.raw.ok(self, "POST", "bad-xml", "mpu", query={"uploadId": upload_id}, body=good)
        self.assertEqual(self.get("bad-xml", "mpu").body, b"p1")

        for body in [b"<CreateBucketConfiguration><LocationConstraint>us-east-1",
                     b"<CreateBucketConfiguration><LocationConstraint><x/></LocationConstraint>"
                     b"</CreateBucketConfiguration>",
                     b"not xml at all"]:
            self.error(self.raw.request("PUT", "bad-xml-new", body=body), "MalformedXML", 400)
        self.error(self.raw.request("HEAD", "bad-xml-new"), "NoSuchBucket", 404, head=True)

    def test_hostile_xml_is_refused_quickly(self):
        self.bucket("bad-entities")
        self.put("bad-entities", "keep", b"x")
        laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><Delete><Object><Key>&lol9;</Key></Object></Delete>')
        xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b"<Delete><Object><Key>&e;</Key></Object></Delete>")
        undeclared = b"<Delete><Object><Key>&nope;</Key></Object></Delete>"
        for body in [laughs, xxe, undeclared]:
            # The client's timeout bounds "quickly": an expanding parser would take far longer.
            response = self.raw.request("POST", "bad-entities", query=[("delete", None)], body=body,
                                        headers={"Content-MD5": b64md5(body)}, timeout=10)
            self.error(response, "MalformedXML", 400)
            self.assertNotIn(b"root:", response.body)
        for body in [laughs, xxe]:
            upload = ElementTree.fromstring(self.raw.ok(self, "POST", "bad-entities", "u", query=[("uploads", None)]).body)
            response = self.raw.request("POST", "bad-entities", "u",
                                        query={"uploadId": upload.find(S3_NS + "UploadId").text},
                                        body=body.replace(b"Delete", b"CompleteMultipartUpload"), timeout=10)
            self.error(response, "MalformedXML", 400)
        self.assertEqual(self.keys("bad-entities"), ["keep"])
        self.assert_serves()

    # --- integrity ---------------------------------------------------------------------------

    def test_content_md5_mismatch_and_invalid(self):
        self.bucket("bad-md5")
        body = b"the body"
        self.error(self.raw.request("PUT", "bad-md5", "k", body=body, headers={"Content-MD5": b64md5(b"other")}),
                   "BadDigest", 400)
        for invalid in ["not base64!", base64.b64encode(b"short").decode(), "", "AAAA"]:
            self.error(self.raw.request("PUT", "bad-md5", "k", body=body, headers={"Content-MD5": invalid}),
                       "InvalidDigest", 400)
        self.assertEqual(self.keys("bad-md5"), [])
        self.error(self.get("bad-md5", "k"), "NoSuchKey", 404)
        # On an existing key: refused, the old object stays.
        self.put("bad-md5", "k", b"original", headers={"Content-MD5": b64md5(b"original")})
        self.error(self.raw.request("PUT", "bad-md5", "k", body=body, headers={"Content-MD5": b64md5(b"x")}),
                   "BadDigest", 400)
        self.assertEqual(self.get("bad-md5", "k").body, b"original")
        # UploadPart checks it too.
        upload = ElementTree.fromstring(self.raw.ok(self, "POST", "bad-md5", "mp", query=[("uploads", None)]).body)
        upload_id = upload.find(S3_NS + "UploadId").text
        self.error(self.raw.request("PUT", "bad-md5", "mp", query={"partNumber": 1, "uploadId": upload_id}, body=body,
                                    headers={"Content-MD5": b64md5(b"x")}), "BadDigest", 400)
        parts = ElementTree.fromstring(self.raw.ok(self, "GET", "bad-md5", "mp", query={"uploadId": upload_id}).body)
        self.assertEqual(parts.findall(S3_NS + "Part"), [], "a part with a bad digest was kept")
        self.assertEqual(self.temp_files("bad-md5"), [])

    def test_content_sha256_mismatch(self):
        self.bucket("bad-sha")
        self.put("bad-sha", "keep", b"keep")
        wrong = hashlib.sha256(b"something else").hexdigest()
        response = self.raw.request("PUT", "bad-sha", "k", body=b"the real body", content_sha256=wrong)
        self.error(response, "XAmzContentSHA256Mismatch", 400)
        self.error(self.get("bad-sha", "k"), "NoSuchKey", 404)
        # A buffered operation: DeleteObjects with a body that is not the hashed one deletes nothing.
        body = b"<Delete><Object><Key>keep</Key></Object></Delete>"
        response = self.raw.request("POST", "bad-sha", query=[("delete", None)], body=body,
                                    headers={"Content-MD5": b64md5(body)}, content_sha256=EMPTY_SHA256)
        self.error(response, "XAmzContentSHA256Mismatch", 400)
        self.assertEqual(self.keys("bad-sha"), ["keep"])
        # Not a hash at all.
        response = self.raw.request("PUT", "bad-sha", "k", body=b"x", content_sha256="not-a-hash")
        self.assertIn(response.status, (400, 403), response)
        self.assertIsNotNone(response.error, response)
        self.assertEqual(self.keys("bad-sha"), ["keep"])
        self.assertEqual(self.temp_files("bad-sha"), [])

    def test_flexible_checksum_mismatch_is_not_stored(self):
        # x-amz-checksum-<algorithm> (sent by default by newer SDKs) that does not match the body:
        # S3 refuses the put (400 BadDigest). Ignoring it acknowledges a body the client itself
        # says is corrupt; refusing the header as unsupported (501) would be honest too.
        self.bucket("bad-checksum")
        wrong_sha256 = base64.b64encode(hashlib.sha256(b"not the body").digest()).decode()
        for name, value in [("x-amz-checksum-sha256", wrong_sha256), ("x-amz-checksum-crc32", "AAAAAA==")]:
            with self.subTest(name):
                response = self.raw.request("PUT", "bad-checksum", name, body=b"the body", headers={name: value})
                self.assertIn(response.status, (400, 501), f"{name} mismatch was acknowledged: {response!r}")
                self.assertIsNotNone(response.error, response)
                self.assertNotIn(name, self.keys("bad-checksum"))

    # --- signatures --------------------------------------------------------------------------

    def test_missing_authorization(self):
        self.bucket("bad-unsigned")
        self.put("bad-unsigned", "k", b"secret data")
        # src/auth/auth_errors.cc: S3 answers a request without any signature 403 AccessDenied.
        for method, bucket, key, body in [("GET", "", "", b""), ("GET", "bad-unsigned", "k", b""),
                                          ("PUT", "bad-unsigned", "new", b"data"), ("DELETE", "bad-unsigned", "k", b""),
                                          ("GET", "bad-unsigned", "", b""), ("PUT", "bad-unsigned-new", "", b"")]:
            response = self.raw.request(method, bucket, key, body=body, signed=False)
            error = self.error(response, "AccessDenied", 403)
            self.assertEqual(error["Message"], "Access Denied")
        self.error(self.raw.request("HEAD", "bad-unsigned", "k", signed=False), "AccessDenied", 403, head=True)
        self.assertEqual(self.keys("bad-unsigned"), ["k"])
        self.assertEqual(self.get("bad-unsigned", "k").body, b"secret data")
        self.error(self.raw.request("HEAD", "bad-unsigned-new"), "NoSuchBucket", 404, head=True)

    def test_tampered_signature(self):
        self.bucket("bad-sig")
        request_target = target("bad-sig", "k", [("x-id", "PutObject")])
        body = b"tampered"
        headers = sign_s3(self.engine, "PUT", request_target, body, {"Content-Type": "text/plain"})
        signature = signature_of(headers)
        flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
        forged = dict(headers, Authorization=headers["Authorization"].replace(signature, flipped))
        response = self.raw.send("PUT", request_target, body, forged)
        error = self.error(response, "SignatureDoesNotMatch", 403)
        for element in ("StringToSign", "CanonicalRequest", "SignatureProvided", "AWSAccessKeyId"):
            self.assertIn(element, error, response)
        self.assertEqual(error["SignatureProvided"], flipped)
        self.assertEqual(error["AWSAccessKeyId"], self.engine.credentials[0])
        # What the engine canonicalised is what the client signed (botocore's canonical request).
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        request = AWSRequest(method="PUT", url=f"http://127.0.0.1:{self.engine.port}{request_target}", data=body,
                             headers={k: v for k, v in headers.items() if k != "Authorization"})
        signer = S3SigV4Auth(Credentials(*self.engine.credentials), "s3", self.engine.region)
        self.assertEqual(error["CanonicalRequest"], signer.canonical_request(request))
        self.assertTrue(error["StringToSign"].startswith("AWS4-HMAC-SHA256\n" + headers["X-Amz-Date"] + "\n"),
                        error["StringToSign"])
        # A signed header changed after signing.
        changed = dict(headers, **{"Content-Type": "text/html"})
        self.error(self.raw.send("PUT", request_target, body, changed), "SignatureDoesNotMatch", 403)
        # The body signed, then another sent with the same hash header: the hash check catches it.
        self.error(self.raw.send("PUT", request_target, b"tamperex", headers), "XAmzContentSHA256Mismatch", 400)
        self.assertEqual(self.keys("bad-sig"), [])
        # HEAD: the same refusal, without a body.
        head_target = target("bad-sig", "k")
        head = sign_s3(self.engine, "HEAD", head_target)
        head["Authorization"] = head["Authorization"].replace(signature_of(head), "0" * 64)
        self.error(self.raw.send("HEAD", head_target, b"", head), "SignatureDoesNotMatch", 403, head=True)

    def test_request_time_too_skewed(self):
        self.bucket("bad-skew")
        now = datetime.datetime.utcnow()
        for offset in (datetime.timedelta(minutes=-20), datetime.timedelta(minutes=20)):
            response = self.raw.request("PUT", "bad-skew", "k", body=b"late", when=now + offset)
            error = self.error(response, "RequestTimeTooSkewed", 403)
            self.assertEqual(error.get("RequestTime"), (now + offset).strftime("%Y%m%dT%H%M%SZ"))
            self.assertTrue(error.get("ServerTime"), response)
            self.assertEqual(error.get("MaxAllowedSkewMilliseconds"), "900000")
        # Within 15 minutes is fine.
        self.raw.ok(self, "PUT", "bad-skew", "k", body=b"on time", when=now - datetime.timedelta(minutes=10))
        self.assertEqual(self.keys("bad-skew"), ["k"])
        self.assertEqual(self.get("bad-skew", "k").body, b"on time")

    # --- interrupted uploads -----------------------------------------------------------------

    def test_client_closing_mid_body_leaves_nothing(self):
        self.bucket("bad-cut")
        total = 1 * MiB
        sock = self.signed_socket_put("bad-cut", "half", total)
        sock.sendall(random_bytes(total // 2, 7))
        sock.close()
        self.put("bad-cut", "existing", b"old content")
        sock = self.signed_socket_put("bad-cut", "existing", total)
        sock.sendall(b"n" * (total // 2))
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        self.wait_no_temp_files("bad-cut")
        self.assertEqual(self.keys("bad-cut"), ["existing"])
        self.error(self.get("bad-cut", "half"), "NoSuchKey", 404)
        self.assertEqual(self.get("bad-cut", "existing").body, b"old content", "a cut-off overwrite replaced the object")
        self.assert_serves()
        self.put("bad-cut", "after", b"next request works")
        self.assertEqual(self.get("bad-cut", "after").body, b"next request works")

        # The same for a multipart part: the upload has no part 1 afterwards.
        upload = ElementTree.fromstring(self.raw.ok(self, "POST", "bad-cut", "mp", query=[("uploads", None)]).body)
        upload_id = upload.find(S3_NS + "UploadId").text
        request_target = target("bad-cut", "mp", {"partNumber": 1, "uploadId": upload_id})
        signed = sign_s3(self.engine, "PUT", request_target, b"", {"Content-Length": str(total)},
                         content_sha256="UNSIGNED-PAYLOAD")
        with socket.create_connection(("127.0.0.1", self.engine.port), timeout=15) as part_sock:
            part_sock.sendall(http_head("PUT", request_target, signed) + b"p" * (total // 3))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            parts = ElementTree.fromstring(self.raw.ok(self, "GET", "bad-cut", "mp", query={"uploadId": upload_id}).body)
            if not parts.findall(S3_NS + "Part"):
                break
            time.sleep(0.05)
        self.assertEqual(parts.findall(S3_NS + "Part"), [], "a cut-off part was kept")

    # --- aws-chunked (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) ---------------------------------------

    def check_chunk_signing_against_the_aws_example(self):
        # The example of AWS's "Transferring Payload in Multiple Chunks": 66560 bytes of 'a' in
        # 64 KiB chunks, seed 4f232c43..., gives these three chunk signatures. (A check of this
        # file's encoder, so that a refusal below is the engine's doing.)
        chunks = split_chunks(b"a" * 66560, 65536)
        signatures = chunk_signatures("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "20130524T000000Z",
                                      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", chunks)
        self.assertEqual(signatures, ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                                      "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                                      "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"])

    def streaming_put(self, bucket, key, data, chunk_size, corrupt=None, declared_length=None, extra_headers=None):
        """PUT `data` as aws-chunked with chunk signatures. corrupt: ("signature", i) flips chunk
        i's signature, ("data", i) a byte of chunk i's data (after signing), ("drop-final", _)
        leaves out the final chunk."""
        chunks = split_chunks(data, chunk_size)
        headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(
            len(data) if declared_length is None else declared_length), **(extra_headers or {})}
        # The encoded length is known before signing: the signatures all have 64 hex digits.
        encoded_length = len(encode_chunks(chunks, ["0" * 64] * len(chunks)))
        if corrupt and corrupt[0] == "drop-final":
            encoded_length -= len(encode_chunks([b""], ["0" * 64]))
        headers["Content-Length"] = str(encoded_length)
        request_target = target(bucket, key)
        signed = sign_s3(self.engine, "PUT", request_target, b"", headers, content_sha256=STREAMING_PAYLOAD)
        secret = self.engine.credentials[1]
        signatures = chunk_signatures(secret, self.engine.region, signed["X-Amz-Date"], signature_of(signed), chunks)
        if corrupt and corrupt[0] == "signature":
            i = corrupt[1]
            signatures[i] = signatures[i][:10] + ("0" if signatures[i][10] != "0" else "1") + signatures[i][11:]
        if corrupt and corrupt[0] == "data":
            i = corrupt[1]
            chunks[i] = bytes([chunks[i][0] ^ 1]) + chunks[i][1:]
        body = encode_chunks(chunks, signatures)
        if corrupt and corrupt[0] == "drop-final":
            body = encode_chunks(chunks[:-1], signatures[:-1])
        self.assertEqual(len(body), encoded_length)
        return self.raw.send("PUT", request_target, body, signed, timeout=30)

    def test_streaming_signed_upload(self):
        self.check_chunk_signing_against_the_aws_example()
        self.bucket("bad-chunked")
        data = random_bytes(200 * 1024 + 17, 11)
        response = self.streaming_put("bad-chunked", "streamed", data, 64 * 1024,
                                      extra_headers={"Content-Type": "application/x-streamed",
                                                     "x-amz-meta-way": "chunked"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.headers["etag"], md5_etag(data))
        got = self.get("bad-chunked", "streamed")
        self.assertEqual(got.body, data)
        self.assertEqual(got.headers["content-length"], str(len(data)))
        self.assertEqual(got.headers["content-type"], "application/x-streamed")
        self.assertEqual(got.headers.get("x-amz-meta-way"), "chunked")
        self.assertNotIn("aws-chunked", got.headers.get("content-encoding", ""),
                         "aws-chunked is a transfer detail, not the object's encoding")
        # Small chunks (8 KiB, S3's minimum), and an empty object (just the final chunk).
        small = random_bytes(50_000, 12)
        self.assertEqual(self.streaming_put("bad-chunked", "small-chunks", small, 8192).status, 200)
        self.assertEqual(self.get("bad-chunked", "small-chunks").body, small)
        self.assertEqual(self.streaming_put("bad-chunked", "empty", b"", 8192).status, 200)
        self.assertEqual(self.get("bad-chunked", "empty").body, b"")

    def signed_trailer_put(self, bucket, key, data, checksum=None, forge=False):
        """PUT `data` as STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER in 64 KiB chunks with an
        x-amz-checksum-crc32 trailer (the data's, unless `checksum` is given); `forge` signs the
        trailer with a wrong key."""
        chunks = split_chunks(data, 64 * 1024)
        crc = checksum or base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
        trailers = [("x-amz-checksum-crc32", crc)]
        trailer_lines = f"x-amz-checksum-crc32:{crc}\r\nx-amz-trailer-signature:{'0' * 64}\r\n\r\n"
        # The final chunk is not followed by a CRLF of its own: the trailers come at once.
        encoded_length = len(encode_chunks(chunks, ["0" * 64] * len(chunks))) - 2 + len(trailer_lines)
        headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
                   "x-amz-trailer": "x-amz-checksum-crc32", "Content-Length": str(encoded_length)}
        request_target = target(bucket, key)
        signed = sign_s3(self.engine, "PUT", request_target, b"", headers, content_sha256=STREAMING_TRAILER)
        secret = "forged" if forge else self.engine.credentials[1]
        signatures = chunk_signatures(self.engine.credentials[1], self.engine.region, signed["X-Amz-Date"],
                                      signature_of(signed), chunks)
        trailer_sig = trailer_signature(secret, self.engine.region, signed["X-Amz-Date"], signatures[-1], trailers)
        body = encode_chunks(chunks, signatures)[:-2] + trailer_lines.replace("0" * 64, trailer_sig).encode()
        self.assertEqual(len(body), encoded_length)
        return self.raw.send("PUT", request_target, body, signed, timeout=30)

    def test_streaming_signed_upload_with_trailer(self):
        # AWS's "Including Trailing Headers" example: its trailer signature (a check of this
        # file's signer, so that a refusal below is the engine's doing).
        self.assertEqual(trailer_signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "20130524T000000Z",
                                           "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
                                           [("x-amz-checksum-crc32c", "sOO8/Q==")]),
                         "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435")
        self.bucket("trailer-signed")
        data = random_bytes(150 * 1024 + 3, 21)
        response = self.signed_trailer_put("trailer-signed", "ok", data)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.headers["etag"], md5_etag(data))
        crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
        self.assertEqual(response.headers.get("x-amz-checksum-crc32"), crc)
        self.assertEqual(self.get("trailer-signed", "ok").body, data)
        # A checksum that is not the data's, and a trailer signed with another key: refused,
        # nothing stored, the earlier object untouched.
        self.error(self.signed_trailer_put("trailer-signed", "ok", b"other", checksum=crc), "BadDigest", 400)
        self.error(self.signed_trailer_put("trailer-signed", "ok", b"other", forge=True),
                   "SignatureDoesNotMatch", 403)
        self.error(self.signed_trailer_put("trailer-signed", "new", b"other", forge=True),
                   "SignatureDoesNotMatch", 403)
        self.assertEqual(self.keys("trailer-signed"), ["ok"])
        self.assertEqual(self.get("trailer-signed", "ok").body, data)
        self.wait_no_temp_files("trailer-signed")
        self.assert_serves()

    def test_streaming_upload_with_a_bad_chunk(self):
        self.bucket("bad-chunked-2")
        data = random_bytes(150 * 1024, 13)
        for corrupt in [("signature", 1), ("signature", 0), ("signature", 3), ("data", 2)]:
            response = self.streaming_put("bad-chunked-2", "refused", data, 64 * 1024, corrupt=corrupt)
            self.error(response, "SignatureDoesNotMatch", 403)
        # Cut short: no final chunk, or fewer bytes than x-amz-decoded-content-length declares.
        response = self.streaming_put("bad-chunked-2", "refused", data, 64 * 1024, corrupt=("drop-final", None))
        self.assertEqual(response.status, 400, response)
        self.assertIsNotNone(response.error, response)
        response = self.streaming_put("bad-chunked-2", "refused", data, 64 * 1024, declared_length=len(data) + 10)
        self.assertEqual(response.status, 400, response)
        self.assertIsNotNone(response.error, response)
        self.assertEqual(self.keys("bad-chunked-2"), [])
        self.error(self.get("bad-chunked-2", "refused"), "NoSuchKey", 404)
        self.wait_no_temp_files("bad-chunked-2")
        self.assert_serves()

    # --- routing -----------------------------------------------------------------------------

    def test_unsupported_subresources(self):
        self.bucket("bad-sub")
        self.put("bad-sub", "k", b"x")
        tagging = b'<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>'
        for method, key, sub, body in [("GET", "", "tagging", b""), ("PUT", "", "acl", b""),
                                       ("GET", "k", "acl", b""), ("PUT", "k", "tagging", tagging),
                                       ("GET", "", "versioning", b""), ("PUT", "", "policy", b"{}"),
                                       ("GET", "", "lifecycle", b""), ("DELETE", "k", "tagging", b"")]:
            response = self.raw.request(method, "bad-sub", key, query=[(sub, None)], body=body,
                                        headers={"Content-MD5": b64md5(body)} if body else None)
            error = self.error(response, "NotImplemented", 501)
            self.assertIn(sub, error["Message"])
        self.assertEqual(self.keys("bad-sub"), ["k"])
        self.assertEqual(self.get("bad-sub", "k").body, b"x", "DELETE ?tagging must not delete the object")
        # Other malformed routing: bad percent-encoding, a method S3 has not on the resource.
        self.error(self.raw.send("GET", "/bad-sub/%zz", b"", sign_s3(self.engine, "GET", "/bad-sub/%zz")),
                   "InvalidURI", 400)
        self.error(self.raw.request("POST", "bad-sub"), "MethodNotAllowed", 405)
        self.error(self.raw.request("PUT", ""), "MethodNotAllowed", 405)


class S3FullDisk(unittest.TestCase):
    """An engine whose data dir is a 20 MiB tmpfs."""

    def setUp(self):
        self.mount_point = tempfile.mkdtemp(prefix="sf-s3-tmpfs-")
        self.addCleanup(shutil.rmtree, self.mount_point, True)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", self.mount_point],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {mounted.stderr.strip()}")
        # Registered before the engine's cleanup, so it runs after the engine has stopped.
        self.addCleanup(subprocess.run, ["umount", "-l", self.mount_point], capture_output=True)
        self.engine = start_engine(self, data_dir=os.path.join(self.mount_point, "data"))
        self.raw = S3Raw(self.engine)

    def free_bytes(self):
        stat = os.statvfs(self.mount_point)
        return stat.f_bavail * stat.f_frsize

    def test_put_on_a_full_disk(self):
        self.raw.ok(self, "PUT", "full-disk")
        for i in range(2):
            self.raw.ok(self, "PUT", "full-disk", f"filler-{i}", body=random_bytes(4 * MiB, i))
        self.assertLess(self.free_bytes(), 30 * MiB)
        objects = os.path.join(self.engine.data_dir, "buckets", "full-disk", "objects")

        # 30 MiB does not fit: the engine answers (possibly before the whole body is sent).
        size = 30 * MiB
        request_target = target("full-disk", "too-big")
        signed = sign_s3(self.engine, "PUT", request_target, b"", {"Content-Length": str(size)},
                         content_sha256="UNSIGNED-PAYLOAD")
        sock = socket.create_connection(("127.0.0.1", self.engine.port), timeout=30)
        self.addCleanup(sock.close)
        sock.sendall(http_head("PUT", request_target, signed))

        def send_body():
            piece = b"z" * MiB
            try:
                for _ in range(size // MiB):
                    sock.sendall(piece)
            except OSError:
                pass  # the engine answered and closed: expected

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        status, headers, body = read_response(sock, timeout=60)
        sender.join(30)
        response = Response(status, headers, body)
        error = assert_s3_error(self, response, "InternalError", 500)
        self.assertIn("disk is full", error["Message"])
        self.assertNotIn(self.engine.data_dir, error["Message"])  # no server paths to clients
        sock.close()

        deadline = time.monotonic() + 10
        while [n for n in os.listdir(objects) if n.startswith(".tmp")] and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([n for n in os.listdir(objects) if n.startswith(".tmp")], [],
                         "the failed upload's temporary file was left on the full disk")
        self.assertEqual(sorted(self.raw.list_keys(self, "full-disk")), ["filler-0", "filler-1"])
        self.assertEqual(self.raw.request("GET", "full-disk", "too-big").status, 404)
        self.assertGreater(self.free_bytes(), 4 * MiB, "the space of the failed upload was not given back")

        # After deleting something, small puts work again.
        self.raw.ok(self, "DELETE", "full-disk", "filler-0", expect=204)
        self.raw.ok(self, "PUT", "full-disk", "small", body=b"fits now")
        self.assertEqual(self.raw.request("GET", "full-disk", "small").body, b"fits now")
        self.assertEqual(self.raw.request("GET", "full-disk", "filler-1").body, random_bytes(4 * MiB, 1))


if __name__ == "__main__":
    unittest.main()
