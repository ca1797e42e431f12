#!/usr/bin/env bash
# Installs everything the build, the server and the tests need, and nothing
# that is already there: the wasm32 target, trunk, wasm-bindgen-cli at the
# exact version of the crate pin, Chromium with its driver, and the node
# packages of the browser tests. Safe to run any number of times.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RULESCOPE_ROOT"

TRUNK_VERSION=0.21.14
WASM_TARGET=wasm32-unknown-unknown

# The wasm-bindgen CLI must match the crate pin (`wasm-bindgen = "=X.Y.Z"`).
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = .*version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "error: no exact wasm-bindgen pin (=X.Y.Z) found in Cargo.toml" >&2
  exit 1
fi
if ! grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  echo "error: Trunk.toml [tools] wasm_bindgen must equal the Cargo.toml pin $WASM_BINDGEN_VERSION" >&2
  exit 1
fi

installed=()
present=()

have_version() { # command, expected version
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qwF "$2"
}

joined() { # items... -> "a, b, c"
  local out="" item
  for item in "$@"; do out="${out:+$out, }$item"; done
  echo "$out"
}

for tool in cargo rustup node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: '$tool' is required but not installed (install Rust with rustup, and Node.js 20+ with npm)" >&2
    exit 1
  fi
done

if rustup target list --installed | grep -qx "$WASM_TARGET"; then
  present+=("rust target $WASM_TARGET")
else
  echo "setup: adding rust target $WASM_TARGET"
  rustup target add "$WASM_TARGET"
  installed+=("rust target $WASM_TARGET")
fi

if have_version trunk "$TRUNK_VERSION"; then
  present+=("trunk $TRUNK_VERSION")
else
  echo "setup: installing trunk $TRUNK_VERSION (compiles from source, about 10 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
  installed+=("trunk $TRUNK_VERSION")
fi

if have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  present+=("wasm-bindgen-cli $WASM_BINDGEN_VERSION")
else
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # The locked dependency set can be newer than what the registry serves;
  # fall back to a fresh resolution in that case.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked \
    || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  installed+=("wasm-bindgen-cli $WASM_BINDGEN_VERSION")
fi

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  present+=("chromium + chromium-driver")
else
  echo "setup: installing Debian packages chromium and chromium-driver"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y chromium chromium-driver
  installed+=("chromium + chromium-driver")
fi

# npm ci only when the installed tree does not match the committed lock file.
browser_dir=tests/browser
if [ -f "$browser_dir/node_modules/.package-lock.json" ] \
  && [ "$browser_dir/node_modules/.package-lock.json" -nt "$browser_dir/package-lock.json" ]; then
  present+=("node packages of $browser_dir")
else
  echo "setup: npm ci in $browser_dir"
  (cd "$browser_dir" && npm ci --no-audit --no-fund)
  installed+=("node packages of $browser_dir")
fi

if [ ${#installed[@]} -eq 0 ]; then
  echo "setup: nothing to install; present: $(joined "${present[@]}")"
else
  echo "setup: installed: $(joined "${installed[@]}")"
  if [ ${#present[@]} -gt 0 ]; then
    echo "setup: already present: $(joined "${present[@]}")"
  fi
fi
