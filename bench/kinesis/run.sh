#!/usr/bin/env bash
# The Kinesis benchmark in one command: streamform's engine (fsync per batch, then
# --durability interval) and kinesalite, driven by the same native load generator, on loopback.
#
#   bench/kinesis/run.sh            # about 2-3 minutes; writes bench/kinesis/results.json
#
# Knobs (environment): SHARDS CONNECTIONS WARMUP_S PUT_S LAT_S READ_RECORDS PASSES
# KL_PUT_S KL_LAT_S KL_READ_RECORDS (kinesalite), BUILD_DIR, RESULTS. See README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build}
results=${RESULTS:-$here/results.json}

SHARDS=${SHARDS:-4}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP_S=${WARMUP_S:-2}
PUT_S=${PUT_S:-30}  # long enough for RSS to reach its plateau (about 15 s)
LAT_S=${LAT_S:-5}
READ_RECORDS=${READ_RECORDS:-1000000}
PASSES=${PASSES:-3}
KL_PUT_S=${KL_PUT_S:-10}
KL_LAT_S=${KL_LAT_S:-5}
KL_READ_RECORDS=${KL_READ_RECORDS:-50000}
STEP_TIMEOUT=${STEP_TIMEOUT:-120}

PY=/usr/bin/python3  # Debian's; only the standard library is used
log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kinesis-bench.XXXXXX")
server_pid=""
step_pid=""  # the running kinesis_load (under timeout), so a signal can stop it at once
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
  if [[ -n "$step_pid" ]]; then
    kill -TERM "$step_pid" 2>/dev/null || true
    wait "$step_pid" 2>/dev/null || true
  fi
  stop_server
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build --------------------------------------------------------------------------------
log "building streamform and kinesis_load in $build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target streamform kinesis_load >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  log "build failed (if the error is in a file being edited elsewhere, retry later)"
  exit 1
}
# Run copies: others may rebuild the shared build directory while this runs.
cp "$build/bench/kinesis/kinesis_load" "$work/kinesis_load"
cp "$build/src/streamform" "$work/streamform"
load=$work/kinesis_load
engine=$work/streamform
engine_version=$("$engine" --version 2>/dev/null || echo unknown)
engine_built=$(date -u -r "$build/src/streamform" +%Y-%m-%dT%H:%M:%SZ)
log "engine: $engine_version, built $engine_built"

# --- kinesalite ---------------------------------------------------------------------------
peer=$here/.peer
if [[ ! -f "$peer/node_modules/kinesalite/index.js" ]]; then
  log "installing kinesalite@3 into $peer"
  npm install --prefix "$peer" --no-audit --no-fund kinesalite@3 >"$work/npm.log" 2>&1 || {
    tail -20 "$work/npm.log" >&2
    exit 1
  }
fi

# --- helpers ------------------------------------------------------------------------------
wait_for_file() {  # file, seconds
  local deadline=$((SECONDS + $2))
  while [[ ! -s "$1" ]]; do
    if ((SECONDS > deadline)); then return 1; fi
    if [[ -n "$server_pid" ]] && ! kill -0 "$server_pid" 2>/dev/null; then return 1; fi
    sleep 0.05
  done
}
json_field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
vmhwm_mib() { awk '/^VmHWM:/ {printf "%.1f", $2/1024; found=1} END {if (!found) print "null"}' "/proc/$1/status" 2>/dev/null || echo null; }

# run_mode label mode args...: one JSON line into $work/<label>.<mode>.json
run_mode() {
  local label=$1 mode=$2
  shift 2
  log "$label: $mode"
  local out="$work/$label.$mode.json"
  if ! kill -0 "$server_pid" 2>/dev/null; then
    local why
    why=$(tail -3 "$work/$label.engine.log" 2>/dev/null | tr '\n"\\' '   ')
    log "$label: the server is not running; skipping $mode"
    echo "{\"mode\":\"$mode\",\"label\":\"$label\",\"ok\":false,\"first_error\":\"server exited: $why\"}" >"$out"
    return
  fi
  # In the background and waited for, so that INT/TERM interrupt the wait and clean up now.
  timeout "$STEP_TIMEOUT" "$load" "$mode" --label "$label" "$@" >"$out" 2>"$work/$label.$mode.err" &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=""
  if ((status != 0)); then
    log "$label $mode reported a problem (kept in results): $(tail -3 "$work/$label.$mode.err" | tr '\n' ' ')"
  fi
  if [[ ! -s "$out" ]]; then
    echo "{\"mode\":\"$mode\",\"label\":\"$label\",\"ok\":false,\"first_error\":\"no result (timeout or crash)\"}" >"$out"
  fi
}

# run_set label endpoint pid put_s lat_s read_records passes
# Requests are SigV4-signed with $sign_args: the engine's credentials (--data-dir), or none for
# kinesalite (kinesis_load then signs with dummy keys, which kinesalite does not check).
sign_args=()
run_set() {
  local label=$1 endpoint=$2 pid=$3 put_s=$4 lat_s=$5 read_records=$6 passes=$7
  local common=(--endpoint "$endpoint" --watch-pid "$pid" --shards "$SHARDS" --io-timeout 60 "${sign_args[@]}")
  run_mode "$label" put-record-latency "${common[@]}" --warmup "$WARMUP_S" --duration "$lat_s"
  run_mode "$label" put-records "${common[@]}" --connections "$CONNECTIONS" --warmup "$WARMUP_S" --duration "$put_s"
  run_mode "$label" get-records "${common[@]}" --connections "$CONNECTIONS" --records "$read_records" \
    --passes "$passes"
  echo "{\"vmhwm_mib\": $(vmhwm_mib "$pid")}" >"$work/$label.memory.json"
}

start_engine() {  # label, extra engine flags...
  local label=$1
  shift
  local data="$work/$label-data"
  mkdir -p "$data"
  "$engine" engine run --data-dir "$data" --port 0 "$@" >"$work/$label.engine.log" 2>&1 &
  server_pid=$!
  wait_for_file "$data/engine.json" 20 || {
    tail -20 "$work/$label.engine.log" >&2
    log "the engine did not start"
    exit 1
  }
  local port
  port=$(json_field "$data/engine.json" port)
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null
  endpoint=127.0.0.1:$port
  sign_args=(--data-dir "$data")  # the engine created its credentials.json on start
  log "$label: engine pid $server_pid on $endpoint"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- runs ---------------------------------------------------------------------------------
load_before=$(loadavg)
log "load average before: $load_before"
"$load" fsync-probe --dir "$work" --duration 1 >"$work/fsync.json" 2>/dev/null || echo '{}' >"$work/fsync.json"

start_engine streamform-fsync
run_set streamform-fsync "$endpoint" "$server_pid" "$PUT_S" "$LAT_S" "$READ_RECORDS" "$PASSES"
stop_server
rm -rf "$work/streamform-fsync-data"

start_engine streamform-interval --durability interval
run_set streamform-interval "$endpoint" "$server_pid" "$PUT_S" "$LAT_S" "$READ_RECORDS" "$PASSES"
stop_server
rm -rf "$work/streamform-interval-data"

log "kinesalite: starting"
node "$here/kinesalite_loopback.js" "$peer/node_modules/kinesalite" 0 "$work/kinesalite.json" \
  >"$work/kinesalite.log" 2>&1 &
server_pid=$!
wait_for_file "$work/kinesalite.json" 20 || {
  tail -20 "$work/kinesalite.log" >&2
  log "kinesalite did not start"
  exit 1
}
endpoint=127.0.0.1:$(json_field "$work/kinesalite.json" port)
sign_args=()
log "kinesalite: pid $server_pid on $endpoint"
run_set kinesalite "$endpoint" "$server_pid" "$KL_PUT_S" "$KL_LAT_S" "$KL_READ_RECORDS" 1
stop_server
load_after=$(loadavg)
log "load average after: $load_after"

# --- results ------------------------------------------------------------------------------
"$PY" - "$work" "$results" "$load_before" "$load_after" "$engine_version" "$engine_built" <<'EOF'
import json, os, platform, sys, time

work, results_path, load_before, load_after, engine_version, engine_built = sys.argv[1:7]
labels = ["streamform-fsync", "streamform-interval", "kinesalite"]
modes = ["put-records", "get-records", "put-record-latency"]

def read(path):
    try:
        with open(path) as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except Exception as e:  # keep going: a missing figure is reported as missing
        return {"ok": False, "first_error": f"unreadable result: {e}"}

runs = {}
for label in labels:
    runs[label] = {mode: read(os.path.join(work, f"{label}.{mode}.json")) for mode in modes}
    runs[label]["memory"] = read(os.path.join(work, f"{label}.memory.json"))

def put_rate(label): return runs[label]["put-records"].get("records_per_s")
def get_rate(label): return runs[label]["get-records"].get("records_per_s")
def p50(label): return runs[label]["put-record-latency"].get("latency_ms", {}).get("p50")

def ratio(a, b, invert=False):
    if not a or not b: return None
    return round(b / a, 1) if invert else round(a / b, 1)

ratios = {}
for label in ["streamform-fsync", "streamform-interval"]:
    ratios[label] = {
        "put_records_per_s": ratio(put_rate(label), put_rate("kinesalite")),
        "get_records_per_s": ratio(get_rate(label), get_rate("kinesalite")),
        "put_record_p50": ratio(p50(label), p50("kinesalite"), invert=True),
    }

def rss_growth(label):
    return runs[label]["put-records"].get("server_rss_growth_mib_per_gib_payload")

def rss_series(label):
    return runs[label]["put-records"].get("server_vmrss_mib_each_second") or []

def rss_bounded(label):
    # Bounded: RSS stops growing while data keeps flowing. Caches, buffers and allocator arenas
    # fill during the first seconds, so the judgement is on the second half of the sustained
    # put-records run: it may grow by at most 2 MiB there, while gigabytes are written.
    series = rss_series(label)
    if len(series) < 10:
        return None
    half = series[len(series) // 2:]
    return max(half) - half[0] <= 2.0

sf = "streamform-fsync"
targets = {
    "ingest_500k_records_per_s": {"value": put_rate(sf), "target": 500000,
                                  "met": bool(put_rate(sf) and put_rate(sf) >= 500000 and runs[sf]["put-records"].get("ok"))},
    "get_records_1m_records_per_s": {"value": get_rate(sf), "target": 1000000,
                                     "met": bool(get_rate(sf) and get_rate(sf) >= 1000000 and runs[sf]["get-records"].get("ok"))},
    "put_record_p50_0_3_ms": {"value": p50(sf), "target": 0.3, "met": bool(p50(sf) is not None and p50(sf) <= 0.3)},
    "ratio_vs_kinesalite_30x": {"value": ratios[sf]["put_records_per_s"], "target": 30,
                                "met": bool(ratios[sf]["put_records_per_s"] and ratios[sf]["put_records_per_s"] >= 30)},
    "memory_bounded": {"value": f"VmHWM {runs[sf]['memory'].get('vmhwm_mib')} MiB; RSS over the second half of "
                                f"the put run: {rss_series(sf)[len(rss_series(sf)) // 2:]}",
                       "vmhwm_mib": runs[sf]["memory"].get("vmhwm_mib"),
                       "interval_vmhwm_mib": runs["streamform-interval"]["memory"].get("vmhwm_mib"),
                       "rss_growth_mib_per_gib_payload": rss_growth(sf),
                       "interval_rss_growth_mib_per_gib_payload": rss_growth("streamform-interval"),
                       "met": bool(rss_bounded(sf) and rss_bounded("streamform-interval"))},
}

out = {
    "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "engine": {"version": engine_version, "built": engine_built},
    "machine": {"cpus": os.cpu_count(), "kernel": platform.release(),
                "loadavg_before": load_before, "loadavg_after": load_after},
    "config": {k: os.environ.get(k) for k in ["SHARDS", "CONNECTIONS", "WARMUP_S", "PUT_S", "LAT_S",
                                               "READ_RECORDS", "PASSES", "KL_PUT_S", "KL_LAT_S", "KL_READ_RECORDS"]},
    "fsync_probe": read(os.path.join(work, "fsync.json")),
    "runs": runs,
    "ratios_vs_kinesalite": ratios,
    "targets": targets,
}
with open(results_path, "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")

def fmt(v, spec):
    return "-" if v is None else format(v, spec)

print()
print(f"Kinesis benchmark: {engine_version} built {engine_built}; {os.cpu_count()} CPUs, "
      f"load average {load_before} before, {load_after} after")
fs = out["fsync_probe"].get("fdatasync_ms", {})
print(f"fdatasync probe (145-byte appends, nothing else running in the bench): p50 {fmt(fs.get('p50'), '.3f')} ms, p90 {fmt(fs.get('p90'), '.3f')} ms")
print()
print(f"{'':22}{'PutRecords rec/s':>18}{'GetRecords rec/s':>18}{'PutRecord p50 ms':>18}{'p99 ms':>9}{'VmHWM MiB':>11}"
      f"{'server/others CPU':>19}  ok")
for label in labels:
    r = runs[label]
    lat = r["put-record-latency"].get("latency_ms", {})
    ok = all(r[m].get("ok") for m in modes)
    print(f"{label:22}{fmt(put_rate(label), ',d'):>18}{fmt(get_rate(label), ',d'):>18}{fmt(lat.get('p50'), '.3f'):>18}"
          f"{fmt(lat.get('p99'), '.3f'):>9}{fmt(r['memory'].get('vmhwm_mib'), '.1f'):>11}"
          f"{fmt(r['put-records'].get('server_cpu_cores'), '.2f'):>12}/{fmt(r['put-records'].get('other_processes_cpu_cores'), '.2f'):<6}"
          f"  {'yes' if ok else 'NO'}")
for label in ["streamform-fsync", "streamform-interval"]:
    q = ratios[label]
    print(f"{label + ' / kinesalite':38} put x{fmt(q['put_records_per_s'], '')}, get x{fmt(q['get_records_per_s'], '')}, "
          f"PutRecord p50 x{fmt(q['put_record_p50'], '')}")
print("(server/others CPU: cores used by the server and by unrelated processes during put-records; "
      "the machine has 2)")
print()
for name, t in targets.items():
    print(f"  {'MET ' if t['met'] else 'MISS'}  {name}: {t.get('value')}")
for label in labels:
    for mode in modes:
        if not runs[label][mode].get("ok"):
            print(f"  problem: {label} {mode}: {runs[label][mode].get('first_error', 'see results.json')}")
print(f"\nresults: {results_path}")
EOF
