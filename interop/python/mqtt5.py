"""MQTT 5 features with Paho Python.

  mqtt5.py properties        user properties (order, duplicates), content type, payload format,
                             response topic and correlation data pass from publisher to subscriber
  mqtt5.py expiry_retained   a retained message with MessageExpiryInterval=1 is gone after 2.5 s
  mqtt5.py expiry_queued     of two messages queued for an offline session, the expired one is
                             dropped, and the other arrives with a reduced (or equal) expiry interval
  mqtt5.py subscription_id   subscription identifiers come back on matching messages
  mqtt5.py no_local          the No Local option stops a client's own messages coming back
  mqtt5.py retain_options    Retain As Published keeps retain=1 on live delivery; Retain Handling 2
                             sends no retained message on subscribe
"""

import time

import paho.mqtt.client as mqtt

from common import V5, Client, PacketTypes, expect, main, props, unique


def properties():
    topic = unique("interop/v5props") + "/x"
    sub = Client(unique("v5-sub"), protocol=V5, name="subscriber")
    pub = Client(unique("v5-pub"), protocol=V5, name="publisher")
    try:
        sub.connect()
        sub.subscribe(topic, qos=1)
        pub.connect()
        up = [("k1", "v1"), ("dup", "first"), ("dup", "second"), ("unicode", "h\u00e9llo \u2713")]
        p = props(PacketTypes.PUBLISH, UserProperty=up, ContentType="application/json",
                  PayloadFormatIndicator=1, ResponseTopic=topic + "/reply",
                  CorrelationData=b"\x00\x01corr\xff")
        pub.publish(topic, b'{"a":1}', qos=1, properties=p)
        m = sub.expect_message("message with properties")
        expect(m.payload == b'{"a":1}', "payload %r" % m.payload)
        rp = m.properties
        got_up = getattr(rp, "UserProperty", None)
        expect(got_up == up, "UserProperty %r, expected %r (order and duplicates kept)" % (got_up, up))
        expect(getattr(rp, "ContentType", None) == "application/json",
               "ContentType %r" % getattr(rp, "ContentType", None))
        expect(getattr(rp, "PayloadFormatIndicator", None) == 1,
               "PayloadFormatIndicator %r" % getattr(rp, "PayloadFormatIndicator", None))
        expect(getattr(rp, "ResponseTopic", None) == topic + "/reply",
               "ResponseTopic %r" % getattr(rp, "ResponseTopic", None))
        expect(getattr(rp, "CorrelationData", None) == b"\x00\x01corr\xff",
               "CorrelationData %r" % getattr(rp, "CorrelationData", None))
    finally:
        sub.stop()
        pub.stop()


def expiry_retained():
    topic = unique("interop/v5expiry") + "/retained"
    pub = Client(unique("v5-pub"), protocol=V5, name="publisher")
    sub = Client(unique("v5-sub"), protocol=V5, name="subscriber")
    sub2 = Client(unique("v5-sub2"), protocol=V5, name="late-subscriber")
    try:
        pub.connect()
        pub.publish(topic, b"short-lived", qos=1, retain=True,
                    properties=props(PacketTypes.PUBLISH, MessageExpiryInterval=1))
        # Still there right away ...
        sub.connect()
        sub.subscribe(topic, qos=1)
        m = sub.expect_message("retained message before it expired")
        expect(m.retain, "retained message delivered without the retain flag")
        left = getattr(m.properties, "MessageExpiryInterval", None)
        expect(left is not None and left <= 1, "MessageExpiryInterval on delivery: %r" % left)
        sub.disconnect()
        # ... and gone once the interval has passed.
        time.sleep(2.5)
        sub2.connect()
        sub2.subscribe(topic, qos=1)
        sub2.expect_silence(1.5, "expired retained message still delivered")
    finally:
        if pub.c.is_connected():
            pub.c.publish(topic, b"", qos=1, retain=True)
        for c in (pub, sub, sub2):
            c.stop()


def expiry_queued():
    cid = unique("v5-expiry")
    topic = unique("interop/v5expiry") + "/queued"
    pub = Client(unique("v5-pub"), protocol=V5, name="publisher")
    a = Client(cid, protocol=V5, clean=True, name="offline-client")
    try:
        a.connect(session_expiry=300, expect_session_present=0)
        a.subscribe(topic, qos=1)
        a.disconnect()
        pub.connect()
        pub.publish(topic, b"expires", qos=1, properties=props(PacketTypes.PUBLISH, MessageExpiryInterval=1))
        pub.publish(topic, b"lasts", qos=1, properties=props(PacketTypes.PUBLISH, MessageExpiryInterval=100))
        time.sleep(2.5)
        a = Client(cid, protocol=V5, clean=False, name="offline-client")
        a.connect(session_expiry=0, expect_session_present=1)
        m = a.expect_message("the queued message that had not expired")
        expect(m.payload == b"lasts", "got %r first, expected b'lasts' (b'expires' should be dropped)" % m.payload)
        left = getattr(m.properties, "MessageExpiryInterval", None)
        expect(left is not None and 90 <= left <= 100,
               "MessageExpiryInterval on delivery %r, expected the remaining time (<= 100)" % left)
        a.expect_silence(0.5, "extra message")
    finally:
        a.stop()
        pub.stop()


def subscription_id():
    prefix = unique("interop/v5subid")
    sub = Client(unique("v5-sub"), protocol=V5, name="subscriber")
    pub = Client(unique("v5-pub"), protocol=V5, name="publisher")
    try:
        sub.connect()
        sub.subscribe(prefix + "/a/#", qos=1, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=7))
        sub.subscribe(prefix + "/+/b", qos=1, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=300))
        pub.connect()
        pub.publish(prefix + "/a/x", b"one", qos=1)
        m = sub.expect_message("message matching subscription 7")
        ids = getattr(m.properties, "SubscriptionIdentifier", None)
        expect(ids == [7], "SubscriptionIdentifier %r, expected [7]" % ids)
        # Overlapping subscriptions: MQTT 5 lets the server send one copy with both ids or two copies.
        pub.publish(prefix + "/a/b", b"both", qos=1)
        seen = []
        m = sub.expect_message("message matching both subscriptions")
        seen.extend(getattr(m.properties, "SubscriptionIdentifier", None) or [])
        if sorted(seen) != [7, 300]:
            m2 = sub.expect_message("second copy for the overlapping subscription", timeout=3)
            seen.extend(getattr(m2.properties, "SubscriptionIdentifier", None) or [])
        expect(sorted(seen) == [7, 300], "SubscriptionIdentifiers %r, expected 7 and 300" % seen)
    finally:
        sub.stop()
        pub.stop()


def no_local():
    topic = unique("interop/v5nolocal") + "/t"
    c = Client(unique("v5-nolocal"), protocol=V5, name="client")
    other = Client(unique("v5-other"), protocol=V5, name="other")
    try:
        c.connect()
        c.subscribe(topic, options=mqtt.SubscribeOptions(qos=1, noLocal=True))
        other.connect()
        c.publish(topic, b"own", qos=1)
        other.publish(topic, b"other", qos=1)
        m = c.expect_message("message from another client")
        expect(m.payload == b"other", "No Local subscription received its own message %r" % m.payload)
        c.expect_silence(0.5, "extra message")
    finally:
        c.stop()
        other.stop()


def retain_options():
    topic = unique("interop/v5retain") + "/t"
    pub = Client(unique("v5-pub"), protocol=V5, name="publisher")
    rap = Client(unique("v5-rap"), protocol=V5, name="retain-as-published-subscriber")
    plain = Client(unique("v5-plain"), protocol=V5, name="plain-subscriber")
    rh2 = Client(unique("v5-rh2"), protocol=V5, name="retain-handling-2-subscriber")
    try:
        pub.connect()
        rap.connect()
        rap.subscribe(topic, options=mqtt.SubscribeOptions(qos=1, retainAsPublished=True))
        plain.connect()
        plain.subscribe(topic, qos=1)
        pub.publish(topic, b"live-retained", qos=1, retain=True)
        m = rap.expect_message("live retained message (retain as published)")
        expect(m.retain, "Retain As Published subscription got the live message with retain=0")
        m = plain.expect_message("live retained message")
        expect(not m.retain, "subscription without Retain As Published got a live message with retain=1")
        # Retain Handling 2: no retained messages when subscribing.
        rh2.connect()
        rh2.subscribe(topic, options=mqtt.SubscribeOptions(qos=1, retainHandling=2))
        rh2.expect_silence(1.0, "Retain Handling 2 subscription got a retained message")
        # Retain Handling 0 (default) on a fresh subscription does get it, with retain=1.
        late = Client(unique("v5-late"), protocol=V5, name="late-subscriber")
        try:
            late.connect()
            late.subscribe(topic, qos=1)
            m = late.expect_message("retained message on subscribe")
            expect(m.retain and m.payload == b"live-retained", "retained on subscribe: %r retain=%s"
                   % (m.payload, m.retain))
        finally:
            late.stop()
    finally:
        if pub.c.is_connected():
            pub.c.publish(topic, b"", qos=1, retain=True)
        for c in (pub, rap, plain, rh2):
            c.stop()


if __name__ == "__main__":
    main({"properties": properties, "expiry_retained": expiry_retained, "expiry_queued": expiry_queued,
          "subscription_id": subscription_id, "no_local": no_local,
          "retain_options": retain_options})
