#!/usr/bin/env bash
# Start-up time: process start to the first 401 answered, median of RUNS (default 10) starts, for the sample and a bare
# Kestrel app, each published JIT (framework-dependent) and with Native AOT. The provider is configured as in a
# deployment (an authorization server that is not reached: a request without a token is refused before any call).
# Usage: bash benchmarks/load/startup.sh   (needs curl, openssl; Native AOT needs clang and zlib1g-dev)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${RUNS:-10}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "publishing (Release): sample and baseline, JIT and Native AOT..."
dotnet publish samples/OpenEnergy.Fapi.SampleProvider -c Release -o "$work/sample-jit" >/dev/null
dotnet publish samples/OpenEnergy.Fapi.SampleProvider -c Release -r linux-x64 -p:PublishAot=true -o "$work/sample-aot" >/dev/null
dotnet publish benchmarks/OpenEnergy.Fapi.Baseline -c Release -o "$work/bare-jit" >/dev/null
dotnet publish benchmarks/OpenEnergy.Fapi.Baseline -c Release -r linux-x64 -p:PublishAot=true -o "$work/bare-aot" >/dev/null

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=startup-provider" \
  -keyout "$work/provider.key" -out "$work/provider.pem" 2>/dev/null
printf 'timestamp,meter_id,consumption_kwh\n' > "$work/small.csv"
export OpenEnergy__Fapi__Issuer=https://127.0.0.1:9/ OpenEnergy__Fapi__ClientId=startup \
  OpenEnergy__Fapi__CertificatePath="$work/provider.pem" OpenEnergy__Fapi__PrivateKeyPath="$work/provider.key" \
  OpenEnergy__Fapi__ClientCertificateHeader=X-OE-CLIENT-CERT Provider__RequiredScope=energy:read \
  Logging__LogLevel__Default=Warning ${PROVIDER_ENV:-}

measure() { # name command...
  local name=$1; shift
  local times=() socket="$work/s.sock" t0 t1 pid
  for _ in $(seq "$runs"); do
    rm -f "$socket"
    t0=$(date +%s%N)
    "$@" --urls "http://unix:$socket" >/dev/null 2>&1 &
    pid=$!
    # Polled every 2 ms, so that the poll does not take the CPU the starting process needs.
    until [ "$(curl -s -o /dev/null -w "%{http_code}" --unix-socket "$socket" http://localhost/example 2>/dev/null)" = 401 ]; do sleep 0.002; done
    t1=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%-34s median %5s ms  (min %s, max %s, %s starts)\n' "$name" \
    "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" "$(printf '%s\n' "${times[@]}" | sort -n | tail -1)" "$runs"
}

measure "bare Kestrel, JIT" "$work/bare-jit/OpenEnergy.Fapi.Baseline" "$work/small.csv"
measure "bare Kestrel, Native AOT" "$work/bare-aot/OpenEnergy.Fapi.Baseline" "$work/small.csv"
measure "sample provider, JIT" "$work/sample-jit/OpenEnergy.Fapi.SampleProvider"
measure "sample provider, Native AOT" "$work/sample-aot/OpenEnergy.Fapi.SampleProvider"
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
