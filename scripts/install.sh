#!/usr/bin/env bash
# Installs what ProcureFlow needs on a fresh Debian/Ubuntu machine: the Debian packages
# listed in scripts/apt-packages.txt (LibreOffice, fonts, PDF tools) and a virtual
# environment in .venv built from the lock (requirements/app.txt: exact versions and
# hashes). Pass "test" to add the test tools and chromium (requirements/test.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test="${1:-}"
packages=()
read_packages() {
  while IFS= read -r line; do
    line="${line%%#*}"; line="$(echo "$line" | xargs)"
    [ -n "$line" ] && packages+=("$line")
  done < "$1"
}
read_packages scripts/apt-packages.txt
if [ "$want_test" = "test" ] && [ -f scripts/apt-packages-test.txt ]; then
  read_packages scripts/apt-packages-test.txt
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

lock=requirements/app.txt
[ "$want_test" = "test" ] && lock=requirements/test.txt
# The environment is rebuilt whenever the lock (or the project's metadata) changed since
# it was made, so it never carries a package the lock no longer names.
stamp="$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1) $lock"
if [ -f .venv/.procureflow-lock ] && [ "$(cat .venv/.procureflow-lock)" = "$stamp" ]; then
  echo "environment .venv is up to date with $lock"
  exit 0
fi
rm -rf .venv
python3 -m venv .venv
echo "installing the locked dependencies ($lock) into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r "$lock"
if [ "$want_test" = "test" ]; then
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
else
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation .
fi
.venv/bin/python -m pip check >/dev/null
echo "$stamp" > .venv/.procureflow-lock
