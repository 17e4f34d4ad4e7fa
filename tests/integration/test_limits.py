"""Connection and request limits (docs/security.md): maxclients, the per-address
connection cap and connection rate, per-address and per-user command rate limits, the
idle timeout, the incomplete-request deadline (slowloris), query and output buffer
limits. Floods come from 127.0.0.2 (any 127/8 address is loopback on Linux) so that the
well-behaved client on 127.0.0.1 shows it is not affected."""
import os
import socket
import threading
import time

import pytest
import redis

from conftest import SLOW
from respwire import RawConn, RespError, assert_alive, raise_nofile, rss_kb, wait_for

FLOOD_ADDR = "127.0.0.2"


def connect(server, source=None, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout * SLOW,
                                 source_address=(source, 0) if source else None)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def ping(sock):
    """PING on a raw socket: the reply line, or None when the server closed it."""
    try:
        sock.sendall(b"PING\r\n")
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = sock.recv(4096)
            if not chunk:
                return None
            data += chunk
        return data
    except (ConnectionResetError, BrokenPipeError):
        return None


def first_line(sock):
    """What a refused connection is told before the close (b'' if nothing)."""
    data = b""
    try:
        while not data.endswith(b"\r\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


def info_stat(server, field, section="stats"):
    """An INFO field as an int, asked from an address no test floods (127.0.0.9), so
    per-address limits do not get in the way."""
    c = RawConn.__new__(RawConn)
    c.sock = connect(server, "127.0.0.9")
    c.buf = b""
    with c:
        r = c.call("INFO", section)
    assert isinstance(r, bytes), r
    for line in r.decode().splitlines():
        if line.startswith(field + ":"):
            return int(line.split(":")[1])
    raise AssertionError("no %s in INFO %s" % (field, section))


def closed_within(sock, seconds):
    """True if the server closes `sock` within `seconds` (scaled)."""
    sock.settimeout(seconds * SLOW)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


# ---------------------------------------------------------------- per-address connection cap


def settle(server, others=0):
    """Wait until the server has finished closing earlier connections (the start-up
    probe's...): only `others` clients besides the asking one remain."""
    assert wait_for(lambda: info_stat(server, "connected_clients", "clients") == 1 + others, 5)


def test_maxclients_per_ip_refuses_excess_early(make_server):
    s = make_server(["--maxclients-per-ip", "5"])
    settle(s)
    mine = [connect(s) for _ in range(5)]
    for m in mine:
        assert ping(m) == b"+PONG\r\n"
    extra = connect(s)
    assert first_line(extra) == b"-ERR max number of clients per address reached\r\n"
    assert closed_within(extra, 2)
    # another address has its own budget
    other = connect(s, FLOOD_ADDR)
    assert ping(other) == b"+PONG\r\n"
    # closing one frees a slot
    mine.pop().close()
    assert wait_for(lambda: ping_new(s) == b"+PONG\r\n", 3)
    assert info_stat(s, "rejected_connections") >= 1
    assert info_stat(s, "rejected_connections_per_ip") >= 1
    for m in mine + [other]:
        m.close()


def ping_new(server):
    try:
        with connect(server) as c:
            return ping(c)
    except OSError:
        return None


def test_maxclients_per_ip_config_set(make_server):
    s = make_server()
    r = s.client()
    assert r.config_get("maxclients-per-ip") == {"maxclients-per-ip": "0"}
    r.config_set("maxclients-per-ip", "2")
    settle(s, others=1)
    # r holds one connection
    a = connect(s)
    assert ping(a) == b"+PONG\r\n"
    b = connect(s)
    assert first_line(b) == b"-ERR max number of clients per address reached\r\n"
    with pytest.raises(redis.ResponseError, match="argument must be between 0 and 4294967295"):
        r.config_set("maxclients-per-ip", "-1")
    r.config_set("maxclients-per-ip", "0")
    c = connect(s)
    assert ping(c) == b"+PONG\r\n"
    for x in (a, b, c):
        x.close()


def test_flood_of_connections_does_not_starve_good_client(make_server):
    """2,000 connections from one address while a client on another keeps working."""
    raise_nofile(8192)
    s = make_server(["--maxclients-per-ip", "100", "--maxclients", "1000"])
    good = s.client()
    good.set("k", "v")
    flood = []
    refused = 0
    stop = threading.Event()
    answers = []

    def well_behaved():
        while not stop.is_set():
            answers.append(good.get("k"))
            # a fresh connection from the good address keeps working too
            with connect(s) as c:
                answers.append(ping(c))

    t = threading.Thread(target=well_behaved)
    t.start()
    try:
        for _ in range(2000):
            try:
                flood.append(connect(s, FLOOD_ADDR, timeout=2))
            except OSError:
                refused += 1
        # exactly 100 were served; everything past them was refused at accept time
        accepted = 0
        for f in flood:
            line = ping(f) if f.fileno() >= 0 else None
            if line == b"+PONG\r\n":
                accepted += 1
            else:
                assert line in (None, b"-ERR max number of clients per address reached\r\n"), line
    finally:
        stop.set()
        t.join()
        for f in flood:
            f.close()
    assert accepted == 100
    assert len(answers) > 2
    assert all(a in (b"v", b"+PONG\r\n") for a in answers), answers[:5]
    assert good.get("k") == b"v"
    assert_alive(s)


def test_maxclients_refuses_with_redis_error(make_server):
    s = make_server(["--maxclients", "3", "--unixsocket", "/tmp/warden-mc-%d.sock" % os.getpid()])
    admin = RawConn(unix="/tmp/warden-mc-%d.sock" % os.getpid())
    assert wait_for(lambda: int(admin.call("INFO", "clients").decode().split("connected_clients:")[1]
                                .split("\r")[0]) == 1, 5)
    held = [connect(s) for _ in range(2)]  # + admin = 3
    for h in held:
        assert ping(h) == b"+PONG\r\n"
    extra = connect(s)
    assert first_line(extra) == b"-ERR max number of clients reached\r\n"
    for h in held:
        h.close()
    assert wait_for(lambda: ping_new(s) == b"+PONG\r\n", 3)
    admin.close()


# ---------------------------------------------------------------- connection rate per address


def test_connection_rate_per_ip(make_server):
    s = make_server()
    r = s.client()
    r.config_set("connection-rate-per-ip", "5 5")  # (the start-up probe would use tokens)
    ok = []
    for _ in range(5):
        c = connect(s)
        assert ping(c) == b"+PONG\r\n"
        ok.append(c)
    late = connect(s)
    assert first_line(late) == b"-ERR too many new connections from this address, slow down\r\n"
    # other addresses have their own bucket
    with connect(s, FLOOD_ADDR) as o:
        assert ping(o) == b"+PONG\r\n"
    # 5 tokens a second: one is back after 200 ms
    time.sleep(0.35)
    with connect(s) as c:
        assert ping(c) == b"+PONG\r\n"
    for c in ok:
        c.close()
    assert r.config_get("connection-rate-per-ip") == {"connection-rate-per-ip": "5 5"}


def test_rate_option_syntax(make_server):
    s = make_server()
    r = s.client()
    for name in ("connection-rate-per-ip", "rate-limit-per-ip", "rate-limit-per-user"):
        assert r.config_get(name) == {name: "0 0"}
        r.config_set(name, "100")
        assert r.config_get(name) == {name: "100 100"}
        r.config_set(name, "100 250")
        assert r.config_get(name) == {name: "100 250"}
        for bad in ("-1", "abc", "1 2 3", "1000000001", "10 x", ""):
            with pytest.raises(redis.ResponseError) as e:
                r.config_set(name, bad)
            assert "CONFIG SET failed (possibly related to argument '%s')" % name in str(e.value)
        r.config_set(name, "0")
        assert r.config_get(name) == {name: "0 0"}


# ---------------------------------------------------------------- command rate limits


def count_replies(conn, n):
    out = [conn.read_reply() for _ in range(n)]
    ok = sum(1 for x in out if x == "PONG")
    limited = [x for x in out if isinstance(x, RespError)]
    return ok, limited


def test_rate_limit_per_ip(make_server):
    s = make_server(["--unixsocket", "/tmp/warden-rl-%d.sock" % os.getpid()])
    admin = RawConn(unix="/tmp/warden-rl-%d.sock" % os.getpid())
    assert admin.call("CONFIG", "SET", "rate-limit-per-ip", "10 10") == "OK"
    with RawConn(s.port) as c:
        c.send(b"PING\r\n" * 30)
        ok, limited = count_replies(c, 30)
        assert 10 <= ok <= 12, ok  # the burst (+ what refilled meanwhile)
        assert limited and all(str(x) == "RATELIMIT too many commands, slow down" for x in limited)
        # the connection stays usable; tokens come back at 10/s
        time.sleep(0.25)
        assert c.call("PING") == "PONG"
    # a second connection from the same address shares the bucket
    with RawConn(s.port) as c1, RawConn(s.port) as c2:
        c1.send(b"PING\r\n" * 15)
        ok1, _ = count_replies(c1, 15)
        c2.send(b"PING\r\n" * 15)
        ok2, _ = count_replies(c2, 15)
        assert ok1 + ok2 <= 14
    # unix socket clients have no address: never limited by it
    admin.send(b"PING\r\n" * 50)
    assert count_replies(admin, 50) == (50, [])
    r = admin.call("INFO", "stats").decode()
    assert int(r.split("rate_limited_commands:")[1].split("\r")[0]) >= 15
    assert admin.call("CONFIG", "SET", "rate-limit-per-ip", "0") == "OK"
    with RawConn(s.port) as c:
        c.send(b"PING\r\n" * 100)
        assert count_replies(c, 100) == (100, [])
    admin.close()


def test_rate_limit_per_user(make_server):
    s = make_server()
    r = s.client()
    r.execute_command("ACL", "SETUSER", "bob", "on", ">pw", "~*", "+@all")
    r.config_set("rate-limit-per-user", "5 5")
    with RawConn(s.port) as bob, RawConn(s.port) as other:
        assert bob.call("AUTH", "bob", "pw") == "OK"
        bob.send(b"PING\r\n" * 20)
        ok, limited = count_replies(bob, 20)
        assert 5 <= ok <= 6
        assert all(str(x) == "RATELIMIT too many commands, slow down" for x in limited)
        # the default user has its own bucket
        other.send(b"PING\r\n" * 3)
        assert count_replies(other, 3) == (3, [])
    time.sleep(0.5)
    r.config_set("rate-limit-per-user", "0")
    with RawConn(s.port) as bob:
        assert bob.call("AUTH", "bob", "pw") == "OK"
        bob.send(b"PING\r\n" * 30)
        assert count_replies(bob, 30) == (30, [])


# ---------------------------------------------------------------- timeouts


def test_idle_timeout_closes_idle_not_active(make_server):
    s = make_server(["--timeout", "1"])
    idle = connect(s)
    assert ping(idle) == b"+PONG\r\n"
    active = connect(s)
    t0 = time.time()
    while time.time() - t0 < 1.6:  # longer than `timeout`, whatever the build's speed
        assert ping(active) == b"+PONG\r\n"
        time.sleep(0.2)
    assert closed_within(idle, 2.5)
    assert ping(active) == b"+PONG\r\n"
    stat = info_stat(s, "client_idle_timeouts")
    assert stat >= 1


def test_slowloris_request_deadline(make_server):
    s = make_server(["--client-request-timeout", "1"])
    # an incomplete request dribbled a byte at a time is cut off at the deadline
    slow = connect(s)
    req = b"*2\r\n$3\r\nGET\r\n$100\r\n" + b"x" * 100 + b"\r\n"
    t0 = time.time()
    closed = False
    for i in range(len(req) - 1):
        try:
            slow.sendall(req[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        time.sleep(0.05)
        if time.time() - t0 > 3 * SLOW:
            break
    if not closed:
        closed = closed_within(slow, 2)
    assert closed
    assert time.time() - t0 < 4 * SLOW
    # a connected client with nothing pending is not affected (timeout is 0)
    quiet = connect(s)
    assert ping(quiet) == b"+PONG\r\n"
    time.sleep(1.5)
    assert ping(quiet) == b"+PONG\r\n"
    # a request that completes in time is served, even in several pieces
    with connect(s) as c:
        c.sendall(b"*1\r\n$4\r\nP")
        time.sleep(0.3)
        c.sendall(b"ING\r\n")
        assert first_line(c) == b"+PONG\r\n"
    stat = info_stat(s, "client_request_timeouts")
    assert stat >= 1
    assert_alive(s)


def test_request_timeout_config(make_server):
    s = make_server()
    r = s.client()
    assert r.config_get("client-request-timeout") == {"client-request-timeout": "0"}
    with connect(s) as c:
        c.sendall(b"*1\r\n$4\r\nPI")
        r.config_set("client-request-timeout", "1")
        assert closed_within(c, 3)


# ---------------------------------------------------------------- buffer limits


def test_query_buffer_limit(make_server):
    s = make_server(["--client-query-buffer-limit", "1mb"])
    with connect(s) as c:
        c.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n")
        try:
            c.sendall(b"x" * (1100 * 1024))
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed_within(c, 3)
    assert_alive(s)


def test_output_buffer_hard_limit_disconnects_greedy_reader(make_server):
    s = make_server(["--client-output-buffer-limit", "normal", "1mb", "0", "0"])
    r = s.client()
    r.set("big", b"x" * (256 << 10))  # 256 KB
    rss_before = rss_kb(s.proc.pid)
    c = connect(s)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # ask for 50 MB of replies and do not read them
    c.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 200)
    time.sleep(0.3)
    got = 0
    c.settimeout(5 * SLOW)
    try:
        while True:
            chunk = c.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
    except ConnectionResetError:
        pass
    c.close()
    assert got < 16 * (1 << 20)  # cut off long before the 50 MB
    assert rss_kb(s.proc.pid) - rss_before < 64 * 1024  # memory stayed bounded
    assert r.get("big") == b"x" * (256 << 10)  # others are served
    assert "scheduled to be closed ASAP for overcoming of output buffer limits" in s.read_log()
    stat = info_stat(s, "client_output_buffer_limit_disconnections")
    assert stat >= 1


def test_output_buffer_soft_limit_needs_time(make_server):
    s = make_server(["--client-output-buffer-limit", "normal", "0", "256kb", "1"])
    r = s.client()
    r.set("big", b"y" * (8 << 20))
    c = connect(s)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")
    time.sleep(0.5)
    # over the soft limit, but not for long enough yet: still connected
    assert "overcoming of output buffer limits" not in s.read_log()
    # without any further command from the client, the cron closes it after > 1 s
    assert wait_for(lambda: "overcoming of output buffer limits" in s.read_log(), 4)
    assert closed_within(c, 3)
    c.close()
    # a reader that keeps up is never closed
    r2 = s.client()
    for _ in range(3):
        assert len(r2.get("big")) == 8 << 20


def test_output_buffer_limit_config_set(make_server):
    s = make_server()
    r = s.client()
    assert r.config_get("client-output-buffer-limit") == {
        "client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}
    r.config_set("client-output-buffer-limit", "normal 100kb 0 0")
    r.set("k", b"z" * 60000)
    c = connect(s)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.sendall(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" * 200)
    assert closed_within(c, 5)
    c.close()
    r.config_set("client-output-buffer-limit", "normal 0 0 0")
    assert len(r.get("k")) == 60000
