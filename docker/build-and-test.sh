#!/usr/bin/env bash
# Builds docker/Dockerfile with podman from locally made base images (no registry is pulled from) and tests
# the image: the resolver listens on 0.0.0.0:53 inside the container, published on 127.0.0.1:$PORT, and
# forwards to a dnsmasq this script starts on the host loopback, which answers every name with 192.0.2.1.
# One forwarded name and one name the shipped rulesets block are asked with dig, over UDP and TCP.
#
#   sudo docker/build-and-test.sh            # as root: rootful podman, debootstrap, apt-get
#
# Environment: PORT (15353), UPSTREAM_PORT (15300), REBUILD_BASES=1 to remake the base images,
# DEBIAN_MIRROR (the first deb.debian.org-style URI of the host's apt sources).
# Every step is bounded by a timeout; the container, the volume and dnsmasq are removed on exit.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
PORT=${PORT:-15353}
UPSTREAM_PORT=${UPSTREAM_PORT:-15300}
METRICS_PORT=${METRICS_PORT:-19153}
SDK_TAG=localhost/resolver-sdk:10.0
RUNTIME_TAG=localhost/resolver-runtime:10.0
IMAGE=localhost/resolver:test
NAME=resolver-build-and-test
VOLUME=resolver-build-and-test-state
BLOCKED=controldomain1.botnetlist.firewall.route53resolver.us-east-1.amazonaws.com
FORWARDED=www.example.com
WORK=$(mktemp -d /var/tmp/resolver-build-and-test.XXXXXX)
DNSMASQ_PID=

step() { printf '\n=== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
    local rc=$?
    set +e
    if [ "$rc" -ne 0 ] && podman container exists "$NAME" 2>/dev/null; then
        echo "--- container log"; timeout 10 podman logs "$NAME" 2>&1 | tail -n 30
    fi
    timeout 30 podman rm -f -t 2 "$NAME" >/dev/null 2>&1
    timeout 30 podman volume rm -f "$VOLUME" >/dev/null 2>&1
    [ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null && wait "$DNSMASQ_PID" 2>/dev/null
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "run as root (rootful podman, debootstrap)"

step "podman setup"
need=()
command -v podman >/dev/null || need+=(podman)
command -v runc >/dev/null || need+=(runc)
command -v slirp4netns >/dev/null || need+=(slirp4netns)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v curl >/dev/null || need+=(curl)
command -v dig >/dev/null || need+=(dnsutils)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing: ${need[*]}"
    timeout 300 apt-get update -q
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends "${need[@]}"
fi
# Debian's podman here: runc as the runtime, and no default ulimits (raising RLIMIT_NOFILE is refused).
CONF=/etc/containers/containers.conf
if [ ! -e "$CONF" ]; then
    mkdir -p /etc/containers
    printf '%s\n' '# Written by resolver docker/build-and-test.sh' \
        '[containers]' 'default_ulimits = []' '' '[engine]' 'runtime = "runc"' > "$CONF"
    echo "wrote $CONF"
elif ! grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=[[:space:]]*\[[[:space:]]*\]' "$CONF" \
    || ! grep -Eq '^[[:space:]]*runtime[[:space:]]*=[[:space:]]*"runc"' "$CONF"; then
    fail "$CONF exists without 'default_ulimits = []' under [containers] and 'runtime = \"runc\"' under [engine]: add them"
fi
podman --version

step "base images ($SDK_TAG, $RUNTIME_TAG)"
if [ "${REBUILD_BASES:-0}" = 1 ] || ! podman image exists "$SDK_TAG" || ! podman image exists "$RUNTIME_TAG"; then
    # A minimal Debian (the host's release) plus the host's .NET: the runtime base mirrors
    # mcr.microsoft.com/dotnet/aspnet (shared runtimes, user app 1654), the SDK base mirrors dotnet/sdk.
    DOTNET_ROOT_HOST=$(dirname "$(readlink -f "$(command -v dotnet)")")
    . /etc/os-release
    MIRROR=${DEBIAN_MIRROR:-$(grep -rhE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
        | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)}
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
    ROOTFS=$WORK/rootfs
    echo "debootstrap $VERSION_CODENAME from $MIRROR"
    timeout 900 debootstrap --variant=minbase --include=ca-certificates,libssl3,libcap2-bin \
        "$VERSION_CODENAME" "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
        || { tail -n 20 "$WORK/debootstrap.log"; fail "debootstrap"; }
    rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
    echo 'app:x:1654:' >> "$ROOTFS/etc/group"
    echo 'app:x:1654:1654:app:/home/app:/usr/sbin/nologin' >> "$ROOTFS/etc/passwd"
    mkdir -p "$ROOTFS/home/app" "$ROOTFS/usr/share/dotnet" && chown 1654:1654 "$ROOTFS/home/app"
    ln -sf /usr/share/dotnet/dotnet "$ROOTFS/usr/bin/dotnet"
    env_common=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' --change 'ENV APP_UID=1654' --change 'CMD ["/bin/bash"]')
    (cd "$DOTNET_ROOT_HOST" && cp -a dotnet host shared LICENSE.txt ThirdPartyNotices.txt "$ROOTFS/usr/share/dotnet/")
    timeout 600 tar -C "$ROOTFS" -c . | timeout 600 podman import "${env_common[@]}" - "$RUNTIME_TAG" >/dev/null
    (cd "$DOTNET_ROOT_HOST" && cp -a packs sdk sdk-manifests templates "$ROOTFS/usr/share/dotnet/")
    # No libicu in this base: the SDK's tools run with invariant globalization (the resolver always does).
    timeout 600 tar -C "$ROOTFS" -c . | timeout 600 podman import "${env_common[@]}" \
        --change 'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' - "$SDK_TAG" >/dev/null
    rm -rf "$ROOTFS"
fi
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/resolver-(sdk|runtime)'

step "restore on the host (fills the NuGet cache the offline build reads; audits the packages)"
NUGET_PACKAGES_DIR=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
NUGET_PACKAGES_DIR=${NUGET_PACKAGES_DIR%/}
timeout 600 dotnet restore src/Resolver --verbosity quiet
echo "NuGet cache: $NUGET_PACKAGES_DIR"

step "podman build (multi-stage docker/Dockerfile, no network)"
timeout 1200 podman build --format docker --network none \
    --volume "$NUGET_PACKAGES_DIR:/root/.nuget/packages:ro" \
    --build-arg "SDK_IMAGE=$SDK_TAG" --build-arg "RUNTIME_IMAGE=$RUNTIME_TAG" \
    --build-arg "PUBLISH_ARGS=-p:NuGetAudit=false" \
    -f docker/Dockerfile -t "$IMAGE" . > "$WORK/build.log" 2>&1 \
    || { tail -n 40 "$WORK/build.log"; fail "podman build"; }
grep -E 'Resolver(\.[A-Za-z]+)? -> ' "$WORK/build.log" | sed 's/^/  /' || echo "  (every step cached: nothing changed)"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"

step "upstream: dnsmasq on 127.0.0.1:$UPSTREAM_PORT answering every name with 192.0.2.1"
dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 \
    --port="$UPSTREAM_PORT" --address=/#/192.0.2.1 --log-queries --log-facility="$WORK/dnsmasq.log" --user=root &
DNSMASQ_PID=$!
sleep 0.5
kill -0 "$DNSMASQ_PID" 2>/dev/null || fail "dnsmasq did not start"

step "run: non-root, --cap-drop ALL --cap-add NET_BIND_SERVICE, 53 published on 127.0.0.1:$PORT"
# slirp4netns with allow_host_loopback: 10.0.2.2 inside the container is the host's 127.0.0.1.
timeout 60 podman run -d --name "$NAME" \
    --network slirp4netns:allow_host_loopback=true \
    --cap-drop ALL --cap-add NET_BIND_SERVICE --read-only \
    -p "127.0.0.1:$PORT:53/udp" -p "127.0.0.1:$PORT:53/tcp" -p "127.0.0.1:$METRICS_PORT:9153/tcp" \
    -v "$VOLUME:/var/lib/resolver" \
    -e RESOLVER__Upstreams__0="10.0.2.2:$UPSTREAM_PORT" \
    "$IMAGE" >/dev/null 2> "$WORK/run.err" || { cat "$WORK/run.err"; fail "podman run"; }
# (podman without systemd as PID 1 complains that it cannot schedule the healthcheck timer: harmless.)
ready=
for _ in $(seq 1 60); do
    if timeout 5 podman logs "$NAME" 2>&1 | grep -q 'listening on'; then ready=yes; break; fi
    [ "$(podman inspect -f '{{.State.Running}}' "$NAME")" = true ] || break
    sleep 0.5
done
timeout 10 podman logs "$NAME" 2>&1 | sed 's/^/  log: /'
[ -n "$ready" ] || fail "the resolver did not start listening"
echo "  user and capabilities of the resolver process:"
timeout 10 podman top "$NAME" user pid comm capeff | sed 's/^/    /'
echo "  net.ipv4.ip_unprivileged_port_start in the container: $(timeout 10 podman exec "$NAME" cat /proc/sys/net/ipv4/ip_unprivileged_port_start) (so port 53 needs the capability)"
echo "  healthcheck: $(timeout 10 podman healthcheck run "$NAME" >/dev/null 2>&1 && echo healthy || echo unhealthy)"

ask() { # ask NAME [+tcp]: prints the status and A records, leaves "STATUS ADDRS" in RESULT
    local name=$1 transport=${2:-} out status addrs
    out=$(timeout 10 dig @127.0.0.1 -p "$PORT" "$name" A +time=3 +tries=1 $transport 2>&1 || true)
    status=$(sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$out")
    addrs=$(awk '/^;; ANSWER SECTION/ {a = 1; next} /^$/ {a = 0} a && $4 == "A" {print $5}' <<<"$out" | paste -sd, -)
    printf '  %-3s %s -> %s %s\n' "$([ -n "$transport" ] && echo TCP || echo UDP)" "$name" "${status:-no answer}" "$addrs"
    RESULT="$status $addrs"
}

step "dig through the container"
failures=0
for transport in "" +tcp; do
    ask "$FORWARDED" $transport
    [ "$RESULT" = "NOERROR 192.0.2.1" ] || { echo "    expected NOERROR 192.0.2.1 (forwarded)"; failures=$((failures + 1)); }
    ask "$BLOCKED" $transport
    [ "${RESULT%% *}" = NXDOMAIN ] || { echo "    expected NXDOMAIN (blocked by rulesets/default.yaml)"; failures=$((failures + 1)); }
done

step "metrics and health through the published 9153"
readyz=$(timeout 10 curl -s "http://127.0.0.1:$METRICS_PORT/readyz" || true)
echo "  /readyz: ${readyz:-no answer}"
[ "$readyz" = ready ] || { echo "    expected ready"; failures=$((failures + 1)); }
timeout 10 curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | grep -E '^resolver_(queries_total|responses_total|firewall_actions_total\{action="block"\})' | sed 's/^/  /'

step "upstream's query log (the blocked name must not appear)"
grep -E 'query\[' "$WORK/dnsmasq.log" | sed -E 's/^.*dnsmasq\[[0-9]+\]: /  /' | sort | uniq -c
if grep -q "$BLOCKED" "$WORK/dnsmasq.log"; then echo "  the blocked name reached the upstream"; failures=$((failures + 1)); fi

step "result"
if [ "$failures" -ne 0 ]; then fail "$failures check(s) failed"; fi
echo "PASS: image $IMAGE builds from local bases, runs as non-root on port 53, forwards and blocks"
