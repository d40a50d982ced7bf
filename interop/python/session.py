"""Persistent sessions and QoS 2 with Paho Python.

  session.py persistent_v311  clean_session=False; messages published while offline arrive on reconnect
  session.py persistent_v5    clean_start=False + session expiry; same, and a clean start drops the session
  session.py qos2_exactly_once  20 QoS 2 messages arrive exactly once, in order
"""

import time

from common import V311, V5, Client, expect, main, unique

N_OFFLINE = 5
N_QOS2 = 20


def _offline_delivery(protocol):
    cid = unique("persist")
    topic = unique("interop/persist") + "/data"
    kw = {"session_expiry": 300} if protocol == V5 else {}
    pub = Client(unique("persist-pub"), name="publisher")
    # Start from a clean slate (no session for this id), then open a persistent one.
    a = Client(cid, protocol=protocol, clean=True, name="persistent-client")
    try:
        a.connect(expect_session_present=0, **({"session_expiry": 0} if protocol == V5 else {}))
        a.disconnect()

        a = Client(cid, protocol=protocol, clean=False, name="persistent-client")
        a.connect(expect_session_present=0, **kw)
        a.subscribe(topic, qos=1)
        a.disconnect()

        pub.connect()
        for i in range(N_OFFLINE):
            pub.publish(topic, ("offline-%d" % i).encode(), qos=1)

        a = Client(cid, protocol=protocol, clean=False, name="persistent-client")
        a.connect(expect_session_present=1, **kw)
        got = []
        for i in range(N_OFFLINE):
            m = a.expect_message("queued message %d of %d (got %r so far)" % (i + 1, N_OFFLINE, got))
            got.append(m.payload.decode())
            expect(m.qos == 1, "queued message delivered with QoS %d" % m.qos)
        want = ["offline-%d" % i for i in range(N_OFFLINE)]
        expect(got == want, "queued messages %r, expected %r" % (got, want))
        a.expect_silence(0.5, "extra message after the queued ones")
        a.disconnect()

        # A clean start discards the session: no session present, and the subscription is gone.
        a = Client(cid, protocol=protocol, clean=True, name="persistent-client")
        a.connect(expect_session_present=0, **({"session_expiry": 0} if protocol == V5 else {}))
        pub.publish(topic, b"after-clean", qos=1)
        a.expect_silence(1.0, "message for a subscription of a discarded session")
        a.disconnect()
    finally:
        a.stop()
        pub.stop()


def persistent_v311():
    _offline_delivery(V311)


def persistent_v5():
    _offline_delivery(V5)


def qos2_exactly_once():
    topic = unique("interop/qos2") + "/seq"
    sub = Client(unique("qos2-sub"), name="subscriber")
    pub = Client(unique("qos2-pub"), name="publisher")
    try:
        sub.connect()
        granted = sub.subscribe(topic, qos=2)
        expect(granted == 2, "SUBACK granted QoS %d, expected 2" % granted)
        pub.connect()
        infos = [pub.c.publish(topic, ("m%02d" % i).encode(), qos=2) for i in range(N_QOS2)]
        got = []
        for i in range(N_QOS2):
            m = sub.expect_message("message %d of %d (got %d)" % (i + 1, N_QOS2, len(got)))
            expect(m.qos == 2, "message delivered with QoS %d" % m.qos)
            got.append(m.payload.decode())
        want = ["m%02d" % i for i in range(N_QOS2)]
        expect(got == want, "received %r, expected %r" % (got, want))
        deadline = time.time() + 5
        while not all(i.is_published() for i in infos) and time.time() < deadline:
            time.sleep(0.02)
        done = sum(1 for i in infos if i.is_published())
        expect(done == N_QOS2, "publisher's QoS 2 flows completed: %d of %d" % (done, N_QOS2))
        sub.expect_silence(1.0, "duplicate QoS 2 delivery")
    finally:
        sub.stop()
        pub.stop()


if __name__ == "__main__":
    main({"persistent_v311": persistent_v311, "persistent_v5": persistent_v5,
          "qos2_exactly_once": qos2_exactly_once})
