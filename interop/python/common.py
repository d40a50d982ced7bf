"""Small synchronous wrapper around Paho MQTT for the interop checks.

Works with paho-mqtt 1.6 (Debian bookworm) and 2.x (uses the VERSION1 callback API there).
Every wait is bounded; a failed expectation raises CheckFailed, which main() turns into
a one-line reason on stdout and exit code 1.
"""

import os
import queue
import sys
import threading
import time
import uuid

import paho.mqtt.client as mqtt

try:
    from paho.mqtt.properties import Properties
    from paho.mqtt.packettypes import PacketTypes
except ImportError:  # pragma: no cover - very old paho
    Properties = None
    PacketTypes = None

HOST = "127.0.0.1"
PORT = int(os.environ.get("BROKER_PORT", "1883"))
WS_PORT = int(os.environ.get("BROKER_WS_PORT", "9001"))  # the listener with `protocol websockets`
WAIT = 10.0  # default bound for any single wait, seconds

V31 = mqtt.MQTTv31
V311 = mqtt.MQTTv311
V5 = mqtt.MQTTv5


class CheckFailed(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise CheckFailed(why)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def props(packet_type, **values):
    """Build an MQTT v5 Properties object, e.g. props(PacketTypes.PUBLISH, ContentType='x')."""
    p = Properties(packet_type)
    for k, v in values.items():
        setattr(p, k, v)
    return p


class Client:
    """A Paho client whose events land in queues, so a check can wait on them with a bound."""

    def __init__(self, client_id="", protocol=V311, clean=True, name=None, transport="tcp"):
        self.name = name or client_id or "client"
        self.protocol = protocol
        self.port = WS_PORT if transport == "websockets" else PORT
        kwargs = {"client_id": client_id, "protocol": protocol, "transport": transport}
        if protocol != V5:
            kwargs["clean_session"] = clean
        if hasattr(mqtt, "CallbackAPIVersion"):  # paho-mqtt >= 2.0
            kwargs["callback_api_version"] = mqtt.CallbackAPIVersion.VERSION1
        self.clean = clean
        self.c = mqtt.Client(**kwargs)
        self.messages = queue.Queue()
        self.connacks = queue.Queue()
        self.subacks = queue.Queue()
        self.disconnected = threading.Event()
        self.c.on_connect = self._on_connect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        self.c.on_disconnect = self._on_disconnect

    # --- callbacks (VERSION1 signatures, identical in 1.6 and 2.x) ---
    def _on_connect(self, client, userdata, flags, rc, properties=None):
        self.connacks.put((flags, rc, properties))

    def _on_message(self, client, userdata, msg):
        self.messages.put(msg)

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        self.subacks.put((mid, granted))

    def _on_disconnect(self, client, userdata, rc, properties=None):
        self.disconnected.set()

    # --- operations ---
    def will(self, topic, payload, qos=1, retain=False, properties=None):
        self.c.will_set(topic, payload, qos=qos, retain=retain, properties=properties)

    def connect(self, keepalive=30, session_expiry=None, expect_session_present=None):
        """Connect and wait for CONNACK; returns the session-present flag (0/1)."""
        kwargs = {"keepalive": keepalive}
        if self.protocol == V5:
            kwargs["clean_start"] = self.clean
            if session_expiry is not None:
                kwargs["properties"] = props(PacketTypes.CONNECT, SessionExpiryInterval=session_expiry)
        self.disconnected.clear()
        self.c.connect(HOST, self.port, **kwargs)
        self.c.loop_start()
        try:
            flags, rc, _ = self.connacks.get(timeout=WAIT)
        except queue.Empty:
            raise CheckFailed("%s: no CONNACK within %ss" % (self.name, WAIT))
        expect(rc == 0, "%s: CONNACK reason %s" % (self.name, rc))
        sp = int(flags.get("session present", 0))
        if expect_session_present is not None:
            expect(sp == expect_session_present,
                   "%s: session present=%d, expected %d" % (self.name, sp, expect_session_present))
        return sp

    def subscribe(self, topic, qos=1, properties=None, options=None):
        if self.protocol == V5:
            opts = options or mqtt.SubscribeOptions(qos=qos)
            rc, mid = self.c.subscribe(topic, options=opts, properties=properties)
        else:
            rc, mid = self.c.subscribe(topic, qos)
        expect(rc == mqtt.MQTT_ERR_SUCCESS, "%s: subscribe failed locally rc=%s" % (self.name, rc))
        try:
            got_mid, granted = self.subacks.get(timeout=WAIT)
        except queue.Empty:
            raise CheckFailed("%s: no SUBACK for %s within %ss" % (self.name, topic, WAIT))
        g = granted[0]
        g = getattr(g, "value", g)  # v5 ReasonCodes object -> int
        expect(g < 0x80, "%s: SUBACK refused %s (0x%02x)" % (self.name, topic, g))
        return g

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        info = self.c.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        expect(info.rc == mqtt.MQTT_ERR_SUCCESS, "%s: publish failed locally rc=%s" % (self.name, info.rc))
        if qos > 0:
            deadline = time.time() + WAIT
            while not info.is_published() and time.time() < deadline:
                time.sleep(0.01)
            expect(info.is_published(), "%s: QoS %d publish to %s not acknowledged within %ss"
                   % (self.name, qos, topic, WAIT))
        return info

    def next_message(self, timeout=WAIT):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            return None

    def expect_message(self, what, timeout=WAIT):
        m = self.next_message(timeout)
        expect(m is not None, "%s: no message (%s) within %ss" % (self.name, what, timeout))
        return m

    def expect_silence(self, timeout, what="unexpected message"):
        m = self.next_message(timeout)
        expect(m is None, "%s: %s: got %s %r" % (self.name, what, m and m.topic, m and m.payload))

    def disconnect(self):
        self.c.disconnect()
        self.disconnected.wait(WAIT)
        self.c.loop_stop()

    def stop(self):
        """Best-effort teardown (used in finally blocks)."""
        try:
            self.c.disconnect()
        except Exception:
            pass
        try:
            self.c.loop_stop()
        except Exception:
            pass


def main(checks):
    """Run the check named by argv[1] (a key of `checks`)."""
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    fn = checks.get(name)
    if fn is None:
        print("unknown check %r; known: %s" % (name, ", ".join(sorted(checks))))
        sys.exit(2)
    try:
        fn()
    except CheckFailed as e:
        print(str(e))
        sys.exit(1)
    except Exception as e:  # a crash is a failure with its cause, never a pass
        print("%s: %s" % (type(e).__name__, e))
        sys.exit(1)
    sys.exit(0)
