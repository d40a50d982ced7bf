"""Last-will checks with Paho Python.

  will.py abrupt     v3.1.1 client with a will is SIGKILLed -> subscriber gets the will
  will.py clean      v3.1.1 client with a will sends DISCONNECT -> no will
  will.py v5_delay   v5 will with user property, content type and a 2 s will-delay interval
"""

import os
import select
import signal
import subprocess
import sys
import time

from common import (V311, V5, WAIT, Client, CheckFailed, PacketTypes, expect, main, props, unique)

HERE = os.path.dirname(os.path.abspath(__file__))


def spawn_will_client(topic, payload, version):
    """Start a child process holding a connection with a will; returns it once connected."""
    child = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "will.py"), "_child", topic, payload, version],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ready, _, _ = select.select([child.stdout], [], [], WAIT)
    line = child.stdout.readline().decode(errors="replace").strip() if ready else ""
    if line != "connected":
        child.kill()
        child.wait()
        raise CheckFailed("will client did not connect: %r" % line)
    return child


def child():
    topic, payload, version = sys.argv[2], sys.argv[3], sys.argv[4]
    if version == "5":
        c = Client(unique("will-child"), protocol=V5, name="will-client")
        c.will(topic, payload.encode(), qos=1, properties=props(
            PacketTypes.WILLMESSAGE, WillDelayInterval=2, ContentType="text/plain",
            UserProperty=[("origin", "will")]))
        # A session that outlives the connection, so the will delay is what holds the will back:
        # with session expiry 0 the session ends at once and MQTT 5.0 §3.1.3.2.2 publishes the will immediately.
        c.connect(keepalive=60, session_expiry=30)
    else:
        c = Client(unique("will-child"), protocol=V311, name="will-client")
        c.will(topic, payload.encode(), qos=1)
        c.connect(keepalive=60)
    print("connected", flush=True)
    time.sleep(60)  # the parent kills us long before this


def abrupt():
    prefix = unique("interop/will")
    sub = Client(unique("will-sub"), name="subscriber")
    try:
        sub.connect()
        sub.subscribe(prefix + "/#", qos=1)
        kid = spawn_will_client(prefix + "/status", "gone", "311")
        kid.send_signal(signal.SIGKILL)  # socket closed by the kernel, no DISCONNECT
        kid.wait()
        m = sub.expect_message("will after SIGKILL of the will client")
        expect(m.topic == prefix + "/status" and m.payload == b"gone",
               "wrong will: %s %r" % (m.topic, m.payload))
        expect(m.qos == 1, "will delivered with QoS %d, expected 1" % m.qos)
        expect(not m.retain, "will delivered with retain flag set")
    finally:
        sub.stop()


def clean():
    prefix = unique("interop/will")
    sub = Client(unique("will-sub"), name="subscriber")
    pub = Client(unique("will-pub"), name="marker-publisher")
    c = Client(unique("will-clean"), name="will-client")
    try:
        sub.connect()
        sub.subscribe(prefix + "/#", qos=1)
        pub.connect()
        c.will(prefix + "/status", b"gone", qos=1)
        c.connect()
        c.disconnect()  # a clean DISCONNECT discards the will
        pub.publish(prefix + "/marker", b"after-disconnect", qos=1)
        m = sub.expect_message("marker after clean disconnect")
        expect(m.topic == prefix + "/marker",
               "will published after a clean DISCONNECT: %s %r" % (m.topic, m.payload))
        sub.expect_silence(1.0, "will published after a clean DISCONNECT")
    finally:
        for x in (sub, pub, c):
            x.stop()


def v5_delay():
    prefix = unique("interop/will5")
    sub = Client(unique("will-sub"), protocol=V5, name="subscriber")
    try:
        sub.connect()
        sub.subscribe(prefix + "/#", qos=1)
        kid = spawn_will_client(prefix + "/status", "gone5", "5")
        kid.send_signal(signal.SIGKILL)
        kid.wait()
        killed = time.time()
        m = sub.expect_message("v5 will after SIGKILL", timeout=WAIT + 2)
        delay = time.time() - killed
        expect(m.topic == prefix + "/status" and m.payload == b"gone5",
               "wrong will: %s %r" % (m.topic, m.payload))
        expect(delay >= 1.0, "will with WillDelayInterval=2 arrived after only %.2fs" % delay)
        p = m.properties
        ct = getattr(p, "ContentType", None)
        up = getattr(p, "UserProperty", None)
        expect(ct == "text/plain", "will ContentType lost: %r" % ct)
        expect(up == [("origin", "will")], "will UserProperty lost: %r" % up)
    finally:
        sub.stop()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child()
    else:
        main({"abrupt": abrupt, "clean": clean, "v5_delay": v5_delay})
