#!/usr/bin/env bash
# The portal's production topology on 127.0.0.1, from installed packages (issue 21):
#
#   nginx (TLS, :8443) ─┬─ gunicorn web1 (:8001, 2 workers × 4 threads) ─┐
#                       └─ gunicorn web2 (:8002, 2 workers × 4 threads) ─┼─ PostgreSQL :5432
#   rq worker (1) ───────────────────────────────────────────────────────┼─ Redis :6380 (own)
#                                                                        └─ moto S3 :5010
#
#   deploy/local-topology.sh start            # everything; waits until /readyz says ready
#   deploy/local-topology.sh stop             # everything, gracefully (SIGTERM, nginx quit)
#   deploy/local-topology.sh status
#   deploy/local-topology.sh restart-redis [seconds-down]
#
# PostgreSQL is the one already running on 5432 (database $TOPOLOGY_DATABASE, made if missing).
# Redis is a server of its own on $REDIS_PORT that keeps nothing on disk (--save ''), so it can
# be restarted without touching anyone else's. Processes are started in their own process
# groups and stopped by the ids written under $RUN; nothing else is touched.
# Extra settings (the bench's limits: bench/limits.env) come from $TOPOLOGY_ENV_EXTRA.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
RUN="${TOPOLOGY_DIR:-/tmp/portal-topology}"
DATABASE="${TOPOLOGY_DATABASE:-portal_topology}"
PG="${PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432}"
REDIS_PORT="${REDIS_PORT:-6380}"
S3_PORT="${S3_PORT:-5010}"
PROXY_PORT="${PROXY_PORT:-8443}"
WEB_PORTS=(8001 8002)
WEB_WORKERS="${WEB_WORKERS:-2}"
WEB_THREADS="${WEB_THREADS:-4}"

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

write_env() {
    local secret
    secret="$(cat "$RUN/secret_key" 2>/dev/null || true)"
    if [ -z "$secret" ]; then
        secret="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')"
        echo "$secret" > "$RUN/secret_key"
    fi
    cat > "$RUN/portal.env" <<ENV
PORTAL_ENV=production
SECRET_KEY=$secret
DATABASE_URL=$PG/$DATABASE
PUBLIC_BASE_URL=https://127.0.0.1:$PROXY_PORT
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
RATELIMIT_STORAGE_URI=redis://127.0.0.1:$REDIS_PORT/1
TRUSTED_PROXIES=127.0.0.1
METRICS_ALLOWED_ADDRESSES=127.0.0.1
STORAGE_BACKEND=s3
STORAGE_S3_BUCKET=sponsor-portal
STORAGE_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
AWS_DEFAULT_REGION=eu-west-1
LOG_FORMAT=json
ENV
    if [ -n "${TOPOLOGY_ENV_EXTRA:-}" ]; then
        grep -v '^\s*#' "$TOPOLOGY_ENV_EXTRA" | grep . >> "$RUN/portal.env"
    fi
}

load_env() { set -a; . "$RUN/portal.env"; set +a; }

# Start a command in a process group of its own; its id in $RUN/<name>.pid, output in .log.
spawn() {
    local name="$1"; shift
    setsid "$@" >> "$RUN/$name.log" 2>&1 < /dev/null &
    echo $! > "$RUN/$name.pid"
}

alive() { local pid; pid="$(cat "$RUN/$1.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null; }

# SIGTERM to the process group, then wait (up to $2 seconds) before SIGKILL.
halt() {
    local name="$1" wait="${2:-40}" pid
    alive "$name" || { rm -f "$RUN/$name.pid"; return 0; }
    pid="$(cat "$RUN/$name.pid")"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 1 $((wait * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name did not stop in ${wait}s: SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/$name.pid"
}

wait_for() {  # wait_for <what> <command…>: up to 30 s
    local what="$1"; shift
    for _ in $(seq 1 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
    say "$what did not come up (logs in $RUN)"; return 1
}

start_redis() {
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" --dir "$RUN"
    wait_for "Redis" redis-cli -p "$REDIS_PORT" ping
}

stop_redis() {
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do alive redis || break; sleep 0.2; done
    rm -f "$RUN/redis.pid"
}

write_nginx() {
    local servers=""
    for port in "${WEB_PORTS[@]}"; do
        servers+="        server 127.0.0.1:$port max_fails=3 fail_timeout=5s;"$'\n'
    done
    # The same as deploy/nginx.conf, for 127.0.0.1 and a self-signed certificate.
    cat > "$RUN/nginx.conf" <<NGINX
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $RUN/nginx-tmp/body;
    proxy_temp_path $RUN/nginx-tmp/proxy;
    fastcgi_temp_path $RUN/nginx-tmp/fastcgi;
    uwsgi_temp_path $RUN/nginx-tmp/uwsgi;
    scgi_temp_path $RUN/nginx-tmp/scgi;
    log_format portal '\$remote_addr [\$time_iso8601] "\$request_method \$uri" \$status '
                      '\$body_bytes_sent \$request_time \$upstream_response_time id=\$request_id';
    access_log $RUN/nginx-access.log portal;
    upstream sponsor_portal {
        least_conn;
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$PROXY_PORT ssl;
        ssl_certificate $RUN/tls.crt;
        ssl_certificate_key $RUN/tls.key;
        client_max_body_size 41m;
        location = /metrics { return 404; }
        location / {
            proxy_pass http://sponsor_portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host:\$server_port;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Request-ID \$request_id;
            proxy_next_upstream error timeout http_502 http_503;
        }
    }
}
NGINX
}

start() {
    mkdir -p "$RUN/nginx-tmp"
    chmod 755 "$RUN"
    write_env
    load_env
    say "PostgreSQL: database $DATABASE"
    psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" \
        | grep -q 1 || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DATABASE"
    say "Redis on $REDIS_PORT (nothing on disk)"
    alive redis || start_redis
    say "moto S3 on $S3_PORT"
    alive s3 || spawn s3 "$VENV/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
    wait_for "moto" curl -sf "http://127.0.0.1:$S3_PORT/moto-api/"
    "$VENV/bin/python" - <<'PY'
import boto3, os
s3 = boto3.client("s3", endpoint_url=os.environ["STORAGE_S3_ENDPOINT_URL"])
if os.environ["STORAGE_S3_BUCKET"] not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket=os.environ["STORAGE_S3_BUCKET"],
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
PY
    say "migrations"
    (cd "$ROOT" && "$VENV/bin/flask" --app wsgi db upgrade 2>&1 | tail -1)
    local n=0
    for port in "${WEB_PORTS[@]}"; do
        n=$((n + 1))
        say "gunicorn web$n on $port ($WEB_WORKERS workers × $WEB_THREADS threads)"
        alive "web$n" || (cd "$ROOT" && GUNICORN_BIND="127.0.0.1:$port" \
            GUNICORN_WORKERS="$WEB_WORKERS" GUNICORN_THREADS="$WEB_THREADS" \
            GUNICORN_NAME="portal-web$n" PROMETHEUS_MULTIPROC_DIR="$RUN/metrics-web$n" \
            spawn "web$n" "$VENV/bin/gunicorn" -c deploy/gunicorn.conf.py wsgi:app)
    done
    say "rq worker"
    mkdir -p "$RUN/metrics-worker"
    # Restarted by this loop if it ever exits (systemd's Restart=on-failure in production).
    alive worker || (cd "$ROOT" && PROMETHEUS_MULTIPROC_DIR="$RUN/metrics-worker" spawn worker \
        bash -c "trap 'kill -TERM \$child; wait \$child; exit 0' TERM
                 while true; do
                     '$VENV/bin/rq' worker --url '$REDIS_URL' --with-scheduler portal & child=\$!
                     wait \$child; sleep 1
                 done")
    say "nginx on $PROXY_PORT (TLS, self-signed)"
    [ -f "$RUN/tls.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 7 \
        -subj /CN=127.0.0.1 -keyout "$RUN/tls.key" -out "$RUN/tls.crt" 2>/dev/null
    write_nginx
    alive nginx || /usr/sbin/nginx -c "$RUN/nginx.conf" -p "$RUN" -e "$RUN/nginx-error.log"
    wait_for "the portal through nginx" curl -skf "https://127.0.0.1:$PROXY_PORT/readyz"
    curl -sk "https://127.0.0.1:$PROXY_PORT/readyz"
    say "ready: https://127.0.0.1:$PROXY_PORT/ (logs and ids in $RUN)"
}

stop() {
    [ -f "$RUN/portal.env" ] || { say "nothing started in $RUN"; return 0; }
    say "nginx: quit (finishes the requests in hand)"
    if alive nginx; then
        /usr/sbin/nginx -c "$RUN/nginx.conf" -p "$RUN" -e "$RUN/nginx-error.log" -s quit
        for _ in $(seq 1 100); do alive nginx || break; sleep 0.2; done
        rm -f "$RUN/nginx.pid"
    fi
    say "gunicorn: SIGTERM (graceful)"
    halt web1 45 & halt web2 45 & wait
    say "worker: SIGTERM (warm shutdown: the job in hand is finished)"
    halt worker 60
    say "moto, Redis"
    halt s3 10
    stop_redis
    say "stopped"
}

status() {
    for name in nginx web1 web2 worker s3 redis; do
        if alive "$name"; then echo "$name: running ($(cat "$RUN/$name.pid"))"; else echo "$name: -"; fi
    done
    curl -sk "https://127.0.0.1:$PROXY_PORT/readyz" || true
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    restart-redis)
        load_env
        say "Redis down for ${2:-5} s"; stop_redis; sleep "${2:-5}"; start_redis; say "Redis back" ;;
    *) echo "usage: $0 start|stop|status|restart-redis [seconds]" >&2; exit 2 ;;
esac
