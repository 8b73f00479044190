#!/usr/bin/env bash
# Installs what ProcureFlow needs on a fresh Debian/Ubuntu machine: the Debian packages
# listed in scripts/apt-packages.txt (LibreOffice, fonts, PDF tools) and a virtual
# environment in .venv with the package. Pass "test" to add the test tools and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test="${1:-}"
packages=()
while IFS= read -r line; do
  line="${line%%#*}"; line="$(echo "$line" | xargs)"
  [ -n "$line" ] && packages+=("$line")
done < scripts/apt-packages.txt
if [ "$want_test" = "test" ] && [ -f scripts/apt-packages-test.txt ]; then
  while IFS= read -r line; do
    line="${line%%#*}"; line="$(echo "$line" | xargs)"
    [ -n "$line" ] && packages+=("$line")
  done < scripts/apt-packages-test.txt
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

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_test" = "test" ]; then
  .venv/bin/pip install -q -e '.[test]'
else
  .venv/bin/pip install -q .
fi
