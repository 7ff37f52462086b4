"""Bad input over raw HTTP (http.client and sockets): every request gets AWS's error type and an
HTTP status, quickly; nothing crashes or hangs the engine, which must still answer /health after
each test. Requests are SigV4-signed with the engine's credentials, so that what is checked is
the engine's handling of the input, past authentication (test_kinesis_auth.py covers that)."""
import base64
import json
import socket
import time
import unittest

from engine_fixture import TARGET_PREFIX, b64, http_head, start_engine

JSON_11 = "application/x-amz-json-1.1"


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        status, body = cls.engine.kinesis("CreateStream", {"StreamName": "bad", "ShardCount": 1})
        assert status == 200, body

    def tearDown(self):
        self.assertTrue(self.engine.running, "the engine died:\n" + self.engine.log_tail())
        status, body = self.engine.health(timeout=5)
        self.assertEqual(status, 200, "the engine stopped answering /health")

    def call(self, operation, payload=None, raw=None, headers=None):
        started = time.monotonic()
        status, body = self.engine.kinesis(operation, payload, raw=raw, headers=headers, timeout=10)
        self.assertLess(time.monotonic() - started, 5, f"{operation} took too long")
        return status, body

    def signed_head(self, operation, body, unsigned=None, host="x"):
        """The head of a signed Kinesis request for a raw socket. `unsigned` headers (Content-Length,
        Transfer-Encoding, ...) are added after signing, as HTTP clients add them."""
        headers = self.engine.sign("POST", "/", body, {"X-Amz-Target": TARGET_PREFIX + operation,
                                                        "Content-Type": JSON_11}, host=host)
        headers.update(unsigned or {})
        return http_head("POST", "/", headers)

    def assertError(self, status, body, want_status, want_type, message_part=None):
        self.assertIsInstance(body, dict, body)
        self.assertEqual((status, body.get("__type")), (want_status, want_type), body)
        self.assertIsInstance(body.get("message"), str, body)
        if message_part is not None:
            self.assertIn(message_part, body["message"])

    def iterator(self, kind="TRIM_HORIZON"):
        status, body = self.call("GetShardIterator", {"StreamName": "bad", "ShardId": "shardId-000000000000",
                                                      "ShardIteratorType": kind})
        self.assertEqual(status, 200, body)
        return body["ShardIterator"]

    # --- the body --------------------------------------------------------------------------

    def test_malformed_json(self):
        for raw in (b"{", b"{\"StreamName\": }", b"not json", b"{\"a\":1}}", b"\xff\xfe{}", b"{\"StreamName\": \"\xc3\x28\"}"):
            with self.subTest(raw=raw):
                status, body = self.call("DescribeStreamSummary", raw=raw)
                self.assertError(status, body, 400, "SerializationException")

    def test_body_that_is_not_an_object(self):
        for raw in (b"[]", b"42", b"\"text\"", b"null"):
            with self.subTest(raw=raw):
                status, body = self.call("ListStreams", raw=raw)
                self.assertError(status, body, 400, "SerializationException")

    def test_deeply_nested_json(self):
        raw = b"{\"StreamName\": " + b"[" * 100_000 + b"]" * 100_000 + b"}"
        status, body = self.call("DescribeStreamSummary", raw=raw)
        self.assertEqual(status, 400, body)
        self.assertIn(body["__type"], ("SerializationException", "ValidationException"))

    def test_wrong_types(self):
        cases = [
            ("DescribeStreamSummary", {"StreamName": 5}, "SerializationException"),
            ("CreateStream", {"StreamName": "x", "ShardCount": "one"}, "SerializationException"),
            ("PutRecords", {"StreamName": "bad", "Records": {"PartitionKey": "k"}}, "SerializationException"),
            ("PutRecords", {"StreamName": "bad", "Records": ["not a structure"]}, "SerializationException"),
            ("PutRecord", {"StreamName": "bad", "PartitionKey": 1, "Data": "eA=="}, "SerializationException"),
            ("AddTagsToStream", {"StreamName": "bad", "Tags": ["a"]}, "SerializationException"),
            ("AddTagsToStream", {"StreamName": "bad", "Tags": {"a": 1}}, "SerializationException"),
            ("GetRecords", {"ShardIterator": "x", "Limit": "ten"}, "SerializationException"),
            ("GetShardIterator", {"StreamName": "bad", "ShardId": "shardId-000000000000",
                                  "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": "yesterday"},
             "SerializationException"),
            ("DeleteStream", {"StreamName": "bad", "EnforceConsumerDeletion": "yes"}, "SerializationException"),
        ]
        for operation, payload, error in cases:
            with self.subTest(operation=operation, payload=payload):
                status, body = self.call(operation, payload)
                self.assertError(status, body, 400, error)

    def test_validation_errors(self):
        cases = [
            ("CreateStream", {"ShardCount": 1}, "Value null at 'streamName' failed to satisfy constraint: "
                                                "Member must not be null"),
            ("CreateStream", {"StreamName": "a" * 129, "ShardCount": 1}, "Member must have length less than or equal to 128"),
            ("CreateStream", {"StreamName": "ok", "ShardCount": 0}, "Member must have value greater than or equal to 1"),
            ("PutRecord", {"StreamName": "bad", "PartitionKey": "", "Data": "eA=="}, "partitionKey"),
            ("PutRecord", {"StreamName": "bad", "PartitionKey": "k" * 257, "Data": "eA=="}, "partitionKey"),
            ("PutRecords", {"StreamName": "bad", "Records": []}, "records"),
            ("PutRecords", {"StreamName": "bad", "Records": [{"PartitionKey": "k", "Data": "eA=="}] * 501}, "records"),
            ("GetRecords", {"ShardIterator": "x", "Limit": 0}, "limit"),
            ("GetShardIterator", {"StreamName": "bad", "ShardId": "shardId-000000000000",
                                  "ShardIteratorType": "SOMEWHERE"}, "Member must satisfy enum value set"),
            ("UpdateShardCount", {"StreamName": "bad", "TargetShardCount": 2, "ScalingType": "ODD"}, "scalingType"),
        ]
        for operation, payload, part in cases:
            with self.subTest(operation=operation):
                status, body = self.call(operation, payload)
                self.assertError(status, body, 400, "ValidationException", part)
        status, body = self.call("CreateStream", {"StreamName": "x"})
        self.assertError(status, body, 400, "InvalidArgumentException")
        big = base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()
        status, body = self.call("PutRecord", {"StreamName": "bad", "PartitionKey": "k", "Data": big})
        self.assertError(status, body, 400, "ValidationException", "Member must have length less than or equal to 1048576")

    def test_put_records_over_5_mib_in_total(self):
        record = {"PartitionKey": "k", "Data": base64.b64encode(b"x" * (900 * 1024)).decode()}
        status, body = self.call("PutRecords", {"StreamName": "bad", "Records": [record] * 6})  # 5.4 MB
        self.assertError(status, body, 400, "InvalidArgumentException", "5 MB")

    def test_unknown_operation(self):
        status, body = self.call("NoSuchOperation", {})
        self.assertError(status, body, 400, "UnknownOperationException")
        status, _, raw = self.engine.request("POST", "/", b"{}", {"X-Amz-Target": "DynamoDB_20120810.ListTables",
                                                                  "Content-Type": JSON_11}, service="dynamodb")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["__type"], "UnknownOperationException")
        # Every stream operation of the model that the engine does not serve is refused the same way.
        for operation in ("ListStreamConsumers", "EnableEnhancedMonitoring", "SubscribeToShard"):
            with self.subTest(operation=operation):
                status, body = self.call(operation, {"StreamName": "bad"})
                self.assertError(status, body, 400, "UnknownOperationException")

    def test_no_target_and_unknown_paths(self):
        # Without X-Amz-Target a request is not a Kinesis call. Once the engine serves S3 on the
        # same port such requests are S3's (POST / is then S3's 405 MethodNotAllowed, an unsigned
        # GET of a key its 403 AccessDenied); before, they were 404. Either way: refused, not served.
        status, _, raw = self.engine.request("POST", "/", b"{}", {"Content-Type": JSON_11}, service="kinesis")
        self.assertIn(status, (404, 405), raw)
        status, _, raw = self.engine.request("GET", "/no/such/path")
        self.assertIn(status, (403, 404), raw)
        status, _, raw = self.engine.request("POST", "/_streamform/nothing", b"{}",
                                             {"Content-Type": "application/json"})
        self.assertEqual(status, 404, raw)

    def test_cbor_is_refused_with_a_hint(self):
        status, body = self.call("ListStreams", raw=b"\xa0", headers={"Content-Type": "application/x-amz-cbor-1.1"})
        self.assertError(status, body, 400, "SerializationException", "CBOR")

    def test_invalid_base64_data(self):
        for data in ("!!!!", "abc", "ab=c", "a===", "ä" * 4):
            with self.subTest(data=data):
                status, body = self.call("PutRecord", {"StreamName": "bad", "PartitionKey": "k", "Data": data})
                self.assertError(status, body, 400, "SerializationException")
                status, body = self.call("PutRecords", {"StreamName": "bad",
                                                        "Records": [{"PartitionKey": "k", "Data": data}]})
                self.assertError(status, body, 400, "SerializationException")

    def test_unknown_stream(self):
        for operation, payload in (
                ("DescribeStream", {"StreamName": "nope"}),
                ("PutRecord", {"StreamName": "nope", "PartitionKey": "k", "Data": "eA=="}),
                ("PutRecords", {"StreamName": "nope", "Records": [{"PartitionKey": "k", "Data": "eA=="}]}),
                ("GetShardIterator", {"StreamName": "nope", "ShardId": "shardId-000000000000",
                                      "ShardIteratorType": "LATEST"}),
                ("UpdateShardCount", {"StreamName": "nope", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
                ("ListShards", {"StreamName": "nope"}),
                ("DeleteStream", {"StreamName": "nope"})):
            with self.subTest(operation=operation):
                status, body = self.call(operation, payload)
                self.assertError(status, body, 400, "ResourceNotFoundException",
                                 "Stream nope under account 000000000000 not found.")

    def test_bad_pagination_tokens(self):
        for token in ("%%%", b64("bad\n1\nnot-a-number"), b64("bad\n1\n99999999999999999999999"), b64("nope\n1\n0")):
            with self.subTest(token=token):
                status, body = self.call("ListShards", {"NextToken": token})
                self.assertEqual(status, 400, body)
                self.assertIn(body["__type"], ("InvalidArgumentException", "ExpiredNextTokenException",
                                               "ResourceNotFoundException"), body)

    # --- iterators -------------------------------------------------------------------------

    def test_expired_iterator(self):
        iterator = self.iterator()
        self.engine.advance_clock(301_000)
        status, body = self.call("GetRecords", {"ShardIterator": iterator})
        self.assertError(status, body, 400, "ExpiredIteratorException", "Iterator expired")

    def test_forged_iterator(self):
        iterator = self.iterator()
        status, body = self.call("GetRecords", {"ShardIterator": iterator})
        self.assertEqual(status, 200, body)
        checked = 0
        for position in (0, len(iterator) // 3, len(iterator) // 2, len(iterator) - 2):
            flipped = iterator[:position] + ("A" if iterator[position] != "A" else "B") + iterator[position + 1:]
            with self.subTest(position=position):
                status, body = self.call("GetRecords", {"ShardIterator": flipped})
                self.assertError(status, body, 400, "InvalidArgumentException")
                checked += 1
        for garbage in ("x", "A" * 512, b64("stream\n1\n0\n0")):
            with self.subTest(garbage=garbage):
                status, body = self.call("GetRecords", {"ShardIterator": garbage})
                self.assertError(status, body, 400, "InvalidArgumentException")
        status, body = self.call("GetRecords", {"ShardIterator": "A" * 513})
        self.assertError(status, body, 400, "ValidationException")
        self.assertEqual(checked, 4)

    def test_iterator_of_a_deleted_and_recreated_stream(self):
        self.assertEqual(self.call("CreateStream", {"StreamName": "bad-again", "ShardCount": 1})[0], 200)
        status, body = self.call("GetShardIterator", {"StreamName": "bad-again", "ShardId": "shardId-000000000000",
                                                      "ShardIteratorType": "TRIM_HORIZON"})
        old_iterator = body["ShardIterator"]
        self.assertEqual(self.call("DeleteStream", {"StreamName": "bad-again"})[0], 200)
        self.engine.advance_clock(1000)
        self.assertEqual(self.call("CreateStream", {"StreamName": "bad-again", "ShardCount": 1})[0], 200)
        status, body = self.call("GetRecords", {"ShardIterator": old_iterator})
        self.assertError(status, body, 400, "ResourceNotFoundException")

    # --- hash keys ----------------------------------------------------------------------------

    def test_bad_explicit_hash_key(self):
        status, body = self.call("PutRecord", {"StreamName": "bad", "PartitionKey": "k", "Data": "eA==",
                                               "ExplicitHashKey": str(2**128)})
        self.assertError(status, body, 400, "InvalidArgumentException", "ExplicitHashKey")
        status, body = self.call("PutRecords", {"StreamName": "bad", "Records": [
            {"PartitionKey": "k", "Data": "eA==", "ExplicitHashKey": str(2**128)}]})
        self.assertError(status, body, 400, "InvalidArgumentException", "ExplicitHashKey")
        for key in ("abc", "-1", "01", "1" * 40, "", " 1"):
            with self.subTest(key=key):
                status, body = self.call("PutRecord", {"StreamName": "bad", "PartitionKey": "k", "Data": "eA==",
                                                       "ExplicitHashKey": key})
                self.assertError(status, body, 400, "ValidationException", "explicitHashKey")
        status, body = self.call("PutRecord", {"StreamName": "bad", "PartitionKey": "k", "Data": "eA==",
                                               "ExplicitHashKey": str(2**128 - 1)})
        self.assertEqual(status, 200, body)

    # --- HTTP itself ----------------------------------------------------------------------------

    def test_oversized_body_is_refused_before_it_is_sent(self):
        size = 20 * 1024 * 1024
        head = self.signed_head("PutRecords", b" " * size, {"Content-Length": str(size)}, host="127.0.0.1")
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
            sock.sendall(head)
            response = b""
            while b"\r\n\r\n" not in response:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                response += chunk
        elapsed = time.monotonic() - started
        self.assertTrue(response.startswith(b"HTTP/1.1 413"), response[:200])
        self.assertLess(elapsed, 2, "the 413 should come at once, without waiting for the body")

    def test_oversized_body_with_expect_continue(self):
        size = 20 * 1024 * 1024
        head = self.signed_head("PutRecords", b" " * size, {"Content-Length": str(size), "Expect": "100-continue"})
        with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
            sock.sendall(head)
            response = sock.recv(65536)
        self.assertTrue(response.startswith(b"HTTP/1.1 413"), response[:200])

    def test_garbage_that_is_not_http(self):
        payloads = [
            b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(range(256)),  # a TLS ClientHello
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",  # the HTTP/2 preface
            bytes(range(256)) * 8 + b"\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
        ]
        for payload in payloads:
            with self.subTest(payload=payload[:20]):
                started = time.monotonic()
                with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
                    try:
                        sock.sendall(payload)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    received = b""
                    try:
                        while time.monotonic() - started < 5:
                            chunk = sock.recv(65536)
                            if not chunk:
                                break
                            received += chunk
                    except ConnectionResetError:
                        pass
                    except socket.timeout:
                        self.fail("the connection was neither answered and closed within 5 s")
                if received:
                    self.assertRegex(received[:12], rb"^HTTP/1\.[01] 4\d\d")
                self.assertEqual(self.engine.health()[0], 200)

    def test_slow_client_does_not_block_others(self):
        sockets = []
        stalled_body = b"{\"Limit\": 1}" + b" " * 88  # sent as 5 bytes now and 95 later
        stalled_head = self.signed_head("ListStreams", stalled_body, {"Content-Length": "100"})
        try:
            # Several clients stop in the middle of a request: header only, half a header, half a body.
            for i in range(8):
                sock = socket.create_connection(("127.0.0.1", self.engine.port), timeout=5)
                sockets.append(sock)
                if i % 3 == 0:
                    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar")
                elif i % 3 == 1:
                    sock.sendall(stalled_head + stalled_body[:5])
                else:
                    sock.sendall(b"P")
            for _ in range(20):
                started = time.monotonic()
                status, body = self.call("ListStreams", {})
                self.assertEqual(status, 200, body)
                self.assertLess(time.monotonic() - started, 1.0, "a stalled client delayed another client")
            # A stalled request can still be finished afterwards.
            sockets[1].sendall(stalled_body[5:])
            response = sockets[1].recv(65536)
            self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:200])
        finally:
            for sock in sockets:
                sock.close()

    def test_client_disconnecting_mid_request(self):
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
                start = b"{\"StreamName\": \"bad\""  # of a 5,000-byte body, signed whole
                whole = start + b" " * (5000 - len(start) - 1) + b"}"
                sock.sendall(self.signed_head("PutRecords", whole, {"Content-Length": "5000"}) + start)
            # Sent a whole request and left without reading the answer.
            with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
                body = json.dumps({"StreamName": "bad", "PartitionKey": "k", "Data": "eA=="}).encode()
                sock.sendall(self.signed_head("PutRecord", body, {"Content-Length": str(len(body))}) + body)
        status, body = self.call("DescribeStreamSummary", {"StreamName": "bad"})
        self.assertEqual(status, 200, body)

    def test_pipelined_requests_are_answered_in_order(self):
        requests = b""
        for name in ("pipe-a", "pipe-b", "pipe-c"):
            body = json.dumps({"StreamName": name}).encode()
            requests += self.signed_head("DescribeStreamSummary", body, {"Content-Length": str(len(body))}) + body
        with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
            sock.sendall(requests)
            received = b""
            deadline = time.monotonic() + 5
            while received.count(b"not found.") < 3 and time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        names = [received.find(f"Stream {n} under".encode()) for n in ("pipe-a", "pipe-b", "pipe-c")]
        self.assertTrue(all(i >= 0 for i in names), received)
        self.assertEqual(names, sorted(names), "pipelined responses out of order")
        self.assertEqual(received.count(b"HTTP/1.1 400"), 3)

    def test_many_idle_connections(self):
        sockets = []
        try:
            for _ in range(200):
                sockets.append(socket.create_connection(("127.0.0.1", self.engine.port), timeout=5))
            status, body = self.call("ListStreams", {})
            self.assertEqual(status, 200, body)
        finally:
            for sock in sockets:
                sock.close()

    def test_chunked_body_is_accepted(self):
        body = json.dumps({"StreamName": "bad", "PartitionKey": "chunked", "Data": b64("c")}).encode()
        with socket.create_connection(("127.0.0.1", self.engine.port), timeout=5) as sock:
            chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7]) for i in range(0, len(body), 7))
            sock.sendall(self.signed_head("PutRecord", body, {"Transfer-Encoding": "chunked", "Connection": "close"})
                         + chunks + b"0\r\n\r\n")
            response = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                response += chunk
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:300])
        self.assertIn(b"SequenceNumber", response)


if __name__ == "__main__":
    unittest.main()
