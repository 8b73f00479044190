#!/usr/bin/env bash
# Re-resolve every dependency to the newest release that pyproject.toml allows, run the
# whole suite in a fresh copy of this tree installed from the new lock, and only when it
# passes write the new lock files into requirements/. Needs the package registry.
#   scripts/update-deps.sh            # resolve, test, write
#   scripts/update-deps.sh --no-test  # resolve and write without running the suite
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9   # the resolver; bump it here on purpose, like any other dependency
run_suite=1
[ "${1:-}" = "--no-test" ] && run_suite=0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/resolver"
"$work/resolver/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"

header="# Locked by scripts/update-deps.sh from pyproject.toml and requirements/tools.in; do not edit."
compile() {
  local out="$1" what="$2"; shift 2
  UV_NO_CONFIG=1 "$work/resolver/bin/uv" pip compile pyproject.toml requirements/tools.in \
    --universal --python-version 3.11 --generate-hashes --upgrade --no-header -q \
    -o "$work/$out.body" "$@"
  { echo "$header"; echo "# $what"; sed "s#$work/#requirements/#g" "$work/$out.body"; } > "$work/$out"
}
compile test.txt "the product with the test tools (extra: test)" --extra test
compile app.txt "the product alone, at the same versions as test.txt" -c "$work/test.txt"

if [ "$run_suite" = 1 ]; then
  echo "running the suite on the new lock in a fresh copy of this tree"
  mkdir "$work/try"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/try"
  cp "$work/test.txt" "$work/app.txt" "$work/try/requirements/"
  (cd "$work/try" && bash scripts/test.sh)
fi

cp "$work/test.txt" "$work/app.txt" requirements/
git diff --stat -- requirements/ || true
echo "new lock written to requirements/; commit it with the change that needed it"
