#!/usr/bin/python3
"""Signs a set of requests with botocore (a real AWS client) and prints them as JSON lines.

With --verify-tool PATH the lines are piped to sigv4_verify_tool, which must accept every one
and refuse each again after one byte of it is changed; the exit status is the tool's.
Requests: a Kinesis JSON POST, S3 GET with a query, S3 PUT with a body, a presigned S3 GET,
S3 keys and a non-S3 path with spaces, unicode, '+', '~' and '%', a session token.
"""
import argparse
import base64
import json
import subprocess
import sys
from urllib.parse import quote, urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode_sequence

ENDPOINT = "http://localhost:4566"
REGION = "us-east-1"
ACCESS_KEY, SECRET = "AKIDCROSSCHECK", "cross/check+secret"


def s3_path(bucket, key):
    # As botocore's REST serializer builds an S3 URI: the key quoted with '/' and '~' safe.
    return "/" + bucket + "/" + quote(key, safe="/~")


def sign(name, service, method, path, query=None, body=b"", headers=None, presign=None,
         token=None):
    url = ENDPOINT + path
    if query:
        url += "?" + percent_encode_sequence(query)
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    credentials = Credentials(ACCESS_KEY, SECRET, token)
    if presign is not None:
        S3SigV4QueryAuth(credentials, service, REGION, expires=presign).add_auth(request)
    elif service == "s3":
        S3SigV4Auth(credentials, service, REGION).add_auth(request)
    else:
        SigV4Auth(credentials, service, REGION).add_auth(request)
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    wire_headers = [[k, v] for k, v in prepared.headers.items()]
    if not any(k.lower() == "host" for k, _ in wire_headers):
        wire_headers.append(["Host", parts.netloc])
    now = request.context["timestamp"]
    return {
        "name": name, "service": service, "region": REGION, "access_key": ACCESS_KEY,
        "secret": SECRET, "now": now, "method": prepared.method, "path": parts.path,
        "query": parts.query, "headers": wire_headers,
        "body_b64": base64.b64encode(prepared.body or b"").decode("ascii"),
    }


def cases():
    kinesis_body = json.dumps({"StreamName": "orders", "Data": "aGk=",
                               "PartitionKey": "p"}).encode()
    yield sign("kinesis-put-record", "kinesis", "POST", "/", body=kinesis_body,
               headers={"X-Amz-Target": "Kinesis_20131202.PutRecord",
                        "Content-Type": "application/x-amz-json-1.1"})
    yield sign("kinesis-session-token", "kinesis", "POST", "/", body=b"{}",
               headers={"X-Amz-Target": "Kinesis_20131202.ListStreams",
                        "Content-Type": "application/x-amz-json-1.1"},
               token="FQoGZXIvYXdzE+token/with==")
    yield sign("s3-list-objects", "s3", "GET", "/bucket",
               query={"list-type": "2", "prefix": "a b+c~d%/\u00fc", "max-keys": "10"})
    yield sign("s3-put-object", "s3", "PUT", s3_path("bucket", "dir/object.txt"),
               body=b"hello from botocore\n", headers={"Content-Type": "text/plain"})
    for key in ["my key.txt", "caf\u00e9/\u2603.bin", "a+b=c&d", "tilde~and%percent",
                "semi;colon,comma(1)!*'"]:
        yield sign("s3-get-" + key, "s3", "GET", s3_path("bucket", key))
        yield sign("s3-put-" + key, "s3", "PUT", s3_path("bucket", key), body=key.encode())
    yield sign("s3-presigned-get", "s3", "GET", s3_path("bucket", "shared file+1.txt"),
               presign=3600)
    yield sign("s3-presigned-token", "s3", "GET", s3_path("bucket", "k"), presign=60,
               token="tok/en+1==")
    yield sign("lambda-double-encoded-path", "lambda", "GET",
               "/2015-03-31/functions/" + quote("my fn+\u00fc~%", safe="~") + "/configuration",
               query={"Qualifier": "a b"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verify-tool")
    args = parser.parse_args()
    lines = "".join(json.dumps(case) + "\n" for case in cases())
    if not args.verify_tool:
        sys.stdout.write(lines)
        return 0
    result = subprocess.run([args.verify_tool], input=lines.encode(), check=False)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
