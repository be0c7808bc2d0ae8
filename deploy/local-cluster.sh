#!/usr/bin/env bash
# A throwaway Circul cluster on this machine, loopback only: one PostgreSQL, N silos sharing it (one Orleans
# cluster, ADO.NET membership) and nginx in front as a WebSocket-aware load balancer.
#
#   deploy/local-cluster.sh up [N]     build the silo (Release) once, start PostgreSQL (unless CIRCUL_PG is set),
#                                      N silos (default 3) and nginx; wait until every silo's /readyz answers 200;
#                                      print the URLs, the connection string and where the logs are
#   deploy/local-cluster.sh add        start one more silo (same settings, next ports) and put it behind nginx
#   deploy/local-cluster.sh remove K   take silo K out of nginx, then SIGTERM it (it closes its sockets with 4004
#                                      and leaves the cluster); KILL after CIRCUL_CLUSTER_STOP_TIMEOUT
#   deploy/local-cluster.sh status     every process the script started, each silo's /readyz, nginx's /readyz and
#                                      (with our own PostgreSQL) Orleans' membership table
#   deploy/local-cluster.sh down       stop nginx, the silos (SIGTERM, then KILL after a timeout) and the PostgreSQL
#                                      it started, each by the pid it recorded; remove the state directory
#
# Ports (loopback): nginx on 127.0.0.1:$CIRCUL_CLUSTER_PORT (5100); silo K (1, 2, …) on HTTP port 5100+K, Orleans
# silo port 11200+K and gateway port 30200+K (away from the defaults 11111/30000 that scripts/bench.sh and a
# default silo use); our PostgreSQL on the first free port in 55600..55699.
#
# Environment:
#   CIRCUL_CLUSTER_DIR           state directory: pids, logs, nginx.conf, the database (default /tmp/circul-cluster)
#   CIRCUL_PG                    an existing PostgreSQL (Npgsql connection string) instead of a throwaway one; it
#                                is neither started nor stopped, and its database must exist (the silos migrate it)
#   CIRCUL_CLUSTER_PORT          nginx's port; silo K listens on this + K (default 5100)
#   CIRCUL_CLUSTER_SILO_PORT     Orleans silo-to-silo port base; silo K uses this + K (default 11200)
#   CIRCUL_CLUSTER_GATEWAY_PORT  Orleans client gateway port base; silo K uses this + K (default 30200)
#   CIRCUL_CLUSTER_TIMEOUT       seconds to wait for each silo's /readyz (default 120)
#   CIRCUL_CLUSTER_STOP_TIMEOUT  seconds between SIGTERM and SIGKILL for a silo (default 30)
#   Circul__*, Logging__*        any other silo setting (e.g. Circul__RateLimits__Enabled=false for the load tool);
#                                recorded at `up` and given to every silo, also those started later by `add`.
#                                The script sets Circul__Storage__* and the Orleans ports itself.
#
# Needs root (or nginx and PostgreSQL already installed): missing packages are installed with apt-get.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive

dir="$(realpath -m -- "${CIRCUL_CLUSTER_DIR:-/tmp/circul-cluster}")"
ready_timeout="${CIRCUL_CLUSTER_TIMEOUT:-120}"
stop_timeout="${CIRCUL_CLUSTER_STOP_TIMEOUT:-30}"

# What a recorded pid's command line must contain to be ours (so a recycled pid, or another engineer's silo,
# nginx or PostgreSQL, is never signalled).
silo_match="$dir/app/Circul.Silo.dll"
nginx_match="-p $dir/nginx/"
pg_match="-D $dir/pg/data"

log() { echo "local-cluster: $*" >&2; }
die() { log "error: $*"; exit 1; }

# The state directory is removed with rm -rf: it must be ours (made by `up`, with cluster.env) or absent/empty.
case "$dir" in
    /|/tmp|/root|/home|/usr|/etc|/var) echo "local-cluster: error: CIRCUL_CLUSTER_DIR=$dir is not a state directory" >&2; exit 1 ;;
esac
if [[ -d "$dir" && ! -f "$dir/cluster.env" ]] && [[ -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
    echo "local-cluster: error: $dir exists, is not empty and holds no cluster.env: not ours, refusing to use it" >&2
    exit 1
fi

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# HTTP status of GET URL (000 when nothing answers), within 2 s.
http_status() {
    curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}

# ------------------------------------------------------------------ state
# cluster.env holds KEY=VALUE lines written by `up`; silo.env the caller's extra silo settings (NUL-separated).
state_get() {
    local key="$1"
    [[ -f "$dir/cluster.env" ]] || return 1
    sed -n "s/^$key=//p" "$dir/cluster.env" | tail -n 1
}

state_set() {
    local key="$1" value="$2"
    if [[ -f "$dir/cluster.env" ]]; then
        sed -i "/^$key=/d" "$dir/cluster.env"
    fi
    printf '%s=%s\n' "$key" "$value" >>"$dir/cluster.env"
}

# A recorded pid that is alive and still runs what we started (guards against a recycled pid).
pid_alive() {
    local pid="$1" expect="$2"
    [[ -n "$pid" ]] && is_uint "$pid" && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$expect"
}

# After a start: the recorded pid must become the process itself (setsid exec'd in place), within 5 s.
track_pid() {
    local pid="$1" expect="$2" what="$3" i
    for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" "$expect" && return 0
        kill -0 "$pid" 2>/dev/null || return 0   # exited at once: the readiness wait reports it with the log
        sleep 0.1
    done
    die "$what: pid $pid never became the started process; cannot track it"
}

read_pid() { [[ -f "$1" ]] && cat "$1" || true; }

# Silo numbers with a state directory, ascending.
silo_numbers() {
    local d
    for d in "$dir"/silo-*; do
        [[ -d "$d" ]] || continue
        echo "${d##*/silo-}"
    done | sort -n
}

silo_alive() { pid_alive "$(read_pid "$dir/silo-$1/pid")" "$silo_match"; }

# Silos that run and are not being removed: nginx's upstream.
live_silos() {
    local k
    for k in $(silo_numbers); do
        [[ -f "$dir/silo-$k/removed" ]] && continue
        silo_alive "$k" && echo "$k"
    done
}

anything_running() {
    local k
    pid_alive "$(read_pid "$dir/nginx/pid")" "$nginx_match" && return 0
    pid_alive "$(read_pid "$dir/pg/pid")" "$pg_match" && return 0
    for k in $(silo_numbers); do
        silo_alive "$k" && return 0
    done
    return 1
}

# Sends SIGNAL to PID (0: none, it was sent already), waits up to SECONDS for it to exit, then SIGKILL. Only pids
# we recorded, and only while they still run what we started.
stop_pid() {
    local pid="$1" expect="$2" signal="$3" seconds="$4" what="$5" i
    pid_alive "$pid" "$expect" || return 0
    kill "-$signal" "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "$what (pid $pid) still running after ${seconds} s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "$what (pid $pid) did not exit after SIGKILL"
    return 1
}

# ------------------------------------------------------------------ packages
apt_install() {
    [[ "$(id -u)" -eq 0 ]] || die "$* not installed and we are not root: install the package(s) $*"
    log "installing $* (apt-get, non-interactive)"
    local apt_opts=(-y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    # Keep the packages from starting their own services (a default nginx on :80, a "main" PostgreSQL cluster):
    # a policy-rc.d that denies every start, only for the install and only if there is none.
    local policy_added=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    local rc=0
    {
        apt-get update -qq </dev/null >&2 &&
            apt-get install "${apt_opts[@]}" "$@" </dev/null >&2
    } || rc=$?
    [[ -z "$policy_added" ]] || rm -f /usr/sbin/policy-rc.d
    [[ "$rc" -eq 0 ]] || die "apt-get install $* failed (exit $rc)"
}

nginx_bin() {
    command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}

ensure_nginx() {
    [[ -n "$(nginx_bin)" ]] || apt_install nginx
    [[ -n "$(nginx_bin)" ]] || die "nginx installed but not found on PATH or in /usr/sbin"
    command -v curl >/dev/null 2>&1 || apt_install curl
}

find_pg_bin() {
    local newest="" d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
        if [[ -z "$newest" ]] || [[ "$(basename "$(dirname "$d")")" -gt "$(basename "$(dirname "$newest")")" ]]; then
            newest="$d"
        fi
    done
    echo "$newest"
}

ensure_pg_installed() {
    [[ -n "$(find_pg_bin)" ]] && return
    if [[ "$(id -u)" -eq 0 ]]; then
        # As scripts/test.sh: postgresql-common first, told not to create (and start) a "main" cluster.
        apt_install postgresql-common
        if [[ -f /etc/postgresql-common/createcluster.conf ]]; then
            sed -ri 's/^#?\s*create_main_cluster\s*=.*$/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
        fi
        apt_install postgresql
    fi
    [[ -n "$(find_pg_bin)" ]] || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin): install the 'postgresql' package, or set CIRCUL_PG"
}

# ------------------------------------------------------------------ PostgreSQL
pg_user() {
    if [[ "$(id -u)" -eq 0 ]]; then echo postgres; else id -un; fi
}

# Runs a PostgreSQL binary as the cluster owner (postgres refuses to run as root).
as_pg() {
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd "$dir/pg" && runuser -u postgres -- "$@")
    else
        (cd "$dir/pg" && "$@")
    fi
}

start_pg() {
    ensure_pg_installed
    local bin user port started=""
    bin="$(find_pg_bin)"
    user="$(pg_user)"
    if [[ "$(id -u)" -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        log "creating system user postgres"
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    mkdir -p "$dir/pg"
    chmod 700 "$dir/pg"
    [[ "$(id -u)" -ne 0 ]] || chown "$user": "$dir/pg"
    state_set PG_BIN "$bin"

    as_pg "$bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/pg/initdb.log" 2>&1 \
        || { cat "$dir/pg/initdb.log" >&2; die "initdb failed"; }

    for port in $(seq 55600 55699); do
        port_in_use "$port" && continue
        if as_pg "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 30 start -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $dir/pg -c max_connections=500 -c shared_buffers=128MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null 2>&1; then
            started="$port"
            break
        fi
        tail -n 5 "$dir/pg/server.log" >&2 2>/dev/null || true
        as_pg "$bin/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    done
    [[ -n "$started" ]] || die "could not start PostgreSQL on any port in 55600..55699"
    head -n 1 "$dir/pg/data/postmaster.pid" >"$dir/pg/pid"
    state_set PG_PORT "$started"

    local i
    for ((i = 0; i < 60; i++)); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$started" -U postgres && break
        sleep 0.5
    done
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$started" -U postgres || die "PostgreSQL never became ready (log: $dir/pg/server.log)"
    "$bin/createdb" -h 127.0.0.1 -p "$started" -U postgres circul
    state_set PG_CONN "Host=127.0.0.1;Port=$started;Username=postgres;Database=circul;Maximum Pool Size=50"
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$started (pid $(cat "$dir/pg/pid"), data in $dir/pg/data)"
}

stop_pg() {
    local pid bin
    pid="$(read_pid "$dir/pg/pid")"
    pid_alive "$pid" "$pg_match" || return 0
    bin="$(state_get PG_BIN || true)"
    # pg_ctl's fast shutdown signals the same postmaster pid (SIGINT); fall back to our own signals.
    if [[ -n "$bin" && -x "$bin/pg_ctl" && -f "$dir/pg/data/postmaster.pid" ]]; then
        as_pg "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 20 stop >/dev/null 2>&1 || true
    fi
    stop_pid "$pid" "$pg_match" INT 10 PostgreSQL
    log "stopped PostgreSQL (pid $pid)"
}

# ------------------------------------------------------------------ silos
build_silo() {
    log "building Circul.Silo (Release)"
    (cd "$root" && dotnet build src/Circul.Silo -c Release -v quiet -nologo </dev/null >&2) || die "building the silo failed"
    local out
    out="$(ls -d "$root"/src/Circul.Silo/bin/Release/net*/ | head -n 1)"
    [[ -f "$out/Circul.Silo.dll" ]] || die "no Circul.Silo.dll in $out"
    # The silos run a copy, so a rebuild of the tree while the cluster runs cannot change (or break) them.
    rm -rf "$dir/app"
    mkdir -p "$dir/app"
    cp -a "$out". "$dir/app/"
}

# The caller's silo settings (Circul__*, Logging__*, ASPNETCORE_ENVIRONMENT), without those the script sets.
record_silo_env() {
    : >"$dir/silo.env"
    local name
    while IFS= read -r name; do
        case "$name" in
            Circul__Storage__*|Circul__Orleans__SiloPort|Circul__Orleans__GatewayPort|Circul__Orleans__AdvertisedAddress) continue ;;
            Circul__*|Logging__*|ASPNETCORE_ENVIRONMENT) printf '%s=%s\0' "$name" "${!name}" >>"$dir/silo.env" ;;
        esac
    done < <(compgen -e | sort)
}

start_silo() {
    local k="$1" http silo gw conn
    http=$(( $(state_get HTTP_BASE) + k ))
    silo=$(( $(state_get SILO_BASE) + k ))
    gw=$(( $(state_get GATEWAY_BASE) + k ))
    conn="$(state_get PG_CONN)"
    local p
    for p in "$http" "$silo" "$gw"; do
        port_in_use "$p" && die "port $p (silo $k) is already in use; set CIRCUL_CLUSTER_PORT / CIRCUL_CLUSTER_SILO_PORT / CIRCUL_CLUSTER_GATEWAY_PORT"
    done
    local d="$dir/silo-$k"
    rm -rf "$d"
    mkdir -p "$d"
    echo "$http" >"$d/http_port"
    echo "$silo" >"$d/silo_port"
    echo "$gw" >"$d/gateway_port"
    local extra=()
    [[ -s "$dir/silo.env" ]] && mapfile -d '' -t extra <"$dir/silo.env"
    (
        cd "$d"
        # setsid: the silo outlives this script and a Ctrl-C in its terminal; a background child of a
        # non-interactive shell is no group leader, so setsid execs in place and $! is the silo's pid.
        exec setsid env \
            ASPNETCORE_ENVIRONMENT=Production \
            "${extra[@]}" \
            Circul__Storage__Provider=postgres \
            "Circul__Storage__ConnectionString=$conn" \
            Circul__Orleans__SiloPort="$silo" \
            Circul__Orleans__GatewayPort="$gw" \
            Circul__Orleans__AdvertisedAddress=127.0.0.1 \
            dotnet "$dir/app/Circul.Silo.dll" --urls "http://127.0.0.1:$http"
    ) >"$d/silo.log" 2>&1 </dev/null &
    echo $! >"$d/pid"
    track_pid "$!" "$silo_match" "silo $k"
    log "silo $k starting: http://127.0.0.1:$http (Orleans ports $silo/$gw, pid $!, log $d/silo.log)"
}

# Waits for silo K's /readyz; on failure shows its log and fails.
wait_ready() {
    local k="$1" http pid deadline
    http="$(cat "$dir/silo-$k/http_port")"
    pid="$(read_pid "$dir/silo-$k/pid")"
    deadline=$(( SECONDS + ready_timeout ))
    while (( SECONDS < deadline )); do
        [[ "$(http_status "http://127.0.0.1:$http/readyz")" == 200 ]] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            log "silo $k (pid $pid) exited during start-up; the end of its log:"
            tail -n 40 "$dir/silo-$k/silo.log" >&2 || true
            return 1
        fi
        sleep 0.5
    done
    log "silo $k did not answer 200 on http://127.0.0.1:$http/readyz within ${ready_timeout} s (now: $(http_status "http://127.0.0.1:$http/readyz")); the end of its log:"
    tail -n 40 "$dir/silo-$k/silo.log" >&2 || true
    return 1
}

# Stops silo K: SIGTERM (or SIGNAL), then KILL after the stop timeout.
# /readyz answers 200 once storage is migrated and the Orleans silo joined, but the other silos learn of a new silo's
# gateway only at their next directory refresh (Circul:Cluster:DirectoryRefreshMs, 5 s): until then events they
# commit do not reach the new silo's sockets (lost, not delayed; seen on this machine). Wait that long before a new
# silo gets traffic.
settle() {
    local ms=5000 entry
    if [[ -s "$dir/silo.env" ]]; then
        while IFS= read -r -d '' entry; do
            [[ "$entry" == Circul__Cluster__DirectoryRefreshMs=* ]] && ms="${entry#*=}"
        done <"$dir/silo.env"
    fi
    is_uint "$ms" || ms=5000
    log "waiting $(( ms / 1000 + 1 )) s: the other silos pick up the new gateway at their next directory refresh (${ms} ms)"
    sleep "$(( ms / 1000 + 1 ))"
}

stop_silo() {
    local k="$1" signal="${2:-TERM}" pid
    pid="$(read_pid "$dir/silo-$k/pid")"
    if pid_alive "$pid" "$silo_match"; then
        stop_pid "$pid" "$silo_match" "$signal" "$stop_timeout" "silo $k"
        log "stopped silo $k (pid $pid)"
    fi
}

# ------------------------------------------------------------------ nginx
write_nginx_conf() {
    local port k servers="" user_line=""
    port="$(state_get HTTP_BASE)"
    for k in $(live_silos); do
        servers+="        server 127.0.0.1:$(cat "$dir/silo-$k/http_port") max_fails=1 fail_timeout=5s;   # silo $k"$'\n'
    done
    # No live silo left: keep the config valid; nginx answers 502.
    [[ -n "$servers" ]] || servers="        server 127.0.0.1:9 down;   # no silo running"$'\n'
    # As root the master drops its workers' privileges; nginx creates the temp directories for that user.
    if [[ "$(id -u)" -eq 0 ]]; then
        if id -u www-data >/dev/null 2>&1; then user_line="user www-data;"; else user_line="user nobody;"; fi
    fi
    mkdir -p "$dir/nginx/temp"
    cat >"$dir/nginx/nginx.conf.new" <<EOF
# Written by deploy/local-cluster.sh; rewritten (and nginx reloaded) by \`add\` and \`remove\`.
$user_line
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
worker_shutdown_timeout 5s;

events {
    worker_connections 8192;
}

http {
    # \$uri, not \$request: the gateway's query carries the bot token, which must not reach a log file.
    log_format circul '\$remote_addr [\$time_local] "\$request_method \$uri \$server_protocol" \$status \$body_bytes_sent '
                      '\$request_time upstream=\$upstream_addr';
    access_log $dir/nginx/access.log circul buffer=64k flush=1s;
    client_body_temp_path $dir/nginx/temp/body;
    proxy_temp_path $dir/nginx/temp/proxy;
    fastcgi_temp_path $dir/nginx/temp/fastcgi;
    uwsgi_temp_path $dir/nginx/temp/uwsgi;
    scgi_temp_path $dir/nginx/temp/scgi;
    client_max_body_size 8m;   # Circul:Limits:MaxUploadBodyBytes

    # WebSocket upgrades pass "Connection: upgrade"; other requests an empty Connection, so upstream keep-alive works.
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      '';
    }

    upstream circul_silos {
        # Sockets are long-lived: send each new one to the silo with the fewest open connections. No stickiness:
        # any silo serves any request and any socket.
        least_conn;
$servers        keepalive 64;
    }

    server {
        listen 127.0.0.1:$port;

        proxy_http_version 1.1;
        proxy_set_header Host \$host;
        proxy_set_header Connection \$connection_upgrade;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        # A silo that refuses the connection (stopped, restarting) is skipped; a request it already received is not
        # sent again (nginx never retries a POST once it reached a silo).
        proxy_next_upstream error timeout;
        proxy_connect_timeout 2s;

        # REST answers in milliseconds: a silo that has not answered in 15 s is hung (a frozen silo still accepts
        # connections); an idempotent request then goes to the next silo.
        location / {
            proxy_pass http://circul_silos;
            proxy_read_timeout 15s;
        }

        # The gateway: the silo pings every 30 s, so idle reads of minutes are normal.
        location = /ws {
            proxy_pass http://circul_silos;
            proxy_buffering off;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
EOF
    "$(nginx_bin)" -t -q -p "$dir/nginx/" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf.new" >&2 \
        || die "nginx rejected the generated config ($dir/nginx/nginx.conf.new)"
    mv "$dir/nginx/nginx.conf.new" "$dir/nginx/nginx.conf"
}

start_nginx() {
    local port
    port="$(state_get HTTP_BASE)"
    port_in_use "$port" && die "port $port (nginx) is already in use; set CIRCUL_CLUSTER_PORT"
    write_nginx_conf
    (
        exec setsid "$(nginx_bin)" -p "$dir/nginx/" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" -g 'daemon off;'
    ) >"$dir/nginx/stdout.log" 2>&1 </dev/null &
    echo $! >"$dir/nginx/pid"
    track_pid "$!" "$nginx_match" nginx
    local i
    for ((i = 0; i < 50; i++)); do
        port_in_use "$port" && break
        kill -0 "$(cat "$dir/nginx/pid")" 2>/dev/null || { cat "$dir/nginx/error.log" >&2 2>/dev/null || true; die "nginx exited at start"; }
        sleep 0.1
    done
    port_in_use "$port" || die "nginx does not listen on 127.0.0.1:$port after 5 s (log: $dir/nginx/error.log)"
    log "nginx on http://127.0.0.1:$port (pid $(cat "$dir/nginx/pid"), log $dir/nginx/error.log)"
}

reload_nginx() {
    local pid
    pid="$(read_pid "$dir/nginx/pid")"
    pid_alive "$pid" "$nginx_match" || { log "nginx is not running; not reloaded"; return 0; }
    write_nginx_conf
    kill -HUP "$pid"
    log "nginx reloaded (upstream: silos $(live_silos | tr '\n' ' '))"
}

stop_nginx() {
    local pid
    pid="$(read_pid "$dir/nginx/pid")"
    pid_alive "$pid" "$nginx_match" || return 0
    # QUIT: graceful (open sockets get worker_shutdown_timeout, 5 s); then TERM, KILL.
    stop_pid "$pid" "$nginx_match" QUIT 8 nginx
    log "stopped nginx (pid $pid)"
}

# ------------------------------------------------------------------ commands
print_summary() {
    local port k
    port="$(state_get HTTP_BASE)"
    echo
    echo "Circul local cluster (state and logs in $dir)"
    echo "  nginx (load balancer): http://127.0.0.1:$port   ws://127.0.0.1:$port/ws?token=...   pid $(read_pid "$dir/nginx/pid")"
    for k in $(silo_numbers); do
        silo_alive "$k" || continue
        echo "  silo $k:                http://127.0.0.1:$(cat "$dir/silo-$k/http_port")   Orleans $(cat "$dir/silo-$k/silo_port")/$(cat "$dir/silo-$k/gateway_port")   pid $(read_pid "$dir/silo-$k/pid")   log $dir/silo-$k/silo.log"
    done
    if [[ "$(state_get PG_OWNED)" == 1 ]]; then
        echo "  PostgreSQL:            $(state_get PG_CONN)   pid $(read_pid "$dir/pg/pid")   log $dir/pg/server.log"
    else
        echo "  PostgreSQL:            CIRCUL_PG (not started or stopped by this script)"
    fi
    echo "  nginx logs:            $dir/nginx/error.log, $dir/nginx/access.log"
    local urls
    urls="$(for k in $(live_silos); do printf 'http://127.0.0.1:%s,' "$(cat "$dir/silo-$k/http_port")"; done)"
    echo "  load tool:             dotnet src/Circul.LoadTest/bin/Release/net10.0/Circul.LoadTest.dll --url ${urls%,}"
    echo "  stop everything:       $0 down"
}

cmd_up() {
    local n="${1:-3}"
    is_uint "$n" && (( n >= 1 && n <= 50 )) || die "up takes a number of silos in 1..50, got '$n'"
    local http_base="${CIRCUL_CLUSTER_PORT:-5100}" silo_base="${CIRCUL_CLUSTER_SILO_PORT:-11200}" gw_base="${CIRCUL_CLUSTER_GATEWAY_PORT:-30200}"
    is_uint "$http_base" && is_uint "$silo_base" && is_uint "$gw_base" || die "CIRCUL_CLUSTER_*PORT must be numbers"
    is_uint "$ready_timeout" && is_uint "$stop_timeout" || die "CIRCUL_CLUSTER_TIMEOUT and CIRCUL_CLUSTER_STOP_TIMEOUT must be numbers of seconds"

    if [[ -d "$dir" ]]; then
        anything_running && die "a cluster is already running from $dir (see '$0 status'); run '$0 down' first"
        log "removing the stale state directory $dir (nothing of it runs)"
        rm -rf "$dir"
    fi
    command -v dotnet >/dev/null 2>&1 || die "dotnet (the .NET 10 SDK) is not on PATH"
    mkdir -p "$dir"
    chmod 755 "$dir"
    if [[ "$(id -u)" -eq 0 && -z "${CIRCUL_PG:-}" ]] && id -u postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$dir"; then
        rm -rf "$dir"
        die "the postgres user cannot reach $dir (a parent directory is closed to it); set CIRCUL_CLUSTER_DIR under /tmp"
    fi
    state_set HTTP_BASE "$http_base"
    state_set SILO_BASE "$silo_base"
    state_set GATEWAY_BASE "$gw_base"
    state_set NEXT 1

    # From here on, a failure stops whatever was started.
    trap 'rc=$?; if [[ $rc -ne 0 ]]; then log "up failed: stopping what was started"; cmd_down keep || true; fi' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    ensure_nginx
    record_silo_env
    if [[ -n "${CIRCUL_PG:-}" ]]; then
        state_set PG_OWNED 0
        state_set PG_CONN "$CIRCUL_PG"
        log "using the PostgreSQL given in CIRCUL_PG"
    else
        state_set PG_OWNED 1
        start_pg
    fi
    build_silo

    local k
    for ((k = 1; k <= n; k++)); do
        start_silo "$k"
    done
    state_set NEXT $(( n + 1 ))
    for ((k = 1; k <= n; k++)); do
        wait_ready "$k" || exit 1
        log "silo $k ready"
    done
    (( n == 1 )) || settle
    start_nginx

    local deadline=$(( SECONDS + 20 ))
    until [[ "$(http_status "http://127.0.0.1:$http_base/readyz")" == 200 ]]; do
        (( SECONDS < deadline )) || die "nginx did not answer 200 on /readyz within 20 s (log: $dir/nginx/error.log)"
        sleep 0.2
    done
    trap - EXIT
    print_summary
}

require_cluster() {
    [[ -f "$dir/cluster.env" ]] || die "no cluster state in $dir (start one with '$0 up')"
}

cmd_add() {
    require_cluster
    local k
    k="$(state_get NEXT)"
    state_set NEXT $(( k + 1 ))
    start_silo "$k"
    if ! wait_ready "$k"; then
        stop_silo "$k"
        die "silo $k did not become ready; stopped it"
    fi
    log "silo $k ready"
    settle
    reload_nginx
    print_summary
}

cmd_remove() {
    require_cluster
    local k="${1:-}"
    is_uint "$k" && [[ -d "$dir/silo-$k" ]] || die "remove takes the number of a silo ($(silo_numbers | tr '\n' ' ')), got '$k'"
    silo_alive "$k" || die "silo $k is not running"
    # Out of nginx first (new requests and sockets go elsewhere), then the graceful stop: the silo closes its sockets
    # with 4004 (clients reconnect through nginx to another silo) and leaves the Orleans cluster.
    touch "$dir/silo-$k/removed"
    reload_nginx
    stop_silo "$k"
    print_summary
}

cmd_status() {
    require_cluster
    local port k pid
    port="$(state_get HTTP_BASE)"
    pid="$(read_pid "$dir/nginx/pid")"
    if pid_alive "$pid" "$nginx_match"; then
        echo "nginx      pid $pid   http://127.0.0.1:$port   /readyz $(http_status "http://127.0.0.1:$port/readyz")"
    else
        echo "nginx      not running"
    fi
    for k in $(silo_numbers); do
        pid="$(read_pid "$dir/silo-$k/pid")"
        local http
        http="$(cat "$dir/silo-$k/http_port")"
        if silo_alive "$k"; then
            echo "silo $k     pid $pid   http://127.0.0.1:$http   /readyz $(http_status "http://127.0.0.1:$http/readyz")"
        else
            echo "silo $k     not running$([[ -f "$dir/silo-$k/removed" ]] && echo ' (removed)')   log $dir/silo-$k/silo.log"
        fi
    done
    if [[ "$(state_get PG_OWNED)" == 1 ]]; then
        pid="$(read_pid "$dir/pg/pid")"
        if pid_alive "$pid" "$pg_match"; then
            echo "postgres   pid $pid   $(state_get PG_CONN)"
            local psql
            psql="$(state_get PG_BIN)/psql"
            if [[ -x "$psql" ]]; then
                echo "Orleans membership (status 3 = active, 6 = dead):"
                "$psql" -h 127.0.0.1 -p "$(state_get PG_PORT)" -U postgres -d circul -X -q -c \
                    "SELECT address, port, generation, status, silo_name, i_am_alive_time FROM orleans_membership ORDER BY port, generation" 2>&1 | sed 's/^/  /' || true
            fi
        else
            echo "postgres   not running"
        fi
    else
        echo "postgres   CIRCUL_PG (not managed here)"
    fi
}

# Stops everything recorded in the state directory and removes it ("keep": leave it, with the logs).
cmd_down() {
    local keep="${1:-}"
    if [[ ! -d "$dir" ]]; then
        log "nothing to stop ($dir does not exist)"
        return 0
    fi
    local k pids=() failed=0
    stop_nginx || failed=1
    # Every silo gets SIGTERM at once, then each is waited for (KILL after the timeout).
    for k in $(silo_numbers); do
        local pid
        pid="$(read_pid "$dir/silo-$k/pid")"
        if pid_alive "$pid" "$silo_match"; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$k")
        fi
    done
    if (( ${#pids[@]} > 0 )); then
        log "SIGTERM sent to silos ${pids[*]}; waiting for them to stop (SIGKILL after ${stop_timeout} s)"
    fi
    for k in "${pids[@]}"; do
        stop_silo "$k" 0 || failed=1
    done
    if [[ "$(state_get PG_OWNED || true)" == 1 ]]; then
        stop_pg || failed=1
    fi
    if anything_running; then
        die "something recorded in $dir still runs; state directory kept"
    fi
    if [[ "$keep" == keep ]]; then
        log "everything stopped; logs kept in $dir (the next 'up' removes it)"
    else
        rm -rf "$dir"
        log "down: everything stopped, $dir removed"
    fi
    return "$failed"
}

case "${1:-}" in
    up) shift; cmd_up "$@" ;;
    add) cmd_add ;;
    remove) shift; cmd_remove "$@" ;;
    status) cmd_status ;;
    down) cmd_down ;;
    -h|--help|help|"") usage ;;
    *) log "unknown command '$1'"; usage ;;
esac
