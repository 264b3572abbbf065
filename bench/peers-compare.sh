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

# The harness gives the extra server $BLOCKLIST (one name per line) and $UPSTREAM_PORT. dnsdist
# (SuffixMatchNode) and Unbound (always_nxdomain zones) block each name and everything below it, so
# the list is handed over in AdBlock form, which means the same here.
cat >"$W/start-resolver.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
mkdir -p "$W/rules"
awk '{ print "||" \$1 "^" }' "\$BLOCKLIST" >"$W/rules/blocked.txt"
cat >"$W/rules/bench.yaml" <<YAML
domainLists:
  - { name: blocked, file: blocked.txt, format: adblock }
ruleGroups:
  - name: bench
    rules:
      - { name: block, priority: 1, domainList: blocked, action: BLOCK, blockResponse: NXDOMAIN }
networks:
  - name: default
    ruleGroupAssociations: [ { ruleGroup: bench, priority: 100 } ]
YAML
exec dotnet "$W/resolver/resolver.dll" --listen 127.0.0.1:15300 --upstream 127.0.0.1:\$UPSTREAM_PORT \
  --rulesets "$W/rules" --state-dir "$W/state" --log-level Warning
SH

bash "$PEERS" --extra "resolver:15300:bash $W/start-resolver.sh" "$@"
