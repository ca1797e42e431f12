#!/usr/bin/env bash
# Fetches the upstream rule repositories recorded in rules/sources.toml, each
# at its recorded commit, into a git-ignored folder laid out like a corpus
# root: sigma/, splunk/, elastic/, attack/enterprise-attack/<type>/.
#
# Usage: scripts/fetch-corpus.sh [--dest DIR] [--sources FILE] [NAME...]
#   --dest DIR      where to put the corpus (default: corpus-cache/ in the repo)
#   --sources FILE  another sources list (default: rules/sources.toml)
#   NAME...         only these sources (sigma, splunk, elastic, attack)
#
# Needs network access, git and python3 (3.11 or newer, for tomllib). Each
# repository is fetched shallow (one commit), partial (no blobs outside the
# kept folders) and sparse, so only the rule folders and root files land on
# disk. A source already fetched at the recorded commit is left alone.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sources_file="${repo_root}/rules/sources.toml"
dest="${repo_root}/corpus-cache"
only=()

while [ "$#" -gt 0 ]; do
  case "$1" in
    --dest)
      [ "$#" -ge 2 ] || { echo "fetch-corpus: --dest needs a folder" >&2; exit 2; }
      dest="$2"
      shift 2
      ;;
    --sources)
      [ "$#" -ge 2 ] || { echo "fetch-corpus: --sources needs a file" >&2; exit 2; }
      sources_file="$2"
      shift 2
      ;;
    -h | --help)
      sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "fetch-corpus: unknown option $1 (try --help)" >&2
      exit 2
      ;;
    *)
      only+=("$1")
      shift
      ;;
  esac
done

for tool in git python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-corpus: $tool is required" >&2; exit 1; }
done
python3 -c 'import tomllib' 2>/dev/null || {
  echo "fetch-corpus: python3 3.11 or newer is required (tomllib)" >&2
  exit 1
}

# One line per source: name, repository, commit, then the kept folders, all
# separated by tabs.
read_sources() {
  python3 - "$sources_file" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    sources = tomllib.load(f).get("source", [])
for s in sources:
    fields = [s["name"], s["repository"], s["commit"], *s.get("folders", [])]
    if any("\t" in x or "\n" in x for x in fields):
        sys.exit(f"fetch-corpus: tab or newline in source {s['name']!r}")
    print("\t".join(fields))
PY
}

wanted() {
  [ "${#only[@]}" -eq 0 ] && return 0
  local name
  for name in "${only[@]}"; do
    [ "$name" = "$1" ] && return 0
  done
  return 1
}

# The snapshot keeps only the relationships the catalogue reads; the rest of
# mitre/cti's relationship folder (uses, mitigates, ...) is dropped.
prune_attack_relationships() {
  python3 - "$1/enterprise-attack/relationship" <<'PY'
import json, pathlib, sys
keep = {"detects", "subtechnique-of", "revoked-by"}
folder = pathlib.Path(sys.argv[1])
if folder.is_dir():
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        objects = data.get("objects", [data]) if data.get("type") == "bundle" else [data]
        if not any(o.get("relationship_type") in keep for o in objects):
            path.unlink()
PY
}

fetch_one() {
  local name="$1" repository="$2" commit="$3"
  shift 3
  local target="${dest}/${name}"
  local stamp="${target}/.fetched-commit"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$commit" ]; then
    echo "fetch-corpus: ${name} already at ${commit}"
    return 0
  fi
  local partial="${dest}/.${name}.partial"
  rm -rf "$partial"
  echo "fetch-corpus: ${name}: ${repository} at ${commit}"
  git init -q "$partial"
  git -C "$partial" remote add origin "$repository"
  git -C "$partial" config core.sparseCheckout true
  git -C "$partial" config remote.origin.promisor true
  git -C "$partial" config remote.origin.partialclonefilter blob:none
  {
    # Files at the repository root (licence, notices), not its folders.
    printf '/*\n!/*/\n'
    local folder
    for folder in "$@"; do
      printf '/%s/\n' "${folder%/}"
    done
  } >"${partial}/.git/info/sparse-checkout"
  git -C "$partial" fetch -q --depth 1 --filter=blob:none origin "$commit"
  git -C "$partial" checkout -q FETCH_HEAD
  rm -rf "${partial}/.git"
  if [ "$name" = "attack" ]; then
    prune_attack_relationships "$partial"
  fi
  printf '%s\n' "$commit" >"${partial}/.fetched-commit"
  rm -rf "$target"
  mv "$partial" "$target"
}

source_lines="$(read_sources)"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
found=0
while IFS=$'\t' read -r -a fields; do
  [ "${#fields[@]}" -ge 3 ] || continue
  wanted "${fields[0]}" || continue
  found=$((found + 1))
  fetch_one "${fields[@]}"
done <<<"$source_lines"

if [ "$found" -eq 0 ]; then
  echo "fetch-corpus: no matching [[source]] in ${sources_file}" >&2
  exit 1
fi
echo
echo "Corpus ready. Point rulescope at it with:"
echo "  export RULESCOPE_CORPUS=${dest}"
