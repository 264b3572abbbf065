#!/usr/bin/env bash
# Forwarding throughput on loopback, side by side in one run: this resolver and dnsdist (both with
# no cache) forwarding to the same local dnsmasq, measured with dnsperf. Ratios are what count: the
# machines are shared and runs differ by 10% or more.
#
#   bench/forwarding.sh [--seconds S]
#
# Needs: apt-get install dnsperf dnsdist dnsmasq-base bind9-dnsutils
# Traffic stays on 127.0.0.1; every process started here is killed at the end.
set -euo pipefail
SECS=10
while [ $# -gt 0 ]; do case $1 in --seconds) SECS=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done
for t in dnsperf dnsdist dnsmasq dig dotnet; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/forwarding.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
UPSTREAM=127.0.0.1:15353

dotnet publish "$ROOT/src/Resolver" -c Release -o "$W/resolver" >/dev/null
python3 -c "
import random
r = random.Random(42)
open('$W/queries.txt', 'w').write(''.join(f'host{r.randint(0, 199)}.bench.test A\n' for _ in range(100000)))"

dnsmasq -k --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port=15353 --user=root \
  --pid-file="$W/dnsmasq.pid" --cache-size=0 --local-ttl=300 --address=/bench.test/10.0.0.1 >"$W/dnsmasq.log" 2>&1 &
PIDS+=($!)
cat >"$W/dnsdist.conf" <<CONF
setSecurityPollSuffix("")
setLocal("127.0.0.1:15301")
newServer({address="$UPSTREAM"})
CONF

rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$1/status 2>/dev/null || echo "?"; }
wait_up() { for _ in $(seq 300); do dig +tries=1 +time=1 @127.0.0.1 -p "$1" host1.bench.test A >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

printf '| server | QPS | avg latency ms | lost | RSS MB |\n|---|---|---|---|---|\n'
for s in "resolver:15300:dotnet $W/resolver/resolver.dll --listen 127.0.0.1:15300 --upstream $UPSTREAM --log-level Warning" \
         "dnsdist:15301:dnsdist --supervised --disable-syslog -C $W/dnsdist.conf"; do
  name=${s%%:*}; rest=${s#*:}; port=${rest%%:*}; cmd=${rest#*:}
  bash -c "exec $cmd" >"$W/$name.log" 2>&1 & pid=$!; PIDS+=($pid)
  wait_up "$port" || { echo "| $name | did not start | | | |"; continue; }
  dnsperf -s 127.0.0.1 -p "$port" -d "$W/queries.txt" -l 2 -c 1 -T 1 -q 200 >/dev/null 2>&1   # warm-up (JIT)
  out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$W/queries.txt" -l "$SECS" -c 1 -T 1 -q 200 2>&1)
  qps=$(echo "$out" | awk '/Queries per second/{print $4}'); lat=$(echo "$out" | awk '/Average Latency/{print $4*1000}')
  lost=$(echo "$out" | awk '/Queries lost/{print $3}')
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$qps" "$lat" "$lost" "$(rss $pid)"
  kill $pid 2>/dev/null || true; sleep 0.5
done
