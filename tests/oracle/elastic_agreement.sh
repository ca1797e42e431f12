#!/usr/bin/env bash
# Compares our EQL predicates and exclusions with Elastic's own `eql` parser
# over every EQL rule of the corpus that the package accepts, and fails below
# 0.97 recall or precision. Sets up a Python venv under target/ on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus="${RULESCOPE_CORPUS:-../shared/corpus}"
venv=target/elastic-oracle-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import eql' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'eql==1.0.1'
fi
out=target/elastic-eql-oracle.jsonl
"$venv/bin/python" tests/oracle/elastic_eql_oracle.py "$corpus" "$out"
echo "oracle: $(grep -c '"items"' "$out") EQL rules parsed by the eql package, $(grep -c '"error"' "$out") rejected"
RULESCOPE_CORPUS="$corpus" ELASTIC_EQL_ORACLE="$PWD/$out" \
  cargo test --test elastic_eql_oracle -- --nocapture
