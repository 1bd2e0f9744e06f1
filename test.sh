#!/usr/bin/env bash
# Runs every test: unit, operator-harness and MiniCluster tests (surefire), then the integration tests
# against real Kafka, Cassandra and Flink processes that the tests start and stop (failsafe), and the
# dashboard's page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")"

# The browser test uses Debian's Chromium; install it when missing and we may (root with apt).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the dashboard browser test ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# Services a test run starts are tied to it (they halt when the test JVM dies); this is a last net
# for this run's own: only watchdogs descending from this shell, never another checkout's.
descends_from_us() {
  local pid=$1
  while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
    [ "$pid" = "$$" ] && return 0
    pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || return 1
  done
  return 1
}
cleanup() {
  for pid in $(pgrep -f 'dev.tally.stack.ParentWatchdog' 2>/dev/null); do
    if descends_from_us "$pid"; then kill "$pid" 2>/dev/null || true; fi
  done
}
trap cleanup EXIT
mvn -B -ntp verify "$@"
