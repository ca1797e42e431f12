#!/usr/bin/env bash
# Builds the app and serves it locally: installs what is missing, builds the
# rule bundle from RULESCOPE_CORPUS (or the sample rules), then runs
# `trunk serve --release`, which rebuilds on changes to src/, www/ and rules/.
#   RULESCOPE_CORPUS   corpus folder (sigma/, splunk/, elastic/, attack/)
#   RULESCOPE_ADDRESS  address to listen on (default 127.0.0.1)
#   RULESCOPE_PORT     port to listen on (default 8080)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RULESCOPE_ROOT"

address="${RULESCOPE_ADDRESS:-127.0.0.1}"
port="${RULESCOPE_PORT:-8080}"

bash scripts/setup.sh
# Build the bundle up front so a corpus problem stops here with its message,
# before Trunk starts (its pre_build hook then finds the bundle up to date).
bash scripts/build-bundle.sh

echo "serve: rulescope with the $(corpus_description)"
echo "serve: open http://$address:$port/ once the first build has finished (Ctrl-C stops)"
exec trunk serve --release --address "$address" --port "$port"
