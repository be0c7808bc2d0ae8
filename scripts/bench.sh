#!/usr/bin/env bash
# Benchmarks one silo with the load tool (src/Circul.LoadTest):
#   builds both in Release, starts a throwaway silo on 127.0.0.1:5090 (SQLite in a temp dir, rate
#   limits off, warnings-only logging), waits for /healthz, runs the load tool with the given
#   arguments, stops the silo and removes its data.
#
#   ./scripts/bench.sh                                   # defaults: dm, 100 bots, 500 msg/s, 20 s
#   ./scripts/bench.sh --scenario group --group-size 20 --rate 2000 --duration 30
#   ./scripts/bench.sh --scenario panel --bots 200 --channels 20 --rate 500 --duration 15
#   ./scripts/bench.sh --scenario panel-scale --bots 10000
#   ./scripts/bench.sh --help                            # the load tool's options
#
# The machine's load (uptime) is printed before and after the run: figures are only comparable
# between runs on an equally loaded machine.
#
# Environment: CIRCUL_BENCH_PORT (default 5090); CIRCUL_BENCH_LOG=FILE copies the silo's whole log
# there when the run ends (it is deleted with the temp dir otherwise).
# Exit status: the load tool's (0 pass, 1 correctness failure, 2 bad arguments, 3 setup failed),
# or 4 when the silo could not be built or started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

port="${CIRCUL_BENCH_PORT:-5090}"
url="http://127.0.0.1:$port"

log() { echo "bench.sh: $*" >&2; }

for arg in "$@"; do
    if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
        dotnet build src/Circul.LoadTest -c Release -v quiet -nologo >&2
        exec dotnet "$(ls src/Circul.LoadTest/bin/Release/net*/Circul.LoadTest.dll | head -n 1)" --help
    fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/circul-bench.XXXXXX")"
silo_pid=""

stop_silo() {
    if [[ -n "$silo_pid" ]] && kill -0 "$silo_pid" 2>/dev/null; then
        kill -TERM "$silo_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$silo_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$silo_pid" 2>/dev/null || true
        wait "$silo_pid" 2>/dev/null || true
    fi
    silo_pid=""
}
cleanup() {
    stop_silo
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

healthy() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -m 2 "$url/healthz" >/dev/null 2>&1
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
    fi
}

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is already in use; set CIRCUL_BENCH_PORT to a free one"
    exit 4
fi

log "building Circul.Silo and Circul.LoadTest (Release)"
dotnet build src/Circul.Silo -c Release -v quiet -nologo >&2 || { log "building the silo failed"; exit 4; }
dotnet build src/Circul.LoadTest -c Release -v quiet -nologo >&2 || { log "building the load tool failed"; exit 4; }
silo_dll="$(ls "$root"/src/Circul.Silo/bin/Release/net*/Circul.Silo.dll | head -n 1)"
tool_dll="$(ls "$root"/src/Circul.LoadTest/bin/Release/net*/Circul.LoadTest.dll | head -n 1)"

log "starting a silo on $url (SQLite in $tmp, rate limits off)"
(
    cd "$(dirname "$silo_dll")"
    exec env \
        ASPNETCORE_ENVIRONMENT=Production \
        Circul__Storage__Provider=sqlite \
        "Circul__Storage__ConnectionString=Data Source=$tmp/circul-bench.db" \
        Circul__RateLimits__Enabled=false \
        Logging__LogLevel__Default=Warning \
        dotnet "$silo_dll" --urls "$url"
) >"$tmp/silo.log" 2>&1 </dev/null &
silo_pid=$!

for _ in $(seq 1 120); do
    healthy && break
    if ! kill -0 "$silo_pid" 2>/dev/null; then
        log "the silo exited during start-up; its log:"
        cat "$tmp/silo.log" >&2
        exit 4
    fi
    sleep 0.5
done
if ! healthy; then
    log "the silo did not answer $url/healthz within 60 s; its log:"
    tail -n 50 "$tmp/silo.log" >&2
    exit 4
fi

log "before the run: $(uptime)"
set +e
dotnet "$tool_dll" --url "$url" "$@" </dev/null
rc=$?
set -e
log "after the run:  $(uptime)"

stop_silo
if [[ -n "${CIRCUL_BENCH_LOG:-}" ]]; then
    cp "$tmp/silo.log" "$CIRCUL_BENCH_LOG" && log "silo log copied to $CIRCUL_BENCH_LOG"
fi
if [[ "$rc" -ne 0 && -s "$tmp/silo.log" ]]; then
    log "load tool exited with $rc; the silo's last log lines:"
    tail -n 30 "$tmp/silo.log" >&2
fi
exit "$rc"
