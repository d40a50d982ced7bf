#!/usr/bin/env bash
# Interop suite: drives third-party MQTT clients (Debian's mosquitto_pub/mosquitto_sub, Paho Python,
# MQTT.js) against a broker that this script starts on 127.0.0.1 on a free port.
#
#   interop/run.sh [--broker-cmd "CMD"] [--only REGEX] [--keep]
#
# CMD is a shell command line; "{conf}" is replaced by the path of a generated config file
# ("listener PORT 127.0.0.1" + "allow_anonymous true" + a second listener "listener WSPORT 127.0.0.1"
# with "protocol websockets") and "{port}" by the MQTT port. Precedence:
# --broker-cmd, then $TETHER_BROKER_CMD, then Tether:
#   dotnet "$REPO/src/Tether/bin/Release/net10.0/tether.dll" -c {conf}
# Example against Mosquitto:  interop/run.sh --broker-cmd "/usr/sbin/mosquitto -c {conf}"
#
# Prints "PASS name" / "FAIL name: why" per check and "N passed, M failed" as the last line;
# exits 0 iff nothing failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
SELF="$HERE/run.sh"
PY=/usr/bin/python3 # Debian's python3, the one python3-paho-mqtt belongs to
HOST=127.0.0.1
CHECK_TIMEOUT="${INTEROP_CHECK_TIMEOUT:-40}" # seconds, per check
START_TIMEOUT=30                             # seconds for the broker to accept connections

# ---------------------------------------------------------------------------------------------
# Helpers used inside checks (each check runs in its own process: "run.sh --run-check NAME").
# ---------------------------------------------------------------------------------------------

fail() {
	echo "$*"
	exit 1
}

rand() { printf '%04x%04x%04x' "$RANDOM" "$RANDOM" "$RANDOM"; }

# mosquitto_pub with the broker's address; every call bounded.
mpub() { timeout 10 mosquitto_pub -h "$HOST" -p "$BROKER_PORT" "$@"; }

# One-shot subscriber, bounded: msub ARGS... (caller passes -C/-W).
msub() { timeout 15 mosquitto_sub -h "$HOST" -p "$BROKER_PORT" "$@"; }

SUB_PIDS=()
cleanup_subs() {
	local p
	for p in "${SUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}

# start_sub OUT FORMAT ARGS...: background mosquitto_sub that also subscribes to this check's
# sync topic; FORMAT must contain "|%t|" so sync messages can be told apart.
start_sub() {
	local out="$1" fmt="$2"
	shift 2
	timeout 30 mosquitto_sub -h "$HOST" -p "$BROKER_PORT" -F "$fmt" -t "$SYNC" "$@" \
		>"$out" 2>"$out.err" &
	SUB_PIDS+=("$!")
	echo "$!" >"$out.pid"
}

# wait_ready OUT: publish to the sync topic until the subscriber writing OUT has received one,
# which proves its SUBSCRIBE (all filters are sent in one packet) has been processed. Bounded.
wait_ready() {
	local out="$1"
	for _ in $(seq 1 50); do
		if grep -qF "$SYNC|ready" "$out" 2>/dev/null; then return 0; fi
		if ! kill -0 "$(cat "$out.pid")" 2>/dev/null; then
			fail "subscriber exited before it was ready: $(tail -n 2 "$out.err" | tr '\n' ' ')"
		fi
		mpub -t "$SYNC" -m ready -q 0 || true
		sleep 0.2
	done
	fail "subscriber never received a sync message on $SYNC within 10 s"
}

# wait_done OUT: publish "done" on the sync topic (QoS 1, after the check's own publishes, from a
# later connection) and wait until OUT has it. Everything published before it has been routed.
wait_done() {
	local out="$1"
	mpub -t "$SYNC" -m "done" -q 1 || fail "could not publish the done marker"
	for _ in $(seq 1 100); do
		if grep -qF "$SYNC|done" "$out" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	fail "subscriber did not receive the done marker within 10 s; got: $(head -c 300 "$out")"
}

# wait_lines OUT N: wait (bounded) until OUT holds N lines that are not sync messages.
wait_lines() {
	local out="$1" n="$2"
	for _ in $(seq 1 100); do
		if [ "$(data_lines "$out" | wc -l)" -ge "$n" ]; then return 0; fi
		sleep 0.1
	done
	fail "expected $n message(s) within 10 s, got: $(data_lines "$out" | tr '\n' ';')"
}

data_lines() { grep -vF "$SYNC|" "$1" 2>/dev/null || true; }

# expect_lines OUT EXPECTED: the non-sync lines must equal EXPECTED (newline-separated) exactly.
expect_lines() {
	local got
	got="$(data_lines "$1")"
	if [ "$got" != "$2" ]; then
		fail "got [$(echo "$got" | tr '\n' ';')], expected [$(echo "$2" | tr '\n' ';')]"
	fi
}

# ---------------------------------------------------------------------------------------------
# Checks: mosquitto_pub / mosquitto_sub
# ---------------------------------------------------------------------------------------------

# pubsub VERSION QOS: three messages from one mosquitto_pub connection arrive once, in order,
# at the granted QoS, with retain=0.
pubsub() {
	local v="$1" q="$2" topic out
	topic="interop/pubsub/$v/q$q/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%r|%q|%t|%p' -V "$v" -q "$q" -t "$topic"
	wait_ready "$out"
	printf 'one-%s\ntwo-%s\nthree-%s\n' "$v" "$v" "$v" | mpub -V "$v" -q "$q" -t "$topic" -l ||
		fail "mosquitto_pub -V $v -q $q failed"
	wait_lines "$out" 3
	wait_done "$out"
	expect_lines "$out" "$(printf '0|%s|%s|one-%s\n0|%s|%s|two-%s\n0|%s|%s|three-%s' \
		"$q" "$topic" "$v" "$q" "$topic" "$v" "$q" "$topic" "$v")"
}
check_pubsub_v31_qos0() { pubsub mqttv31 0; }
check_pubsub_v31_qos1() { pubsub mqttv31 1; }
check_pubsub_v31_qos2() { pubsub mqttv31 2; }
check_pubsub_v311_qos0() { pubsub mqttv311 0; }
check_pubsub_v311_qos1() { pubsub mqttv311 1; }
check_pubsub_v311_qos2() { pubsub mqttv311 2; }
check_pubsub_v5_qos0() { pubsub mqttv5 0; }
check_pubsub_v5_qos1() { pubsub mqttv5 1; }
check_pubsub_v5_qos2() { pubsub mqttv5 2; }

# QoS downgrade: published at QoS 2, subscribed at QoS 1 -> delivered at QoS 1; and the reverse.
check_pubsub_qos_downgrade() {
	local topic out
	topic="interop/downgrade/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%r|%q|%t|%p' -q 1 -t "$topic"
	wait_ready "$out"
	mpub -q 2 -t "$topic" -m high || fail "publish failed"
	mpub -q 0 -t "$topic" -m low || fail "publish failed"
	wait_done "$out"
	expect_lines "$out" "$(printf '0|1|%s|high\n0|0|%s|low' "$topic" "$topic")"
}

# MQTT v5 properties set by mosquitto_pub -D reach a v5 mosquitto_sub.
check_mosquitto_v5_properties() {
	local topic out
	topic="interop/v5props/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%P|%C|%R|%t|%p' -V mqttv5 -q 1 -t "$topic"
	wait_ready "$out"
	mpub -V mqttv5 -q 1 -t "$topic" -m props \
		-D publish user-property colour blue \
		-D publish content-type text/plain \
		-D publish response-topic "$topic/reply" || fail "mosquitto_pub -D failed"
	wait_done "$out"
	expect_lines "$out" "colour:blue|text/plain|$topic/reply|$topic|props"
}

# A retained message reaches a later subscriber with the retain flag; replacing it works.
check_retained_new_subscriber() {
	local topic got
	topic="interop/retained/new/$(rand)"
	mpub -q 1 -r -t "$topic" -m first || fail "retained publish failed"
	mpub -q 1 -r -t "$topic" -m second || fail "retained publish failed"
	got="$(msub -q 1 -t "$topic" -C 1 -W 10 -F '%r|%q|%t|%p')" || fail "no retained message (rc=$?)"
	[ "$got" = "1|1|$topic|second" ] || fail "got '$got', expected '1|1|$topic|second'"
	mpub -q 1 -r -n -t "$topic" || true
}

# A retained PUBLISH is forwarded to existing subscriptions with retain=0 (MQTT 3.1.1 3.3.1.3).
check_retained_live_subscriber() {
	local topic out
	topic="interop/retained/live/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%r|%q|%t|%p' -q 1 -t "$topic"
	wait_ready "$out"
	mpub -q 1 -r -t "$topic" -m live || fail "retained publish failed"
	wait_done "$out"
	expect_lines "$out" "0|1|$topic|live"
	mpub -q 1 -r -n -t "$topic" || true
}

# An empty retained PUBLISH deletes the retained message (a new subscriber gets nothing), and is
# itself forwarded to existing subscribers as a normal zero-length message.
check_retained_clear() {
	local topic out got rc
	topic="interop/retained/clear/$(rand)"
	mpub -q 1 -r -t "$topic" -m doomed || fail "retained publish failed"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%r|%q|%t|%p' -q 1 -t "$topic"
	wait_ready "$out"
	wait_lines "$out" 1 # the retained message itself, delivered on subscribe
	mpub -q 1 -r -n -t "$topic" || fail "empty retained publish failed"
	wait_done "$out"
	expect_lines "$out" "$(printf '1|1|%s|doomed\n0|1|%s|' "$topic" "$topic")"
	rc=0
	got="$(msub -q 1 -t "$topic" -C 1 -W 2 -F '%r|%q|%t|%p')" || rc=$?
	[ -z "$got" ] || fail "deleted retained message still delivered: '$got'"
	[ "$rc" -eq 27 ] || fail "mosquitto_sub -W 2 exited $rc, expected 27 (timed out, no message)"
}

# '+' matches exactly one level (an empty one too), never more, never none.
check_wildcard_plus() {
	local p out t
	p="interop/plus/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%t|%p' -q 1 -t "$p/+/c"
	wait_ready "$out"
	for t in "$p/a/c" "$p/a/b/c" "$p/c" "$p/b/c" "$p//c" "$p/a/cx" "$p/a/c/d"; do
		mpub -q 1 -t "$t" -m x || fail "publish to $t failed"
	done
	wait_done "$out"
	expect_lines "$out" "$(printf '%s/a/c|x\n%s/b/c|x\n%s//c|x' "$p" "$p" "$p")"
}

# '#' matches the parent level and everything below it, nothing beside it.
check_wildcard_hash() {
	local p out t
	p="interop/hash/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%t|%p' -q 1 -t "$p/#" -t "$p-b/+/#"
	wait_ready "$out"
	for t in "$p" "$p/a" "$p/a/b/c" "${p}x/a" "$p-b" "$p-b/1" "$p-b/1/2" "other/$p"; do
		mpub -q 1 -t "$t" -m x || fail "publish to $t failed"
	done
	wait_done "$out"
	expect_lines "$out" "$(printf '%s|x\n%s/a|x\n%s/a/b/c|x\n%s-b/1|x\n%s-b/1/2|x' "$p" "$p" "$p" "$p" "$p")"
}

# Topics starting with '$' are not matched by filters starting with a wildcard, but are by
# filters that name the '$' level.
check_wildcard_dollar() {
	local d all plus named
	d="\$interop$(rand)"
	all="$WORK_CHECK/all.out"
	plus="$WORK_CHECK/plus.out"
	named="$WORK_CHECK/named.out"
	start_sub "$all" '%t|%p' -q 1 -t '#'
	start_sub "$plus" '%t|%p' -q 1 -t '+/bar' -t '+/+'
	start_sub "$named" '%t|%p' -q 1 -t "$d/#"
	wait_ready "$all"
	wait_ready "$plus"
	wait_ready "$named"
	mpub -q 1 -t "$d/bar" -m dollar || fail "publish to $d/bar failed (broker refused a \$ topic?)"
	wait_done "$all"
	wait_done "$plus"
	wait_done "$named"
	expect_lines "$named" "$d/bar|dollar"
	if data_lines "$all" | grep -q '^\$'; then
		fail "'#' received \$ topic(s): $(data_lines "$all" | grep '^\$' | head -3 | tr '\n' ';')"
	fi
	if data_lines "$plus" | grep -q '^\$'; then
		fail "'+/bar' or '+/+' received \$ topic(s): $(data_lines "$plus" | grep '^\$' | head -3 | tr '\n' ';')"
	fi
}

# ---------------------------------------------------------------------------------------------
# Checks: Paho Python (interop/python/*.py) and MQTT.js (interop/node/check.js)
# ---------------------------------------------------------------------------------------------

py() {
	local script="$1"
	shift
	cd "$HERE/python" && PYTHONDONTWRITEBYTECODE=1 "$PY" "$script.py" "$@"
}

check_paho_will_abrupt() { py will abrupt; }
check_paho_will_clean_disconnect() { py will clean; }
check_paho_will_v5_delay_properties() { py will v5_delay; }
check_paho_persistent_session_v311() { py session persistent_v311; }
check_paho_persistent_session_v5() { py session persistent_v5; }
check_paho_qos2_exactly_once() { py session qos2_exactly_once; }
check_paho_v5_properties() { py mqtt5 properties; }
check_paho_v5_message_expiry_retained() { py mqtt5 expiry_retained; }
check_paho_v5_message_expiry_queued() { py mqtt5 expiry_queued; }
check_paho_v5_subscription_identifier() { py mqtt5 subscription_id; }
check_paho_v5_no_local() { py mqtt5 no_local; }
check_paho_v5_retain_options() { py mqtt5 retain_options; }

check_mqttjs_v5() { cd "$HERE/node" && node check.js v5; }
check_mqttjs_v311() { cd "$HERE/node" && node check.js v311; }

# MQTT over WebSocket (the second listener, `protocol websockets`, on BROKER_WS_PORT).
check_mqttjs_ws_v5() { cd "$HERE/node" && node check.js v5 ws; }
check_mqttjs_ws_v311() { cd "$HERE/node" && node check.js v311 ws; }
check_paho_ws_pubsub_v311() { py over_websocket pubsub_v311; }
check_paho_ws_pubsub_v5() { py over_websocket pubsub_v5; }
check_paho_ws_will_abrupt() { py over_websocket will_abrupt; }

check_garbage_input() { py garbage garbage; }

# tether probe against the broker under test: a short hold over WebSocket (strict, Paho-like profile) and TCP must
# be clean (exit 0). Against Mosquitto too: its WebSocket PING comes only after 300 s. Keep alive 2 s, not 1 s:
# Mosquitto 2.0.11 dropped a 1 s keep alive connection about once in ten runs (its clock counts whole seconds).
probe() {
	local out="$WORK_CHECK/probe.out"
	timeout 30 dotnet "$TETHER_DLL" probe "$@" --duration 4 --keepalive 2 >"$out" 2>&1 ||
		fail "tether probe $1 exited $?: $(grep -E '^(Verdict|Error)' "$out" | tr '\n' ' ')"
	grep -q '^Verdict: connection held for 4 s, 2 keepalive round trips' "$out" ||
		fail "unexpected verdict: $(grep '^Verdict' "$out")"
}
check_probe_ws_strict() { probe "ws://$HOST:$BROKER_WS_PORT/mqtt" --profile strict-websocket; }
check_probe_tcp_v5() { probe "mqtt://$HOST:$BROKER_PORT" -V 5; }

# Password files are interchangeable: one file written by both `tether passwd` and Debian's mosquitto_passwd
# ($7$ and $6$ from each) is loaded by a second broker started with the same command as the suite's
# (so run against Mosquitto this proves Tether's lines work there, run against Tether the reverse).
# Right passwords connect; a wrong password, an unknown user and an anonymous client get "not authorised".
check_password_file_interop() {
	# Mosquitto opens the file after dropping root privileges (to user mosquitto), so it lives in a directory
	# anyone may enter rather than in the suite's private work directory.
	AUTH_DIR="$(mktemp -d /tmp/tether-interop-auth.XXXXXX)"
	chmod 755 "$AUTH_DIR"
	AUTH_PID=""
	trap '[ -z "$AUTH_PID" ] || kill -TERM -- "-$AUTH_PID" 2>/dev/null || true; rm -rf "$AUTH_DIR"; cleanup_subs' EXIT
	local pw="$AUTH_DIR/passwd" conf="$WORK_CHECK/auth.conf" port cmd out rc
	command -v mosquitto_passwd >/dev/null || fail "mosquitto_passwd is not installed"
	dotnet "$TETHER_DLL" passwd -c -b "$pw" tether7 "t7 pass" || fail "tether passwd -c -b failed"
	mosquitto_passwd -b "$pw" mosq7 "m7 pass" || fail "mosquitto_passwd -b failed"
	dotnet "$TETHER_DLL" passwd -H sha512 -b "$pw" tether6 "t6 pass" || fail "tether passwd -H sha512 failed"
	mosquitto_passwd -H sha512 -b "$pw" mosq6 "m6 pass" || fail "mosquitto_passwd -H sha512 failed"
	[ "$(cut -d: -f1 "$pw" | tr '\n' ' ')" = "tether7 mosq7 tether6 mosq6 " ] || fail "unexpected users in the file: $(cut -d: -f1 "$pw" | tr '\n' ' ')"
	chmod 644 "$pw"
	port="$(free_port_check)"
	printf 'listener %s 127.0.0.1\npassword_file %s\n' "$port" "$pw" >"$conf"
	cmd="${BROKER_CMD//\{conf\}/$conf}"
	cmd="${cmd//\{port\}/$port}"
	setsid bash -c "exec $cmd" </dev/null >"$WORK_CHECK/auth-broker.log" 2>&1 &
	AUTH_PID=$!
	for _ in $(seq 1 150); do
		(exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null && break
		kill -0 "$AUTH_PID" 2>/dev/null || fail "second broker exited: $(tail -n 5 "$WORK_CHECK/auth-broker.log" | tr '\n' ' ')"
		sleep 0.2
	done
	for up in "tether7:t7 pass" "mosq7:m7 pass" "tether6:t6 pass" "mosq6:m6 pass"; do
		for v in mqttv311 mqttv5; do
			timeout 10 mosquitto_pub -h "$HOST" -p "$port" -V "$v" -u "${up%%:*}" -P "${up#*:}" -t interop/auth -m x ||
				fail "user ${up%%:*} ($v) was refused; broker log: $(tail -n 5 "$WORK_CHECK/auth-broker.log" | tr '\n' ' ')"
		done
	done
	for args in "-u mosq7 -P wrong" "-u tether7 -P m7_pass" "-u nobody -P x" ""; do
		# shellcheck disable=SC2086
		out="$(timeout 10 mosquitto_pub -h "$HOST" -p "$port" -V mqttv311 $args -t interop/auth -m x 2>&1)" && fail "'$args' was accepted"
		[[ "$out" == *"not authorised"* ]] || fail "'$args': expected 'not authorised', got: $out"
	done
	rc=0
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -V mqttv5 -u mosq6 -P wrong -t interop/auth -m x 2>/dev/null || rc=$?
	[ "$rc" = 135 ] || fail "MQTT 5 wrong password: expected CONNACK 135 (not authorised), got exit code $rc"
}
# use_identity_as_username with an ACL over TLS: the client certificate's CN is the user the ACL applies to
# (alice may use alice/#, not bob/#) whatever user name the CONNECT carries; a certificate without a CN gets
# "bad user name or password" (4 in 3.1.1, 134 in 5.0), as Mosquitto 2.0.11 answers.
check_tls_identity_as_username() {
	TLS_DIR="$(mktemp -d /tmp/tether-interop-tls.XXXXXX)"
	chmod 755 "$TLS_DIR"
	TLS_PID=""
	trap '[ -z "$TLS_PID" ] || kill -TERM -- "-$TLS_PID" 2>/dev/null || true; rm -rf "$TLS_DIR"; cleanup_subs' EXIT
	local d="$TLS_DIR" conf="$WORK_CHECK/tls.conf" port cmd out rc name subject
	command -v openssl >/dev/null || fail "openssl is not installed"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" \
		-subj "/CN=Interop CA" -days 2 2>/dev/null || fail "cannot make the CA"
	for name in server alice noname; do
		case "$name" in
		server) subject="/CN=127.0.0.1" ;;
		alice) subject="/O=Interop/CN=alice" ;;
		noname) subject="/O=No Name" ;;
		esac
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
			-subj "$subject" 2>/dev/null || fail "cannot make the $name key"
		openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -out "$d/$name.crt" \
			-days 2 2>/dev/null || fail "cannot sign the $name certificate"
	done
	printf 'user alice\ntopic readwrite alice/#\n' >"$d/acl"
	chmod 644 "$d"/*
	port="$(free_port_check)"
	printf 'listener %s 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\nuse_identity_as_username true\nacl_file %s\n' \
		"$port" "$d/ca.crt" "$d/server.crt" "$d/server.key" "$d/acl" >"$conf"
	cmd="${BROKER_CMD//\{conf\}/$conf}"
	cmd="${cmd//\{port\}/$port}"
	setsid bash -c "exec $cmd" </dev/null >"$WORK_CHECK/tls-broker.log" 2>&1 &
	TLS_PID=$!
	for _ in $(seq 1 150); do
		(exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null && break
		kill -0 "$TLS_PID" 2>/dev/null || fail "TLS broker exited: $(tail -n 5 "$WORK_CHECK/tls-broker.log" | tr '\n' ' ')"
		sleep 0.2
	done
	local tls=(-h "$HOST" -p "$port" --cafile "$d/ca.crt")
	out="$WORK_CHECK/tls-sub.out"
	timeout 20 mosquitto_sub "${tls[@]}" --cert "$d/alice.crt" --key "$d/alice.key" -i alice-sub -q 1 \
		-t 'alice/#' -t 'bob/#' -F '%t|%p' -C 1 >"$out" 2>"$out.err" &
	SUB_PIDS+=("$!")
	local sub_pid=$!
	# Publish until the subscriber is there; bob/1 is denied by the ACL and must never arrive.
	for _ in $(seq 1 50); do
		kill -0 "$sub_pid" 2>/dev/null || break
		timeout 10 mosquitto_pub "${tls[@]}" --cert "$d/alice.crt" --key "$d/alice.key" -u mallory -P x -q 1 -t bob/1 -m denied ||
			fail "alice's publish to bob/1 failed to connect: $(tail -n 3 "$WORK_CHECK/tls-broker.log" | tr '\n' ' ')"
		timeout 10 mosquitto_pub "${tls[@]}" --cert "$d/alice.crt" --key "$d/alice.key" -u mallory -P x -q 1 -t alice/1 -m allowed ||
			fail "alice's publish to alice/1 failed"
		sleep 0.2
	done
	wait "$sub_pid" || fail "the subscriber got nothing: $(cat "$out.err")"
	[ "$(cat "$out")" = "alice/1|allowed" ] || fail "expected only alice/1|allowed, got: $(cat "$out")"
	out="$(timeout 10 mosquitto_pub "${tls[@]}" --cert "$d/noname.crt" --key "$d/noname.key" -V mqttv311 -t alice/1 -m x 2>&1)" &&
		fail "a certificate without a CN was accepted"
	[[ "$out" == *"bad user name or password"* ]] || fail "no CN, 3.1.1: expected 'bad user name or password', got: $out"
	rc=0
	timeout 10 mosquitto_pub "${tls[@]}" --cert "$d/noname.crt" --key "$d/noname.key" -V mqttv5 -t alice/1 -m x 2>/dev/null || rc=$?
	[ "$rc" = 134 ] || fail "no CN, 5.0: expected CONNACK 134 (bad user name or password), got exit code $rc"
}

# ---------------------------------------------------------------------------------------------
# Checks: `tether pub` / `tether sub` (Tether's client library) with mosquitto_sub / mosquitto_pub,
# against the broker under test and against Debian's Mosquitto started inside the check.
# ---------------------------------------------------------------------------------------------

tether_cli() { timeout 20 dotnet "$TETHER_DLL" "$@"; }

# with_debian_mosquitto FUNC: runs "FUNC PORT" against /usr/sbin/mosquitto on a free port, then stops it.
with_debian_mosquitto() {
	[ -x /usr/sbin/mosquitto ] || fail "Debian's mosquitto is not installed (/usr/sbin/mosquitto)"
	local port
	port="$(free_port_check)"
	MOSQ_PID=""
	trap '[ -z "$MOSQ_PID" ] || kill -TERM -- "-$MOSQ_PID" 2>/dev/null || true; cleanup_subs' EXIT
	setsid /usr/sbin/mosquitto -p "$port" </dev/null >"$WORK_CHECK/debian-mosquitto.log" 2>&1 &
	MOSQ_PID=$!
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null && break
		kill -0 "$MOSQ_PID" 2>/dev/null || fail "Debian's mosquitto exited: $(tail -n 3 "$WORK_CHECK/debian-mosquitto.log" | tr '\n' ' ')"
		sleep 0.1
	done
	"$1" "$port"
	kill -TERM -- "-$MOSQ_PID" 2>/dev/null || true
	MOSQ_PID=""
}

# wait_for_line FILE LINE PID: bounded wait until FILE holds LINE, failing early if PID exits.
wait_for_line() {
	for _ in $(seq 1 200); do
		grep -qxF "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || fail "subscriber exited before printing '$2': $(head -c 300 "$1" "$1.err" | tr '\n' ' ')"
		sleep 0.1
	done
	fail "no line '$2' within 20 s: $(head -c 300 "$1" | tr '\n' ';')"
}

# tether_pub_to_mosquitto_sub PORT: tether pub -m, -L with -n (5.0, QoS 2) and -l (QoS 1) reach mosquitto_sub -v
# in order. A retained "ready" message, printed first, shows mosquitto_sub's subscription is in place.
tether_pub_to_mosquitto_sub() {
	local port="$1" topic out pid rc
	topic="interop/tether-pub/$(rand)"
	out="$WORK_CHECK/msub-$port.out"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/r" -m ready -r -q 1 || fail "could not publish the retained marker"
	timeout 35 mosquitto_sub -h "$HOST" -p "$port" -q 2 -t "$topic/#" -v -C 5 >"$out" 2>"$out.err" &
	pid=$!
	SUB_PIDS+=("$pid")
	wait_for_line "$out" "$topic/r ready" "$pid"
	# Three processes only: each dotnet start costs seconds on a loaded machine, and the check has 40 s.
	tether_cli pub -h "$HOST" -p "$port" -t "$topic/a" -m "zero qos" -q 0 || fail "tether pub -q 0 failed on port $port"
	tether_cli pub -L "mqtt://$HOST:$port/$topic/d" -V mqttv5 -n -q 2 || fail "tether pub -L -V mqttv5 -n -q 2 failed"
	printf 'line 1\nline 2\n' | tether_cli pub -h "$HOST" -p "$port" -t "$topic/l" -l -q 1 || fail "tether pub -l failed"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "mosquitto_sub -C 5 exited with $rc: $(head -c 300 "$out" "$out.err" | tr '\n' ';')"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/r" -n -r -q 1 || true
	expect_lines "$out" "$(printf '%s/r ready\n%s/a zero qos\n%s/d (null)\n%s/l line 1\n%s/l line 2' \
		"$topic" "$topic" "$topic" "$topic" "$topic")"
}

# mosquitto_pub_to_tether_sub PORT: tether sub -v -C prints what mosquitto_pub sends (3.1.1 and 5.0, QoS 0/1/2,
# empty payload) in order and exits 0; tether sub -W exits 27 with "Timed out", as mosquitto_sub does.
mosquitto_pub_to_tether_sub() {
	local port="$1" topic out pid rc
	topic="interop/tether-sub/$(rand)"
	out="$WORK_CHECK/tsub-$port.out"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/r" -m ready -r -q 1 || fail "could not publish the retained marker"
	timeout 35 dotnet "$TETHER_DLL" sub -h "$HOST" -p "$port" -q 2 -t "$topic/#" -v -C 5 >"$out" 2>"$out.err" &
	pid=$!
	SUB_PIDS+=("$pid")
	wait_for_line "$out" "$topic/r ready" "$pid"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/a" -m "hello world" -q 0 || fail "mosquitto_pub -q 0 failed"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -V mqttv5 -t "$topic/b" -m "five" -q 1 || fail "mosquitto_pub -V mqttv5 failed"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/c" -m "two" -q 2 || fail "mosquitto_pub -q 2 failed"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/d" -n -q 1 || fail "mosquitto_pub -n failed"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "tether sub -C 5 exited with $rc: $(head -c 300 "$out" "$out.err" | tr '\n' ';')"
	timeout 10 mosquitto_pub -h "$HOST" -p "$port" -t "$topic/r" -n -r -q 1 || true
	expect_lines "$out" "$(printf '%s/r ready\n%s/a hello world\n%s/b five\n%s/c two\n%s/d (null)' \
		"$topic" "$topic" "$topic" "$topic" "$topic")"
	rc=0
	tether_cli sub -h "$HOST" -p "$port" -t "$topic/none" -W 1 >"$out.w" 2>&1 || rc=$?
	[ "$rc" = 27 ] || fail "tether sub -W 1 exited with $rc, expected 27 as mosquitto_sub: $(cat "$out.w")"
	[ "$(cat "$out.w")" = "Timed out" ] || fail "tether sub -W 1 printed: $(cat "$out.w")"
}

check_tether_pub_to_mosquitto_sub() { tether_pub_to_mosquitto_sub "$BROKER_PORT"; }
check_tether_pub_to_mosquitto_sub_on_debian_mosquitto() { with_debian_mosquitto tether_pub_to_mosquitto_sub; }
check_mosquitto_pub_to_tether_sub() { mosquitto_pub_to_tether_sub "$BROKER_PORT"; }
check_mosquitto_pub_to_tether_sub_on_debian_mosquitto() { with_debian_mosquitto mosquitto_pub_to_tether_sub; }

# tether pub and tether sub over ws:// to the broker's WebSocket listener.
check_tether_pub_sub_websocket() {
	local topic out pid rc
	topic="interop/tether-ws/$(rand)"
	out="$WORK_CHECK/ws.out"
	mpub -t "$topic/r" -m ready -r -q 1 || fail "could not publish the retained marker"
	timeout 30 dotnet "$TETHER_DLL" sub -L "ws://$HOST:$BROKER_WS_PORT/mqtt" -V mqttv5 -t "$topic/#" -v -C 2 >"$out" 2>"$out.err" &
	pid=$!
	SUB_PIDS+=("$pid")
	wait_for_line "$out" "$topic/r ready" "$pid"
	tether_cli pub -L "ws://$HOST:$BROKER_WS_PORT/mqtt" -t "$topic/w" -m "over ws" -q 1 || fail "tether pub over ws failed"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "tether sub over ws exited with $rc: $(cat "$out.err")"
	mpub -t "$topic/r" -n -r -q 1 || true
	expect_lines "$out" "$(printf '%s/r ready\n%s/w over ws' "$topic" "$topic")"
}

free_port_check() {
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

check_broker_still_running() {
	kill -0 "$BROKER_PID" 2>/dev/null || fail "the broker process has exited"
	local topic out
	topic="interop/alive/$(rand)"
	out="$WORK_CHECK/sub.out"
	start_sub "$out" '%t|%p' -q 1 -t "$topic"
	wait_ready "$out"
	mpub -q 1 -t "$topic" -m bye || fail "final publish failed"
	wait_done "$out"
	expect_lines "$out" "$topic|bye"
}

CHECKS=(
	pubsub_v31_qos0 pubsub_v31_qos1 pubsub_v31_qos2
	pubsub_v311_qos0 pubsub_v311_qos1 pubsub_v311_qos2
	pubsub_v5_qos0 pubsub_v5_qos1 pubsub_v5_qos2
	pubsub_qos_downgrade
	mosquitto_v5_properties
	retained_new_subscriber retained_live_subscriber retained_clear
	wildcard_plus wildcard_hash wildcard_dollar
	paho_will_abrupt paho_will_clean_disconnect paho_will_v5_delay_properties
	paho_persistent_session_v311 paho_persistent_session_v5
	paho_qos2_exactly_once
	paho_v5_properties paho_v5_message_expiry_retained paho_v5_message_expiry_queued
	paho_v5_subscription_identifier paho_v5_no_local paho_v5_retain_options
	mqttjs_v5 mqttjs_v311
	mqttjs_ws_v5 mqttjs_ws_v311
	paho_ws_pubsub_v311 paho_ws_pubsub_v5 paho_ws_will_abrupt
	garbage_input
	probe_ws_strict probe_tcp_v5
	password_file_interop
	tls_identity_as_username
	tether_pub_to_mosquitto_sub tether_pub_to_mosquitto_sub_on_debian_mosquitto
	mosquitto_pub_to_tether_sub mosquitto_pub_to_tether_sub_on_debian_mosquitto
	tether_pub_sub_websocket
	broker_still_running
)

# ---------------------------------------------------------------------------------------------
# Internal entry point: run one check (inside `timeout`, from the main loop below).
# ---------------------------------------------------------------------------------------------
if [ "${1:-}" = "--run-check" ]; then
	name="$2"
	: "${BROKER_PORT:?}" "${BROKER_WS_PORT:?}" "${BROKER_PID:?}" "${WORK_CHECK:?}"
	SYNC="interop/sync/$name/$(rand)"
	trap cleanup_subs EXIT
	"check_$name"
	exit 0
fi

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
BROKER_CMD="${TETHER_BROKER_CMD:-}"
ONLY=""
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	--broker-cmd)
		BROKER_CMD="${2:?--broker-cmd needs a value}"
		shift 2
		;;
	--only)
		ONLY="${2:?--only needs a regex}"
		shift 2
		;;
	--keep)
		KEEP=1
		shift
		;;
	-h | --help)
		sed -n '2,15p' "$SELF" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "unknown argument: $1 (see --help)" >&2
		exit 2
		;;
	esac
done

TETHER_DLL="$REPO/src/Tether/bin/Release/net10.0/tether.dll"
if [ -z "$BROKER_CMD" ]; then
	BROKER_CMD="dotnet \"$TETHER_DLL\" -c {conf}"
	if [ ! -f "$TETHER_DLL" ]; then
		echo "FAIL broker_start: $TETHER_DLL does not exist (build with: dotnet build Tether.sln -c Release)"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

mkdir -p "$HERE/.work"
WORK="$(mktemp -d "$HERE/.work/run.XXXXXX")"
BROKER_PID=""
BROKER_LOG="$WORK/broker.log"

stop_broker() {
	[ -n "$BROKER_PID" ] || return 0
	if kill -0 "$BROKER_PID" 2>/dev/null; then
		kill -TERM -- "-$BROKER_PID" 2>/dev/null || kill -TERM "$BROKER_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$BROKER_PID" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$BROKER_PID" 2>/dev/null; then
			echo "broker did not stop within 5 s of SIGTERM; killing it" >&2
			kill -KILL -- "-$BROKER_PID" 2>/dev/null || kill -KILL "$BROKER_PID" 2>/dev/null || true
		fi
	fi
	wait "$BROKER_PID" 2>/dev/null || true
	BROKER_PID=""
}
on_exit() {
	stop_broker
	[ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

free_port() {
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# start_broker: returns 0 when the port accepts connections, 1 if the broker exited first
# (e.g. the port was taken in between), exits the script if it never came up.
start_broker() {
	BROKER_PORT="$(free_port)"
	BROKER_WS_PORT="$(free_port)"
	[ "$BROKER_WS_PORT" != "$BROKER_PORT" ] || BROKER_WS_PORT="$(free_port)"
	local conf="$WORK/broker.conf" cmd
	printf 'listener %s 127.0.0.1\nallow_anonymous true\nlistener %s 127.0.0.1\nprotocol websockets\n' \
		"$BROKER_PORT" "$BROKER_WS_PORT" >"$conf"
	cmd="${BROKER_CMD//\{conf\}/$conf}"
	cmd="${cmd//\{port\}/$BROKER_PORT}"
	echo "broker: $cmd" >&2
	# Own session/process group, so stopping it reaches any children too.
	setsid bash -c "exec $cmd" </dev/null >>"$BROKER_LOG" 2>&1 &
	BROKER_PID=$!
	local deadline=$((SECONDS + START_TIMEOUT))
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! kill -0 "$BROKER_PID" 2>/dev/null; then
			wait "$BROKER_PID" 2>/dev/null || true
			BROKER_PID=""
			return 1
		fi
		if (exec 3<>"/dev/tcp/$HOST/$BROKER_PORT") 2>/dev/null &&
			(exec 3<>"/dev/tcp/$HOST/$BROKER_WS_PORT") 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	echo "FAIL broker_start: port $BROKER_PORT not accepting connections after ${START_TIMEOUT}s; log:"
	tail -n 30 "$BROKER_LOG" | sed 's/^/  | /'
	echo "0 passed, 1 failed"
	exit 1
}

started=0
for attempt in 1 2 3; do
	if start_broker; then
		started=1
		break
	fi
	echo "broker exited during startup (attempt $attempt)" >&2
done
if [ "$started" != 1 ]; then
	echo "FAIL broker_start: the broker exited during startup; log:"
	tail -n 30 "$BROKER_LOG" | sed 's/^/  | /'
	echo "0 passed, 1 failed"
	exit 1
fi
echo "broker up on $HOST:$BROKER_PORT, WebSockets on $BROKER_WS_PORT (pid $BROKER_PID)" >&2

# Node dependencies: CI runs `npm ci` first; do it here too if they are missing.
if [ ! -d "$HERE/node/node_modules/mqtt" ]; then
	(cd "$HERE/node" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
		echo "npm ci failed; MQTT.js checks will fail" >&2
fi

passed=0
failed=0
failed_names=()
t0=$SECONDS
for name in "${CHECKS[@]}"; do
	if [ -n "$ONLY" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
	dir="$WORK/$name"
	mkdir -p "$dir"
	rc=0
	BROKER_PORT="$BROKER_PORT" BROKER_WS_PORT="$BROKER_WS_PORT" BROKER_PID="$BROKER_PID" WORK_CHECK="$dir" \
		BROKER_CMD="$BROKER_CMD" TETHER_DLL="$TETHER_DLL" \
		timeout -k 5 "$CHECK_TIMEOUT" "$SELF" --run-check "$name" >"$dir/stdout" 2>"$dir/stderr" </dev/null ||
		rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			why="timed out after ${CHECK_TIMEOUT}s"
		else
			why="$(grep -v '^[[:space:]]*$' "$dir/stdout" | tail -n 1 || true)"
			[ -n "$why" ] || why="$(grep -v '^[[:space:]]*$' "$dir/stderr" | tail -n 1 || true)"
			[ -n "$why" ] || why="exit code $rc"
		fi
		echo "FAIL $name: $why"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
done
elapsed=$((SECONDS - t0))

if [ "$failed" -gt 0 ]; then
	{
		echo "--- failed: ${failed_names[*]}"
		echo "--- last 40 lines of the broker's output ($BROKER_LOG):"
		tail -n 40 "$BROKER_LOG" | sed 's/^/  | /'
	} >&2
fi
stop_broker
echo "checks took ${elapsed}s" >&2
[ "$KEEP" != 1 ] || echo "work directory kept: $WORK" >&2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
