#!/usr/bin/env bash
# `make up`: volstream in distributed mode on one machine. Every service is its own process on a
# Kafka-protocol broker: the Deribit simulator (unless VOLSTREAM_SOURCE=live), the connector, and
# the order-book, volatility and surface workers. With no VOLSTREAM_BROKERS, librdkafka's mock
# cluster is started through kcat (docs/INFRA.md "Kafka protocol"). Prints what runs where, logs
# each process to $VOLSTREAM_UP_LOGS/<name>.log, and stops everything on Ctrl-C (SIGINT/SIGTERM):
# the connector first, then the workers (each finishes its window and commits), then the
# simulator and the broker.
#
# Environment:
#   VOLSTREAM_BROKERS    host:port,... of a running broker (Redpanda); default: start the mock
#   VOLSTREAM_SOURCE     sim (default) or live
#   VOLSTREAM_SIM_SEED   simulator seed (default 1); VOLSTREAM_SIM_RATE notifications/s (default 2000)
#   VOLSTREAM_REPLICAS   replicas per worker, e.g. "volatility=2 orderbook=1" (default 1 each)
#   VOLSTREAM_UP_LOGS    log directory (default a new /tmp/volstream-up.XXXXXX)
#   VOLSTREAM_UP_FOR     stop by itself after this many seconds (scripts, tests)
set -euo pipefail
cd "$(dirname "$0")/.."

LOGS=${VOLSTREAM_UP_LOGS:-$(mktemp -d /tmp/volstream-up.XXXXXX)}
mkdir -p "$LOGS"
SOURCE=${VOLSTREAM_SOURCE:-sim}
NODE=(node --import tsx)
pids=()
names=()
broker_pid=''

say() { printf 'up: %s\n' "$*"; }

stop_all() {
  trap - INT TERM EXIT
  say "stopping (connector first, then workers, simulator, broker)"
  # Reverse start order: the connector was started last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "${pids[i]}" 2>/dev/null; then
      say "${names[i]} (pid ${pids[i]}) did not stop in 10 s; killing it"
      kill -KILL "${pids[i]}" 2>/dev/null || true
    fi
    wait "${pids[i]}" 2>/dev/null || true
    say "stopped ${names[i]}"
  done
  if [ -n "$broker_pid" ]; then
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    say "stopped the mock broker"
  fi
  say "logs in $LOGS"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME CMD...: runs CMD in the background, logging to $LOGS/NAME.log.
start() {
  local name=$1
  shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
  say "started $name pid $! -> $LOGS/$name.log"
}

if [ -z "${VOLSTREAM_BROKERS:-}" ]; then
  command -v kcat >/dev/null || { echo 'up: kcat is missing: apt-get install -y kcat (or set VOLSTREAM_BROKERS)' >&2; exit 1; }
  kcat -C -b localhost:1 -t __keepalive -X test.mock.num.brokers=3 -d mock -q 2>"$LOGS/broker.log" &
  broker_pid=$!
  for _ in $(seq 1 100); do
    VOLSTREAM_BROKERS=$(grep -a -m1 -o 'bootstrap.servers=[^ ]*' "$LOGS/broker.log" 2>/dev/null | cut -d= -f2 || true)
    [ -n "$VOLSTREAM_BROKERS" ] && break
    sleep 0.1
  done
  [ -n "$VOLSTREAM_BROKERS" ] || { echo 'up: the mock broker did not start (see broker.log)' >&2; exit 1; }
  say "broker: librdkafka mock cluster (kcat pid $broker_pid) on $VOLSTREAM_BROKERS (test broker: behaviour, not throughput)"
else
  say "broker: $VOLSTREAM_BROKERS"
fi
export VOLSTREAM_BROKERS VOLSTREAM_BUS=kafka

url_args=()
if [ "$SOURCE" = sim ]; then
  # A free port for the simulator, so the connector knows its URL up front.
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  start sim node bin/volstream.mjs sim --port "$port" --seed "${VOLSTREAM_SIM_SEED:-1}" --rate "${VOLSTREAM_SIM_RATE:-2000}"
  for _ in $(seq 1 200); do grep -q 'ws://' "$LOGS/sim.log" 2>/dev/null && break; sleep 0.1; done
  say "SIMULATED DATA: Deribit simulator on ws://127.0.0.1:$port/ws/api/v2 (truth on http://127.0.0.1:$port/truth)"
  url_args=(--url "ws://127.0.0.1:$port/ws/api/v2")
fi

replicas() { # replicas KIND: from VOLSTREAM_REPLICAS ("volatility=2 ..."), default 1
  local n
  n=$(tr ' ,' '\n\n' <<<"${VOLSTREAM_REPLICAS:-}" | sed -n "s/^$1=\([0-9]*\)$/\1/p" | tail -1)
  echo "${n:-1}"
}
for kind in surface volatility orderbook; do
  n=$(replicas "$kind")
  for ((r = 1; r <= n; r++)); do
    start "$kind-worker-$r" "${NODE[@]}" "services/$kind-worker/src/main.ts" --producer-id "$kind-worker-$r"
  done
done
start connector "${NODE[@]}" services/connector/src/main.ts --venue deribit "${url_args[@]}"
say "running: connector -> volstream.marketdata.v1 -> orderbook -> volatility -> surface workers on $VOLSTREAM_BROKERS; Ctrl-C stops everything"

if [ -n "${VOLSTREAM_UP_FOR:-}" ]; then
  sleep "$VOLSTREAM_UP_FOR" &
  wait $! || true
else
  # Until a signal. A service that dies is reported once; the others keep running (replicas of a
  # worker take over its partitions).
  declare -A reported=()
  while true; do
    for i in "${!pids[@]}"; do
      if [ -z "${reported[$i]:-}" ] && ! kill -0 "${pids[i]}" 2>/dev/null; then
        reported[$i]=1
        say "${names[i]} (pid ${pids[i]}) exited; see $LOGS/${names[i]}.log"
      fi
    done
    sleep 1 &
    wait $! || true
  done
fi
