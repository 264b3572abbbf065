#!/usr/bin/env bash
# Soak: --minutes of mixed dnsperf load on loopback (10% blocked by a 1M-name list, 80% cache hits,
# 10% misses to a local dnsmasq) at a fixed sub-saturation --rate. Prints, per interval, the QPS
# dnsperf saw, queries lost, the resolver's resident memory and its SERVFAIL count (from /metrics);
# then RSS at start and end, and fails (exit 1) when memory grew after the warm-up interval by more
# than --max-growth MiB or when queries were lost.
#
#   bench/soak.sh [--minutes 10] [--interval 60] [--rate 20000] [--domains 1000000] [--max-growth 8]
#
# Needs: apt-get install dnsperf dnsmasq-base bind9-dnsutils curl
# Traffic stays on 127.0.0.1; every process started here is killed at the end.
set -euo pipefail
MINUTES=10; INTERVAL=60; RATE=20000; N=1000000; MAX_GROWTH=8
while [ $# -gt 0 ]; do case $1 in
  --minutes) MINUTES=$2; shift 2;; --interval) INTERVAL=$2; shift 2;; --rate) RATE=$2; shift 2;;
  --domains) N=$2; shift 2;; --max-growth) MAX_GROWTH=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;; esac; done
for t in dnsperf dnsmasq dig dotnet python3 curl; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/resolver-soak.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; for p in "${PIDS[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
UPSTREAM_PORT=15363; PORT=15360; METRICS=127.0.0.1:19163

python3 "$ROOT/bench/mixed-queries.py" "$N" "$W" --seed 7 --tlds com --aaaa

dotnet publish "$ROOT/src/Resolver" -c Release -o "$W/resolver" >/dev/null
bash "$ROOT/bench/bench-rules.sh" "$W/blocklist.txt" "$W/rules"
dnsmasq -k --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port=$UPSTREAM_PORT --user=root \
  --pid-file="$W/dnsmasq.pid" --cache-size=0 --local-ttl=300 --address=/bench.test/10.0.0.1 >"$W/dnsmasq.log" 2>&1 &
PIDS+=($!)
dotnet "$W/resolver/resolver.dll" --listen 127.0.0.1:$PORT --upstream 127.0.0.1:$UPSTREAM_PORT --rulesets "$W/rules" \
  --state-dir "$W/state" --metrics-listen $METRICS --log-level Warning >"$W/resolver.log" 2>&1 &
RESOLVER=$!; PIDS+=($RESOLVER)
for _ in $(seq 600); do dig +tries=1 +time=1 @127.0.0.1 -p $PORT host1.bench.test A >/dev/null 2>&1 && break; sleep 0.1; done
sleep 5   # the post-load compaction runs a second after the rulesets are installed
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$RESOLVER/status; }
metric() { curl -s "http://$METRICS/metrics" | awk -v m="$1" '$1 == m {v = int($2)} END {print v + 0}'; }

echo "soak: ${MINUTES} min at ${RATE} qps, ${N}-name blocklist, $(nproc) cores, $(date -u +%FT%TZ)"
START_RSS=$(rss)
printf '| elapsed s | QPS | lost | RSS MiB | SERVFAIL total |\n|---|---|---|---|---|\n'
printf '| 0 (loaded, idle) | | | %s | %s |\n' "$START_RSS" "$(metric 'resolver_responses_total{rcode="SERVFAIL"}')"
ROUNDS=$(( MINUTES * 60 / INTERVAL )); LOST_TOTAL=0; WARM_RSS=; LAST_RSS=
for i in $(seq 1 "$ROUNDS"); do
  out=$(dnsperf -s 127.0.0.1 -p $PORT -d "$W/q-mixed.txt" -l "$INTERVAL" -Q "$RATE" -c 1 -T 1 -q 500 2>&1 || true)
  qps=$(awk '/Queries per second/{print int($4)}' <<<"$out"); lost=$(awk '/Queries lost/{print $3}' <<<"$out")
  LOST_TOTAL=$((LOST_TOTAL + ${lost:-0})); LAST_RSS=$(rss); [ "$i" -eq 1 ] && WARM_RSS=$LAST_RSS
  printf '| %s | %s | %s | %s | %s |\n' "$(( i * INTERVAL ))" "$qps" "$lost" "$LAST_RSS" "$(metric 'resolver_responses_total{rcode="SERVFAIL"}')"
done
echo "RSS: start ${START_RSS} MiB, after warm-up ${WARM_RSS} MiB, end ${LAST_RSS} MiB; queries lost: ${LOST_TOTAL}"
if [ $(( LAST_RSS - WARM_RSS )) -gt "$MAX_GROWTH" ]; then echo "FAIL: memory grew by $(( LAST_RSS - WARM_RSS )) MiB after warm-up"; exit 1; fi
if [ "$LOST_TOTAL" -gt 0 ]; then echo "FAIL: $LOST_TOTAL queries lost"; exit 1; fi
echo "PASS"
