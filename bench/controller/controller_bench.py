#!/usr/bin/env python3
"""The controller benchmark's driver; run it through bench/controller/run.sh (see there).

Times the streamform CLI as a user runs it (a fresh process per command, wall time from
spawn to exit) against engines it starts on port 0 in a temp dir:

  plan    a 1,000-resource stack (500 streams + 500 buckets) that the engine holds:
          `plan --output json` (no changes), `plan --detailed-exitcode` (exit 0), and a plan
          where one ShardCount changed (one Modify; --detailed-exitcode exits 2)
  apply   100 new resources (50 + 50) into an empty stage, destroyed between runs
  scale   one apply + destroy at other sizes, to show how apply grows with the stack
  fds     the engine's open files with 500 streams, its RLIMIT_NOFILE, and what a lower soft
          limit does (creating streams; restarting an engine that holds 500)

Only the standard library. Prints a summary and writes a JSON results file.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen_project.py")

parser = argparse.ArgumentParser()
parser.add_argument("--bin", required=True)
parser.add_argument("--work", required=True)
parser.add_argument("--results", required=True)
parser.add_argument("--plan-pairs", type=int, default=500)
parser.add_argument("--plan-runs", type=int, default=10)
parser.add_argument("--apply-pairs", type=int, default=50)
parser.add_argument("--apply-runs", type=int, default=5)
parser.add_argument("--scale-pairs", default="100 200")  # "" skips
parser.add_argument("--low-nofile", type=int, default=256)  # 0 skips the ulimit probes
parser.add_argument("--step-timeout", type=float, default=300)
args = parser.parse_args()

SF = args.bin
WORK = args.work
engines = []  # data dirs of the engines started, stopped at exit


def log(msg):
    print(f"[controller_bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stats(values):
    return {"n": len(values), "median": round(statistics.median(values), 1),
            "p90": round(percentile(values, 90), 1), "min": round(min(values), 1),
            "max": round(max(values), 1)}


def run(argv, expect=(0,), stream_lines=False, preexec=None):
    """Runs one CLI command. Returns wall ms, CPU ms (user, sys) of the child, exit code,
    stdout, stderr and, with stream_lines, the arrival time (ms after spawn) of each line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=preexec, text=True)
    lines = []
    if stream_lines:
        for line in proc.stdout:
            lines.append(((time.perf_counter() - start) * 1000, line))
        out = "".join(line for _, line in lines)
        err = proc.stderr.read()
        proc.wait(timeout=args.step_timeout)
    else:
        out, err = proc.communicate(timeout=args.step_timeout)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = {"wall_ms": wall, "user_ms": (after.ru_utime - before.ru_utime) * 1000,
         "sys_ms": (after.ru_stime - before.ru_stime) * 1000, "rc": proc.returncode,
         "out": out, "err": err, "lines": lines}
    if expect is not None and proc.returncode not in expect:
        raise RuntimeError(f"{' '.join(argv)}: exit {proc.returncode} (expected {expect}): "
                           f"{err.strip()[-600:]} {out.strip()[-600:]}")
    return r


def engine_start(data, nofile=None):
    preexec = None
    if nofile:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))
    engines.append(data)
    r = run([SF, "engine", "start", "--data-dir", data, "--port", "0"], expect=None, preexec=preexec)
    if r["rc"] != 0:
        return None, r
    with open(os.path.join(data, "engine.json")) as f:
        return json.load(f)["pid"], r


def engine_stop(data):
    subprocess.run([SF, "engine", "stop", "--data-dir", data], capture_output=True,
                   timeout=60)


def cpu_ms(pid):  # utime + stime of a process, from /proc (clock ticks)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def fd_census(pid):
    kinds = {"shard_segment_logs": 0, "sockets": 0, "other": 0}
    names = os.listdir(f"/proc/{pid}/fd")
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        if "/streams/" in target and target.endswith(".log"):
            kinds["shard_segment_logs"] += 1
        elif target.startswith("socket:"):
            kinds["sockets"] += 1
        else:
            kinds["other"] += 1
    kinds["total"] = len(names)
    return kinds


def nofile_of(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                parts = line.split()
                return {"soft": parts[3], "hard": parts[4]}
    return None


def gen(directory, pairs, *extra):
    subprocess.run([sys.executable, GEN, directory, str(pairs), *extra], check=True)


def cli(project, data, stage, *rest):
    return [SF, "--project", project, "--stage", stage, *rest[:1], "--data-dir", data, *rest[1:]]


def summary_of_plan(out):
    return json.loads(out)["summary"]


def apply_summary(out):
    for line in reversed(out.strip().splitlines()):
        event = json.loads(line)
        if event.get("event") == "summary":
            return event
    raise RuntimeError("no summary event in: " + out[-400:])


def apply_timeline(r):
    """Splits an apply/destroy run by its JSON event lines: before the first progress event
    (process start, reading state, planning, locking), the progress events (the operations),
    after the last (recording the result, unlocking, exit)."""
    progress = [t for t, line in r["lines"] if '"event":"progress"' in line]
    if not progress:
        return None
    return {"before_first_event_ms": round(progress[0], 1),
            "operations_ms": round(progress[-1] - progress[0], 1),
            "after_last_event_ms": round(r["wall_ms"] - progress[-1], 1)}


def disk_probe(directory, count=100):
    """What the engine's small durable writes cost here: a 4 KiB file written, fsynced,
    renamed, directory fsynced. Returns p50 / p90 ms."""
    times = []
    d = os.open(directory, os.O_RDONLY)
    try:
        for i in range(count):
            tmp = os.path.join(directory, f"probe.{i}.tmp")
            start = time.perf_counter()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
            os.close(fd)
            os.rename(tmp, os.path.join(directory, f"probe.{i}"))
            os.fsync(d)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(d)
        for i in range(count):
            try:
                os.unlink(os.path.join(directory, f"probe.{i}"))
            except OSError:
                pass
    return {"small_file_fsync_rename_p50_ms": round(percentile(times, 50), 3),
            "small_file_fsync_rename_p90_ms": round(percentile(times, 90), 3)}


def machine():
    fs = subprocess.run(["findmnt", "-no", "SOURCE,FSTYPE", "-T", WORK], capture_output=True,
                        text=True).stdout.strip()
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
        with open("/proc/meminfo") as f:
            mem_kib = int(f.readline().split()[1])
    except Exception:
        mem_kib = 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(mem_kib / 2**20, 1),
            "kernel": platform.release(), "work_fs": fs, "ulimit_n": {"soft": soft, "hard": hard},
            "disk": disk_probe(WORK)}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# --- the benchmark ---------------------------------------------------------------------------
def bench_plan(res):
    project = os.path.join(WORK, "plan-project")
    data = os.path.join(WORK, "engine-plan")
    pairs = args.plan_pairs
    n = 2 * pairs
    gen(project, pairs)
    pid, r = engine_start(data)
    if pid is None:
        raise RuntimeError("the engine did not start: " + r["err"] + r["out"])
    log(f"plan: engine pid {pid}; {n} resources")
    res["plan"] = p = {"resources": n, "template_bytes": os.path.getsize(os.path.join(project, "stacks", "load.yaml"))}

    v = [run([SF, "--project", project, "--stage", "bench", "validate"]) for _ in range(5)]
    p["validate_offline_ms"] = stats([x["wall_ms"] for x in v])

    log(f"plan: apply --yes of {n} resources (untimed for the targets)")
    engine_cpu0 = cpu_ms(pid)
    a = run(cli(project, data, "bench", "apply", "--yes", "--output", "json"), stream_lines=True)
    s = apply_summary(a["out"])
    if s["outcome"] != "complete" or s["stacks"][0]["operationsDone"] != n:
        raise RuntimeError(f"the initial apply did not complete: {json.dumps(s)[:600]}")
    p["initial_apply"] = {"wall_ms": round(a["wall_ms"], 1), "cli_cpu_ms": round(a["user_ms"] + a["sys_ms"], 1),
                          "engine_cpu_ms": round(cpu_ms(pid) - engine_cpu0, 1),
                          "timeline": apply_timeline(a)}
    log(f"plan: initial apply took {a['wall_ms'] / 1000:.1f} s")
    res["fds"] = {"engine_after_apply": fd_census(pid), "engine_nofile": nofile_of(pid),
                  "streams": pairs}

    def plan_runs(label, expect_rc, check):
        walls, cpus, ecpus = [], [], []
        run(cli(project, data, "bench", "plan", "--output", "json"), expect=None)  # warm-up
        for _ in range(args.plan_runs):
            e0 = cpu_ms(pid)
            r = run(cli(project, data, "bench", "plan", *label), expect=(expect_rc,))
            ecpus.append(cpu_ms(pid) - e0)
            check(r)
            walls.append(r["wall_ms"])
            cpus.append(r["user_ms"] + r["sys_ms"])
        return {"wall_ms": stats(walls), "cli_cpu_ms": stats(cpus), "engine_cpu_ms": stats(ecpus),
                "exit_code": expect_rc}

    def no_changes(r):
        s = summary_of_plan(r["out"])
        changed = sum(s[k] for k in ("add", "modify", "remove", "replace"))
        if changed or s["unchanged"] != n:
            raise RuntimeError(f"plan of the applied stack is not empty: {s}")
        p["no_change_summary"] = s

    log(f"plan: {args.plan_runs} x plan --output json (no changes)")
    p["no_changes_json"] = plan_runs(("--output", "json"), 0, no_changes)
    log(f"plan: {args.plan_runs} x plan --detailed-exitcode (expect exit 0)")
    p["no_changes_detailed_exitcode"] = plan_runs(("--detailed-exitcode",), 0, lambda r: None)

    gen(project, pairs, "--shards-of", "7=2")

    def one_change(r):
        s = summary_of_plan(r["out"])
        if s["modify"] + s["replace"] != 1 or s["add"] or s["remove"] or s["unchanged"] != n - 1:
            raise RuntimeError(f"the one-change plan is not one change: {s}")
        p["one_change_summary"] = s

    log(f"plan: {args.plan_runs} x plan --output json with Stream0007 ShardCount 1 -> 2")
    p["one_change_json"] = plan_runs(("--output", "json"), 0, one_change)
    log(f"plan: {args.plan_runs} x plan --detailed-exitcode with one change (expect exit 2)")
    p["one_change_detailed_exitcode"] = plan_runs(("--detailed-exitcode",), 2, lambda r: None)
    gen(project, pairs)  # back as applied

    if args.low_nofile:
        engine_stop(data)
        log(f"fds: restarting the engine that holds {pairs} streams with ulimit -Sn {args.low_nofile}")
        pid2, r = engine_start(data, nofile=args.low_nofile)
        res["fds"]["restart_with_low_soft_limit"] = {
            "soft_limit": args.low_nofile, "started": pid2 is not None,
            "message": (r["err"] + r["out"]).strip().splitlines()[-1][:400] if pid2 is None else "",
        }
        if pid2 is None:  # leave it running normally again (not needed further, but tidy)
            pass
        else:
            res["fds"]["restart_with_low_soft_limit"]["fds"] = fd_census(pid2)
    engine_stop(data)
    shutil.rmtree(data, ignore_errors=True)


def bench_apply(res):
    data = os.path.join(WORK, "engine-apply")
    project = os.path.join(WORK, "apply-project")
    pairs = args.apply_pairs
    n = 2 * pairs
    gen(project, pairs)
    pid, r = engine_start(data)
    if pid is None:
        raise RuntimeError("the engine did not start: " + r["err"] + r["out"])
    log(f"apply: engine pid {pid}; {args.apply_runs} x apply --yes of {n} new resources, destroy between")
    res["apply"] = a = {"resources": n, "runs": []}
    for i in range(args.apply_runs):
        e0 = cpu_ms(pid)
        ap = run(cli(project, data, "apply", "apply", "--yes", "--output", "json"), stream_lines=True)
        e1 = cpu_ms(pid)
        s = apply_summary(ap["out"])
        if s["outcome"] != "complete" or s["stacks"][0]["operationsDone"] != n:
            raise RuntimeError(f"apply {i}: {json.dumps(s)[:600]}")
        left = summary_of_plan(run(cli(project, data, "apply", "plan", "--output", "json"))["out"])
        if left["unchanged"] != n or left["add"]:
            raise RuntimeError(f"apply {i}: the plan after it is not empty: {left}")
        de = run(cli(project, data, "apply", "destroy", "--yes", "--output", "json"), stream_lines=True)
        e2 = cpu_ms(pid)
        ds = apply_summary(de["out"])
        if ds["outcome"] != "complete" or ds["stacks"][0]["operationsDone"] != n:
            raise RuntimeError(f"destroy {i}: {json.dumps(ds)[:600]}")
        a["runs"].append({
            "apply_wall_ms": round(ap["wall_ms"], 1), "apply_cli_cpu_ms": round(ap["user_ms"] + ap["sys_ms"], 1),
            "apply_engine_cpu_ms": round(e1 - e0, 1), "apply_timeline": apply_timeline(ap),
            "destroy_wall_ms": round(de["wall_ms"], 1), "destroy_cli_cpu_ms": round(de["user_ms"] + de["sys_ms"], 1),
            "destroy_engine_cpu_ms": round(e2 - e1, 1), "destroy_timeline": apply_timeline(de),
            "destroy_summary_status": ds["stacks"][0].get("status")})
        log(f"apply: run {i + 1}: apply {ap['wall_ms']:.0f} ms, destroy {de['wall_ms']:.0f} ms")
    for key in ("apply_wall_ms", "apply_cli_cpu_ms", "apply_engine_cpu_ms", "destroy_wall_ms",
                "destroy_cli_cpu_ms", "destroy_engine_cpu_ms"):
        a[key] = stats([x[key] for x in a["runs"]])

    res["scale"] = []
    for pairs_s in [int(x) for x in args.scale_pairs.split()]:
        proj = os.path.join(WORK, f"scale-{pairs_s}")
        gen(proj, pairs_s)
        log(f"scale: apply --yes of {2 * pairs_s} new resources")
        ap = run(cli(proj, data, "apply", "apply", "--yes", "--output", "json"), stream_lines=True)
        s = apply_summary(ap["out"])
        ok = s["outcome"] == "complete" and s["stacks"][0]["operationsDone"] == 2 * pairs_s
        de = run(cli(proj, data, "apply", "destroy", "--yes", "--output", "json"), stream_lines=True)
        res["scale"].append({"resources": 2 * pairs_s, "ok": ok, "apply_wall_ms": round(ap["wall_ms"], 1),
                             "apply_cli_cpu_ms": round(ap["user_ms"] + ap["sys_ms"], 1),
                             "apply_timeline": apply_timeline(ap), "destroy_wall_ms": round(de["wall_ms"], 1)})
    engine_stop(data)
    shutil.rmtree(data, ignore_errors=True)


def bench_low_nofile_create(res):
    """Creating streams in an engine started with a low soft RLIMIT_NOFILE."""
    data = os.path.join(WORK, "engine-lowfd")
    project = os.path.join(WORK, "lowfd-project")
    pairs = args.low_nofile  # more streams than the soft limit allows
    gen(project, pairs)
    pid, r = engine_start(data, nofile=args.low_nofile)
    if pid is None:
        res["fds"]["create_with_low_soft_limit"] = {"soft_limit": args.low_nofile, "started": False}
        return
    log(f"fds: apply of {pairs} streams into an engine with ulimit -Sn {args.low_nofile}")
    ap = run(cli(project, data, "bench", "apply", "--yes", "--output", "json"), expect=None)
    s = apply_summary(ap["out"])
    failed = [json.loads(l) for l in ap["out"].splitlines() if "CREATE_FAILED" in l]
    created = sum(1 for l in ap["out"].splitlines() if "CREATE_COMPLETE" in l and "Kinesis" in l)
    res["fds"]["create_with_low_soft_limit"] = {
        "soft_limit": args.low_nofile, "streams_asked": pairs, "exit_code": ap["rc"],
        "outcome": s["outcome"], "streams_created_before_failure": created,
        "first_failure": failed[0]["message"][:400] if failed else None,
        "fds_after": fd_census(pid)}
    engine_stop(data)
    shutil.rmtree(data, ignore_errors=True)


def main():
    res = {"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "streamform": subprocess.run([SF, "--version"], capture_output=True, text=True).stdout.strip(),
           "machine": machine(), "loadavg_before": loadavg(),
           "targets": {"plan_1000_ms": 300, "apply_100_ms": 2000}}
    log(f"machine: {json.dumps(res['machine'])}")
    bench_plan(res)
    bench_apply(res)
    if args.low_nofile:
        bench_low_nofile_create(res)
    res["loadavg_after"] = loadavg()
    p, a = res["plan"], res["apply"]
    res["verdict"] = {
        "plan_1000_no_changes": "MET" if p["no_changes_json"]["wall_ms"]["median"] <= 300 else "MISS",
        "plan_1000_detailed_exitcode": "MET" if p["no_changes_detailed_exitcode"]["wall_ms"]["median"] <= 300 else "MISS",
        "apply_100": "MET" if a["apply_wall_ms"]["median"] <= 2000 else "MISS",
    }
    with open(args.results, "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    report(res)


def report(res):
    m, p, a, fd = res["machine"], res["plan"], res["apply"], res["fds"]
    print()
    print(f"controller benchmark: {res['streamform']}; {m['nproc']} CPUs ({m['cpu']}), {m['mem_gib']} GiB, "
          f"{m['work_fs']}; load {res['loadavg_before']} before, {res['loadavg_after']} after")
    print(f"disk: 4 KiB write + fsync + rename + dir fsync p50 {m['disk']['small_file_fsync_rename_p50_ms']} ms, "
          f"p90 {m['disk']['small_file_fsync_rename_p90_ms']} ms; ulimit -n {m['ulimit_n']['soft']}/{m['ulimit_n']['hard']}")
    print()
    print(f"{p['resources']} resources, template {p['template_bytes']} bytes; validate (offline) median "
          f"{p['validate_offline_ms']['median']} ms")
    ia = p["initial_apply"]
    print(f"initial apply --yes (untimed for the target): {ia['wall_ms'] / 1000:.1f} s wall, CLI CPU "
          f"{ia['cli_cpu_ms'] / 1000:.1f} s, engine CPU {ia['engine_cpu_ms'] / 1000:.1f} s; {ia['timeline']}")
    print(f"{'wall ms (CLI, spawn to exit)':44}{'median':>8}{'p90':>8}{'min':>8}{'max':>8}{'CLI CPU':>9}{'engine CPU':>11}  exit")
    for key, label in (("no_changes_json", "plan --output json, no changes"),
                       ("no_changes_detailed_exitcode", "plan --detailed-exitcode, no changes"),
                       ("one_change_json", "plan --output json, 1 ShardCount changed"),
                       ("one_change_detailed_exitcode", "plan --detailed-exitcode, 1 changed")):
        x = p[key]
        w = x["wall_ms"]
        print(f"{label:44}{w['median']:>8}{w['p90']:>8}{w['min']:>8}{w['max']:>8}"
              f"{x['cli_cpu_ms']['median']:>9}{x['engine_cpu_ms']['median']:>11}  {x['exit_code']}")
    print()
    print(f"apply --yes of {a['resources']} new resources, {len(a['runs'])} runs: median "
          f"{a['apply_wall_ms']['median']} ms (min {a['apply_wall_ms']['min']}, max {a['apply_wall_ms']['max']}); "
          f"CLI CPU {a['apply_cli_cpu_ms']['median']} ms, engine CPU {a['apply_engine_cpu_ms']['median']} ms")
    print(f"  timeline of the first run: {a['runs'][0]['apply_timeline']}")
    print(f"destroy --yes of the same: median {a['destroy_wall_ms']['median']} ms (min {a['destroy_wall_ms']['min']}, "
          f"max {a['destroy_wall_ms']['max']}); CLI CPU {a['destroy_cli_cpu_ms']['median']} ms, engine CPU "
          f"{a['destroy_engine_cpu_ms']['median']} ms; summary status {a['runs'][0]['destroy_summary_status']}")
    for s in res.get("scale", []):
        print(f"scale: apply of {s['resources']}: {s['apply_wall_ms']} ms (CLI CPU {s['apply_cli_cpu_ms']} ms), "
              f"destroy {s['destroy_wall_ms']} ms, ok={s['ok']}")
    print(f"scale: apply of {p['resources']}: {ia['wall_ms']} ms (CLI CPU {ia['cli_cpu_ms']} ms)")
    print()
    print(f"engine fds with {fd['streams']} streams: {fd['engine_after_apply']}; RLIMIT_NOFILE {fd['engine_nofile']}")
    if "restart_with_low_soft_limit" in fd:
        x = fd["restart_with_low_soft_limit"]
        print(f"restart with ulimit -Sn {x['soft_limit']}: {'started' if x['started'] else 'FAILED: ' + x['message']}")
    if "create_with_low_soft_limit" in fd:
        x = fd["create_with_low_soft_limit"]
        print(f"create {x.get('streams_asked')} streams with ulimit -Sn {x['soft_limit']}: outcome {x.get('outcome')}, "
              f"{x.get('streams_created_before_failure')} created first; {x.get('first_failure')}")
    print()
    v = res["verdict"]
    print(f"target plan of 1,000 <= 300 ms: {v['plan_1000_no_changes']} ({p['no_changes_json']['wall_ms']['median']} ms json, "
          f"{p['no_changes_detailed_exitcode']['wall_ms']['median']} ms detailed-exitcode: {v['plan_1000_detailed_exitcode']})")
    print(f"target apply of 100 <= 2 s: {v['apply_100']} ({a['apply_wall_ms']['median']} ms)")
    print(f"\nresults: {args.results}")


def on_term(signum, frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_term)
    try:
        main()
    finally:
        for data in engines:
            try:
                engine_stop(data)
            except Exception:
                pass
