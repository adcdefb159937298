#!/usr/bin/env bash
# End-to-end load benchmark of the reference provider (forwarded-header mode, fake authorization server in the
# harness process, everything on loopback), with a bare Kestrel baseline serving the same bytes from memory. The
# provider and the baseline each run in a process of their own, so their memory is their own.
# Usage: bash benchmarks/load/run.sh [seconds-per-run]   (default 10; needs wrk: apt-get install wrk)
#   AOT=1                 the provider and the baseline published with Native AOT (needs clang and zlib1g-dev)
#   MODE=slow             the authorization server answers each introspection after 20 ms, at most 16 at once;
#                         64 connections, a new token per request: req/s, p50/p99 of served requests, share of 503s
#   PROVIDER_ENV="K=V …"  environment for the provider process, e.g. GC settings (DOTNET_gcServer=0)
#   PROVIDER_REDIS=host:port  the provider with the Redis shared cache (benchmarks/load/fleet.sh measures a fleet)
#   TOKEN_FORMAT=jwt      AccessTokenFormat=Jwt: "one token" is a JWT, "new token" sends JWTs minted in advance in
#                         turn (JWT_POOL_SIZE, default 20000), each a new signature check
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

echo "publishing the load harness and the baseline (Release${AOT:+, Native AOT})..."
dotnet publish benchmarks/OpenEnergy.Fapi.LoadHarness -c Release -o "$work/app" >/dev/null
if [ -n "${AOT:-}" ]; then
  dotnet publish benchmarks/OpenEnergy.Fapi.Baseline -c Release -r linux-x64 -p:PublishAot=true -o "$work/baseline" >/dev/null
  dotnet publish samples/OpenEnergy.Fapi.SampleProvider -c Release -r linux-x64 -p:PublishAot=true -o "$work/provider" >/dev/null
  export BASELINE_COMMAND="$work/baseline/OpenEnergy.Fapi.Baseline"
  export PROVIDER_COMMAND="$work/provider/OpenEnergy.Fapi.SampleProvider"
else
  dotnet publish benchmarks/OpenEnergy.Fapi.Baseline -c Release -o "$work/baseline" >/dev/null
  export BASELINE_COMMAND="$work/baseline/OpenEnergy.Fapi.Baseline"
fi
if [ "${MODE:-}" = slow ]; then export AS_MODE=slow; fi

coproc HARNESS { "$work/app/OpenEnergy.Fapi.LoadHarness"; }
while IFS= read -r line <&"${HARNESS[0]}"; do
  case "$line" in
    PROVIDER=*|BARE=*|BARE_PID=*|CONTROL=*|TOKEN=*|CERT_HEADER=*|PID=*|JWT_POOL=*) export "${line?}" ;;
    READY) break ;;
  esac
done
[ -n "${PROVIDER:-}" ] || { echo "the harness did not start" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
introspections() { curl -s "$CONTROL/introspections"; }
peak_rss() { awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }
mode="JIT${PROVIDER_ENV:+, $PROVIDER_ENV}"
[ -n "${AOT:-}" ] && mode="Native AOT${PROVIDER_ENV:+, $PROVIDER_ENV}"

if [ "${MODE:-}" = slow ]; then
  # Warm-up against the slow server (not reported), then the measured run.
  curl -s --max-time 120 "$CONTROL/slowload?seconds=3&connections=64" >/dev/null
  echo "slow authorization server (20 ms, 16 at once), 64 connections, new token per request, ${duration}s ($mode):"
  curl -sS --fail --max-time $((duration + 120)) "$CONTROL/slowload?seconds=$duration&connections=64"; echo
  echo "provider peak RSS: $(peak_rss "$PID")"
  exit 0
fi

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
# Cache hits first, so that the peak RSS after them is the hit runs' own.
for conns in 16 64 256; do
  run "bare Kestrel, 2 KB from memory" "$BARE/small" "" "$conns"
  run "provider, 2 KB, one$kind token (hit)" "$PROVIDER/small" benchmarks/load/hit.lua "$conns"
  run "provider, 1 MB, one$kind token (hit)" "$PROVIDER/large" benchmarks/load/hit.lua "$conns"
done
hit_rss=$(peak_rss "$PID")
for conns in 16 64 256; do
  run "provider, 2 KB, new$kind token (miss)" "$PROVIDER/small" "$miss" "$conns"
  run "provider, 1 MB, new$kind token (miss)" "$PROVIDER/large" "$miss" "$conns"
done

# Stampede: 256 connections at once with one token nobody has used yet (an introspection figure: opaque tokens).
[ -n "${JWT_POOL:-}" ] || {
before=$(introspections)
TOKEN="stampede$(date +%s%N)" wrk -t2 -c256 -d2s -s benchmarks/load/hit.lua "$PROVIDER/small" >/dev/null
echo "stampede: 256 connections with one new token made $(( $(introspections) - before )) introspection call(s)"
}
echo "provider ($mode): peak RSS after the hit runs $hit_rss, after the miss runs too $(peak_rss "$PID"); baseline peak RSS $(peak_rss "$BARE_PID")"
echo "provider managed heap retained after a full collection: $(curl -s "$CONTROL/retained") MiB"
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
