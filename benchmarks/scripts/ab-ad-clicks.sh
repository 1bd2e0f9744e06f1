#!/usr/bin/env bash
# Interleaved A/B of the ad-click job, as deployed, on one preloaded topic of the running local stack:
# "old" runs OLD_JAR with its AdClickJob main class, "new" this checkout's jar through TallyMain.
# Prints label, job name, state and run time in ms (start to FINISHED, from the Flink REST API).
#
#   git worktree add /tmp/old <commit> && (cd /tmp/old && mvn -q -o -DskipTests package)
#   topics ab-clicks (4 partitions), ab-clicks.dlq, ab-clicks.late, ab-counts, ab-top must exist;
#   ./tally loadgen ad-clicks --events 3000000 --event-rate 50000 --topic ab-clicks --seed 5
#   OLD_JAR=/tmp/old/jobs/target/tally-jobs.jar benchmarks/scripts/ab-ad-clicks.sh old new new old
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
FILTERS=$(mktemp)
cat > "$FILTERS" <<'YAML'
filters:
  - {id: 1, name: us, country: US}
  - {id: 2, name: non-us, country: "!US"}
  - {id: 3, name: office-ips, ip: "123.1.2.*"}
YAML
FLINK_CP="$(cat stack/runtime-flink/target/classpath.txt)"
flink_run() {
  FLINK_CONF_DIR="$ROOT/.tally/flink/conf" java -Dlog4j.configurationFile="file://$ROOT/.tally/flink/conf/log4j-cli.properties" \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$FLINK_CP" org.apache.flink.client.cli.CliFrontend run -d "$@"
}
state() { curl -s localhost:8081/jobs/overview | python3 -c "
import json,sys
for j in json.load(sys.stdin)['jobs']:
  if j['name']=='$1': print(j['state'], j['duration'])"; }
run() {
  local label=$1 name="ab-$1-$(date +%H%M%S)"
  local common=(--bootstrap-servers 127.0.0.1:9092 --cassandra 127.0.0.1:9042 --keyspace tally --cassandra-batch-rows 10
    --input-topic ab-clicks --counts-topic ab-counts --top-topic ab-top --filters "$FILTERS" --windows 1,5,60
    --archive-dir "file:///tmp/ab-archive-$name" --transactional-id-prefix "$name" --group-id "$name" --job-name "$name" --bounded)
  if [ "$label" = old ]; then
    flink_run -c dev.tally.jobs.adclick.AdClickJob "$OLD_JAR" "${common[@]}" >/dev/null 2>&1 || { echo "$label: submit failed"; return; }
  else
    flink_run -c dev.tally.jobs.kit.TallyMain jobs/target/tally-jobs.jar ad-clicks "${common[@]}" >/dev/null 2>&1 || { echo "$label: submit failed"; return; }
  fi
  local s
  while true; do
    s=$(state "$name"); case "$s" in FINISHED*|FAILED*|CANCELED*) break;; esac; sleep 1
  done
  rm -rf "/tmp/ab-archive-$name"
  echo "$label $name $s"
}
for l in "$@"; do run "$l"; done
