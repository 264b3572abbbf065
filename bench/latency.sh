#!/usr/bin/env bash
# Latency at a fixed, sub-saturation rate, side by side in one run: this resolver, dnsdist and Unbound
# with the same blocklist, forwarding to the same local dnsmasq. dnsperf sends the realistic mix (10%
# blocked, 80% cached, 10% misses) at --rate queries per second and reports every answer's latency
# (-v); the mean, p50, p99 and p99.9 are computed from those.
#
#   bench/latency.sh [--domains N] [--rate QPS] [--seconds S]    (defaults: 1,000,000, 20000, 10)
#
# Needs: apt-get install dnsperf dnsdist unbound dnsmasq-base bind9-dnsutils
# Traffic stays on 127.0.0.1; every process started here is killed at the end.
set -euo pipefail
N=1000000; RATE=20000; SECS=10
while [ $# -gt 0 ]; do case $1 in
  --domains) N=$2; shift 2;; --rate) RATE=$2; shift 2;; --seconds) SECS=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;; esac; done
for t in dnsperf dnsdist unbound dnsmasq dig dotnet python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/resolver-latency.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; for p in "${PIDS[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
UPSTREAM_PORT=15353

python3 "$ROOT/bench/mixed-queries.py" "$N" "$W" --seed 42

dotnet publish "$ROOT/src/Resolver" -c Release -o "$W/resolver" >/dev/null
bash "$ROOT/bench/bench-rules.sh" "$W/blocklist.txt" "$W/rules"
cat >"$W/dnsdist.conf" <<CONF
setSecurityPollSuffix("")
setLocal("127.0.0.1:15301")
newServer({address="127.0.0.1:$UPSTREAM_PORT"})
pc = newPacketCache(100000, {maxTTL=86400, minTTL=0})
getPool(""):setCache(pc)
smn = newSuffixMatchNode()
for line in io.lines("$W/blocklist.txt") do smn:add(line) end
addAction(SuffixMatchNodeRule(smn), RCodeAction(DNSRCode.NXDOMAIN))
CONF
{ echo "server:"; echo "  interface: 127.0.0.1@15302"; echo "  do-daemonize: no"; echo "  username: \"\""; echo "  chroot: \"\"";
  echo "  num-threads: 1"; echo "  access-control: 127.0.0.0/8 allow"; echo "  do-not-query-localhost: no"; echo "  logfile: \"\"";
  echo "  local-zone: \"test.\" nodefault"; echo "  domain-insecure: \"bench.test.\""; echo "  module-config: \"iterator\"";
  awk '{print "  local-zone: \""$1".\" always_nxdomain"}' "$W/blocklist.txt";
  echo "forward-zone:"; echo "  name: \".\""; echo "  forward-addr: 127.0.0.1@$UPSTREAM_PORT"; } >"$W/unbound.conf"

dnsmasq -k --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port=$UPSTREAM_PORT --user=root \
  --pid-file="$W/dnsmasq.pid" --cache-size=0 --local-ttl=300 --address=/bench.test/10.0.0.1 >"$W/dnsmasq.log" 2>&1 &
PIDS+=($!)
wait_up() { for _ in $(seq 600); do dig +tries=1 +time=1 @127.0.0.1 -p "$1" host1.bench.test A >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

printf '| server | rate | answered | mean ms | p50 ms | p99 ms | p99.9 ms |\n|---|---|---|---|---|---|---|\n'
for s in "resolver:15300:dotnet $W/resolver/resolver.dll --listen 127.0.0.1:15300 --upstream 127.0.0.1:$UPSTREAM_PORT --rulesets $W/rules --state-dir $W/state --log-level Warning" \
         "dnsdist:15301:dnsdist --supervised --disable-syslog -C $W/dnsdist.conf" \
         "unbound:15302:unbound -d -c $W/unbound.conf"; do
  nm=${s%%:*}; rest=${s#*:}; port=${rest%%:*}; cmd=${rest#*:}
  bash -c "exec $cmd" >"$W/$nm.log" 2>&1 & pid=$!; PIDS+=($pid)
  wait_up "$port" || { echo "| $nm | did not start | | | | | |"; continue; }
  dnsperf -s 127.0.0.1 -p "$port" -d "$W/q-mixed.txt" -l 3 -Q "$RATE" -c 1 -T 1 -q 500 >/dev/null 2>&1   # warm-up: JIT, caches
  dnsperf -s 127.0.0.1 -p "$port" -d "$W/q-mixed.txt" -l "$SECS" -Q "$RATE" -c 1 -T 1 -q 500 -v >"$W/$nm.latency" 2>&1 || true
  python3 - "$nm" "$RATE" "$W/$nm.latency" <<'PY'
import sys
name, rate, path = sys.argv[1], sys.argv[2], sys.argv[3]
def latency(line):
    try:
        return float(line.split()[-1]) * 1000
    except ValueError:
        return None  # a query dnsperf timed out on ("> T name type")
lat = sorted(l for l in (latency(line) for line in open(path) if line.startswith("> ")) if l is not None)
if not lat:
    print(f"| {name} | {rate} | 0 | | | | |"); sys.exit()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"| {name} | {rate} | {len(lat)} | {sum(lat)/len(lat):.3f} | {q(0.50):.3f} | {q(0.99):.3f} | {q(0.999):.3f} |")
PY
  kill $pid 2>/dev/null || true; sleep 0.5
done
