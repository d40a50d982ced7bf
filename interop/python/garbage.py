"""Bad input on the MQTT port: the broker closes each such connection and keeps serving others.

  garbage.py garbage   several kinds of malformed first bytes, each on its own raw socket;
                       afterwards a normal client still connects, subscribes and gets a message
"""

import os
import socket
import time

from common import HOST, PORT, Client, expect, main, unique

CLOSE_WAIT = 5.0

# name -> bytes; each must make the broker close the connection (a CONNACK with an error first is fine).
CASES = [
    ("random bytes", bytes([0xFF, 0xFE, 0x00, 0x13, 0x37]) + os.urandom(64)),
    ("HTTP request", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    ("PUBLISH before CONNECT", b"\x30\x07\x00\x03a/bhey"),
    ("remaining length over 4 bytes", b"\x10\xff\xff\xff\xff\x7f"),
    ("CONNECT with wrong protocol name",
     b"\x10\x10\x00\x04XQTT\x04\x02\x00\x3c\x00\x04abcd"),
    ("CONNECT with reserved flag set",
     b"\x10\x10\x00\x04MQTT\x04\x03\x00\x3c\x00\x04abcd"),
    ("second CONNECT", None),  # built below: a valid CONNECT followed by another CONNECT
]

VALID_CONNECT = b"\x10\x10\x00\x04MQTT\x04\x02\x00\x3c\x00\x04" + os.urandom(2).hex().encode()


def closed_by_broker(data):
    """Send data; True if the broker closes the socket within CLOSE_WAIT. Returns (closed, received)."""
    s = socket.create_connection((HOST, PORT), timeout=CLOSE_WAIT)
    received = b""
    try:
        s.sendall(data)
        deadline = time.time() + CLOSE_WAIT
        while time.time() < deadline:
            s.settimeout(max(0.05, deadline - time.time()))
            try:
                chunk = s.recv(4096)
            except socket.timeout:
                return False, received
            except (ConnectionResetError, BrokenPipeError):
                return True, received
            if not chunk:
                return True, received
            received += chunk
        return False, received
    except (ConnectionResetError, BrokenPipeError):
        return True, received
    finally:
        s.close()


def garbage():
    for name, data in CASES:
        if data is None:
            data = VALID_CONNECT + VALID_CONNECT
        closed, got = closed_by_broker(data)
        expect(closed, "broker kept the connection open after %s (sent %r, got back %r)"
               % (name, data[:24], got[:24]))
        # Whatever came back must not be a successful CONNACK unless a valid CONNECT came first.
        if name != "second CONNECT" and len(got) >= 4 and got[0] == 0x20:
            expect(got[3] != 0, "broker accepted %s with a successful CONNACK" % name)

    # The broker is still fine for well-behaved clients.
    topic = unique("interop/garbage") + "/after"
    c = Client(unique("after-garbage"), name="normal-client")
    try:
        c.connect()
        c.subscribe(topic, qos=1)
        c.publish(topic, b"still-alive", qos=1)
        m = c.expect_message("round trip after the garbage")
        expect(m.payload == b"still-alive", "got %r" % m.payload)
    finally:
        c.stop()


if __name__ == "__main__":
    main({"garbage": garbage})
