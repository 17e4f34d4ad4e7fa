"""Raw-socket helpers for the memcache front end's tests: a connection that sends exact
bytes and returns exactly what the server answered (the `mn` no-op is appended to a
request and its `MN` reply marks the end, so nothing is left unread), a server fixture
factory with memcached-port set, and Debian's memcached as a reference server when it is
installed (the differential tests skip without it)."""
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import SLOW, Server, free_port


class Closed(Exception):
    """The server closed the connection."""


class MC:
    def __init__(self, port, timeout=5.0):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise Closed()
        self.buf += chunk

    def read_until(self, marker):
        while marker not in self.buf:
            self._fill()
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def x(self, data):
        """Send `data` then `mn`; return everything answered before the MN."""
        if isinstance(data, str):
            data = data.encode()
        self.send(data + b"mn\r\n")
        out = self.read_until(b"MN\r\n")
        return out[:-4]

    def lines(self, data, n):
        """Send `data`; return the next n reply lines (for unauthenticated connections,
        where the mn sentinel is not understood)."""
        if isinstance(data, str):
            data = data.encode()
        self.send(data)
        out = b""
        for _ in range(n):
            out += self.read_until(b"\r\n")
        return out

    def line(self, data):
        """Send a one-line request and return its first reply line (CRLF stripped)."""
        return self.x(data).split(b"\r\n")[0]

    def closed(self, wait=2.0):
        """True when the server closes the connection within `wait` seconds (what it sent
        before is kept in self.buf)."""
        self.sock.settimeout(wait * SLOW)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


def mc_server(make_server, *args, **kw):
    """A Warden with a memcache port (returned as server.mc_port)."""
    port = free_port()
    s = make_server(args=["--memcached-port", str(port)] + list(args), **kw)
    s.mc_port = port
    return s


class Memcached:
    """Debian's memcached on a random port (the reference for differential tests)."""

    def __init__(self, *args):
        self.port = free_port()
        self.proc = subprocess.Popen(["memcached", "-p", str(self.port), "-U", "0", "-l", "127.0.0.1", "-t", "2"]
                                     + (["-u", "root"] if os.geteuid() == 0 else []) + list(args),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("memcached did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def have_memcached():
    return shutil.which("memcached") is not None


def normalize(b):
    """CAS values and clocks differ between two servers: blank them."""
    b = re.sub(rb"(VALUE \S+ \d+ \d+) \d+", rb"\1 <cas>", b)
    b = re.sub(rb" c\d+", b" c<cas>", b)
    b = re.sub(rb"cas=\d+", b"cas=<cas>", b)
    b = re.sub(rb"la=\d+", b"la=<la>", b)
    return b


def exchange(port, data, wait=0.2):
    """Send raw bytes on a fresh connection; return (answer, closed) after `wait` seconds
    of silence (for comparisons where an MN sentinel cannot be used)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5 * SLOW)
    s.sendall(data)
    s.settimeout(wait * SLOW)
    out, closed = b"", False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            out += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return out, closed


@pytest.fixture(scope="module")
def memcached_ref():
    if not have_memcached():
        pytest.skip("memcached is not installed (apt-get install memcached)")
    m = Memcached()
    yield m
    m.stop()
