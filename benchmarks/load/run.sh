#!/usr/bin/env bash
# End-to-end load benchmark of the reference provider (forwarded-header mode, fake authorization server
# in-process, everything on loopback), with a bare Kestrel baseline serving the same bytes from memory.
# Usage: bash benchmarks/load/run.sh [seconds-per-run]   (default 10; needs wrk: apt-get install wrk)
# PROVIDER_REDIS=host:port runs the provider with the Redis shared cache configured (benchmarks/load/fleet.sh
# measures a fleet). TOKEN_FORMAT=jwt runs it with AccessTokenFormat=Jwt: "one token" is a JWT, and "new token"
# sends JWTs minted in advance in turn (JWT_POOL_SIZE, default 20000), each a new signature check.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  if [ -n "${HARNESS_PID:-}" ]; then
    exec {HARNESS[1]}>&- 2>/dev/null || true
    kill "$HARNESS_PID" 2>/dev/null || true
    wait "$HARNESS_PID" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "publishing the load harness (Release)..."
dotnet publish benchmarks/OpenEnergy.Fapi.LoadHarness -c Release -o "$work/app" >/dev/null

coproc HARNESS { "$work/app/OpenEnergy.Fapi.LoadHarness"; }
while IFS= read -r line <&"${HARNESS[0]}"; do
  case "$line" in
    PROVIDER=*|BARE=*|TOKEN=*|CERT_HEADER=*|PID=*|JWT_POOL=*) export "${line?}" ;;
    READY) break ;;
  esac
done
[ -n "${PROVIDER:-}" ] || { echo "the harness did not start" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
introspections() { curl -s "$BARE/introspections"; }

printf '%-34s %6s %10s %9s %9s %9s %13s\n' case conns "req/s" "p50" "p99" "cpu%" "calls/request"
run() { # name url script connections
  local name=$1 url=$2 script=$3 conns=$4
  local c0 i0 c1 i1 out requests
  c0=$(ticks); i0=$(introspections)
  out=$(wrk -t2 -c"$conns" -d"${duration}s" --latency ${script:+-s "$script"} "$url")
  c1=$(ticks); i1=$(introspections)
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%-34s %6s %10s %9s %9s %9s %13s\n' "$name" "$conns" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "$(awk -v d="$duration" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", (b - a) / d}')" \
    "$(awk -v r="$requests" -v a="$i0" -v b="$i1" 'BEGIN {printf "%.3f", (b - a) / r}')"
}

# Warm-up (not reported): the first seconds of a fresh process are JIT tiering, not steady state.
wrk -t2 -c64 -d2s "$BARE/small" >/dev/null
wrk -t2 -c64 -d2s -s benchmarks/load/hit.lua "$PROVIDER/small" >/dev/null

miss=benchmarks/load/miss.lua kind=""
if [ -n "${JWT_POOL:-}" ]; then miss=benchmarks/load/jwtpool.lua kind=" JWT"; fi
for conns in 16 64 256; do
  run "bare Kestrel, 2 KB from memory" "$BARE/small" "" "$conns"
  run "provider, 2 KB, one$kind token (hit)" "$PROVIDER/small" benchmarks/load/hit.lua "$conns"
  run "provider, 2 KB, new$kind token (miss)" "$PROVIDER/small" "$miss" "$conns"
  run "provider, 1 MB, one$kind token (hit)" "$PROVIDER/large" benchmarks/load/hit.lua "$conns"
  run "provider, 1 MB, new$kind token (miss)" "$PROVIDER/large" "$miss" "$conns"
done

# Stampede: 256 connections at once with one token nobody has used yet (an introspection figure: opaque tokens).
[ -n "${JWT_POOL:-}" ] || {
before=$(introspections)
TOKEN="stampede$(date +%s%N)" wrk -t2 -c256 -d2s -s benchmarks/load/hit.lua "$PROVIDER/small" >/dev/null
echo "stampede: 256 connections with one new token made $(( $(introspections) - before )) introspection call(s)"
}
echo "process peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$PID/status") (provider, fake authorization server and baseline in one process, Server GC)"
echo "managed heap retained after a full collection: $(curl -s "$BARE/retained") MiB"
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
