#!/usr/bin/env python3
"""The event-source mapping benchmark's driver; run it through bench/mapping/run.sh (see there).

Against an engine it starts (port 0, temp dir, SigV4 on, default durability: every put is
fsynced before it is acknowledged), with Debian's boto3:

  latency     one record at a time, `--latency-records` of them `--gap-ms` apart, put with
              put_record into a 1-shard stream mapped (BatchSize 1, no batching window) to a
              python handler that prints, per record, the time it was called. Latency is the
              handler's entry time minus the time the producer sent the put (and minus the
              time the put was acknowledged): p50, p90, p99, max.
  throughput  `--records` records (100 bytes each) loaded first into a `--shards`-shard
              stream, then a mapping (TRIM_HORIZON, BatchSize 1000) is created to a no-op
              handler; records/s is records over the time from the mapping's creation to the
              last record's delivery (the engine's streamform_mapping_records_delivered_total).
              Once with a python handler, once with a `provided` handler (a shell script bootstrap
              speaking the runtime API with curl).

Prints a summary and writes a JSON results file.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "clients"))
from engine_fixture import Engine, make_zip, wait_active  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--bin", required=True)
parser.add_argument("--results", required=True)
parser.add_argument("--latency-records", type=int, default=500)
parser.add_argument("--gap-ms", type=float, default=20.0)
parser.add_argument("--records", type=int, default=200000)
parser.add_argument("--shards", type=int, default=4)
args = parser.parse_args()
os.environ["STREAMFORM_BIN"] = args.bin


TIMING_HANDLER = """\
import base64
import time


def lambda_handler(event, context):
    now = time.time_ns()
    for record in event["Records"]:
        print("LAT", now, base64.b64decode(record["kinesis"]["data"]).decode(), flush=True)
"""

NOOP_PYTHON = """\
def lambda_handler(event, context):
    return None
"""

# A no-op custom runtime: takes each event, answers null.
NOOP_PROVIDED = """\
#!/bin/sh
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
headers=$(mktemp)
while true; do
  curl -sS -D "$headers" -o /dev/null "$api/next" || exit 1
  id=$(sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *\\([^\\r]*\\).*/\\1/p' "$headers")
  curl -sS -o /dev/null -X POST -d 'null' "$api/$id/response" || exit 1
done
"""


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def summary(values):
    return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
            "p99": percentile(values, 99), "max": max(values), "mean": statistics.mean(values)}


class Bench:
    def __init__(self):
        self.engine = Engine()
        self.engine.start()
        self.lam = self.engine.client("lambda", read_timeout=120)
        self.kinesis = self.engine.client("kinesis")
        self.role = self.engine.create_role("bench")

    def close(self):
        self.engine.close()

    def function(self, name, runtime, files, handler):
        self.lam.create_function(FunctionName=name, Runtime=runtime, Role=self.role, Handler=handler,
                                 Code={"ZipFile": make_zip(files)}, Timeout=60, MemorySize=512)

    def stream(self, name, shards):
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)
        return wait_active(self.kinesis, name)["StreamARN"]

    def delivered(self, uuid):
        body = self.engine.request("GET", "/metrics")[2].decode()
        for line in body.splitlines():
            if line.startswith("streamform_mapping_records_delivered_total{") and f'uuid="{uuid}"' in line:
                return int(line.rsplit(" ", 1)[1])
        return 0

    def function_log(self, name):
        status, _, body = self.engine.request("GET", f"/_streamform/functions/{name}/log", service="streamform")
        return body.decode(errors="replace")

    def latency(self):
        arn = self.stream("latency", 1)
        self.function("timing", "python3.11", {"handler.py": TIMING_HANDLER}, "handler.lambda_handler")
        uuid = self.lam.create_event_source_mapping(FunctionName="timing", EventSourceArn=arn,
                                                    StartingPosition="LATEST", BatchSize=1)["UUID"]
        # Warm the worker and the connection: the first record is not counted.
        acked = {}
        for i in range(args.latency_records + 1):
            sent = time.time_ns()
            self.kinesis.put_record(StreamName="latency", Data=f"{i} {sent}".encode(), PartitionKey="k")
            acked[i] = time.time_ns()
            time.sleep(args.gap_ms / 1000.0)
        deadline = time.monotonic() + 60
        while self.delivered(uuid) < args.latency_records + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        from_send, from_ack = [], []
        for line in self.function_log("timing").splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[0] == "LAT":
                entry, index, sent = int(parts[1]), int(parts[2]), int(parts[3])
                if index == 0:
                    continue
                from_send.append((entry - sent) / 1e6)
                from_ack.append((entry - acked[index]) / 1e6)
        return {"from_send_ms": summary(from_send), "from_ack_ms": summary(from_ack),
                "gap_ms": args.gap_ms}

    def throughput(self, name, runtime, files, handler):
        stream = "load-" + name
        arn = self.stream(stream, args.shards)
        payload = b"x" * 100
        loaded = 0
        started = time.monotonic()
        while loaded < args.records:
            count = min(500, args.records - loaded)
            response = self.kinesis.put_records(StreamName=stream, Records=[
                {"Data": payload, "PartitionKey": "k%d" % (loaded + i)} for i in range(count)])
            assert response["FailedRecordCount"] == 0
            loaded += count
        load_seconds = time.monotonic() - started
        self.function(name, runtime, files, handler)
        started = time.monotonic()
        uuid = self.lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn,
                                                    StartingPosition="TRIM_HORIZON", BatchSize=1000)["UUID"]
        deadline = started + 600
        while self.delivered(uuid) < args.records:
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: only {self.delivered(uuid)} of {args.records} delivered in 600 s")
            time.sleep(0.02)
        seconds = time.monotonic() - started
        return {"records": args.records, "shards": args.shards, "batch_size": 1000,
                "seconds": round(seconds, 3), "records_per_second": round(args.records / seconds),
                "load_seconds": round(load_seconds, 3)}


def main():
    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
               "command": " ".join(sys.argv)}
    bench = Bench()
    try:
        results["latency"] = bench.latency()
        results["throughput_python"] = bench.throughput(
            "noop-python", "python3.11", {"handler.py": NOOP_PYTHON}, "handler.lambda_handler")
        results["throughput_provided"] = bench.throughput(
            "noop-provided", "provided.al2023", {"bootstrap": (NOOP_PROVIDED, 0o755)}, "noop")
    finally:
        bench.close()
    with open(args.results, "w") as out:
        json.dump(results, out, indent=2)
    latency = results["latency"]
    print("put -> handler latency, ms (from send): p50 %.2f  p90 %.2f  p99 %.2f  max %.2f" % tuple(
        latency["from_send_ms"][k] for k in ("p50", "p90", "p99", "max")))
    print("put -> handler latency, ms (from ack):  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f" % tuple(
        latency["from_ack_ms"][k] for k in ("p50", "p90", "p99", "max")))
    for key in ("throughput_python", "throughput_provided"):
        r = results[key]
        print(f"{key}: {r['records']} records in {r['seconds']} s = {r['records_per_second']} records/s "
              f"({r['shards']} shards, BatchSize 1000)")


if __name__ == "__main__":
    main()
