#!/usr/bin/env bash
# Installs the pinned npm packages of a directory (its package-lock.json) into its node_modules,
# with `npm ci`, when node_modules is missing or older than the lockfile. Quiet when it works;
# says why when it does not.
#
#   tests/clients/node/install.sh            # the AWS SDK for JavaScript v3, for s3_sdk_test.mjs
#   tests/clients/node/install.sh DIR        # e.g. tests/clients/node_ric (aws-lambda-ric)
#
# The SDK versions are the newest whose `engines` still allow Debian 12's node 18.20 (see
# package.json; @aws-sdk/util-locate-window is overridden to such a version too). aws-lambda-ric
# builds a native addon on install (its own curl and aws-lambda-cpp): it needs g++, make, cmake,
# autoconf, automake, libtool and python3, which ci/setup.sh installs.
set -euo pipefail

here=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")}" && pwd)
stamp=$here/node_modules/.package-lock.json  # written by npm at the end of every install

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

command -v node >/dev/null || fail "node is not on PATH (Debian: apt-get install nodejs npm; see ci/setup.sh)"
command -v npm >/dev/null || fail "npm is not on PATH (Debian: apt-get install npm; see ci/setup.sh)"

if [[ -f "$stamp" && ! "$here/package-lock.json" -nt "$stamp" && ! "$here/package.json" -nt "$stamp" ]]; then
  exit 0  # up to date
fi

log=$(mktemp "${TMPDIR:-/tmp}/sf-node-install.XXXXXX")
trap 'rm -f "$log"' EXIT
if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 \
  --fetch-timeout=60000) >"$log" 2>&1; then
  registry=$(cd "$here" && npm config get registry 2>/dev/null || echo "the npm registry")
  if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to .* failed' "$log"; then
    tail -5 "$log" >&2
    fail "cannot reach $registry to install the packages of $here (offline? proxy?)"
  fi
  tail -30 "$log" >&2
  fail "npm ci failed in $here"
fi
[[ -f "$stamp" ]] || fail "npm ci finished but left no $stamp"
touch "$stamp"
