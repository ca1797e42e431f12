#!/usr/bin/env bash
# Sigma agreement check: pySigma's reading of every corpus rule against ours.
# Installs pySigma into a venv under target/ when missing, writes the
# reference JSON Lines, then runs the Rust comparison, which prints recall and
# precision and fails below the thresholds. Usage: tests/oracle/sigma_agreement.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="${RULESCOPE_CORPUS:-$root/../shared/corpus}"
venv="$root/target/sigma-oracle-venv"
out="$root/target/sigma_oracle.jsonl"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sigma' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pysigma
fi
"$venv/bin/python" "$root/tests/oracle/sigma_oracle.py" "$corpus" "$out"
cd "$root"
RULESCOPE_CORPUS="$corpus" SIGMA_ORACLE_JSONL="$out" \
  cargo test --quiet --test sigma_oracle -- --nocapture
