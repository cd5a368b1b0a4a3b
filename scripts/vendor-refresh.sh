#!/usr/bin/env bash
# Refresh vendored browser packages from the npm registry at pinned versions.
#
# The site serves every script itself (strict CSP: script-src 'self'), so third-party JS is
# copied into static/vendor/<package>/ and committed. To add or bump a package, edit PACKAGES
# below and run:  scripts/vendor-refresh.sh [package ...]   (no argument: all of them)
#
# Each PACKAGES line: "<name>@<exact version>  <file in the npm tarball>[:<name in vendor dir>] ..."
# A package only tests use goes under tests/assets/vendor/ instead (TEST_ONLY), so the site
# does not serve it.
# LICENSE is always copied when the tarball has one; VERSION records name@version and the
# sha256 of each copied file so a review can tell a refresh from a hand edit.
set -euo pipefail

PACKAGES=(
  "tus-js-client@4.3.1 dist/tus.min.js"
  "hls.js@1.7.4 dist/hls.min.js"
  "dashjs@5.2.1 dist/modern/umd/dash.mediaplayer.min.js"
)
# dash.js: a browser test plays the DASH manifest with it; the site's own player uses hls.js.
TEST_ONLY=(dashjs)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

refresh() {
  local spec="$1"; shift
  local name="${spec%@*}" version="${spec##*@}"
  # A scoped package ("@scope/pkg") keeps only its last part as the folder name.
  local dest="$VENDOR/${name##*/}"
  local t
  for t in "${TEST_ONLY[@]}"; do
    [[ "$name" == "$t" ]] && dest="$ROOT/tests/assets/vendor/${name##*/}"
  done
  local tmp
  tmp="$(mktemp -d -p "$WORK")"

  echo "==> $name@$version"
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  local pkg="$tmp/package"
  local got
  got="$(node -p "require('$pkg/package.json').version")"
  [[ "$got" == "$version" ]] || { echo "expected $version, got $got" >&2; return 1; }

  rm -rf "$dest"
  mkdir -p "$dest"
  local entry src out
  for entry in "$@"; do
    src="${entry%%:*}"
    out="${entry#*:}"; [[ "$entry" == *:* ]] || out="$(basename "$src")"
    [[ -f "$pkg/$src" ]] || { echo "$src not in $name@$version" >&2; return 1; }
    # Source maps are not vendored; a dangling sourceMappingURL makes the production
    # collectstatic (hashed, manifest-checked names) refuse to build.
    sed -E '/^\/\/# sourceMappingURL=/d; s#//\# sourceMappingURL=[^ ]*$##' "$pkg/$src" > "$dest/$out"
  done
  local license
  for license in LICENSE LICENSE.md LICENSE.txt license; do
    if [[ -f "$pkg/$license" ]]; then cp "$pkg/$license" "$dest/LICENSE"; break; fi
  done
  {
    echo "$name@$version"
    local f
    for f in "$dest"/*; do
      [[ "$(basename "$f")" == VERSION ]] || (cd "$dest" && sha256sum -- "$(basename "$f")")
    done
  } >"$dest/VERSION"
  echo "    -> ${dest#"$ROOT"/}"
}

wanted=("$@")
done_count=0
for line in "${PACKAGES[@]}"; do
  read -r -a parts <<<"$line"
  spec="${parts[0]}"
  if ((${#wanted[@]})); then
    match=0
    for w in "${wanted[@]}"; do [[ "${spec%@*}" == "$w" ]] && match=1; done
    ((match)) || continue
  fi
  refresh "$spec" "${parts[@]:1}"
  done_count=$((done_count + 1))
done
if ((${#wanted[@]} && done_count < ${#wanted[@]})); then
  echo "not in PACKAGES (add a line there first): ${wanted[*]}" >&2
  exit 1
fi
