#!/usr/bin/env bash
# This resolver side by side with dnsdist and Unbound, in one run of the shared peers harness
# (../shared/bench/peers.sh): same local upstream, same generated blocklist, three dnsperf mixes
# (all blocked, all cache hits, mixed). Ratios are what count: the machines are shared and noisy.
#
#   bench/peers-compare.sh [--domains N] [--seconds S]        (defaults: 1,000,000 names, 10 s)
#
# Needs: apt-get install dnsperf dnsdist unbound dnsmasq-base bind9-dnsutils
# Traffic stays on 127.0.0.1; the harness kills every process it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/bench/peers.sh}
[ -f "$PEERS" ] || { echo "peers harness not found at $PEERS (set PEERS=...)" >&2; exit 2; }
W=$(mktemp -d /tmp/resolver-bench.XXXXXX)

dotnet publish "$ROOT/src/Resolver" -c Release -o "$W/resolver" >/dev/null

# The harness gives the extra server $BLOCKLIST (one name per line) and $UPSTREAM_PORT.
cat >"$W/start-resolver.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
bash "$ROOT/bench/bench-rules.sh" "\$BLOCKLIST" "$W/rules"
exec dotnet "$W/resolver/resolver.dll" --listen 127.0.0.1:15300 --upstream 127.0.0.1:\$UPSTREAM_PORT \
  --rulesets "$W/rules" --state-dir "$W/state" --log-level Warning
SH

bash "$PEERS" --extra "resolver:15300:bash $W/start-resolver.sh" "$@"
