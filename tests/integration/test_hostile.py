"""Hostile and broken clients: malformed requests get Redis's error text and a closed
connection; declared lengths allocate nothing until the bytes arrive; limits
(query buffer, maxclients) hold; slow readers, floods of connections and clients that
vanish mid-request do not hurt anyone else; signals stop the server cleanly. After
each test the server must still be alive and answer PING (the `alive` fixture)."""
import os
import random
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import SLOW
from respwire import (Closed, RawConn, assert_alive, ipv6_loopback_available, raise_nofile, short_tmp_path,
                     used_memory, wait_for)


@pytest.fixture(autouse=True)
def alive(server):
    yield
    assert_alive(server)


def ping_ok(server):
    """PING answered on a new connection (False while the server still refuses it)."""
    try:
        assert_alive(server)
        return True
    except (Closed, AssertionError, OSError):
        return False


def protocol_error(server, data):
    """Send `data`; return everything received before the server closed."""
    with RawConn(server.port) as c:
        c.send(data)
        return c.read_until_close()


# ---- malformed requests: error text, then the server closes ----

@pytest.mark.parametrize("data,error", [
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*-\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*2147483648\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*99999999999999999999999\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\nx\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
    (b"*2\r\n$3\r\nGET\r\n:1\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
    (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$9999999999999\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"SET a \"b\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
])
def test_malformed_request_closes(server, data, error):
    # bytes after the bad request in the same packet are never executed
    assert protocol_error(server, data + b"PING\r\n") == error


def test_error_after_good_requests_in_same_packet(server):
    got = protocol_error(server, b"PING\r\nECHO ok\r\n*1\r\nx\r\nPING\r\n")
    assert got == b"+PONG\r\n$2\r\nok\r\n-ERR Protocol error: expected '$', got 'x'\r\n"


def test_bulk_not_followed_by_crlf(server):
    # Redis skips the two bytes unread; Warden refuses them (see docs/security.md)
    got = protocol_error(server, b"*1\r\n$4\r\nPINGXY")
    assert got == b"-ERR Protocol error: expected CRLF after bulk data\r\n"


def test_too_big_inline_request(server):
    with RawConn(server.port) as c:
        try:
            c.send(b"A" * (64 * 1024 + 100))
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert c.read_until_close() == b"-ERR Protocol error: too big inline request\r\n"


def test_too_big_count_strings(server):
    assert protocol_error(server, b"*" + b"1" * (70 * 1024)) == \
        b"-ERR Protocol error: too big mbulk count string\r\n"
    assert protocol_error(server, b"*1\r\n$" + b"1" * (70 * 1024)) == \
        b"-ERR Protocol error: too big bulk count string\r\n"


def test_nul_byte_in_inline_request(server):
    # A NUL ends the inline arguments. It used to make the parser loop forever
    # (pushing empty arguments until memory ran out).
    with RawConn(server.port) as c:
        c.send(b"ECHO a\x00b\r\nPING\r\n")
        c.expect(b"$1\r\na\r\n+PONG\r\n")
    assert protocol_error(server, b"ECHO \"a\x00b\"\r\n") == \
        b"-ERR Protocol error: unbalanced quotes in request\r\n"


def test_random_garbage(server):
    rnd = random.Random(1234)
    for i in range(40):
        blob = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 400)))
        if i % 2:
            blob = b"*" + blob
        with RawConn(server.port, timeout=0.3) as c:
            try:
                c.send(blob + b"\r\n")
                c.sock.settimeout(0.05)
                c.sock.recv(65536)
            except (OSError, socket.timeout):
                pass


# ---- declared sizes must not allocate ----

def vm_size_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


def server_memory(server):
    """used_memory when INFO exists; else the process's virtual size, which (unlike
    RSS) shows a buffer reserved for a declared length even if never touched."""
    um = used_memory(server)
    return ("used_memory", um) if um is not None else ("VmSize", vm_size_bytes(server.proc.pid))


def test_huge_declared_lengths_allocate_nothing(server):
    kind, before = server_memory(server)
    conns = []
    for i in range(20):
        c = RawConn(server.port)
        # 2^31-1 arguments, then a first argument of 512 MB (the maximum): each is
        # legal, so the server waits for bytes that will only trickle in
        c.send(b"*2147483647\r\n$536870912\r\nabc")
        conns.append(c)
    time.sleep(0.05)
    for c in conns:  # more bytes arrive: the query buffer grows by what arrived, not by 512 MB
        c.send(b"x" * 5000)
    with RawConn(server.port) as c:  # all parsed before we measure
        c.send(b"PING\r\n")
        c.expect(b"+PONG\r\n")
    time.sleep(0.1)
    kind2, after = server_memory(server)
    assert kind == kind2
    grew = after - before
    assert grew < 256 * 1024 * 1024, "%s grew by %d bytes for 20 huge declared requests" % (kind, grew)
    for c in conns:
        c.close()


def test_partial_bulk_then_disconnect(server):
    for i in range(20):
        c = RawConn(server.port)
        c.send(b"*3\r\n$3\r\nSET\r\n$7\r\npartial\r\n$100000\r\n" + b"x" * (i * 3000))
        c.close()
    with RawConn(server.port) as c:
        c.send(b"GET partial\r\n")
        c.expect(b"$-1\r\n")


def test_query_buffer_limit(make_server):
    s = make_server(args=["--client-query-buffer-limit", "1mb"])
    # a value under the limit is fine
    with RawConn(s.port) as c:
        c.cmd("SET", "qb:ok", b"v" * (900 * 1024))
        c.expect(b"+OK\r\n")
    # a 2 MB bulk: closed once the declared size or the buffer passes 1 MB
    c = RawConn(s.port)
    try:
        c.send(b"*3\r\n$3\r\nSET\r\n$2\r\nqb\r\n$2097152\r\n")
        chunk = b"y" * 65536
        for _ in range(24):  # 1.5 MB of the 2 MB
            c.send(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert c.is_closed(), "server kept a client past client-query-buffer-limit"
    c.close()
    assert_alive(s)
    with RawConn(s.port) as c:
        c.send(b"GET qb\r\n")
        c.expect(b"$-1\r\n")
    # an inline-free flood of small pipelined requests is not a big query buffer
    with RawConn(s.port) as c:
        c.send(b"PING\r\n" * 300000)  # 1.8 MB, consumed as it arrives
        c.expect(b"+PONG\r\n" * 300000)


def test_slow_reader_does_not_block_others(server):
    big = b"z" * (100 * 1024)
    with RawConn(server.port) as c:
        c.cmd("SET", "slow:big", big)
        c.expect(b"+OK\r\n")
    lazy = socket.create_connection(("127.0.0.1", server.port))
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    req = b"*2\r\n$3\r\nGET\r\n$8\r\nslow:big\r\n" * 300  # 30 MB of replies, never read
    lazy.setblocking(False)
    sent = 0
    deadline = time.time() + 2 * SLOW
    while sent < len(req) and time.time() < deadline:
        try:
            sent += lazy.send(req[sent:])
        except BlockingIOError:
            time.sleep(0.01)
    # others are served promptly meanwhile
    t0 = time.time()
    with RawConn(server.port) as c:
        for i in range(50):
            c.cmd("SET", "slow:k%d" % i, "v")
            c.expect(b"+OK\r\n")
            c.cmd("GET", "slow:k%d" % i)
            c.expect(b"$1\r\nv\r\n")
    assert time.time() - t0 < 2 * SLOW
    # the lazy reader gets complete replies when it finally reads
    lazy.setblocking(True)
    lazy.settimeout(5 * SLOW)
    want = len(b"$102400\r\n") + len(big) + 2
    got = b""
    while len(got) < want:
        got += lazy.recv(65536)
    assert got.startswith(b"$102400\r\nzzzz")
    lazy.close()


def test_connection_flood(server):
    if raise_nofile(4096) < 1100:
        pytest.skip("open-file limit too low for 1,000 client sockets")
    socks = []
    try:
        for i in range(1000):
            socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=5 * SLOW))
        # a sample of them is served
        for s in socks[::100]:
            s.sendall(b"PING\r\n")
            assert s.recv(16) == b"+PONG\r\n"
    finally:
        for s in socks:
            s.close()
    assert_alive(server)


def test_maxclients(make_server):
    s = make_server(args=["--maxclients", "50"])
    conns = []
    try:
        for i in range(50):
            c = RawConn(s.port)
            c.send(b"PING\r\n")
            c.expect(b"+PONG\r\n")
            conns.append(c)
        extra = RawConn(s.port)
        assert extra.read_until_close() == b"-ERR max number of clients reached\r\n"
        extra.close()
        # a slot freed is a slot usable again
        conns.pop().close()

        def one_more():
            c = RawConn(s.port)
            try:
                c.send(b"PING\r\n")
                ok = c.recv_exact(7) == b"+PONG\r\n"
            except Closed:
                ok = False
            if ok:
                conns.append(c)
            else:
                c.close()
            return ok
        assert wait_for(one_more, timeout=3)
    finally:
        for c in conns:
            c.close()
    assert wait_for(lambda: ping_ok(s), timeout=3)


def test_maxclients_burst(make_server):
    """Connections arriving together must not slip past the limit."""
    s = make_server(args=["--maxclients", "20"])
    time.sleep(0.2)  # let the start-up probe's connection close on the server side
    socks = [socket.create_connection(("127.0.0.1", s.port), timeout=5 * SLOW) for _ in range(60)]
    served = 0
    try:
        for sk in socks:
            try:
                sk.sendall(b"PING\r\n")
                data = sk.recv(64)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            if data == b"+PONG\r\n":
                served += 1
            else:
                assert data in (b"", b"-ERR max number of clients reached\r\n"), data
    finally:
        for sk in socks:
            sk.close()
    # never more than the limit; the close of a just-finished probe may still be in flight
    assert 18 <= served <= 20, served
    assert wait_for(lambda: ping_ok(s), timeout=3)


def test_unix_socket(make_server):
    path = short_tmp_path("warden-%d.sock" % os.getpid())
    s = make_server(args=["--unixsocket", path])
    try:
        out = subprocess.run(["redis-cli", "-s", path, "ping"], capture_output=True, text=True, timeout=10 * SLOW)
        assert out.stdout.strip() == "PONG"
        with RawConn(unix=path) as c:
            c.send(b"*1\r\n$4\r\nPING\r\n")
            c.expect(b"+PONG\r\n")
            c.send(b"*1\r\nx\r\n")
            assert c.read_until_close() == b"-ERR Protocol error: expected '$', got 'x'\r\n"
        assert_alive(s)
    finally:
        assert s.stop() == 0
        s.check_clean()
    assert not os.path.exists(path), "unix socket file left behind at exit"


# redis.conf's unixsocketperm is octal (700 = rwx------), as in Redis.
def test_unix_socket_perm_is_octal(make_server):
    path = short_tmp_path("warden-perm-%d.sock" % os.getpid())
    s = make_server(args=["--unixsocket", path, "--unixsocketperm", "700"])
    assert oct(os.stat(path).st_mode & 0o777) == "0o700"
    with RawConn(unix=path) as c:
        c.send(b"PING\r\n")
        c.expect(b"+PONG\r\n")


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_ipv6_loopback(make_server):
    s = make_server(args=["--bind", "127.0.0.1", "::1"])
    with RawConn(s.port, host="::1") as c:
        c.send(b"PING\r\n")
        c.expect(b"+PONG\r\n")
    out = subprocess.run(["redis-cli", "-h", "::1", "-p", str(s.port), "ping"], capture_output=True, text=True,
                         timeout=10 * SLOW)
    assert out.stdout.strip() == "PONG"
    assert_alive(s)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_with_clients_connected(make_server, sig):
    s = make_server(threads=2)
    conns = []
    for i in range(6):
        c = RawConn(s.port)
        c.send(b"PING\r\n")
        c.expect(b"+PONG\r\n")
        conns.append(c)
    conns[0].send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nhalf")  # mid-request
    # one client busy with a pipeline as the signal lands
    busy = conns[1]
    stop = threading.Event()

    def pump():
        try:
            while not stop.is_set():
                busy.send(b"PING\r\n" * 100)
        except OSError:
            pass
    t = threading.Thread(target=pump)
    t.start()
    time.sleep(0.05)
    t0 = time.time()
    rc = s.stop(sig)
    stop.set()
    t.join()
    assert rc == 0, s.read_log()[-2000:]
    assert time.time() - t0 < 5 * SLOW
    for c in conns:
        assert c.is_closed(timeout=2)
        c.close()
    s.check_clean()
    assert "bye" in s.read_log()
