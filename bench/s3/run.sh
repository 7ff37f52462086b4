#!/usr/bin/env bash
# The S3 benchmark in one command: PutObject and GetObject of 1 MiB objects on streamform's
# engine and on s3rver (Node.js), driven by the same native load generator (s3_load, every
# request SigV4-signed), next to the disk's own write bandwidth (disk_write) and the cost of
# SigV4 verification (sigv4_bench). All traffic on loopback.
#
#   bench/s3/run.sh            # about 3 minutes; writes bench/s3/results.json
#
# Knobs (environment): SERVERS CONCURRENCY OBJECT_SIZE WARMUP_S DURATION_S GET_OBJECTS PAYLOAD
# UNSIGNED_AT DISK_SEQUENTIAL_MIB DISK_OBJECTS SIGV4_MIN_TIME STEP_TIMEOUT BUILD_DIR RESULTS.
# See README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build}
results=${RESULTS:-$here/results.json}

SERVERS=${SERVERS:-"streamform s3rver"}
CONCURRENCY=${CONCURRENCY:-"1 4 16"}
OBJECT_SIZE=${OBJECT_SIZE:-1048576}
WARMUP_S=${WARMUP_S:-2}
DURATION_S=${DURATION_S:-6}
GET_OBJECTS=${GET_OBJECTS:-32}
PAYLOAD=${PAYLOAD:-sha256}
UNSIGNED_AT=${UNSIGNED_AT-4}  # one more put at this concurrency with UNSIGNED-PAYLOAD ("" skips)
DISK_SEQUENTIAL_MIB=${DISK_SEQUENTIAL_MIB:-1024}
DISK_OBJECTS=${DISK_OBJECTS:-256}
SIGV4_MIN_TIME=${SIGV4_MIN_TIME:-0.2}
STEP_TIMEOUT=${STEP_TIMEOUT:-120}
S3RVER_VERSION=3.7.1  # pinned: the newest release (2021); see README.md
BUCKET=s3-bench

PY=/usr/bin/python3  # Debian's; only the standard library is used
log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/s3-bench.XXXXXX")
server_pid=""
step_pid=""  # the running step (under timeout), so that a signal can stop it at once
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  local status=$?
  if [[ -n "$step_pid" ]]; then  # the build runs in a session of its own: stop all of it
    kill -TERM -- "-$step_pid" 2>/dev/null || kill -TERM "$step_pid" 2>/dev/null || true
    wait "$step_pid" 2>/dev/null || true
  fi
  stop_server
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build --------------------------------------------------------------------------------
targets=(s3_load disk_write sigv4_bench md5_bench)
[[ " $SERVERS " == *" streamform"[\ -]* ]] && targets+=(streamform)
log "building ${targets[*]} in $build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
# In the background and waited for (as every long step below), so that INT/TERM stop it now.
setsid cmake --build "$build" --target "${targets[@]}" >"$work/build.log" 2>&1 &
step_pid=$!
wait "$step_pid" || {
  tail -40 "$work/build.log" >&2
  log "build failed (if the error is in a file being edited elsewhere, retry later)"
  exit 1
}
step_pid=""
# Run copies: others may rebuild the shared build directory while this runs.
for tool in s3_load disk_write sigv4_bench md5_bench; do cp "$build/bench/s3/$tool" "$work/$tool"; done
engine=$work/streamform
engine_version=none
engine_built=none
if [[ " ${targets[*]} " == *" streamform "* ]]; then
  # A concurrent relink can leave a half-written binary for a moment: copy until it runs.
  for attempt in $(seq 30); do
    cp "$build/src/streamform" "$engine" 2>/dev/null && engine_version=$("$engine" --version 2>/dev/null) && break
    engine_version=unknown
    ((attempt < 30)) && sleep 2
  done
  [[ "$engine_version" != unknown ]] || log "warning: $build/src/streamform does not run (being rebuilt?)"
  engine_built=$(date -u -r "$build/src/streamform" +%Y-%m-%dT%H:%M:%SZ)
  log "engine: $engine_version, built $engine_built"
fi

# --- s3rver -------------------------------------------------------------------------------
peer=$here/.peer
s3rver_js=$peer/node_modules/s3rver/bin/s3rver.js
installed=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
  "$peer/node_modules/s3rver/package.json" 2>/dev/null || true)
if [[ " $SERVERS " == *" s3rver "* && "$installed" != "$S3RVER_VERSION" ]]; then
  log "installing s3rver@$S3RVER_VERSION into $peer"
  npm install --prefix "$peer" --no-audit --no-fund "s3rver@$S3RVER_VERSION" >"$work/npm.log" 2>&1 &
  step_pid=$!
  wait "$step_pid" || {
    tail -20 "$work/npm.log" >&2
    log "npm install failed (is the npm registry reachable?)"
    exit 1
  }
  step_pid=""
fi

# --- helpers ------------------------------------------------------------------------------
json_field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
wait_for_file() {  # file, seconds
  local deadline=$((SECONDS + $2))
  while [[ ! -s "$1" ]]; do
    if ((SECONDS > deadline)); then return 1; fi
    if [[ -n "$server_pid" ]] && ! kill -0 "$server_pid" 2>/dev/null; then return 1; fi
    sleep 0.05
  done
}
# step out-file command...: runs a tool under the step timeout, in the background so that
# INT/TERM interrupt the wait; a crash or timeout leaves a JSON line saying so.
step() {
  local out=$1
  shift
  timeout "$STEP_TIMEOUT" "$@" >"$out" 2>"$out.err" &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=""
  if ((status != 0)); then
    log "$(basename "$out" .json) reported a problem (kept in results): $(tail -3 "$out.err" | tr '\n' ' ')"
  fi
  if [[ ! -s "$out" ]]; then
    "$PY" -c 'import json,sys; print(json.dumps({"ok": False, "first_error": sys.argv[1]}))' \
      "no result (exit $status): $(tail -2 "$out.err")" >"$out"
  fi
}
skip() {  # label reason
  log "$1: skipped: $2"
  "$PY" -c 'import json,sys; print(json.dumps({"reason": sys.argv[1]}))' "$2" >"$work/$1.skipped.json"
}

# md5_snapshot label endpoint run: the engine's MD5-lane counters after a put run (cumulative;
# the summary takes differences). Nothing for s3rver.
md5_snapshot() {
  [[ "$1" == streamform ]] || return 0
  curl -fsS "http://$2/metrics" 2>/dev/null | grep '^streamform_s3_md5_' >"$work/$1.md5.$3.txt" || true
}

# run_set label endpoint credential-args...: put then get at each concurrency.
run_set() {
  local label=$1 endpoint=$2
  shift 2
  local common=(--endpoint "$endpoint" --bucket "$BUCKET" --create-bucket --watch-pid "$server_pid"
    --object-size "$OBJECT_SIZE" --warmup "$WARMUP_S" --duration "$DURATION_S" --label "$label" "$@")
  local c
  for c in $CONCURRENCY; do
    log "$label: put, concurrency $c"
    step "$work/$label.put.$c.json" "$work/s3_load" put "${common[@]}" --concurrency "$c" --payload "$PAYLOAD"
    md5_snapshot "$label" "$endpoint" "put.$c"
  done
  if [[ -n "$UNSIGNED_AT" ]]; then
    log "$label: put, concurrency $UNSIGNED_AT, UNSIGNED-PAYLOAD"
    step "$work/$label.put-unsigned.$UNSIGNED_AT.json" "$work/s3_load" put "${common[@]}" \
      --concurrency "$UNSIGNED_AT" --payload unsigned
    md5_snapshot "$label" "$endpoint" "put-unsigned.$UNSIGNED_AT"
  fi
  for c in $CONCURRENCY; do
    log "$label: get, concurrency $c"
    step "$work/$label.get.$c.json" "$work/s3_load" get "${common[@]}" --concurrency "$c" \
      --payload "$PAYLOAD" --objects "$GET_OBJECTS"
  done
  echo "{\"vmhwm_mib\": $(awk '/^VmHWM:/ {printf "%.1f", $2/1024; f=1} END {if (!f) print "null"}' \
    "/proc/$server_pid/status" 2>/dev/null || echo null)}" >"$work/$label.memory.json"
}

# run_streamform label engine-args...: the engine with those options, measured under `label`.
run_streamform() {
  local label=$1
  shift
  local data=$work/$label-data
  mkdir -p "$data"
  "$engine" engine run --data-dir "$data" --port 0 "$@" >"$work/$label.log" 2>&1 &
  server_pid=$!
  if ! wait_for_file "$data/engine.json" 20; then
    tail -20 "$work/$label.log" >&2
    skip "$label" "the engine did not start: $(tail -3 "$work/$label.log" | tr '\n' ' ')"
    stop_server
    return
  fi
  local endpoint port
  port=$(json_field "$data/engine.json" port)
  endpoint=127.0.0.1:$port
  curl -fsS "http://$endpoint/health" >/dev/null
  log "$label: engine pid $server_pid on $endpoint"
  # An engine without the S3 API answers a JSON 404; S3 answers XML (403 for this unsigned PUT).
  local code
  code=$(curl -s -o "$work/probe.body" -w '%{http_code}' -X PUT "http://$endpoint/$BUCKET" || true)
  if [[ "$(head -c 1 "$work/probe.body")" != "<" ]]; then
    skip "$label" "the engine does not serve S3 (unsigned PUT /$BUCKET: HTTP $code $(head -c 200 "$work/probe.body"))"
  elif ! wait_for_file "$data/credentials.json" 10; then
    skip "$label" "the engine wrote no $data/credentials.json"
  else
    run_set "$label" "$endpoint" --credentials "$data/credentials.json"
  fi
  stop_server
  rm -rf "$data"
  log "$label: stopped"
}

run_s3rver() {
  local data=$work/s3rver-data
  mkdir -p "$data"
  node "$s3rver_js" -d "$data" -a 127.0.0.1 -p 0 --silent >"$work/s3rver.log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 20))
  until grep -q 'listening on' "$work/s3rver.log"; do
    if ((SECONDS > deadline)) || ! kill -0 "$server_pid" 2>/dev/null; then
      tail -20 "$work/s3rver.log" >&2
      skip s3rver "s3rver did not start: $(tail -3 "$work/s3rver.log" | tr '\n' ' ')"
      stop_server
      return
    fi
    sleep 0.05
  done
  local endpoint
  endpoint=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$work/s3rver.log" | head -1)
  log "s3rver: pid $server_pid on $endpoint"
  # s3rver knows one account, S3RVER/S3RVER, and does not check SigV4 signatures.
  run_set s3rver "$endpoint" --access-key S3RVER --secret-key S3RVER
  stop_server
  rm -rf "$data"
  log "s3rver: stopped"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- runs ---------------------------------------------------------------------------------
load_before=$(loadavg)
log "load average before: $load_before"
log "disk: ${DISK_SEQUENTIAL_MIB} MiB sequential, $DISK_OBJECTS objects with fsync + rename, in $work"
step "$work/disk.json" "$work/disk_write" --dir "$work" --sequential-mib "$DISK_SEQUENTIAL_MIB" \
  --objects "$DISK_OBJECTS" --object-kib $(((OBJECT_SIZE + 1023) / 1024))

for server in $SERVERS; do
  case "$server" in
    streamform) run_streamform streamform ;;
    streamform-on-write) run_streamform streamform-on-write --md5 on-write ;;
    s3rver) run_s3rver ;;
    *) log "unknown server $server in SERVERS"; exit 2 ;;
  esac
done

log "sigv4_bench"
step "$work/sigv4.json" "$work/sigv4_bench" --benchmark_min_time="$SIGV4_MIN_TIME" \
  --benchmark_format=json
log "md5_bench"
step "$work/md5.json" "$work/md5_bench" --benchmark_min_time="$SIGV4_MIN_TIME" \
  --benchmark_format=json
load_after=$(loadavg)
log "load average after: $load_after"

# --- results ------------------------------------------------------------------------------
export SERVERS CONCURRENCY OBJECT_SIZE WARMUP_S DURATION_S GET_OBJECTS PAYLOAD UNSIGNED_AT \
  DISK_SEQUENTIAL_MIB DISK_OBJECTS SIGV4_MIN_TIME
"$PY" - "$work" "$results" "$load_before" "$load_after" "$engine_version" "$engine_built" <<'EOF'
import json, os, platform, sys, time

work, results_path, load_before, load_after, engine_version, engine_built = sys.argv[1:7]
servers = os.environ.get("SERVERS", "streamform s3rver").split()
concurrency = os.environ.get("CONCURRENCY", "1 4 16").split()
unsigned_at = os.environ.get("UNSIGNED_AT", "4")

def read(path):
    try:
        with open(path) as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except Exception as e:  # keep going: a missing figure is reported as missing
        return {"ok": False, "first_error": f"unreadable result: {e}"}

runs, skipped = {}, {}
for server in servers:
    if os.path.exists(os.path.join(work, f"{server}.skipped.json")):
        skipped[server] = read(os.path.join(work, f"{server}.skipped.json"))["reason"]
        continue
    r = {"put": {}, "get": {}}
    for c in concurrency:
        r["put"][c] = read(os.path.join(work, f"{server}.put.{c}.json"))
        r["get"][c] = read(os.path.join(work, f"{server}.get.{c}.json"))
    if unsigned_at:
        r["put_unsigned_payload"] = {unsigned_at: read(os.path.join(work, f"{server}.put-unsigned.{unsigned_at}.json"))}
    r["memory"] = read(os.path.join(work, f"{server}.memory.json"))
    runs[server] = r

def read_benchmarks(name):
    """A Google Benchmark JSON output as {benchmark: {real_ns, cpu_ns[, gib_per_s]}}."""
    out = {}
    try:
        with open(os.path.join(work, name + ".json")) as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("error_occurred"):
                    out[b["name"]] = {"skipped": b.get("error_message", "")}
                    continue
                entry = {"real_ns": round(b["real_time"]), "cpu_ns": round(b["cpu_time"])}
                if "bytes_per_second" in b:
                    entry["gib_per_s"] = round(b["bytes_per_second"] / 2**30, 2)
                out[b["name"]] = entry
    except Exception as e:
        out = {"error": f"no {name}_bench result: {e}"}
    return out

def md5_lanes(runs_in_order):
    """Per put run, the engine's MD5 lanes: rounds and uploads hashed together per round."""
    out, before = {}, {}
    for run in runs_in_order:
        now = {}
        try:
            with open(os.path.join(work, f"streamform.md5.{run}.txt")) as f:
                for line in f:
                    name, value = line.split()
                    now[name.removeprefix("streamform_s3_md5_").removesuffix("_total")] = int(value)
        except (OSError, ValueError):
            continue
        d = {k: v - before.get(k, 0) for k, v in now.items()}
        before = now
        if d.get("round_blocks"):
            out[run] = {"uploads": d["streams"], "rounds": d["rounds"],
                        "hashed_together": round(d["lane_blocks"] / d["round_blocks"], 2)}
    return out

md5_runs = md5_lanes([f"put.{c}" for c in concurrency] +
                     ([f"put-unsigned.{unsigned_at}"] if unsigned_at else []))
sigv4 = read_benchmarks("sigv4")
md5 = read_benchmarks("md5")

ratios = {}
if "streamform" in runs and "s3rver" in runs:
    for mode in ("put", "get"):
        for c in concurrency:
            a = runs["streamform"][mode][c].get("ops_per_s")
            b = runs["s3rver"][mode][c].get("ops_per_s")
            ratios[f"{mode}_c{c}"] = round(a / b, 2) if a and b else None

out = {
    "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "engine": {"version": engine_version, "built": engine_built},
    "machine": {"cpus": os.cpu_count(), "kernel": platform.release(),
                "loadavg_before": load_before, "loadavg_after": load_after},
    "config": {k: os.environ.get(k) for k in ["SERVERS", "CONCURRENCY", "OBJECT_SIZE", "WARMUP_S", "DURATION_S",
                                               "GET_OBJECTS", "PAYLOAD", "UNSIGNED_AT", "DISK_SEQUENTIAL_MIB",
                                               "DISK_OBJECTS", "SIGV4_MIN_TIME"]},
    "disk": read(os.path.join(work, "disk.json")),
    "runs": runs,
    "skipped": skipped,
    "ops_ratio_streamform_to_s3rver": ratios,
    "sigv4_bench": sigv4,
    "md5_bench": md5,
    "engine_md5_lanes": md5_runs,
}
with open(results_path, "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")

def fmt(v, spec):
    return "-" if v is None else format(v, spec)

print()
print(f"S3 benchmark: {engine_version} built {engine_built}; {os.cpu_count()} CPUs, "
      f"load average {load_before} before, {load_after} after")
d = out["disk"]
if d.get("ok"):
    s, o, od = d.get("sequential", {}), d.get("object", {}), d.get("object_dirsync", {})
    print(f"disk (the data dirs' file system): sequential {fmt(s.get('mib'), '.0f')} MiB + fdatasync "
          f"{fmt(s.get('mib_per_s'), '.0f')} MiB/s; 1 MiB files with fsync + rename "
          f"{fmt(o.get('mib_per_s'), '.0f')} MiB/s (p50 {fmt(o.get('per_object_ms', {}).get('p50'), '.2f')} ms), "
          f"+ directory fsync {fmt(od.get('mib_per_s'), '.0f')} MiB/s")
else:
    print(f"disk: {d.get('first_error')}")
print()
print(f"{'':12}{'op':>5}{'conc':>6}{'ops/s':>9}{'MiB/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
      f"{'prep p50':>9}{'srv CPU':>9}{'cli CPU':>9}{'others':>8}  errors  ok")
for server, r in runs.items():
    rows = [("put", c, r["put"][c]) for c in concurrency]
    if unsigned_at:
        rows.append(("put-u", unsigned_at, r["put_unsigned_payload"][unsigned_at]))
    rows += [("get", c, r["get"][c]) for c in concurrency]
    for op, c, x in rows:
        lat, prep = x.get("latency_ms", {}), x.get("prepare_ms", {})
        errors = dict(x.get("errors_by_status", {}))
        if x.get("io_errors"):
            errors["io"] = x["io_errors"]
        if x.get("verify_mismatches"):
            errors["mismatch"] = x["verify_mismatches"]
        print(f"{server:12}{op:>5}{c:>6}{fmt(x.get('ops_per_s'), '.1f'):>9}{fmt(x.get('mib_per_s'), '.1f'):>8}"
              f"{fmt(lat.get('p50'), '.2f'):>9}{fmt(lat.get('p99'), '.2f'):>9}{fmt(lat.get('max'), '.1f'):>9}"
              f"{fmt(prep.get('p50'), '.2f'):>9}{fmt(x.get('server_cpu_cores'), '.2f'):>9}"
              f"{fmt(x.get('client_cpu_cores'), '.2f'):>9}{fmt(x.get('other_processes_cpu_cores'), '.2f'):>8}"
              f"  {json.dumps(errors) if errors else '-':6}  {'yes' if x.get('ok') else 'NO'}")
    print(f"{server:12}  VmHWM after all runs: {fmt(r['memory'].get('vmhwm_mib'), '.1f')} MiB")
print("(put-u: UNSIGNED-PAYLOAD; prep: the client's payload hash + signing per request; CPU in cores of "
      f"{os.cpu_count()}; others: unrelated processes)")
for server, reason in skipped.items():
    print(f"{server}: skipped: {reason}")
if ratios:
    print("ops/s streamform / s3rver: " + ", ".join(f"{k} x{fmt(v, '')}" for k, v in ratios.items()))
print()
if "error" in sigv4:
    print(sigv4["error"])
else:
    print("SigV4 (sigv4_bench, CPU per call): " + "; ".join(
        f"{name.removeprefix('BM_')} {v['cpu_ns'] / 1000:.1f} us" + (f" ({v['gib_per_s']} GiB/s)" if "gib_per_s" in v else "")
        for name, v in sigv4.items()))
if "error" in md5:
    print(md5["error"])
else:
    print("MD5 (md5_bench, 1 MiB per stream, GiB/s of CPU): " + "; ".join(
        f"{name.removeprefix('BM_')} " + (v["skipped"] if "skipped" in v else f"{v['gib_per_s']}")
        for name, v in md5.items()))
if md5_runs:
    print("Engine MD5 lanes (uploads hashed together per round, data-weighted): " + "; ".join(
        f"{run} {v['hashed_together']}" for run, v in md5_runs.items()))
elif "streamform" in runs:
    print("Engine MD5 lanes: not in use (this CPU has no AVX-512F: each upload hashed as written)")
for server, r in runs.items():
    for mode in ("put", "get", "put_unsigned_payload"):
        for c, x in r.get(mode, {}).items():
            if not x.get("ok"):
                print(f"  problem: {server} {mode} c{c}: {x.get('first_error', 'see results.json')}")
print(f"\nresults: {results_path}")
EOF
