#!/usr/bin/env bash
# Writes the benchmark rulesets folder: every name of a plain blocklist (one per line) blocked with
# NXDOMAIN, together with everything below it (AdBlock form), as dnsdist's SuffixMatchNode and Unbound's
# always_nxdomain zones do.
#
#   bench/bench-rules.sh BLOCKLIST DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BLOCKLIST DIR" >&2; exit 2; }
mkdir -p "$2"
awk '{ print "||" $1 "^" }' "$1" >"$2/blocked.txt"
cat >"$2/bench.yaml" <<'YAML'
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
