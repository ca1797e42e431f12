# Shared environment for the rulescope scripts (sourced, not run): the
# repository root, the tool paths, and an absolute RULESCOPE_CORPUS so that
# every step (bundle, cargo test, browser test) reads the same corpus.

RULESCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RULESCOPE_ROOT

case ":$PATH:" in
  *":$HOME/.cargo/bin:"*) ;;
  *) export PATH="$HOME/.cargo/bin:$PATH" ;;
esac

# Trunk would otherwise ask the network for its latest version on every run.
export TRUNK_SKIP_VERSION_CHECK=true
# The browser tests drive the system Chromium; never fetch a browser build.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ -n "${RULESCOPE_CORPUS:-}" ]; then
  if [ ! -d "$RULESCOPE_CORPUS" ]; then
    echo "error: RULESCOPE_CORPUS=$RULESCOPE_CORPUS is not a directory" >&2
    exit 1
  fi
  RULESCOPE_CORPUS="$(cd "$RULESCOPE_CORPUS" && pwd)"
  export RULESCOPE_CORPUS
fi

# Where the bundle the app embeds is written (see scripts/build-bundle.sh).
RULESCOPE_BUNDLE="$RULESCOPE_ROOT/target/bundle/rulescope.bundle"
export RULESCOPE_BUNDLE

# Prints a one-line description of the corpus the build will use.
corpus_description() {
  if [ -n "${RULESCOPE_CORPUS:-}" ]; then
    echo "full corpus at $RULESCOPE_CORPUS"
  else
    echo "sample rules in rules/samples (set RULESCOPE_CORPUS for the full corpus)"
  fi
}
