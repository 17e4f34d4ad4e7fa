"""Blocking list commands: waking by pushes from other connections (other threads with
--threads 4), FIFO order among blocked clients, timeouts (float seconds, RESP2/RESP3
null replies), disconnects while blocked, BLMOVE chains, pipelined input held until the
client is served, and a many-consumer stress run. Keys are unique per test."""
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from conftest import SLOW


@pytest.fixture(scope="module")
def srv4(request):
    from conftest import Server
    s = Server(threads=4)
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0, s.read_log()[-3000:]


def wait_blocked(r, n, timeout=5.0):
    """Wait until n clients are blocked (INFO blocked_clients when the build has it,
    otherwise a short pause that is ample for a local round trip)."""
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        try:
            if r.info("clients").get("blocked_clients") == n:
                return
        except (redis.ResponseError, AttributeError):
            time.sleep(0.15 * SLOW)
            return
        time.sleep(0.01)
    raise AssertionError("clients did not block")


class RawClient:
    def __init__(self, server):
        self.s = socket.create_connection(("127.0.0.1", server.port), timeout=10 * SLOW)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def read_until(self, suffix, timeout=5.0):
        self.s.settimeout(timeout * SLOW)
        while not self.buf.endswith(suffix):
            chunk = self.s.recv(65536)
            if not chunk:
                break
            self.buf += chunk
        out, self.buf = self.buf, b""
        return out

    def pending(self, wait=0.05):
        """Bytes that arrived within `wait` seconds (b"" if none)."""
        self.s.settimeout(wait)
        try:
            return self.s.recv(65536)
        except socket.timeout:
            return b""

    def close(self):
        self.s.close()


def test_blpop_woken_by_other_connection(srv4):
    r = srv4.client()
    pool = ThreadPoolExecutor(1)
    fut = pool.submit(lambda: srv4.client().blpop(["bw1", "bw2"], 0))
    wait_blocked(r, 1)
    assert r.rpush("bw2", "x", "y") == 2
    assert fut.result(timeout=5 * SLOW) == (b"bw2", b"x")
    assert r.lrange("bw2", 0, -1) == [b"y"]
    fut = pool.submit(lambda: srv4.client().brpop(["bw2"], 0))
    assert fut.result(timeout=5 * SLOW) == (b"bw2", b"y")


def test_served_before_pusher_reply(srv4):
    """As in Redis: when RPUSH returns, the blocked client already took the element."""
    r = srv4.client()
    pool = ThreadPoolExecutor(1)
    fut = pool.submit(lambda: srv4.client().blpop(["bs"], 0))
    wait_blocked(r, 1)
    assert r.rpush("bs", "v") == 1  # the length right after the push, as Redis replies
    assert r.llen("bs") == 0
    assert fut.result(timeout=5 * SLOW) == (b"bs", b"v")


def test_fifo_among_three_clients(srv4):
    r = srv4.client()
    clients = [RawClient(srv4) for _ in range(3)]
    for c in clients:  # block in a known order, on connections spread over threads
        c.send(b"BLPOP fifo 0\r\n")
        time.sleep(0.05 * SLOW)
    wait_blocked(r, 3)
    assert r.rpush("fifo", "first", "second", "third") == 3
    got = [c.read_until(b"\r\n", 5).split(b"\r\n")[-2] for c in clients]
    assert got == [b"first", b"second", b"third"]
    # and again one push at a time: still the order they blocked in
    for c in clients:
        c.send(b"BLPOP fifo2 0\r\n")
        time.sleep(0.05 * SLOW)
    wait_blocked(r, 3)
    for v in ("a", "b", "c"):
        r.rpush("fifo2", v)
    got = [c.read_until(b"\r\n", 5).split(b"\r\n")[-2] for c in clients]
    assert got == [b"a", b"b", b"c"]
    for c in clients:
        c.close()


def test_timeouts_and_null_replies(srv4):
    c = RawClient(srv4)
    t0 = time.time()
    c.send(b"BLPOP tmo1 tmo2 0.2\r\n")
    assert c.read_until(b"*-1\r\n") == b"*-1\r\n"
    took = time.time() - t0
    assert 0.19 <= took < 2 * SLOW
    c.send(b"BRPOPLPUSH tmo1 tmo3 0.05\r\nBLMOVE tmo1 tmo3 LEFT LEFT 0.05\r\nBLMPOP 0.05 1 tmo1 LEFT\r\n")
    assert c.read_until(b"*-1\r\n*-1\r\n*-1\r\n") == b"*-1\r\n*-1\r\n*-1\r\n"
    c.send(b"HELLO 3\r\n")
    c.read_until(b"\r\n", 1)
    time.sleep(0.05)
    c.pending()
    c.send(b"BLPOP tmo1 0.01\r\nBRPOP tmo1 0.01\r\nBLMOVE tmo1 x LEFT LEFT 0.01\r\n")
    assert c.read_until(b"_\r\n_\r\n_\r\n") == b"_\r\n_\r\n_\r\n"
    # tiny timeouts round up to a millisecond instead of meaning "forever"
    c.send(b"BLPOP tmo1 0.00001\r\n")
    assert c.read_until(b"_\r\n", 2) == b"_\r\n"
    c.close()


def test_timeout_argument_errors(srv4):
    r = srv4.client()
    cases = {"abc": "timeout is not a float or out of range", " 1": "timeout is not a float or out of range",
             "nan": "timeout is not a float or out of range", "-1": "timeout is negative",
             "-0.5": "timeout is negative", "1e20": "timeout is negative", "inf": "timeout is negative",
             "9223372036854775807": "timeout is negative"}
    for t, msg in cases.items():
        for cmd in (("BLPOP", "te", t), ("BRPOP", "te", t), ("BRPOPLPUSH", "te", "te2", t),
                    ("BLMOVE", "te", "te2", "LEFT", "LEFT", t), ("BLMPOP", t, 1, "te", "LEFT")):
            with pytest.raises(redis.ResponseError) as e:
                r.execute_command(*cmd)
            assert str(e.value) == msg, (cmd, t)
    # -0.0001 rounds to 0: wait forever (served by a push here)
    c = RawClient(srv4)
    c.send(b"BLPOP te-neg0 -0.0001\r\n")
    assert c.pending(0.2 * SLOW) == b""
    r.rpush("te-neg0", "v")
    assert c.read_until(b"v\r\n") == b"*2\r\n$7\r\nte-neg0\r\n$1\r\nv\r\n"
    c.close()
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("BLMPOP", 0, 0, "te", "LEFT")
    assert str(e.value) == "numkeys should be greater than 0"


def test_disconnect_while_blocked_leaves_nothing(srv4):
    r = srv4.client()
    for i in range(5):
        c = RawClient(srv4)
        c.send(b"BLPOP gone 0\r\n" if i % 2 else b"BLMOVE gone gone2 LEFT RIGHT 5\r\n")
        time.sleep(0.02 * SLOW)
        c.close()
    time.sleep(0.1 * SLOW)
    assert r.rpush("gone", "kept") == 1
    assert r.lrange("gone", 0, -1) == [b"kept"]  # nobody left to take it
    assert r.ping()


def test_pipelined_input_waits_for_unblock(srv4):
    r = srv4.client()
    c = RawClient(srv4)
    c.send(b"BLPOP pipe 0\r\nPING\r\nRPUSH pipe-done x\r\n")
    wait_blocked(r, 1)
    assert c.pending(0.1) == b""  # PING is held behind the blocked BLPOP
    assert r.llen("pipe-done") == 0
    r.rpush("pipe", "v")
    assert c.read_until(b":1\r\n") == b"*2\r\n$4\r\npipe\r\n$1\r\nv\r\n+PONG\r\n:1\r\n"
    c.close()


def test_blmove_and_chains(srv4):
    r = srv4.client()
    pool = ThreadPoolExecutor(3)
    f1 = pool.submit(lambda: srv4.client().blmove("ch1", "ch2", 0, "RIGHT", "LEFT"))
    wait_blocked(r, 1)
    f2 = pool.submit(lambda: srv4.client().blpop(["ch2"], 0))
    wait_blocked(r, 2)
    r.rpush("ch1", "a", "b")
    assert f1.result(timeout=5 * SLOW) == b"b"
    assert f2.result(timeout=5 * SLOW) == (b"ch2", b"b")  # fed by the served BLMOVE
    assert r.lrange("ch1", 0, -1) == [b"a"]
    assert r.llen("ch2") == 0
    # circular BRPOPLPUSH: the element ends where it started
    f1 = pool.submit(lambda: srv4.client().brpoplpush("circ1", "circ2", 0))
    wait_blocked(r, 1)
    f2 = pool.submit(lambda: srv4.client().brpoplpush("circ2", "circ1", 0))
    wait_blocked(r, 2)
    r.rpush("circ1", "foo")
    assert f1.result(timeout=5 * SLOW) == b"foo"
    assert f2.result(timeout=5 * SLOW) == b"foo"
    assert r.lrange("circ1", 0, -1) == [b"foo"]
    assert r.llen("circ2") == 0
    # self-referential
    f1 = pool.submit(lambda: srv4.client().brpoplpush("self", "self", 0))
    wait_blocked(r, 1)
    r.rpush("self", "x")
    assert f1.result(timeout=5 * SLOW) == b"x"
    assert r.lrange("self", 0, -1) == [b"x"]


def test_blmove_wrong_destination_type(srv4):
    """Served with WRONGTYPE, the element stays; the next waiter still gets it."""
    r = srv4.client()
    r.set("wd-str", "x")
    c1, c2 = RawClient(srv4), RawClient(srv4)
    c1.send(b"BRPOPLPUSH wd-src wd-str 0\r\n")
    wait_blocked(r, 1)
    c2.send(b"BRPOPLPUSH wd-src wd-dst 0\r\n")
    wait_blocked(r, 2)
    r.rpush("wd-src", "v")
    assert c1.read_until(b"\r\n").startswith(b"-WRONGTYPE")
    assert c2.read_until(b"v\r\n") == b"$1\r\nv\r\n"
    assert r.lrange("wd-dst", 0, -1) == [b"v"]
    c1.close()
    c2.close()


def test_wrong_type_key_keeps_client_waiting(srv4):
    r = srv4.client()
    c = RawClient(srv4)
    c.send(b"BLPOP wt1 wt2 0\r\n")
    wait_blocked(r, 1)
    r.set("wt1", "now a string")  # not a list: the client stays blocked, no WRONGTYPE
    assert c.pending(0.15 * SLOW) == b""
    r.rpush("wt2", "v")
    assert c.read_until(b"v\r\n") == b"*2\r\n$3\r\nwt2\r\n$1\r\nv\r\n"
    c.close()


def test_same_key_twice_and_blmpop(srv4):
    r = srv4.client()
    pool = ThreadPoolExecutor(1)
    f = pool.submit(lambda: srv4.client().blpop(["tw1", "tw2", "tw2", "tw1"], 0))
    wait_blocked(r, 1)
    r.lpush("tw2", "b")
    assert f.result(timeout=5 * SLOW) == (b"tw2", b"b")
    f = pool.submit(lambda: srv4.client().execute_command("BLMPOP", 0, 2, "mp1", "mp2", "RIGHT", "COUNT", 2))
    wait_blocked(r, 1)
    r.rpush("mp2", "a", "b", "c")
    assert f.result(timeout=5 * SLOW) == [b"mp2", [b"c", b"b"]]
    assert r.lrange("mp2", 0, -1) == [b"a"]


def test_inside_multi_does_not_block(srv4):
    r = srv4.client()
    try:
        r.execute_command("MULTI")
        r.execute_command("DISCARD")
    except redis.ResponseError as e:
        pytest.skip("MULTI not in this build: %s" % e)
    p = r.pipeline(transaction=True)
    p.blpop(["mx"], 0)
    p.brpoplpush("mx", "my", 0)
    p.execute_command("BLMPOP", 0, 1, "mx", "LEFT")
    assert p.execute() == [None, None, None]


def test_client_unblock(srv4):
    r = srv4.client()
    c = RawClient(srv4)
    c.send(b"CLIENT ID\r\n")
    line = c.read_until(b"\r\n", 2)
    if not line.startswith(b":"):
        pytest.skip("CLIENT ID/UNBLOCK not in this build")
    cid = int(line[1:-2])
    c.send(b"BLPOP ub 0\r\n")
    wait_blocked(r, 1)
    assert r.client_unblock(cid) == 1
    assert c.read_until(b"*-1\r\n") == b"*-1\r\n"
    assert r.client_unblock(cid) == 0
    c.send(b"BLPOP ub 0\r\n")
    wait_blocked(r, 1)
    assert r.client_unblock(cid, error=True) == 1
    assert c.read_until(b"\r\n") == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("CLIENT", "UNBLOCK", cid, "MAYBE")
    assert str(e.value) == "CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
    c.close()


def test_many_consumers_every_element_once(srv4):
    """8 consumers on 4 threads, 3 keys, 300 elements: each delivered exactly once."""
    keys = ["mc:%d" % i for i in range(3)]
    got, lock = [], threading.Lock()

    def consume():
        c = srv4.client()
        while True:
            item = c.blpop(keys, 1.0 * SLOW)
            if item is None:
                return
            with lock:
                got.append(item[1])

    pool = ThreadPoolExecutor(8)
    futs = [pool.submit(consume) for _ in range(8)]
    r = srv4.client()
    sent = []
    for i in range(300):
        v = b"e%d" % i
        r.rpush(keys[i % 3], v)
        sent.append(v)
    for f in futs:
        f.result(timeout=30 * SLOW)
    assert sorted(got) == sorted(sent)
    assert all(r.llen(k) == 0 for k in keys)


def test_many_short_timeouts(srv4):
    clients = [RawClient(srv4) for _ in range(30)]
    t0 = time.time()
    for i, c in enumerate(clients):
        c.send(b"BLPOP short%d 0.%02d\r\n" % (i, 5 + i % 20))
    for c in clients:
        assert c.read_until(b"*-1\r\n", 5) == b"*-1\r\n"
    assert time.time() - t0 < 3 * SLOW
    for c in clients:
        c.close()
