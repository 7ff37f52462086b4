#!/usr/bin/env bash
# Installs every build and test dependency streamform needs from Debian's packages
# (only what is missing), then configures and builds. Idempotent; safe to rerun.
#
# Usage: ci/setup.sh [--no-build] [--build-dir DIR] [--sanitize]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$here/build"
do_build=1
sanitize=OFF
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) do_build=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    --sanitize) sanitize=ON ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# Libraries and tools, one Debian package each. Keep this list the single source of truth:
# docs/architecture.md points here.
packages=(
  g++ cmake ninja-build pkg-config git curl
  libyaml-dev nlohmann-json3-dev libexpected-dev libcli11-dev libssl-dev libcurl4-openssl-dev libgit2-dev
  libsqlite3-dev zlib1g-dev libboost-dev libsimdjson-dev libexpat1-dev libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 python3-boto3 python3-botocore awscli
  make autoconf automake libtool  # aws-lambda-ric's native build (tests/clients/node_ric)
)
# Node.js and npm for tests/clients/node (the AWS SDK for JavaScript v3): Debian's (18.20, 9.2),
# unless both are already on PATH, e.g. from NodeSource, whose nodejs conflicts with Debian's npm.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "$do_build" = 1 ] || exit 0

cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTREAMFORM_WERROR=ON -DSTREAMFORM_SANITIZE="$sanitize" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
