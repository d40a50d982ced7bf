#!/usr/bin/env bash
# Tether against Debian's Mosquitto 2.0.11 and MQTTnet 5's server, side by side, with `tether bench`.
#
# Each broker runs in turn with equivalent settings (one TCP listener on loopback, anonymous clients, queues
# large enough not to drop), pinned to CPU 0 with taskset while the load tool is pinned to CPU 1; then each runs
# once unpinned for pairs QoS 0 (Tether may use both cores); then each holds idle connections while its resident
# memory is read from /proc. The results table goes into BENCHMARKS.md between the compare markers and to stdout.
#
# Usage: bench/compare.sh [--quick] [--duration S] [--warmup S] [--connections N] [--port P] [--no-write]
#   --quick          smoke run: 2 s per scenario, 1 s warm-up, 2,000 idle connections; BENCHMARKS.md untouched
#   --duration S     seconds measured per scenario (default 10; env BENCH_DURATION); the latency scenario runs three
#                    times as long, so that one short stall of the machine does not decide its p99
#   --warmup S       seconds of load before each measurement (default 2; env BENCH_WARMUP)
#   --connections N  idle connections per broker (default 19800; env BENCH_CONNECTIONS). Each side needs a file
#                    descriptor per connection: keep N below the file limit (ulimit -n) minus about 100.
#   --port P         TCP port the brokers listen on (default 18830; env BENCH_PORT)
#   --no-write       print the table only
# Needs: the .NET SDK, Debian's mosquitto (apt-get install -y mosquitto), taskset, python3, 2 or more cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-19800}
port=${BENCH_PORT:-18830}
write=1
quick=0
command_line="bench/compare.sh${*:+ $*}"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; duration=2; warmup=1; connections=2000; write=0 ;;
        --duration) duration=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --connections) connections=$2; shift ;;
        --port) port=$2; shift ;;
        --no-write) write=0 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

mosquitto=/usr/sbin/mosquitto
if [ ! -x "$mosquitto" ]; then
    echo "Mosquitto is not installed: run 'apt-get install -y mosquitto' (Debian 12 has 2.0.11), then run this again." >&2
    exit 1
fi
for tool in taskset python3 dotnet; do
    command -v "$tool" >/dev/null || { echo "$tool is needed." >&2; exit 1; }
done
if [ "$(nproc)" -lt 2 ]; then
    echo "Two cores are needed: one for the broker, one for the load tool." >&2
    exit 1
fi

echo "Building (Release)..." >&2
dotnet build "$root/src/Tether/Tether.csproj" -c Release -v quiet -nologo >&2
dotnet build "$root/bench/Tether.MqttNetServer/Tether.MqttNetServer.csproj" -c Release -v quiet -nologo >&2
tether_dll="$root/src/Tether/bin/Release/net10.0/tether.dll"
mqttnet_dll="$root/bench/Tether.MqttNetServer/bin/Release/net10.0/Tether.MqttNetServer.dll"

work=$(mktemp -d)
broker_pid=
cleanup() {
    if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# One configuration for Mosquitto and Tether (Tether reads mosquitto.conf). max_queued_messages: a subscriber that
# falls behind queues instead of dropping (MQTTnet keeps its defaults). set_tcp_nodelay: Kestrel, and so Tether,
# and MQTTnet turn Nagle's algorithm off on every connection; Mosquitto does only when asked, and without it
# waits for delayed ACKs (tens of milliseconds) on small packets.
cat > "$work/broker.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
max_queued_messages 1000000
set_tcp_nodelay true
log_dest stdout
CONF

start_broker() { # name pin(yes|no)
    local name=$1 pin=$2 prefix=()
    [ "$pin" = yes ] && prefix=(taskset -c 0)
    case "$name" in
        mosquitto) "${prefix[@]}" "$mosquitto" -c "$work/broker.conf" > "$work/$name.log" 2>&1 & ;;
        mqttnet) "${prefix[@]}" dotnet "$mqttnet_dll" "$port" > "$work/$name.log" 2>&1 & ;;
        tether) "${prefix[@]}" dotnet "$tether_dll" -c "$work/broker.conf" > "$work/$name.log" 2>&1 & ;;
    esac
    broker_pid=$!
    for _ in $(seq 200); do
        if ss -Hltn "sport = :$port" | grep -q LISTEN; then return 0; fi
        sleep 0.1
    done
    echo "$name did not open port $port:" >&2
    cat "$work/$name.log" >&2
    exit 1
}

stop_broker() {
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=
    # Let the port be free for the next broker.
    for _ in $(seq 100); do
        ss -Hltn "sport = :$port" | grep -q LISTEN || return 0
        sleep 0.1
    done
}

bench() { # result-name pin(yes|no) bench-arguments...
    local name=$1 pin=$2 prefix=()
    shift 2
    [ "$pin" = yes ] && prefix=(taskset -c 1)
    echo "  $name" >&2
    "${prefix[@]}" dotnet "$tether_dll" bench -p "$port" --json --quiet --drain 15 --broker-pid "$broker_pid" "$@" > "$work/$name.json" \
        || echo "    (failed: exit $?)" >&2
}

run_pinned() { # broker
    local b=$1 timing=(--duration "$duration" --warmup "$warmup")
    echo "$b, pinned to CPU 0; load tool on CPU 1:" >&2
    start_broker "$b" yes
    bench "$b-pairs0" yes -s pairs --pairs 10 --qos 0 --size 64 "${timing[@]}"
    bench "$b-fanout0" yes -s fanout --subscribers 100 --qos 0 --size 64 "${timing[@]}"
    bench "$b-fanin0" yes -s fanin --publishers 100 --qos 0 --size 64 "${timing[@]}"
    bench "$b-pairs1" yes -s pairs --pairs 10 --qos 1 --size 64 "${timing[@]}"
    bench "$b-latency" yes -s pairs --pairs 10 --qos 0 --size 64 --rate 1000 --duration $((duration * 3)) --warmup "$warmup"
    stop_broker
    # Idle connections on a fresh broker, so that what the runs above left behind does not count.
    start_broker "$b" yes
    bench "$b-conn" yes -s conn --connections "$connections" --duration 2
    stop_broker
}

run_unpinned() { # broker
    local b=$1
    echo "$b, unpinned:" >&2
    start_broker "$b" no
    bench "$b-pairs0-unpinned" no -s pairs --pairs 10 --qos 0 --size 64 --duration "$duration" --warmup "$warmup"
    stop_broker
}

for b in mosquitto mqttnet tether; do run_pinned "$b"; done
for b in mosquitto mqttnet tether; do run_unpinned "$b"; done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mosquitto_version=$("$mosquitto" -h 2>/dev/null | head -1 | sed 's/^mosquitto version //' || true)
table=$(python3 - "$work" "$(date -u +%Y-%m-%d)" "$command_line" "$(nproc)" "$cpu" "$(dotnet --version)" "$mosquitto_version" \
    "$duration" "$warmup" "$connections" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, os, sys

work, date, command, cores, cpu, sdk, mosquitto, duration, warmup, connections, load = sys.argv[1:]
brokers = [("mosquitto", "Mosquitto " + (mosquitto or "2.0.11")), ("mqttnet", "MQTTnet 5.2"), ("tether", "Tether")]

def load_result(name):
    path = os.path.join(work, name + ".json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def num(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"

def ratio(tether, other, lower_is_better=False):
    if tether is None or other is None or tether == 0 or other == 0:
        return "–"
    r = other / tether if lower_is_better else tether / other
    return f"{r:.2f}×"

rows = [
    ("pairs QoS 0 (10 pairs, 64 B), msg/s received", "pairs0", lambda r: r["receivedPerSecond"], False),
    ("fanout QoS 0 (1 → 100, 64 B), msg/s received", "fanout0", lambda r: r["receivedPerSecond"], False),
    ("fanin QoS 0 (100 → 1, 64 B), msg/s received", "fanin0", lambda r: r["receivedPerSecond"], False),
    ("pairs QoS 1 (10 pairs, 64 B), msg/s received", "pairs1", lambda r: r["receivedPerSecond"], False),
    ("latency p50 at 10 × 1,000 msg/s, µs", "latency", lambda r: r["latencyMicroseconds"]["p50"], True),
    ("latency p99 at 10 × 1,000 msg/s, µs", "latency", lambda r: r["latencyMicroseconds"]["p99"], True),
    ("latency p99.9 at 10 × 1,000 msg/s, µs", "latency", lambda r: r["latencyMicroseconds"]["p99.9"] if "p99.9" in r["latencyMicroseconds"] else r["latencyMicroseconds"]["p999"], True),
    (f"idle connections: broker RSS per connection, bytes", "conn", lambda r: r["bytesPerConnection"], True),
    ("unpinned pairs QoS 0 (10 pairs, 64 B), msg/s received", "pairs0-unpinned", lambda r: r["receivedPerSecond"], False),
]

out = []
out.append(f"Run of {date}: `{command}`; {cores} cores ({cpu}), .NET SDK {sdk}, load average at the end {load}.")
out.append(f"Each scenario: {warmup} s warm-up, {duration} s measured ({int(duration) * 3} s for latency); idle connections: {int(connections):,} per broker.")
out.append("Broker pinned to CPU 0 and load tool (`tether bench`) to CPU 1 with `taskset`, except the unpinned row.")
out.append("Ratios are Tether's figure over the other broker's (for latency and memory: the other's over Tether's, so above 1× means Tether is better).")
out.append("")
out.append("| Scenario | " + " | ".join(label for _, label in brokers) + " | Tether / Mosquitto | Tether / MQTTnet |")
out.append("| --- | " + " | ".join("---:" for _ in brokers) + " | ---: | ---: |")
for title, scenario, pick, lower in rows:
    values = []
    for key, _ in brokers:
        r = load_result(f"{key}-{scenario}")
        try:
            values.append(None if r is None else pick(r))
        except (KeyError, TypeError):
            values.append(None)
    out.append(f"| {title} | " + " | ".join(num(v) for v in values) + f" | {ratio(values[2], values[0], lower)} | {ratio(values[2], values[1], lower)} |")

out.append("")
out.append("Details of each run: sent and received per second, messages lost, duplicated and reordered, broker and load-tool CPU in cores during the measurement, messages received per second per core the broker used (comparable even when other processes take CPU from the broker), the broker's garbage collections gen0/1/2 during the measurement (.NET brokers only, read from the runtime's EventPipe), the load tool's, broker RSS at the end:")
out.append("")
out.append("| Run | sent/s | received/s | lost | dup | reord | p99 µs | broker CPU | tool CPU | received/s per broker core | broker GCs | tool GCs | broker RSS MiB |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |")
for scenario in ["pairs0", "fanout0", "fanin0", "pairs1", "latency", "pairs0-unpinned"]:
    for key, label in brokers:
        r = load_result(f"{key}-{scenario}")
        if r is None:
            out.append(f"| {label} {scenario} | failed | | | | | | | | | | | |")
            continue
        cpu = r.get("brokerCpuCores")
        rss = r.get("brokerRssBytes")
        out.append(
            f"| {label} {scenario} | {num(r['sentPerSecond'])} | {num(r['receivedPerSecond'])} | {num(r['lost'])} | {num(r['duplicates'])} | "
            f"{num(r['reordered'])} | {num(r['latencyMicroseconds']['p99'])} | {num(cpu, 2)} | {num(r['toolCpuCores'], 2)} | "
            f"{num(r['receivedPerSecond'] / cpu if cpu else None)} | "
            f"{'/'.join(str(c) for c in r['brokerGcCounts']) if r.get('brokerGcCounts') else '–'} | "
            f"{'/'.join(str(c) for c in r['toolGcCounts'])} | {num(None if rss is None else rss / 1048576, 1)} |")
for key, label in brokers:
    r = load_result(f"{key}-conn")
    if r is None:
        out.append(f"| {label} conn | failed | | | | | | | | | | | |")
    else:
        out.append(f"| {label} conn: {num(r['opened'])} opened, {num(r['failed'])} failed, {num(r['connectsPerSecond'])} conn/s | | | | | | | | | | | "
                   f"| {num(None if r.get('brokerRssBeforeBytes') is None else r['brokerRssBeforeBytes'] / 1048576, 1)} → {num(None if r.get('brokerRssAfterBytes') is None else r['brokerRssAfterBytes'] / 1048576, 1)} |")
print("\n".join(out))
PY
)

echo
echo "$table"
if [ "$write" = 1 ]; then
    python3 - "$root/BENCHMARKS.md" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
text = open(path, encoding="utf-8").read()
block = f"{begin}\n{table}\n{end}"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n## Tether against Mosquitto and MQTTnet (`bench/compare.sh`)\n\n" + block + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
    echo "Written into BENCHMARKS.md." >&2
fi
