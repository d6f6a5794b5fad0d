#!/bin/bash
# Sorted-set throughput, slotgate node(s) against redis-server (issue 3): redis-benchmark's ZADD
# (-r 100000) and `ZRANGEBYSCORE bigzset __rand_int__ +inf LIMIT 0 10` (-r 1000000) on a 1M-member
# set, 50 clients, no pipelining. Servers on cpu0, redis-benchmark on cpu1, server order rotated
# each round. Besides redis-benchmark's CSV line, prints the server's CPU time per request
# (utime+stime from /proc), which stays comparable when the client, not the server, is the limit.
#
# Usage: bench/zset-bench.sh [rounds] [slotgate.js ...]   (default: 3 rounds, dist/bin/slotgate.js;
# pass two builds to compare them). Build first: npx tsc -p tsconfig.json
set -u
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
shift || true
BUILDS=("$@")
[ ${#BUILDS[@]} -eq 0 ] && BUILDS=(dist/bin/slotgate.js)
TMP=$(mktemp -d /tmp/zset-bench-XXXXXX)

# bigzset: members m:0 … m:999999, score = index, as bench/node-bench.ts loads it.
node -e '
const cmd = (a) => `*${a.length}\r\n` + a.map((x) => `$${String(x).length}\r\n${x}\r\n`).join("");
process.stdout.write(cmd(["DEL", "bigzset"]));
for (let i = 0; i < 1e6; i += 10000) {
  const a = ["ZADD", "bigzset"];
  for (let j = i; j < i + 10000; j++) a.push(j, `m:${j}`);
  process.stdout.write(cmd(a));
}' > "$TMP/bigzset.resp"

NAMES=(); PORTS=(); PIDS=()
start() { # name port command...
  local name=$1 port=$2; shift 2
  taskset -c 0 "$@" > "$TMP/server-${#PIDS[@]}.log" 2>&1 &
  NAMES+=("$name"); PORTS+=("$port"); PIDS+=("$!")
}
port=7201
for b in "${BUILDS[@]}"; do
  start "slotgate:$b" $port node "$b" node --port $port --save '' --appendonly no --dir "$TMP" --loglevel warning
  port=$((port + 1))
done
start redis $port redis-server --port $port --save '' --appendonly no --dir "$TMP" --loglevel warning
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait; rm -rf "$TMP"' EXIT
sleep 2
for p in "${PORTS[@]}"; do redis-cli -p "$p" --pipe < "$TMP/bigzset.resp" > /dev/null; done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # index requests redis-benchmark args...
  local i=$1 n=$2; shift 2
  local c0; c0=$(cpu "${PIDS[$i]}")
  local out; out=$(taskset -c 1 redis-benchmark -p "${PORTS[$i]}" -c 50 -n "$n" --csv "$@" | tail -1)
  local c1; c1=$(cpu "${PIDS[$i]}")
  echo "round $r ${NAMES[$i]} $out cpu_us_per_req=$(( (c1 - c0) * 10000000 / n / 1000 ))"
}
count=${#PIDS[@]}
for r in $(seq 1 "$ROUNDS"); do
  for k in $(seq 0 $((count - 1))); do
    i=$(( (k + r - 1) % count ))
    run "$i" 200000 -r 100000 -t zadd
    run "$i" 100000 -r 1000000 ZRANGEBYSCORE bigzset __rand_int__ +inf LIMIT 0 10
  done
done
