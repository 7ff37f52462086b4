#!/usr/bin/env bash
# The main job (README): installs what is missing, builds streamform, then validates the
# reference project in stacks/ for stage dev and prints its dependency graph. Deploying it to
# the embedded engine and pushing sample data through it come with the engine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

ci/setup.sh --build-dir build
sf="$here/build/src/streamform"

echo
echo "== streamform validate --stage dev"
"$sf" --project stacks --stage dev validate

echo
echo "== streamform graph --stacks (stack order from exports and imports)"
"$sf" --project stacks --stage dev graph --stacks

echo
echo "== streamform graph (resources)"
"$sf" --project stacks --stage dev graph
"$sf" --project stacks --stage dev graph --format dot > build/stacks-dev.dot
echo "(Graphviz DOT written to build/stacks-dev.dot)"
