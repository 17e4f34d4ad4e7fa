"""rawresp.py — a minimal RESP2/RESP3 test client that returns replies exactly as sent
(bytes for bulk strings, Err for errors with their full text, None for nulls, dict for
RESP3 maps) so that tests can check error texts, reply types and binary values byte for
byte; plus the error texts and probes (is a command there yet?) that the string and
bitmap tests share. Used by test_string.py and test_bits.py."""
import socket
import time

import pytest

from conftest import SLOW


class Err(str):
    """An error reply (the full text, e.g. 'ERR syntax error')."""


class Resp:
    """A minimal RESP2/RESP3 client returning exact values: bytes for bulk strings,
    int, str for status, Err for errors, None for nulls, list for arrays/sets/pushes,
    dict for RESP3 maps. `raw()` returns the bytes of the next reply instead."""

    def __init__(self, port, resp3=False):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10 * SLOW)
        self.buf = b""
        if resp3:
            reply = self.cmd("HELLO", "3")
            assert isinstance(reply, dict), reply

    def close(self):
        self.s.close()

    def send(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode("latin-1")
            elif isinstance(a, int):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.s.sendall(b"".join(out))

    def _fill(self, n):
        while len(self.buf) < n:
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError("connection closed")
            self.buf += d

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill(len(self.buf) + 1)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _bytes(self, n):
        self._fill(n + 2)
        v, self.buf = self.buf[:n], self.buf[n + 2:]
        return v

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return Err(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"_":
            return None
        if t in (b"$", b"="):
            n = int(rest)
            return None if n < 0 else self._bytes(n)
        if t in (b"*", b"~", b">"):
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if t == b"%":
            n = int(rest)
            out = {}
            for _ in range(n):
                k = self.read()
                out[k] = self.read()
            return out
        if t == b",":
            return float(rest)
        if t == b"#":
            return rest == b"t"
        raise AssertionError("unexpected reply %r" % line)

    def raw(self, *args):
        """Send a command and return the raw bytes of its (single, small) reply."""
        self.send(*args)
        time.sleep(0.02 * SLOW)
        self.buf = b""
        data = b""
        self.s.settimeout(0.2 * SLOW)
        try:
            while True:
                d = self.s.recv(65536)
                if not d:
                    break
                data += d
        except socket.timeout:
            pass
        self.s.settimeout(10 * SLOW)
        return data

    def cmd(self, *args):
        self.send(*args)
        return self.read()


def unknown(reply):
    return isinstance(reply, Err) and reply.startswith("ERR unknown command")


def pttl(c, key):
    reply = c.cmd("PTTL", key)
    if unknown(reply):
        return None
    return reply


def make_nonstring(c, key):
    """Create a key of another type with whatever type command exists, else skip."""
    for args in (("LPUSH", key, "x"), ("SADD", key, "x"), ("HSET", key, "f", "v"), ("ZADD", key, "1", "x")):
        if not unknown(c.cmd(*args)):
            return
    pytest.skip("no non-string type in this tree yet")


def encoding(c, key):
    reply = c.cmd("OBJECT", "ENCODING", key)
    if unknown(reply):
        pytest.skip("OBJECT not in this tree yet")
    return reply


WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
NOTFLOAT = "ERR value is not a valid float"


def wrong_args(name):
    return "ERR wrong number of arguments for '%s' command" % name
