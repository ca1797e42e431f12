#!/usr/bin/env bash
# Runs every check of the project, in the order that builds each thing once:
# set-up, formatting, the rule bundle, clippy (native and wasm32), the native
# tests, the oracle agreement scripts, the release web build, and the browser
# tests against that build. Keeps going after a failure where later steps do
# not depend on it, prints one line per step, and exits non-zero if any
# step failed.
#   RULESCOPE_CORPUS  corpus folder; without it tests use their own default
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RULESCOPE_ROOT"

results=()
failed=0
start_all=$SECONDS

# run NAME COMMAND... : runs one step, records its outcome and duration.
run() {
  local name="$1" start=$SECONDS status
  shift
  echo
  echo "==> $name: $*"
  "$@"
  status=$?
  local took=$((SECONDS - start))
  if [ $status -eq 0 ]; then
    results+=("ok      ${took}s  $name")
  else
    results+=("FAILED  ${took}s  $name (exit $status)")
    failed=$((failed + 1))
  fi
  return $status
}

skip() { # NAME REASON
  results+=("skipped     $1 ($2)")
  failed=$((failed + 1))
}

summary() {
  echo
  echo "==> summary ($(corpus_description))"
  printf '  %s\n' "${results[@]}"
  local total=$((SECONDS - start_all))
  if [ $failed -eq 0 ]; then
    echo "test.sh: OK, all ${#results[@]} steps passed in ${total}s"
  else
    echo "test.sh: FAILED, $failed of ${#results[@]} steps failed or were skipped, ${total}s"
  fi
  # The last line, in the plain form CI runners read.
  echo "steps: $((${#results[@]} - failed)) passed, $failed failed"
}

run setup bash scripts/setup.sh || { summary; exit 1; }

run "cargo fmt" cargo fmt --all -- --check

bundle_ok=1
run bundle bash scripts/build-bundle.sh || bundle_ok=0

run "clippy native" cargo clippy --all-targets -- -D warnings
if [ $bundle_ok -eq 1 ]; then
  run "clippy wasm32" cargo clippy --target wasm32-unknown-unknown \
    --no-default-features --features web -- -D warnings
else
  skip "clippy wasm32" "needs the bundle"
fi

run "cargo test" cargo test

shopt -s nullglob
for oracle in tests/oracle/*_agreement.sh; do
  run "oracle $(basename "$oracle" .sh)" bash "$oracle"
done
shopt -u nullglob

web_ok=0
if [ $bundle_ok -eq 1 ]; then
  run "trunk build" trunk build --release && web_ok=1
else
  skip "trunk build" "needs the bundle"
fi
if [ $web_ok -eq 1 ]; then
  run "browser tests" bash -c 'cd tests/browser && node --test'
else
  skip "browser tests" "needs the web build"
fi

summary
[ $failed -eq 0 ]
