#!/usr/bin/env bash
# Install what the tests need (from the lock) and run the whole suite: lint, types, then
# the tests on SQLite and again on the local PostgreSQL (database "test").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test

PG_URL="${PROCUREFLOW_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== ruff format"; .venv/bin/ruff format --check src tests bench
echo "== mypy"; .venv/bin/mypy

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
summary() { tail -n 1 | sed -e "s/^=* *//" -e "s/ *=*$//"; }

echo "== tests on SQLite"
.venv/bin/pytest -q -p no:cacheprovider "$@" | tee "$results"
sqlite_line="$(summary < "$results")"
echo "== tests on PostgreSQL (the ones that use a database)"
PROCUREFLOW_TEST_DATABASE_URL="$PG_URL" .venv/bin/pytest -q -p no:cacheprovider \
  -m "not libreoffice and not browser" tests/integration tests/api tests/e2e "$@" | tee "$results"
pg_line="$(summary < "$results")"

echo "== summary"
echo "SQLite:     $sqlite_line"
echo "PostgreSQL: $pg_line"
