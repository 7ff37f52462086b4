#!/usr/bin/env python3
"""Waits until the objects under s3://BUCKET/PREFIX hold at least LINES lines more than they did
when --baseline was written, then prints where they are: each object's key, size and line count.

  wait_for_lines.py --bucket B --prefix raw/ --baseline FILE            # records the count now
  wait_for_lines.py --bucket B --prefix raw/ --baseline FILE --lines N --timeout S

Used by the main job to show where the sample events landed. Reads the engine's endpoint and
credentials from the environment `streamform env` exports (STREAMFORM_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION). Exits 1 on timeout."""
import argparse
import os
import sys
import time

import boto3

parser = argparse.ArgumentParser()
parser.add_argument("--bucket", required=True)
parser.add_argument("--prefix", required=True)
parser.add_argument("--baseline", required=True)
parser.add_argument("--lines", type=int)
parser.add_argument("--timeout", type=float, default=30.0)
args = parser.parse_args()

s3 = boto3.client("s3", endpoint_url=os.environ["STREAMFORM_ENDPOINT_URL"])


def objects():
    """{key: (size, lines)} under the prefix."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket, Prefix=args.prefix):
        for item in page.get("Contents", []):
            body = s3.get_object(Bucket=args.bucket, Key=item["Key"])["Body"].read()
            found[item["Key"]] = (item["Size"], body.count(b"\n"))
    return found


def total(found):
    return sum(lines for _, lines in found.values())


if args.lines is None:
    with open(args.baseline, "w") as out:
        out.write("\n".join(sorted(objects())))
    sys.exit(0)

with open(args.baseline) as f:
    before = set(f.read().split())
deadline = time.monotonic() + args.timeout
while True:
    new = {key: value for key, value in objects().items() if key not in before}
    if total(new) >= args.lines or time.monotonic() > deadline:
        break
    time.sleep(0.2)
for key, (size, lines) in sorted(new.items()):
    print(f"  s3://{args.bucket}/{key}  {size} bytes, {lines} lines")
print(f"{total(new)} of {args.lines} lines in {len(new)} new object(s) under s3://{args.bucket}/{args.prefix}")
sys.exit(0 if total(new) >= args.lines else 1)
