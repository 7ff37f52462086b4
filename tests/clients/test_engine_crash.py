"""Crashes and clean stops of the engine process.

SIGKILL in the middle of sustained ingest, then a restart on the same data dir and port: every
acknowledged record must be readable exactly once, at the sequence number it was acknowledged
with, in order per shard; unacknowledged records may or may not be there, but never corrupted or
duplicated. Also SIGTERM/SIGINT (exit 0, "engine stopped" last in the log) and
`streamform engine start|status|stop`."""
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from engine_fixture import BIN, Engine, Ledger, read_stream_in_lineage_order, start_engine, verify

PRODUCERS = 3
INGEST_SECONDS = 1.2       # at least this long, and until MIN_ACKED records were acknowledged...
MIN_ACKED = 1000
MAX_INGEST_SECONDS = 15.0  # ...but never longer than this
KILLS = 3


class CrashRecovery(unittest.TestCase):
    def ingest_then_kill(self, engine, ledger, cycle):
        stop = threading.Event()
        deadline = time.monotonic() + MAX_INGEST_SECONDS + 20
        threads = [threading.Thread(target=ledger.producer, args=(engine, p, cycle, stop, deadline), daemon=True)
                   for p in range(PRODUCERS)]
        acked_before = len(ledger.acked)
        for thread in threads:
            thread.start()
        started = time.monotonic()
        try:
            while time.monotonic() - started < MAX_INGEST_SECONDS:
                time.sleep(0.05)
                if time.monotonic() - started >= INGEST_SECONDS and len(ledger.acked) - acked_before >= MIN_ACKED:
                    break
            # Mid-ingest: the producers are still sending.
            self.assertTrue(all(thread.is_alive() for thread in threads), "a producer stopped early")
            engine.kill()
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a producer hung after the kill")
        self.assertGreaterEqual(len(ledger.acked) - acked_before, MIN_ACKED,
                                f"cycle {cycle}: only {len(ledger.acked) - acked_before} records acknowledged in "
                                f"{MAX_INGEST_SECONDS} s")

    def run_kills(self, *options):
        engine = start_engine(self, *options)
        client = engine.client()
        client.create_stream(StreamName="crash", ShardCount=3)
        client.close()
        ledger = Ledger("crash")
        port = engine.port
        for cycle in range(KILLS):
            self.ingest_then_kill(engine, ledger, cycle)
            engine.start()
            self.assertEqual(engine.port, port)
            stored = verify(self, engine, ledger, f"after kill {cycle + 1}")
            self.assertGreaterEqual(stored, len(ledger.acked))
            self.assertLessEqual(stored, len(ledger.sent))
        # The last restart was clean enough to stop gracefully.
        engine.stop()
        self.assertIn("engine stopped", engine.log().splitlines()[-1])
        return ledger

    def test_sigkill_mid_ingest_loses_no_acknowledged_record(self):
        ledger = self.run_kills()
        self.assertGreater(sum(ledger.failures.values()), 0,
                           "no request was interrupted: the kills did not happen mid-ingest")

    def test_sigkill_with_interval_durability(self):
        # Acknowledged before fsync, but written before the acknowledgement: a process crash (not
        # a machine crash) must still lose nothing acknowledged.
        self.run_kills("--durability", "interval", "--sync-interval-ms", "50")

    def test_restart_after_kill_keeps_streams_and_shape(self):
        engine = start_engine(self)
        client = engine.client()
        client.create_stream(StreamName="shape", ShardCount=2)
        client.add_tags_to_stream(StreamName="shape", Tags={"t": "v"})
        client.increase_stream_retention_period(StreamName="shape", RetentionPeriodHours=36)
        client.update_shard_count(StreamName="shape", TargetShardCount=3, ScalingType="UNIFORM_SCALING")
        put = client.put_record(StreamName="shape", PartitionKey="k", Data=b"kept")
        iterator = client.get_shard_iterator(StreamName="shape", ShardId=put["ShardId"],
                                             ShardIteratorType="AT_SEQUENCE_NUMBER",
                                             StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
        before = client.list_shards(StreamName="shape")["Shards"]
        engine.kill()
        engine.start()
        self.assertEqual(client.list_shards(StreamName="shape")["Shards"], before)
        summary = client.describe_stream_summary(StreamName="shape")["StreamDescriptionSummary"]
        self.assertEqual((summary["OpenShardCount"], summary["RetentionPeriodHours"]), (3, 36))
        self.assertEqual(client.list_tags_for_stream(StreamName="shape")["Tags"], [{"Key": "t", "Value": "v"}])
        # Iterators survive a restart (they are signed with a key kept in the data dir).
        self.assertEqual([r["Data"] for r in client.get_records(ShardIterator=iterator)["Records"]], [b"kept"])
        after = client.put_record(StreamName="shape", PartitionKey="k", Data=b"new")
        self.assertEqual(after["ShardId"], put["ShardId"])
        self.assertGreater(int(after["SequenceNumber"]), int(put["SequenceNumber"]))
        client.close()


class CleanStop(unittest.TestCase):
    def test_sigterm_and_sigint_stop_cleanly(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=sig.name):
                engine = start_engine(self)
                client = engine.client()
                client.create_stream(StreamName="stop", ShardCount=1)
                acked = client.put_records(StreamName="stop", Records=[
                    {"PartitionKey": "k", "Data": f"r{i}".encode()} for i in range(100)])
                client.close()
                self.assertEqual(acked["FailedRecordCount"], 0)
                started = time.monotonic()
                self.assertEqual(engine.stop(sig=sig), 0)
                self.assertLess(time.monotonic() - started, 10)
                lines = engine.log().strip().splitlines()
                self.assertIn("engine stopped", lines[-1])
                self.assertEqual(json.loads(lines[-1])["msg"], "engine stopped")
                self.assertIn("signal received", engine.log())
                self.assertFalse(os.path.exists(os.path.join(engine.data_dir, "engine.json")),
                                 "engine.json left behind by a clean stop")
                engine.start()
                client = engine.client()
                _, records, _ = read_stream_in_lineage_order(client, "stop")
                client.close()
                self.assertEqual([r["Data"] for r in records["shardId-000000000000"]],
                                 [f"r{i}".encode() for i in range(100)])

    def test_stop_while_requests_are_in_flight(self):
        engine = start_engine(self)
        client = engine.client()
        client.create_stream(StreamName="busy", ShardCount=2)
        client.close()
        ledger = Ledger("busy")
        stop = threading.Event()
        threads = [threading.Thread(target=ledger.producer, args=(engine, p, 0, stop, time.monotonic() + 20),
                                    daemon=True) for p in range(PRODUCERS)]
        for thread in threads:
            thread.start()
        time.sleep(0.8)
        try:
            self.assertEqual(engine.stop(), 0)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        self.assertIn("engine stopped", engine.log().splitlines()[-1])
        engine.start()
        self.assertGreater(len(ledger.acked), 100)
        verify(self, engine, ledger, "after a graceful stop under load")


class EngineCommands(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sf-cmd-")
        self.data = os.path.join(self.dir, "data")
        self.addCleanup(self.kill_leftover)

    def kill_leftover(self):
        try:
            with open(os.path.join(self.data, "engine.json")) as f:
                pid = json.load(f)["pid"]
        except (OSError, ValueError, KeyError):
            pid = None
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        subprocess.run(["rm", "-rf", self.dir], check=False)

    def streamform(self, *args, timeout=60):
        return subprocess.run([BIN, *args], cwd=self.dir, capture_output=True, text=True, timeout=timeout)

    def test_start_status_stop(self):
        status = self.streamform("engine", "status", "--data-dir", self.data)
        self.assertEqual(status.returncode, 3, status)
        self.assertIn("not running", status.stdout)

        started = self.streamform("engine", "start", "--data-dir", self.data, "--port", "0")
        self.assertEqual(started.returncode, 0, started)
        self.assertRegex(started.stdout, r"engine started \(pid \d+, http://127\.0\.0\.1:\d+, log ")
        with open(os.path.join(self.data, "engine.json")) as f:
            state = json.load(f)
        pid, port = state["pid"], state["port"]
        os.kill(pid, 0)  # it runs

        again = self.streamform("engine", "start", "--data-dir", self.data, "--port", "0")
        self.assertEqual(again.returncode, 0, again)
        self.assertIn(f"engine already running (pid {pid}", again.stdout)

        status = self.streamform("engine", "status", "--data-dir", self.data)
        self.assertEqual(status.returncode, 0, status)
        self.assertIn(f"engine running (pid {pid}, http://127.0.0.1:{port}, healthy", status.stdout)
        status_json = self.streamform("--output", "json", "engine", "status", "--data-dir", self.data)
        self.assertEqual(status_json.returncode, 0, status_json)
        described = json.loads(status_json.stdout)
        self.assertEqual((described["running"], described["pid"], described["port"], described["healthy"]),
                         (True, pid, port, True))

        # It serves: create a stream through it.
        engine = Engine(data_dir=self.data)
        engine.port = port
        self.assertEqual(engine.kinesis("CreateStream", {"StreamName": "bg", "ShardCount": 1})[0], 200)
        engine.close()  # not started by this object: only removes its own temp dir

        stopped = self.streamform("engine", "stop", "--data-dir", self.data, timeout=40)
        self.assertEqual(stopped.returncode, 0, stopped)
        self.assertIn(f"engine stopped (pid {pid})", stopped.stdout)
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)
        log = open(os.path.join(self.data, "engine.log")).read().strip().splitlines()
        self.assertIn("engine stopped", log[-1])

        status = self.streamform("engine", "status", "--data-dir", self.data)
        self.assertEqual(status.returncode, 3, status)
        stopped = self.streamform("engine", "stop", "--data-dir", self.data)
        self.assertEqual(stopped.returncode, 0, stopped)
        self.assertIn("not running", stopped.stdout)

    def test_status_after_a_crash_and_restart(self):
        engine = Engine(data_dir=self.data)
        self.addCleanup(engine.close)
        engine.start()
        self.assertEqual(self.streamform("engine", "status", "--data-dir", self.data).returncode, 0)
        engine.kill()  # leaves a stale engine.json behind
        self.assertTrue(os.path.exists(os.path.join(self.data, "engine.json")))
        status = self.streamform("engine", "status", "--data-dir", self.data)
        self.assertEqual(status.returncode, 3, status)
        started = self.streamform("engine", "start", "--data-dir", self.data, "--port", "0")
        self.assertEqual(started.returncode, 0, started)
        self.assertIn("engine started", started.stdout)
        stopped = self.streamform("engine", "stop", "--data-dir", self.data, timeout=40)
        self.assertEqual(stopped.returncode, 0, stopped)


if __name__ == "__main__":
    unittest.main()
