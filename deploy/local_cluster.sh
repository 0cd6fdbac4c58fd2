#!/bin/sh
# Several app processes behind haproxy on this machine: what a scaled-out deploy looks like, for trying it locally.
#
#   sh deploy/local_cluster.sh [N]     # N app processes (default 2) on 127.0.0.1:BASE_PORT+1..N, haproxy on LB_PORT
#
# Each process is started exactly as the Procfile starts a dyno; haproxy runs deploy/haproxy.cfg with one server
# line per process (cookie affinity, health checks). Environment: LB_PORT (8080), BASE_PORT (8500), RUN_DIR (a new
# temporary folder: app<i>.pid, app<i>.log, haproxy.cfg). Ctrl-C (or SIGTERM) stops the balancer and every process.
set -eu
cd "$(dirname "$0")/.."
N=${1:-2}
LB_PORT=${LB_PORT:-8080}
BASE_PORT=${BASE_PORT:-8500}
RUN_DIR=${RUN_DIR:-$(mktemp -d)}
WEB=$(sed -n 's/^web: //p' Procfile)
CFG="$RUN_DIR/haproxy.cfg"
sed '/^    server /d' deploy/haproxy.cfg > "$CFG"
pids=""
i=1
while [ "$i" -le "$N" ]; do
  port=$((BASE_PORT + i))
  mkdir -p "$RUN_DIR/home$i"
  HOME="$RUN_DIR/home$i" PORT=$port setsid sh -c "$WEB" > "$RUN_DIR/app$i.log" 2>&1 &
  echo $! > "$RUN_DIR/app$i.pid"
  pids="$pids $!"
  echo "    server app$i 127.0.0.1:$port check inter 2s fall 2 rise 2 cookie app$i" >> "$CFG"
  i=$((i + 1))
done
stop() { for p in $pids; do kill -TERM -- "-$p" 2>/dev/null || true; done; }
trap 'stop; exit 0' INT TERM
trap stop EXIT
echo "GAN Studio: $N app processes behind http://127.0.0.1:$LB_PORT (logs and pids in $RUN_DIR)"
LB_BIND=127.0.0.1:$LB_PORT haproxy -db -f "$CFG" &
echo $! > "$RUN_DIR/haproxy.pid"
wait $!
