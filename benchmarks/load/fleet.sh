#!/usr/bin/env bash
# Fleet benchmark: three sample-provider processes behind one nginx (round-robin), one fake authorization
# server, a pool of distinct tokens each sent many times across the fleet; once without a shared cache and
# once with the Redis one. Reports req/s and authorization-server calls per distinct token.
# Usage: bash benchmarks/load/fleet.sh [seconds-per-run] [tokens-per-wrk-thread] [authorization-server-latency-ms]
# (defaults 10, 1000 and 0; a real authorization server is across a network: try 20)
# Needs wrk, nginx and redis-server (apt-get install wrk nginx redis-server).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
pool="${2:-1000}"
export AS_LATENCY_MS="${3:-0}"
instances=3
for tool in wrk nginx redis-server; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool is required: apt-get install $tool" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  stop_run
  [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  rm -rf "$work"
}
stop_run() {
  if [ -f "$work/nginx/nginx.pid" ]; then "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; fi
  if [ -n "${HARNESS_PID:-}" ]; then
    exec {HARNESS[1]}>&- 2>/dev/null || true
    wait "$HARNESS_PID" 2>/dev/null || true
    HARNESS_PID=
  fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "publishing the load harness (Release)..."
dotnet publish benchmarks/OpenEnergy.Fapi.LoadHarness -c Release -o "$work/app" >/dev/null

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" &
REDIS_PID=$!
until grep -q "Ready to accept connections" "$work/redis.log"; do
  kill -0 "$REDIS_PID" || { cat "$work/redis.log"; exit 1; }
  sleep 0.1
done
export FLEET_INTEGRITY_KEY
FLEET_INTEGRITY_KEY=$(head -c 32 /dev/urandom | base64)

echo "authorization server answers after ${AS_LATENCY_MS} ms"
printf '%-24s %10s %9s %9s %16s %14s\n' "fleet of $instances" "req/s" "p50" "p99" "distinct tokens" "calls/token"
measure() { # label, redis connection string or empty
  local label=$1
  export FLEET=$instances FLEET_REDIS=$2
  coproc HARNESS { "$work/app/OpenEnergy.Fapi.LoadHarness"; }
  HARNESS_PID=$!
  while IFS= read -r line <&"${HARNESS[0]}"; do
    case "$line" in
      BARE=*|CERT_HEADER=*|FLEET_PROVIDERS=*) export "${line?}" ;;
      READY) break ;;
    esac
  done

  mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
  local port upstream=""
  port=$(free_port)
  for address in $FLEET_PROVIDERS; do upstream+="    server ${address#http://};"$'\n'; done
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  upstream fleet {
$upstream    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port;
    location / { proxy_pass http://fleet; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>/dev/null

  local before after out requests distinct
  export POOL=$pool RUN="r$(date +%s%N)"
  # Warm-up with other tokens (JIT, connections), then the measured run with a fresh pool.
  RUN="warm$RUN" wrk -t2 -c64 -d2s -s benchmarks/load/pool.lua "http://127.0.0.1:$port/small" >/dev/null
  before=$(curl -s "$BARE/introspections")
  out=$(wrk -t2 -c64 -d"${duration}s" --latency -s benchmarks/load/pool.lua "http://127.0.0.1:$port/small")
  after=$(curl -s "$BARE/introspections")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  distinct=$(( requests < 2 * pool ? requests : 2 * pool ))
  printf '%-24s %10s %9s %9s %16s %14s\n' "$label" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "$distinct" \
    "$(awk -v c=$((after - before)) -v d="$distinct" 'BEGIN {printf "%.2f", c / d}')"
  if grep -q "Non-2xx" <<<"$out"; then echo "  warning: $(grep Non-2xx <<<"$out" | sed 's/^ *//')"; fi
  if [ "$requests" -lt $((8 * pool)) ]; then echo "  (only $requests requests: each token came back fewer than 4 times; use a smaller pool)"; fi
  stop_run
}

measure "no shared cache" ""
measure "Redis shared cache" "127.0.0.1:$redis_port"
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'); wrk, nginx, $instances providers, the authorization server and Redis all on it"
