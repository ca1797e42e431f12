#!/usr/bin/env bash
# Writes the binary rule bundle that the web app embeds with include_bytes!.
# Trunk runs this as its pre_build hook, so every `trunk build` / `trunk serve`
# embeds a bundle made from the current corpus: RULESCOPE_CORPUS when set,
# the sample rules in rules/samples otherwise. The file is only replaced when
# its content changed, so an unchanged corpus does not recompile the wasm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RULESCOPE_ROOT"

out="$RULESCOPE_BUNDLE"
mkdir -p "$(dirname "$out")"

cargo build --release --bin rulescope
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
"${CARGO_TARGET_DIR:-target}/release/rulescope" bundle --out "$tmp"

if cmp -s "$tmp" "$out"; then
  echo "bundle: unchanged $out"
else
  chmod 644 "$tmp" # mktemp makes it private; the bundle is a plain build output
  mv "$tmp" "$out"
  echo "bundle: wrote $out ($(wc -c <"$out") bytes)"
fi
# Tests compare the page with the CLI: they read which corpus went in here.
echo "${RULESCOPE_CORPUS:-}" >"$out.corpus"
echo "bundle: built from the $(corpus_description)"
