#!/usr/bin/env bash
# Benchmark (not a test): normalising the Sigma rules of `sigma/rules` with
# the release CLI against pySigma loading the same rules, in the same run,
# reported as a ratio. Usage: scripts/bench-normalize.sh [RUNS]
#   RULESCOPE_CORPUS  corpus folder (default ../shared/corpus)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RULESCOPE_ROOT"
corpus="$(cd "${RULESCOPE_CORPUS:-../shared/corpus}" && pwd)"
runs="${1:-3}"
venv="target/sigma-oracle-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sigma' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pysigma
fi
cargo build --quiet --release --bin rulescope

# A corpus root whose only rule folder is sigma/rules.
only="$(mktemp -d)"
trap 'rm -rf "$only"' EXIT
ln -s "$corpus/sigma/rules" "$only/sigma"

best_ours=""
best_py=""
for _ in $(seq "$runs"); do
  ours="$("${CARGO_TARGET_DIR:-target}"/release/rulescope stats --corpus "$only" | sed -n 's/.*time: \([0-9.]*\)s.*/\1/p')"
  py="$("$venv/bin/python" - "$corpus/sigma/rules" <<'PY'
import sys, time
from sigma.collection import SigmaCollection
start = time.perf_counter()
collection = SigmaCollection.load_ruleset([sys.argv[1]])
for rule in collection.rules:
    for condition in getattr(rule.detection, "parsed_condition", []):
        condition.parsed
print(f"{time.perf_counter() - start:.3f}")
PY
)"
  best_ours="$(printf '%s\n%s\n' "$ours" "${best_ours:-$ours}" | sort -g | head -1)"
  best_py="$(printf '%s\n%s\n' "$py" "${best_py:-$py}" | sort -g | head -1)"
  echo "run: rulescope ${ours}s, pySigma ${py}s"
done
rules="$(find "$corpus/sigma/rules" -name '*.yml' | wc -l)"
ratio="$(python3 -c "print(f'{$best_py / $best_ours:.1f}')")"
echo "sigma/rules ($rules files): rulescope ${best_ours}s, pySigma ${best_py}s (best of $runs): ${ratio}x faster"
