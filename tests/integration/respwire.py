"""Raw-socket helpers for protocol-level tests: a connection that sends exact bytes and
reads exact replies (RESP2 and RESP3 decoded by hand, so the tests see the wire, not a
client library's interpretation), plus small checks used after hostile input."""
import os
import socket
import time

from conftest import SLOW


class RespError(Exception):
    """An error reply (-ERR ... / !<len> bulk error); str() is the text without '-'."""


class Closed(Exception):
    """The server closed the connection."""


class RawConn:
    def __init__(self, port=None, host="127.0.0.1", unix=None, timeout=5.0):
        if unix:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout * SLOW)
            self.sock.connect(unix)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout * SLOW)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    # -- sending --
    def send(self, data):
        self.sock.sendall(data)

    def cmd(self, *args):
        """Send one multibulk request."""
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, int):
                a = str(a)
            if isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.send(b"".join(out))

    def call(self, *args):
        self.cmd(*args)
        return self.read_reply()

    # -- receiving --
    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise Closed()
        self.buf += chunk

    def recv_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def expect(self, data):
        """Read exactly len(data) bytes and assert they are `data`."""
        got = self.recv_exact(len(data))
        assert got == data, "got %r, want %r" % (got[:300], data[:300])

    def read_reply(self):
        """Decode one reply. Errors are returned as RespError instances (not raised),
        so a test can compare them in sequences."""
        line = self.read_line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RespError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.recv_exact(n + 2)
            assert data[-2:] == b"\r\n", "bulk not CRLF-terminated: %r" % data[-10:]
            return data[:-2]
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self.read_reply() for _ in range(n)]
            return set(items) if t == b"~" else items
        if t == b"%":
            n = int(rest)
            return {self._key(self.read_reply()): self.read_reply() for _ in range(n)}
        if t == b"_":
            return None
        if t == b",":
            return float(rest)
        if t == b"#":
            return rest == b"t"
        if t == b"=":
            data = self.recv_exact(int(rest) + 2)
            return data[:-2]
        if t == b"!":
            data = self.recv_exact(int(rest) + 2)
            return RespError(data[:-2].decode())
        raise AssertionError("unknown reply type in %r" % line[:100])

    @staticmethod
    def _key(k):
        return k.decode() if isinstance(k, bytes) else k

    def read_until_close(self, timeout=5.0):
        """Everything the server sends until it closes; raises if it stays open."""
        self.sock.settimeout(timeout * SLOW)
        data = self.buf
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(1 << 20)
            except ConnectionResetError:
                return data
            except socket.timeout:
                raise AssertionError("server kept the connection open; got %r" % data[:300])
            if not chunk:
                return data
            data += chunk

    def is_closed(self, timeout=3.0):
        try:
            self.read_until_close(timeout)
            return True
        except AssertionError:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def assert_alive(server):
    """The server process runs and a new connection gets PONG."""
    assert server.alive(), "server died:\n" + server.read_log()[-3000:]
    with RawConn(server.port) as c:
        c.send(b"PING\r\n")
        c.expect(b"+PONG\r\n")


def rss_kb(pid):
    """Resident set size of a process in kB (from /proc)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def used_memory(server):
    """INFO used_memory when the server has INFO, else None."""
    with RawConn(server.port) as c:
        r = c.call("INFO", "memory")
    if isinstance(r, RespError) or r is None:
        return None
    for line in r.decode().splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return None


def wait_for(pred, timeout=5.0, step=0.02):
    """Poll pred() until true or timeout (scaled for sanitized builds)."""
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def raise_nofile(n):
    """Raise this process's open-file soft limit to at least n (if the hard limit allows);
    returns the limit now in force."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n if hard == resource.RLIM_INFINITY else min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
    return soft


def ipv6_loopback_available():
    if not socket.has_ipv6:
        return False
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def short_tmp_path(name):
    """A unix socket path short enough for sun_path (108 bytes)."""
    d = os.environ.get("TMPDIR", "/tmp")
    p = os.path.join(d, name)
    return p if len(p) < 100 else os.path.join("/tmp", name)
