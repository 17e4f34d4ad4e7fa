"""A minimal RESP2/RESP3 client over a raw socket, for tests that need exact reply types
(push vs array, null kinds) or RESP3, which the installed redis-py does not speak.

Replies decode to: ("+", "OK") status, ("-", "ERR ...") error, int, bytes, None (RESP2
null bulk), ("nil-array",) (RESP2 *-1), ("null",) (RESP3 _), list (array / set),
("push", [...]) (RESP3 >), dict (map), float, bool.
"""
import socket


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RawClient:
    def __init__(self, port, timeout=5.0, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, *args):
        self.sock.sendall(encode(args))

    def call(self, *args):
        self.send(*args)
        return self.read()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return ("+", rest.decode())
        if t == b"-":
            return ("-", rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._bytes(n)
        if t in (b"*", b"~"):
            n = int(rest)
            if n < 0:
                return ("nil-array",)
            return [self.read() for _ in range(n)]
        if t == b">":
            return ("push", [self.read() for _ in range(int(rest))])
        if t == b"%":
            n = int(rest)
            d = {}
            for _ in range(n):
                k = self.read()
                d[k] = self.read()
            return d
        if t == b"_":
            return ("null",)
        if t == b",":
            return float(rest)
        if t == b"#":
            return rest == b"t"
        if t == b"=":
            return self._bytes(int(rest))[4:]
        raise AssertionError("unexpected reply line %r" % line)

    def closed_by_server(self, timeout=5.0):
        """True once the server closed the connection (draining anything pending)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                if not self.sock.recv(1 << 20):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
