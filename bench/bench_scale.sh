#!/usr/bin/env bash
# Sponsors and staff at scale, in one run on PostgreSQL: the lock and the admin's client
# space form with 200,000 spaces and 205,000 users (bench_lock.py), then the reports of an
# organisation of 10,000 spaces (bench_reports.py), one after the other on the same server,
# each against the Wagtail admin dashboard timed in its own run. Each creates and drops its
# own database. Extra arguments go to bench_reports.py.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/bench_scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
export WAGTAIL_COACHING_TEST_DB=postgres

echo "=== bench_lock.py: the lock and the client space form, 200,000 spaces ==="
WAGTAIL_COACHING_BENCH_DB="${WAGTAIL_COACHING_BENCH_DB:-wagtail_coaching_bench}_lock" \
    "$py" bench/bench_lock.py --repeat "${LOCK_REPEAT:-20}"
echo
echo "=== bench_reports.py: the reports of 10,000 spaces ==="
WAGTAIL_COACHING_BENCH_DB="${WAGTAIL_COACHING_BENCH_DB:-wagtail_coaching_bench}_reports" \
    "$py" bench/bench_reports.py "$@"
echo
uptime
