#!/usr/bin/env bash
# Runs every test: unit, operator-harness and MiniCluster tests (surefire), then the integration tests
# against real Kafka, Cassandra and Flink processes that the tests start and stop (failsafe).
set -euo pipefail
cd "$(dirname "$0")"
# Belt and braces: services a test run starts are tied to it, but never leave one running if it dies.
cleanup() {
  pkill -f 'dev.tally.stack.ParentWatchdog' 2>/dev/null || true
}
trap cleanup EXIT
mvn -B -ntp verify "$@"
