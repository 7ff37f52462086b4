#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds with warnings as
# errors, builds the libFuzzer target with clang, then runs every test through ctest (unit,
# golden corpus, CLI, and a bounded fuzz run).
#
# Environment: STREAMFORM_FUZZ_SECONDS (default 45, per fuzzer), STREAMFORM_JOBS (default nproc).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jobs=${STREAMFORM_JOBS:-$(nproc)}

ci/setup.sh --build-dir build

echo "== building the fuzzers (clang, ASan+UBSan)"
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTREAMFORM_FUZZ=ON -DSTREAMFORM_TESTS=OFF -DSTREAMFORM_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target template_fuzzer kinesis_request_fuzzer sigv4_fuzzer s3_xml_fuzzer

echo "== running the tests"
cmake -S . -B build -DSTREAMFORM_FUZZ_DIR="$here/build-fuzz/tests/fuzz" \
  -DSTREAMFORM_FUZZ_SECONDS="${STREAMFORM_FUZZ_SECONDS:-45}" >/dev/null
ctest --test-dir build --output-on-failure -j"$jobs"
