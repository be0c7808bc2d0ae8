#!/usr/bin/env bash
# Compares the performance of two git refs of Circul with the same load-tool runs:
#
#   ./scripts/bench-compare.sh OLD_REF NEW_REF [--runs N] [--quick]
#   ./scripts/bench-compare.sh 80f3b81 main                 # 4 scenarios x 2 runs x 2 refs, about 15 minutes
#   ./scripts/bench-compare.sh 80f3b81 main --quick --runs 1  # tiny settings: checks the script, measures nothing
#
# Builds the silo of each ref in Release in its own temporary detached worktree (removed at exit) and the load
# tool (src/Circul.LoadTest) once, from this tree: the tool is written from the API contract alone and drives
# both. Then, for each scenario, runs old, new, old, new, ... (--runs N of each, default 2), each time against a
# fresh silo on 127.0.0.1:5090 started as scripts/bench.sh does (SQLite in a temp dir, rate limits off,
# warnings-only logging; free ports for Circul__Orleans__SiloPort/GatewayPort, which a pre-Orleans silo ignores),
# with --server-pid of the silo's process so that the report carries the silo's CPU time per delivery.
#
# Progress, uptime before and after every run, and every run's report go to stderr; the Markdown comparison goes
# to stdout (so `... > compare.md` keeps just the tables). The tables give, per scenario, the medians of the
# runs that passed: achieved/target send rate, deliveries/s, send->receive p50 and p99, silo CPU microseconds per
# delivery, and the ratios new/old of throughput, CPU per delivery and p99; then every run, and the failed ones.
#
# Bounded in time: every build (15 min), silo start (60 s) and load-tool run (its own bound, about 6 min at most,
# a default run takes under a minute) has a deadline, and no run starts once CIRCUL_COMPARE_TIME_LIMIT seconds have
# passed (default 1200; the runs left are reported as skipped and fail the comparison).
# Traffic goes to loopback only (the load tool refuses anything else).
#
# Environment: CIRCUL_BENCH_PORT (default 5090); CIRCUL_COMPARE_TIME_LIMIT (seconds, default 1200);
# CIRCUL_COMPARE_KEEP=DIR keeps every run's report, load-tool log and silo log in DIR.
# Exit status: 0 every run passed; 1 a run lost, duplicated, leaked or reordered deliveries, failed sends,
# could not start or set up, or was skipped for time; 2 bad arguments; 4 a ref or the load tool did not build.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

log() { echo "bench-compare.sh: $*" >&2; }

old_ref="" new_ref="" runs=2 quick=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --quick) quick=1 ;;
        --runs)
            [[ $# -ge 2 ]] || { log "--runs needs a value"; exit 2; }
            runs="$2"; shift ;;
        --runs=*) runs="${1#--runs=}" ;;
        -*) log "unknown option $1"; echo "Usage: $0 OLD_REF NEW_REF [--runs N] [--quick]" >&2; exit 2 ;;
        *)
            if [[ -z "$old_ref" ]]; then old_ref="$1"
            elif [[ -z "$new_ref" ]]; then new_ref="$1"
            else log "unexpected argument $1"; exit 2
            fi ;;
    esac
    shift
done
if [[ -z "$old_ref" || -z "$new_ref" ]]; then
    echo "Usage: $0 OLD_REF NEW_REF [--runs N] [--quick]   (--help for more)" >&2
    exit 2
fi
if ! [[ "$runs" =~ ^[0-9]+$ ]] || (( runs < 1 || runs > 10 )); then
    log "--runs must be an integer in 1..10, got '$runs'"
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

port="${CIRCUL_BENCH_PORT:-5090}"
url="http://127.0.0.1:$port"
time_limit="${CIRCUL_COMPARE_TIME_LIMIT:-1200}"
keep="${CIRCUL_COMPARE_KEEP:-}"
if ! [[ "$port" =~ ^[0-9]+$ && "$time_limit" =~ ^[0-9]+$ ]]; then
    log "CIRCUL_BENCH_PORT and CIRCUL_COMPARE_TIME_LIMIT must be integers"
    exit 2
fi

old_sha="$(git rev-parse --verify --quiet "$old_ref^{commit}")" || { log "not a commit: $old_ref"; exit 2; }
new_sha="$(git rev-parse --verify --quiet "$new_ref^{commit}")" || { log "not a commit: $new_ref"; exit 2; }

# Scenarios: label|load-tool arguments (the README's benchmark table; --quick: tiny ones that only check the script).
if (( quick )); then
    common="--duration 3 --warmup 1"
    scenarios=(
        "dm|--scenario dm --bots 20 --rate 50"
        "group|--scenario group --bots 20 --group-size 5 --rate 20"
        "panel|--scenario panel --bots 20 --channels 4 --rate 20"
        "panel, one room|--scenario panel --bots 20 --channels 1 --restricted-fraction 0 --rate 10"
    )
else
    common="--duration 15 --warmup 3"
    scenarios=(
        "dm|--scenario dm --bots 200 --rate 5000"
        "group|--scenario group --bots 200 --group-size 50 --rate 1000"
        "panel|--scenario panel --bots 200 --channels 20 --rate 500"
        "panel, one room|--scenario panel --bots 500 --channels 1 --restricted-fraction 0 --rate 200"
    )
fi

started_at=$SECONDS
tmp="$(mktemp -d "${TMPDIR:-/tmp}/circul-compare.XXXXXX")"
worktrees=()
silo_pid=""

stop_silo() {
    if [[ -n "$silo_pid" ]] && kill -0 "$silo_pid" 2>/dev/null; then
        kill -TERM "$silo_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$silo_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$silo_pid" 2>/dev/null || true
    fi
    if [[ -n "$silo_pid" ]]; then
        wait "$silo_pid" 2>/dev/null || true
    fi
    silo_pid=""
}
cleanup() {
    stop_silo
    for wt in "${worktrees[@]}"; do
        git -C "$root" worktree remove --force "$wt" >/dev/null 2>&1 || true
    done
    rm -rf "$tmp"
    git -C "$root" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

healthy() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -m 2 "$url/healthz" >/dev/null 2>&1
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
    fi
}

# A loopback port nobody listens on (Orleans' silo and gateway ports; a pre-Orleans silo ignores them).
free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
        if [[ "$candidate" != "$port" && "$candidate" != "${1:-}" ]] && ! port_open "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if port_open "$port"; then
    log "port $port is already in use; set CIRCUL_BENCH_PORT to a free one"
    exit 4
fi

build() { # dir label
    log "building $2 (Release)"
    if ! timeout --kill-after=10 900 dotnet build "$1" -c Release -v quiet -nologo --disable-build-servers >"$tmp/build.log" 2>&1; then
        tail -n 30 "$tmp/build.log" >&2
        log "building $2 failed (or took more than 15 minutes)"
        exit 4
    fi
}

log "old: $old_ref = $old_sha"
log "new: $new_ref = $new_sha"
log "machine: $(nproc 2>/dev/null || echo '?') CPUs; $(uptime)"
declare -A silo_dll
for side in old new; do
    sha="$old_sha"; [[ "$side" == new ]] && sha="$new_sha"
    wt="$tmp/$side"
    git -C "$root" worktree add --detach "$wt" "$sha" >/dev/null 2>&1 || { log "git worktree add $wt $sha failed"; exit 4; }
    worktrees+=("$wt")
    build "$wt/src/Circul.Silo" "the $side silo ($sha)"
    silo_dll[$side]="$(ls "$wt"/src/Circul.Silo/bin/Release/net*/Circul.Silo.dll 2>/dev/null | head -n 1)"
    [[ -n "${silo_dll[$side]}" ]] || { log "no Circul.Silo.dll in $wt"; exit 4; }
done
build "$root/src/Circul.LoadTest" "the load tool (this tree)"
tool_dll="$(ls "$root"/src/Circul.LoadTest/bin/Release/net*/Circul.LoadTest.dll | head -n 1)"
if ! dotnet "$tool_dll" --help | grep -q -- '--server-pid'; then
    log "the load tool in this tree has no --server-pid option; run the script from a tree that has it"
    exit 4
fi
log "builds done in $(( SECONDS - started_at )) s"

# One result line per run, tab-separated:
# scenario-index side run status ratio deliveries/s p50 p99 cpu-us/delivery cores note
results="$tmp/results.tsv"
: >"$results"

# Reads a load-tool report; prints "ratio dps p50 p99 cpu cores missing unexpected duplicates outoforder leaked".
parse_report() {
    awk '
        /^send rate:/         { for (i = 1; i <= NF; i++) if ($i == "ratio") ratio = $(i + 1) }
        /^deliveries:/        { for (i = 1; i <= NF; i++) {
                                    if ($i == "missing,") missing = $(i - 1)
                                    if ($i == "unexpected") unexpected = $(i - 1)
                                    if ($i == "duplicates),") { d = $(i - 1); gsub(/\(/, "", d); duplicates = d }
                                    if ($i == "out" && $(i + 1) == "of") outoforder = $(i - 1) } }
        /^leaks:/             { leaked = $2 }
        /^delivery rate:/     { dps = $3 }
        /^end-to-end \(ms\):/ { for (i = 1; i <= NF; i++) { if ($i == "p50") p50 = $(i + 1); if ($i == "p99") p99 = $(i + 1) } }
        /^silo CPU:/          { for (i = 1; i <= NF; i++) if ($i == "cores,") cores = $(i - 1) }
        /^silo CPU\/delivery:/ { cpu = $3 }
        END {
            printf "%s %s %s %s %s %s %s %s %s %s %s\n",
                v(ratio), v(dps), v(p50), v(p99), v(cpu), v(cores),
                v(missing), v(unexpected), v(duplicates), v(outoforder), v(leaked)
        }
        function v(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?$/ ? x : "-" }
    ' "$1"
}

# The longest a run may take: the load tool's own set-up and run deadlines (LoadRun.cs) plus the silo's start.
run_bound() { # bots channels
    local duration warmup
    read -r duration warmup <<<"$(echo "$common" | awk '{print $2, $4}')"
    echo $(( 60 + 180 + $1 * 3 / 10 + $2 + warmup + duration + 10 ))
}

failed=0
run_one() { # scenario-index side run
    local index="$1" side="$2" run="$3"
    local label="${scenarios[$index]%%|*}" args="${scenarios[$index]#*|}"
    local dir="$tmp/run-$index-$side-$run"
    mkdir -p "$dir"
    local bots channels bound
    bots="$(echo "$args" | awk '{for (i = 1; i < NF; i++) if ($i == "--bots") print $(i + 1)}')"
    channels="$(echo "$args" | awk '{for (i = 1; i < NF; i++) if ($i == "--channels") print $(i + 1)}')"
    bound="$(run_bound "${bots:-100}" "${channels:-0}")"

    if (( SECONDS - started_at >= time_limit )); then
        log "[$label / $side #$run] skipped: CIRCUL_COMPARE_TIME_LIMIT ($time_limit s) has passed"
        printf '%s\t%s\t%s\tSKIPPED\t-\t-\t-\t-\t-\t-\ttime limit\n' "$index" "$side" "$run" >>"$results"
        failed=1
        return
    fi

    # The previous silo's port must be free again.
    for _ in $(seq 1 50); do port_open "$port" || break; sleep 0.2; done
    local silo_port gateway_port
    silo_port="$(free_port)" && gateway_port="$(free_port "$silo_port")" || { silo_port=0; gateway_port=0; }

    log "[$label / $side #$run] starting the $side silo on $url (SQLite in $dir, rate limits off, Orleans ports $silo_port/$gateway_port)"
    (
        cd "$(dirname "${silo_dll[$side]}")"
        exec env \
            ASPNETCORE_ENVIRONMENT=Production \
            Circul__Storage__Provider=sqlite \
            "Circul__Storage__ConnectionString=Data Source=$dir/circul-bench.db" \
            Circul__RateLimits__Enabled=false \
            Logging__LogLevel__Default=Warning \
            Circul__Orleans__SiloPort="$silo_port" \
            Circul__Orleans__GatewayPort="$gateway_port" \
            dotnet "${silo_dll[$side]}" --urls "$url"
    ) >"$dir/silo.log" 2>&1 </dev/null &
    silo_pid=$!

    local up=0
    for _ in $(seq 1 120); do
        if healthy; then up=1; break; fi
        kill -0 "$silo_pid" 2>/dev/null || break
        sleep 0.5
    done
    if (( ! up )); then
        log "[$label / $side #$run] the silo did not start (or did not answer /healthz within 60 s); its log:"
        tail -n 30 "$dir/silo.log" >&2
        printf '%s\t%s\t%s\tNO START\t-\t-\t-\t-\t-\t-\tsilo did not start\n' "$index" "$side" "$run" >>"$results"
        stop_silo
        failed=1
        keep_run "$dir" "$index" "$side" "$run"
        return
    fi
    # The subshell exec'd env, which exec'd dotnet: $silo_pid is the silo's own process.
    if [[ "$(cat "/proc/$silo_pid/comm" 2>/dev/null)" != dotnet ]]; then
        log "[$label / $side #$run] warning: pid $silo_pid is '$(cat "/proc/$silo_pid/comm" 2>/dev/null)', not dotnet"
    fi

    log "[$label / $side #$run] before the run: $(uptime)"
    local rc tool_bound
    tool_bound=$(( bound - 60 ))
    set +e
    # shellcheck disable=SC2086  # word splitting of the argument strings is intended
    timeout --kill-after=10 "$tool_bound" dotnet "$tool_dll" --url "$url" $args $common --server-pid "$silo_pid" \
        >"$dir/report.txt" 2>"$dir/tool.log" </dev/null
    rc=$?
    set -e
    log "[$label / $side #$run] after the run:  $(uptime)"
    sed "s/^/    /" "$dir/report.txt" >&2
    stop_silo

    local ratio dps p50 p99 cpu cores missing unexpected duplicates outoforder leaked status note
    read -r ratio dps p50 p99 cpu cores missing unexpected duplicates outoforder leaked <<<"$(parse_report "$dir/report.txt")"
    note=""
    if [[ "$rc" -eq 0 ]] && grep -q '^RESULT: PASS' "$dir/report.txt"; then
        status="ok"
    elif [[ "$missing" != "-" ]] && [[ "$missing" != 0 || "$unexpected" != 0 || "$duplicates" != 0 || "$leaked" != 0 ]]; then
        status="LOSSY"
        note="$missing missing, $unexpected unexpected ($duplicates duplicates), $leaked leaked, $outoforder out of order"
    else
        status="FAIL"
        case "$rc" in
            124|137) note="load tool killed after $tool_bound s" ;;
            3) note="set-up failed: $(grep -m1 'setup failed' "$dir/tool.log" || true)" ;;
            *) note="exit $rc: $(grep -m1 '^!!! FAILURE' "$dir/report.txt" | sed 's/^!!! FAILURE: //' || true)" ;;
        esac
    fi
    if [[ "$status" != ok ]]; then
        failed=1
        log "[$label / $side #$run] $status: $note; the load tool's last lines and the silo's:"
        tail -n 10 "$dir/tool.log" >&2
        tail -n 20 "$dir/silo.log" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$index" "$side" "$run" "$status" "$ratio" "$dps" "$p50" "$p99" "$cpu" "$cores" "$note" >>"$results"
    keep_run "$dir" "$index" "$side" "$run"
}

keep_run() { # dir index side run
    if [[ -n "$keep" ]]; then
        mkdir -p "$keep"
        local name="s$2-$3-$4"
        for f in report.txt tool.log silo.log; do
            [[ -f "$1/$f" ]] && cp "$1/$f" "$keep/$name.$f"
        done
    fi
    rm -f "$1"/circul-bench.db*
}

for index in "${!scenarios[@]}"; do
    for run in $(seq 1 "$runs"); do
        run_one "$index" old "$run"
        run_one "$index" new "$run"
    done
done
log "all runs done in $(( SECONDS - started_at )) s; $(uptime)"

# Median of a column over the passing runs of one scenario and side ("-" when there is none).
median() { # index side column
    awk -F'\t' -v i="$1" -v s="$2" -v c="$3" '$1 == i && $2 == s && $4 == "ok" && $c != "-" { print $c }' "$results" \
        | sort -g \
        | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
passing() { awk -F'\t' -v i="$1" -v s="$2" '$1 == i && $2 == s && $4 == "ok"' "$results" | wc -l | tr -d ' '; }
ratio() { # new old
    awk -v n="$1" -v o="$2" 'BEGIN { if (n == "-" || o == "-" || o + 0 == 0) print "-"; else printf "%.2f\n", n / o }'
}
fmt() { # number decimals
    awk -v x="$1" -v d="$2" 'BEGIN { if (x == "-") print "-"; else printf "%.*f\n", d, x }'
}

{
    echo
    echo "## Circul: $old_ref (${old_sha:0:7}) vs $new_ref (${new_sha:0:7})"
    echo
    echo "$(nproc 2>/dev/null || echo '?') CPUs, load driver on the same machine; ${runs} run(s) of each ref per scenario, alternating; $common$( (( quick )) && echo ' (--quick: tiny settings, the figures mean nothing)'). Medians of the passing runs."
    echo
    echo "| scenario | passing old / new | achieved/target old / new | deliveries/s old / new | throughput new/old | p50 ms old / new | p99 ms old / new | p99 new/old | silo CPU µs/delivery old / new | CPU/delivery new/old |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for index in "${!scenarios[@]}"; do
        label="${scenarios[$index]%%|*}"
        args="${scenarios[$index]#*|}"
        declare -A m=()
        for side in old new; do
            m[$side.ratio]="$(median "$index" "$side" 5)"
            m[$side.dps]="$(median "$index" "$side" 6)"
            m[$side.p50]="$(median "$index" "$side" 7)"
            m[$side.p99]="$(median "$index" "$side" 8)"
            m[$side.cpu]="$(median "$index" "$side" 9)"
        done
        printf '| %s: `%s` | %s / %s | %s / %s | %s / %s | %s | %s / %s | %s / %s | %s | %s / %s | %s |\n' \
            "$label" "$args" \
            "$(passing "$index" old)" "$(passing "$index" new)" \
            "$(fmt "${m[old.ratio]}" 3)" "$(fmt "${m[new.ratio]}" 3)" \
            "$(fmt "${m[old.dps]}" 0)" "$(fmt "${m[new.dps]}" 0)" "$(ratio "${m[new.dps]}" "${m[old.dps]}")" \
            "$(fmt "${m[old.p50]}" 1)" "$(fmt "${m[new.p50]}" 1)" \
            "$(fmt "${m[old.p99]}" 1)" "$(fmt "${m[new.p99]}" 1)" "$(ratio "${m[new.p99]}" "${m[old.p99]}")" \
            "$(fmt "${m[old.cpu]}" 1)" "$(fmt "${m[new.cpu]}" 1)" "$(ratio "${m[new.cpu]}" "${m[old.cpu]}")"
        unset m
    done
    echo
    echo "Every run, in the order run:"
    echo
    echo "| scenario | ref | run | result | achieved/target | deliveries/s | p50 ms | p99 ms | silo CPU µs/delivery | silo cores |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    while IFS=$'\t' read -r index side run status r dps p50 p99 cpu cores note; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
            "${scenarios[$index]%%|*}" "$side" "$run" "$status" "$(fmt "$r" 3)" "$(fmt "$dps" 0)" \
            "$(fmt "$p50" 1)" "$(fmt "$p99" 1)" "$(fmt "$cpu" 1)" "$(fmt "$cores" 2)"
    done <"$results"
    echo
    if awk -F'\t' '$4 != "ok"' "$results" | grep -q .; then
        echo "Runs that did not pass, left out of the medians (LOSSY: missing, duplicated or leaked deliveries; FAIL: another failure, see its report; NO START: the silo did not start; SKIPPED: time limit):"
        echo
        while IFS=$'\t' read -r index side run status _ _ _ _ _ _ note; do
            [[ "$status" == ok ]] && continue
            echo "- ${scenarios[$index]%%|*} / $side run $run: **$status** $note"
        done <"$results"
    else
        echo "Every run was lossless (no missing, duplicated, leaked or out-of-order delivery)."
    fi
}

exit "$failed"
