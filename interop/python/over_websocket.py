"""MQTT over WebSocket with Paho Python (transport="websockets"), against the listener with
`protocol websockets` (port from BROKER_WS_PORT).

  over_websocket.py pubsub_v311   ws subscriber and ws publisher: QoS 0/1/2 in order; a TCP subscriber
                              gets the same messages (both transports share one broker)
  over_websocket.py pubsub_v5     the same with MQTT 5, plus a user property passing through
  over_websocket.py will_abrupt   a ws client with a will whose socket closes without DISCONNECT
                              -> the TCP subscriber gets the will
"""

import socket

from common import (V311, V5, Client, PacketTypes, expect, main, props, unique)


def pubsub(version):
    topic = "interop/ws/%s" % unique("pubsub")
    ws_sub = Client(unique("ws-sub"), protocol=version, transport="websockets", name="ws-sub")
    tcp_sub = Client(unique("tcp-sub"), protocol=version, name="tcp-sub")
    ws_pub = Client(unique("ws-pub"), protocol=version, transport="websockets", name="ws-pub")
    try:
        for c in (ws_sub, tcp_sub, ws_pub):
            c.connect()
        ws_sub.subscribe(topic, qos=2)
        tcp_sub.subscribe(topic, qos=2)
        for qos in (0, 1, 2):
            properties = props(PacketTypes.PUBLISH, UserProperty=[("via", "ws")]) if version == V5 else None
            ws_pub.publish(topic, ("ws-%d" % qos).encode(), qos=qos, properties=properties)
        for sub in (ws_sub, tcp_sub):
            for qos in (0, 1, 2):
                m = sub.expect_message("QoS %d message" % qos)
                expect(m.topic == topic and m.payload == ("ws-%d" % qos).encode(),
                       "%s: got %s %r, expected ws-%d" % (sub.name, m.topic, m.payload, qos))
                expect(m.qos == qos, "%s: QoS %d message arrived at QoS %d" % (sub.name, qos, m.qos))
                if version == V5:
                    up = getattr(m.properties, "UserProperty", None)
                    expect(up == [("via", "ws")], "%s: user property lost: %r" % (sub.name, up))
        ws_pub.disconnect()
        ws_sub.disconnect()
        tcp_sub.disconnect()
    finally:
        for c in (ws_sub, tcp_sub, ws_pub):
            c.stop()


def will_abrupt():
    topic = "interop/ws/%s" % unique("will")
    watcher = Client(unique("watcher"), name="watcher")
    dying = Client(unique("ws-will"), transport="websockets", name="ws-will")
    try:
        watcher.connect()
        watcher.subscribe(topic, qos=1)
        dying.will(topic, b"ws-gone", qos=1)
        dying.connect()
        # Close the TCP connection under the client: no DISCONNECT, no close frame.
        sock = dying.c.socket()
        sock = getattr(sock, "_socket", sock)  # paho 1.6 wraps the TCP socket in a WebsocketWrapper
        sock.shutdown(socket.SHUT_RDWR)
        m = watcher.expect_message("the WebSocket client's will")
        expect(m.payload == b"ws-gone", "will payload %r" % m.payload)
        watcher.disconnect()
    finally:
        dying.stop()
        watcher.stop()


if __name__ == "__main__":
    main({
        "pubsub_v311": lambda: pubsub(V311),
        "pubsub_v5": lambda: pubsub(V5),
        "will_abrupt": will_abrupt,
    })
