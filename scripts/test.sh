#!/usr/bin/env bash
# Runs every test of the solution against a throwaway PostgreSQL and prints, as the last line,
# "N passed, M failed" (", K skipped" when some tests were not executed).
#
#   ./scripts/test.sh                       # everything
#   ./scripts/test.sh --filter "FullyQualifiedName~Storage"   # extra args go to `dotnet test`
#
# Environment:
#   CIRCUL_TEST_PG             use this PostgreSQL connection string instead of starting one
#   CIRCUL_TEST_RESULTS        where the .trx files go (default: <repo>/TestResults/test-sh)
#   CIRCUL_TEST_HANG_TIMEOUT   a single test running longer than this is killed and reported
#                              (default 5m; keeps CI well under its 15-minute budget)
#
# After `dotnet test` it runs the Python SDK's pytest suite (clients/python/tests, with /usr/bin/python3); its
# counts are part of the last line. With extra arguments (a `--filter`) the Python suite runs only when asked for:
#   CIRCUL_TEST_PYTHON=all                 the whole Python suite as well
#   CIRCUL_TEST_PYTHON="resume or seed"    a pytest -k expression: only the matching Python tests
#   ./scripts/test.sh --filter "FullyQualifiedName~NoSuchTest"   with CIRCUL_TEST_PYTHON set: Python tests only
#
# Exit status: 0 only when `dotnet test` and pytest succeeded, at least one test ran and none failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive

results="${CIRCUL_TEST_RESULTS:-$root/TestResults/test-sh}"
hang_timeout="${CIRCUL_TEST_HANG_TIMEOUT:-5m}"

log() { echo "test.sh: $*" >&2; }

# ---------------------------------------------------------------- throwaway PostgreSQL
pg_tmp=""
pg_bin=""
pg_user=""

# Runs a PostgreSQL binary as the (non-root) cluster owner; postgres refuses to run as root.
as_pg() {
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd "$pg_tmp" && runuser -u "$pg_user" -- "$@")
    else
        (cd "$pg_tmp" && "$@")
    fi
}

stop_pg() {
    if [[ -n "$pg_tmp" && -d "$pg_tmp" ]]; then
        if [[ -f "$pg_tmp/data/postmaster.pid" ]]; then
            as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
        fi
        rm -rf "$pg_tmp"
    fi
    pg_tmp=""
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

find_pg_bin() {
    local newest="" dir
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
        if [[ -z "$newest" ]] || [[ "$(basename "$(dirname "$dir")")" -gt "$(basename "$(dirname "$newest")")" ]]; then
            newest="$dir"
        fi
    done
    echo "$newest"
}

ensure_pg_installed() {
    pg_bin="$(find_pg_bin)"
    if [[ -n "$pg_bin" ]]; then
        return
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        log "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin) and we are not root: install the 'postgresql' package"
        return 1
    fi
    log "installing PostgreSQL (apt-get install postgresql)"
    local apt_opts=(-y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    apt-get update -qq </dev/null >&2
    # We start our own throwaway cluster: keep the package from creating (and starting) a "main" one.
    apt-get install "${apt_opts[@]}" postgresql-common </dev/null >&2
    if [[ -f /etc/postgresql-common/createcluster.conf ]]; then
        sed -ri 's/^#?\s*create_main_cluster\s*=.*$/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
    fi
    apt-get install "${apt_opts[@]}" postgresql </dev/null >&2
    pg_bin="$(find_pg_bin)"
    [[ -n "$pg_bin" ]] || { log "PostgreSQL installed but no /usr/lib/postgresql/*/bin found"; return 1; }
}

# The web tests (tests/Circul.Web.Tests) drive Debian's chromium through Playwright; no browser is downloaded.
ensure_chromium() {
    [[ -x /usr/bin/chromium ]] && return
    if [[ "$(id -u)" -ne 0 ]]; then
        log "chromium is not installed (/usr/bin/chromium) and we are not root: install the 'chromium' package"
        return
    fi
    log "installing chromium (apt-get install chromium)"
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation </dev/null >&2
}

ensure_pg_user() {
    if [[ "$(id -u)" -ne 0 ]]; then
        pg_user="$(id -un)"
        return
    fi
    pg_user=postgres
    if ! id -u "$pg_user" >/dev/null 2>&1; then
        log "creating system user $pg_user"
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user"
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_pg() {
    ensure_pg_installed
    ensure_pg_user
    pg_tmp="$(mktemp -d "${TMPDIR:-/tmp}/circul-pg.XXXXXX")"
    chmod 700 "$pg_tmp"
    [[ "$(id -u)" -ne 0 ]] || chown "$pg_user": "$pg_tmp"

    as_pg "$pg_bin/initdb" -D "$pg_tmp/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$pg_tmp/initdb.log" 2>&1 \
        || { cat "$pg_tmp/initdb.log" >&2; log "initdb failed"; return 1; }

    local port started=""
    for port in $(seq 55432 55531); do
        port_in_use "$port" && continue
        if as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -t 30 start -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $pg_tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB" \
            >/dev/null 2>&1; then
            started="$port"
            break
        fi
        # Lost a race for the port (or another start-up problem): show why, then try the next one.
        tail -n 5 "$pg_tmp/server.log" >&2 2>/dev/null || true
        as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
    done
    [[ -n "$started" ]] || { log "could not start PostgreSQL on any port in 55432..55531"; return 1; }

    local i
    for i in $(seq 1 60); do
        "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$started" -U postgres && break
        sleep 0.5
    done
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$started" -U postgres || { log "PostgreSQL never became ready"; return 1; }
    "$pg_bin/createdb" -h 127.0.0.1 -p "$started" -U postgres circul_test

    export CIRCUL_TEST_PG="Host=127.0.0.1;Port=$started;Username=postgres;Database=circul_test;Pooling=true;Maximum Pool Size=50"
    # The cluster tests start a PostgreSQL of their own to stop and start it under load.
    export CIRCUL_TEST_PG_BIN="$pg_bin" CIRCUL_TEST_PG_USER="$([[ "$(id -u)" -eq 0 ]] && echo "$pg_user" || true)"
    log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$started (data in $pg_tmp)"
}

# ---------------------------------------------------------------- trx summary
# Reads an attribute of the <Counters .../> element of one .trx file.
trx_counter() {
    grep -o '<Counters [^>]*>' "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9][0-9]*' | head -n 1 || echo 0
}

total=0 executed=0 passed=0 failed=0
summarize_trx() {
    local f n_failed outcome
    while IFS= read -r -d '' f; do
        total=$(( total + $(trx_counter "$f" total) ))
        executed=$(( executed + $(trx_counter "$f" executed) ))
        passed=$(( passed + $(trx_counter "$f" passed) ))
        n_failed=$(( $(trx_counter "$f" failed) + $(trx_counter "$f" error) + $(trx_counter "$f" timeout) + $(trx_counter "$f" aborted) ))
        outcome="$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$f" | head -n 1 | sed 's/.*outcome="//; s/"$//' || true)"
        # A crashed or hung (killed by --blame-hang-timeout) test host leaves its test out of the
        # counters; the run's outcome still says so. Count that test as one failure.
        if [[ "$outcome" != "Completed" && "$n_failed" -eq 0 ]]; then
            log "test run aborted (crashed or hung test host): $f"
            n_failed=1
        fi
        failed=$(( failed + n_failed ))
    done < <(find "$results" -name '*.trx' -type f -print0 2>/dev/null)
}

# ---------------------------------------------------------------- Python SDK (clients/python)
# Debian's python3 with python3-websockets and python3-pytest; the python3 on PATH may be another build.
py=/usr/bin/python3
ensure_python_deps() {
    "$py" -c 'import websockets, pytest' 2>/dev/null && return
    if [[ "$(id -u)" -ne 0 ]]; then
        log "$py cannot import websockets and pytest and we are not root: install python3-websockets python3-pytest"
        return 1
    fi
    log "installing python3-websockets python3-pytest (apt-get)"
    apt-get update -qq </dev/null >&2
    apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        python3 python3-websockets python3-pytest </dev/null >&2
}

# Adds a pytest junit file's counts to the totals; a run that failed without reporting a failure counts as one.
summarize_junit() {
    local suite n=0 skipped_n=0 reported=0
    suite="$(grep -o '<testsuite [^>]*>' "$1" 2>/dev/null | head -n 1 || true)"
    if [[ -n "$suite" ]]; then
        n=$(junit_attr "$suite" tests); skipped_n=$(junit_attr "$suite" skipped)
        reported=$(( $(junit_attr "$suite" failures) + $(junit_attr "$suite" errors) ))
    fi
    total=$(( total + n )); executed=$(( executed + n - skipped_n ))
    passed=$(( passed + n - skipped_n - reported )); failed=$(( failed + reported ))
    if [[ "$2" -ne 0 && "$reported" -eq 0 ]]; then
        log "pytest exited with $2 without reporting a failure (no tests collected, or it crashed)"
        failed=$(( failed + 1 ))
    fi
}
junit_attr() { echo "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9][0-9]*' | head -n 1 || echo 0; }

# ---------------------------------------------------------------- main
status=0
if [[ -n "${CIRCUL_TEST_PG:-}" ]]; then
    log "using the PostgreSQL given in CIRCUL_TEST_PG"
elif ! start_pg; then
    stop_pg
    log "FAILED: could not start the test PostgreSQL"
    echo "0 passed, 0 failed"
    exit 1
fi

ensure_chromium

rm -rf "$results"
mkdir -p "$results"

# The trx logger's default file names get a "[1]" suffix when two projects finish within the same
# second; a LogFileName would be overwritten by every project and a LogFilePrefix has no such guard.
set +e
dotnet test "$root/Circul.Orleans.sln" -c Release \
    --results-directory "$results" \
    --logger trx \
    --logger "console;verbosity=minimal" \
    --blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none \
    "$@" </dev/null
test_rc=$?
set -e

stop_pg

summarize_trx

# The Python SDK's tests start the Release silo that `dotnet test` just built.
py_select="${CIRCUL_TEST_PYTHON:-}"
if [[ $# -eq 0 && -z "$py_select" ]]; then
    py_select=all
fi
if [[ -z "$py_select" ]]; then
    log "skipping the Python SDK tests: arguments narrow dotnet test (set CIRCUL_TEST_PYTHON=all or a pytest -k expression)"
else
    py_rc=0
    py_args=()
    [[ "$py_select" == all ]] || py_args=(-k "$py_select")
    if ensure_python_deps; then
        [[ -x src/Circul.Silo/bin/Release/net10.0/Circul.Silo ]] || dotnet build src/Circul.Silo -c Release </dev/null >&2 || py_rc=$?
        if [[ "$py_rc" -eq 0 ]]; then
            "$py" -m pytest clients/python/tests -q -p no:cacheprovider --junitxml "$results/python.xml" "${py_args[@]}" </dev/null \
                || py_rc=$?
            # pytest exits 5 when -k selects nothing: not a failure when dotnet test ran what was asked.
            [[ "$py_rc" -eq 5 && ${#py_args[@]} -gt 0 ]] && { log "no Python test matches -k '$py_select'"; py_rc=0; }
        fi
    else
        py_rc=1
    fi
    summarize_junit "$results/python.xml" "$py_rc"
    [[ "$py_rc" -eq 0 ]] || { log "FAILED: the Python SDK tests (pytest exit $py_rc)"; status=1; }
fi

skipped=$(( total - executed ))
trx_count=$(find "$results" -name '*.trx' -type f | wc -l)

if [[ "$test_rc" -ne 0 ]]; then
    log "FAILED: dotnet test exited with code $test_rc (a build error, a failing test or a crashed test host; see above)"
    status=1
fi
if [[ "$executed" -eq 0 ]]; then
    log "FAILED: no test ran ($trx_count result files in $results)"
    status=1
fi
if [[ "$failed" -ne 0 ]]; then
    status=1
fi

summary="$passed passed, $failed failed"
if [[ "$skipped" -gt 0 ]]; then
    summary="$summary, $skipped skipped"
fi
echo "$summary"
exit "$status"
