"""Pub/Sub: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH/SPUBLISH,
PUBSUB introspection, RESP2 subscribe mode and RESP3 pushes, delivery across worker
threads in publish order, cleanup on disconnect/RESET, and the
client-output-buffer-limit pubsub disconnection of slow subscribers."""
import os
import threading
import time

import pytest
import redis

from conftest import SLOW
from rawclient import RawClient


def plain(c):
    c.response_callbacks.clear()
    return c


@pytest.fixture
def r(server):
    c = plain(server.client())
    yield c
    c.close()


@pytest.fixture
def raw(server):
    made = []

    def make(**kw):
        c = RawClient(server.port, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def wait_for(pred, timeout=5.0):
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


def numsub(r, ch, shard=False):
    res = r.execute_command("PUBSUB", "SHARDNUMSUB" if shard else "NUMSUB", ch)
    return res[1]


# ------------------------------------------------------------------ replies, RESP2


def test_subscribe_replies_and_counts(raw):
    c = raw()
    assert c.call("SUBSCRIBE", "a", "b", "a") == [b"subscribe", b"a", 1]
    assert c.read() == [b"subscribe", b"b", 2]
    assert c.read() == [b"subscribe", b"a", 2]  # already subscribed: count unchanged
    assert c.call("PSUBSCRIBE", "p*") == [b"psubscribe", b"p*", 3]
    assert c.call("SSUBSCRIBE", "s1", "s2") == [b"ssubscribe", b"s1", 1]  # shard count apart
    assert c.read() == [b"ssubscribe", b"s2", 2]
    assert c.call("UNSUBSCRIBE", "a", "nosuch") == [b"unsubscribe", b"a", 2]
    assert c.read() == [b"unsubscribe", b"nosuch", 2]
    got = c.call("UNSUBSCRIBE")
    assert got == [b"unsubscribe", b"b", 1]
    assert c.call("PUNSUBSCRIBE") == [b"punsubscribe", b"p*", 0]
    # still in subscribe mode: shard subscriptions remain
    assert c.call("GET", "x")[0] == "-"
    s = sorted([c.call("SUNSUBSCRIBE"), c.read()])
    assert s == [[b"sunsubscribe", b"s1", 0], [b"sunsubscribe", b"s2", 1]] or \
        s == [[b"sunsubscribe", b"s1", 1], [b"sunsubscribe", b"s2", 0]]
    assert c.call("GET", "x") is None  # back to normal mode


def test_unsubscribe_without_subscriptions(raw):
    c = raw()
    assert c.call("UNSUBSCRIBE") == [b"unsubscribe", None, 0]
    assert c.call("PUNSUBSCRIBE") == [b"punsubscribe", None, 0]
    assert c.call("SUNSUBSCRIBE") == [b"sunsubscribe", None, 0]
    assert c.call("UNSUBSCRIBE", "a", "b") == [b"unsubscribe", b"a", 0]
    assert c.read() == [b"unsubscribe", b"b", 0]
    assert c.call("PING") == ("+", "PONG")


def test_subscribe_mode_restrictions(raw):
    c = raw()
    c.call("SUBSCRIBE", "a")
    assert c.call("GET", "x") == ("-", "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                                       "QUIT / RESET are allowed in this context")
    assert c.call("PUBSUB", "NUMSUB") == ("-", "ERR Can't execute 'pubsub|numsub': only (P|S)SUBSCRIBE / "
                                               "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
    assert c.call("PING") == [b"pong", b""]
    assert c.call("PING", "hello") == [b"pong", b"hello"]
    assert c.call("PSUBSCRIBE", "x*") == [b"psubscribe", b"x*", 2]
    assert c.call("RESET") == ("+", "RESET")
    assert c.call("GET", "x") is None
    assert c.call("PING") == ("+", "PONG")


def test_subscribe_mode_quit(raw):
    c = raw()
    c.call("SUBSCRIBE", "a")
    assert c.call("QUIT") == ("+", "OK")
    assert c.closed_by_server()


def test_arity_and_pubsub_errors(r):
    for args, msg in [
        (("SUBSCRIBE",), "wrong number of arguments for 'subscribe' command"),
        (("PSUBSCRIBE",), "wrong number of arguments for 'psubscribe' command"),
        (("SSUBSCRIBE",), "wrong number of arguments for 'ssubscribe' command"),
        (("PUBLISH", "a"), "wrong number of arguments for 'publish' command"),
        (("PUBLISH", "a", "b", "c"), "wrong number of arguments for 'publish' command"),
        (("SPUBLISH", "a"), "wrong number of arguments for 'spublish' command"),
        (("PUBSUB",), "wrong number of arguments for 'pubsub' command"),
        (("PUBSUB", "FOO"), "unknown subcommand 'FOO'. Try PUBSUB HELP."),
        (("PUBSUB", "NUMPAT", "x"), "wrong number of arguments for 'pubsub|numpat' command"),
        (("PUBSUB", "CHANNELS", "a", "b"),
         "unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."),
        (("PUBSUB", "shardchannels", "a", "b"),
         "unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP."),
    ]:
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*args)
        assert str(e.value) == msg, args


def test_pubsub_help(r):
    lines = r.execute_command("PUBSUB", "HELP")
    assert lines[0].startswith(b"PUBSUB <subcommand>")
    text = b"\n".join(lines)
    for sub in (b"CHANNELS", b"NUMPAT", b"NUMSUB", b"SHARDCHANNELS", b"SHARDNUMSUB", b"HELP"):
        assert sub in text


def test_publish_and_pattern_delivery(r, raw):
    s = raw()
    s.call("SUBSCRIBE", "news.tech")
    s.call("PSUBSCRIBE", "news.*")
    s.call("PSUBSCRIBE", "h?llo", "h[ae]llo", "x\\*y")
    for _ in range(2):
        s.read()
    assert r.execute_command("PUBLISH", "news.tech", "m1") == 2
    assert s.read() == [b"message", b"news.tech", b"m1"]
    assert s.read() == [b"pmessage", b"news.*", b"news.tech", b"m1"]
    assert r.execute_command("PUBLISH", "news.art", "m2") == 1
    assert s.read() == [b"pmessage", b"news.*", b"news.art", b"m2"]
    assert r.execute_command("PUBLISH", "hallo", "m3") == 2
    got = sorted([s.read(), s.read()])
    assert got == [[b"pmessage", b"h?llo", b"hallo", b"m3"], [b"pmessage", b"h[ae]llo", b"hallo", b"m3"]]
    assert r.execute_command("PUBLISH", "HELLO", "case") == 0  # patterns are case-sensitive
    assert r.execute_command("PUBLISH", "x*y", "lit") == 1
    assert s.read() == [b"pmessage", b"x\\*y", b"x*y", b"lit"]
    assert r.execute_command("PUBLISH", "xzy", "no") == 0
    assert r.execute_command("PUBLISH", "nobody", "x") == 0


def test_binary_and_empty_messages(r, raw):
    s = raw()
    ch = b"bin\x00\r\nch"
    s.call("SUBSCRIBE", ch)
    payload = bytes(range(256)) * 4
    assert r.execute_command("PUBLISH", ch, payload) == 1
    assert s.read() == [b"message", ch, payload]
    assert r.execute_command("PUBLISH", ch, b"") == 1
    assert s.read() == [b"message", ch, b""]


def test_shard_channels(r, raw):
    s = raw()
    assert s.call("SSUBSCRIBE", "orders") == [b"ssubscribe", b"orders", 1]
    assert r.execute_command("PUBLISH", "orders", "x") == 0  # other namespace
    assert r.execute_command("SPUBLISH", "orders", "o1") == 1
    assert s.read() == [b"smessage", b"orders", b"o1"]
    assert r.execute_command("PUBSUB", "SHARDCHANNELS") == [b"orders"]
    assert r.execute_command("PUBSUB", "SHARDCHANNELS", "ord*") == [b"orders"]
    assert r.execute_command("PUBSUB", "SHARDCHANNELS", "x*") == []
    assert r.execute_command("PUBSUB", "SHARDNUMSUB", "orders", "none") == [b"orders", 1, b"none", 0]
    assert r.execute_command("PUBSUB", "CHANNELS") == []
    assert s.call("SUNSUBSCRIBE", "orders") == [b"sunsubscribe", b"orders", 0]
    assert r.execute_command("PUBSUB", "SHARDCHANNELS") == []


def test_ssubscribe_refused_inside_multi(raw):
    c = raw()
    c.call("MULTI")
    assert c.call("SSUBSCRIBE", "a") == ("+", "QUEUED")
    assert c.call("SUBSCRIBE", "b") == ("+", "QUEUED")
    assert c.call("EXEC") == [("-", "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"),
                              [b"subscribe", b"b", 1]]
    assert c.call("PING") == [b"pong", b""]  # now in subscribe mode


def test_pubsub_introspection(r, raw):
    a, b = raw(), raw()
    a.call("SUBSCRIBE", "c1", "c2")
    a.read()
    b.call("SUBSCRIBE", "c2")
    b.call("PSUBSCRIBE", "p1*", "p2*")
    b.read()
    a.call("PSUBSCRIBE", "p1*")
    assert sorted(r.execute_command("PUBSUB", "CHANNELS")) == [b"c1", b"c2"]
    assert r.execute_command("PUBSUB", "CHANNELS", "*1") == [b"c1"]
    assert r.execute_command("PUBSUB", "NUMSUB", "c1", "c2", "c3") == [b"c1", 1, b"c2", 2, b"c3", 0]
    assert r.execute_command("PUBSUB", "NUMSUB") == []
    assert r.execute_command("PUBSUB", "NUMPAT") == 2  # distinct patterns
    a.close()
    assert wait_for(lambda: r.execute_command("PUBSUB", "NUMSUB", "c2") == [b"c2", 1])
    assert r.execute_command("PUBSUB", "CHANNELS") == [b"c2"]
    b.call("RESET")
    assert r.execute_command("PUBSUB", "CHANNELS") == []
    assert r.execute_command("PUBSUB", "NUMPAT") == 0


def test_pubsub_numsub_resp3_is_flat_array(raw):
    c = raw()
    c.call("HELLO", "3")
    assert c.call("PUBSUB", "NUMSUB", "a") == [b"a", 0]
    assert c.call("PUBSUB", "CHANNELS") == []


# ------------------------------------------------------------------ RESP3


def test_resp3_push_and_normal_commands(r, raw):
    c = raw()
    assert c.call("HELLO", "3")[b"proto"] == 3
    assert c.call("SUBSCRIBE", "a") == ("push", [b"subscribe", b"a", 1])
    assert c.call("GET", "nosuch") == ("null",)  # normal commands allowed
    assert c.call("PING") == ("+", "PONG")
    assert r.execute_command("PUBLISH", "a", "from-other") == 1
    assert c.read() == ("push", [b"message", b"a", b"from-other"])
    # publishing to itself: the message comes before the reply, as Redis
    c.send("PUBLISH", "a", "self")
    assert c.read() == ("push", [b"message", b"a", b"self"])
    assert c.read() == 1
    c.call("PSUBSCRIBE", "a*")
    assert r.execute_command("PUBLISH", "ab", "pm") == 1
    assert c.read() == ("push", [b"pmessage", b"a*", b"ab", b"pm"])
    assert c.call("UNSUBSCRIBE") == ("push", [b"unsubscribe", b"a", 1])
    assert c.call("PUNSUBSCRIBE") == ("push", [b"punsubscribe", b"a*", 0])
    assert c.call("UNSUBSCRIBE") == ("push", [b"unsubscribe", ("null",), 0])


def test_resp3_publish_to_self_inside_exec(raw):
    """Inside EXEC the message cannot go in the middle of EXEC's array: it follows it
    (a deliberate difference from Redis 7.0, which writes it inside the array)."""
    c = raw()
    c.call("HELLO", "3")
    c.call("SUBSCRIBE", "a")
    c.call("MULTI")
    c.call("PUBLISH", "a", "x")
    assert c.call("EXEC") == [1]
    assert c.read() == ("push", [b"message", b"a", b"x"])


def test_resp3_self_messages_keep_order_across_exec(raw):
    """Pipelined: a message published inside EXEC waits for EXEC's reply, and still
    comes before the message of the PUBLISH that follows it. (Redis 7.0 writes it inside
    EXEC's array, which a RESP3 client cannot tell from an element; 7.2 defers it.)"""
    c = raw()
    c.call("HELLO", "3")
    c.call("SUBSCRIBE", "o")
    c.sock.sendall(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$7\r\nPUBLISH\r\n$1\r\no\r\n$1\r\n1\r\n*1\r\n$4\r\nEXEC\r\n"
                   b"*3\r\n$7\r\nPUBLISH\r\n$1\r\no\r\n$1\r\n2\r\n")
    got = [c.read() for _ in range(6)]
    assert got == [("+", "OK"), ("+", "QUEUED"), [1], ("push", [b"message", b"o", b"1"]),
                   ("push", [b"message", b"o", b"2"]), 1]


def test_client_list_and_info_counts(server, r, raw):
    s = raw()
    s.call("SUBSCRIBE", "x", "y")
    s.read()
    s.call("PSUBSCRIBE", "p*")
    s.call("SSUBSCRIBE", "sh")
    try:
        lines = r.execute_command("CLIENT", "LIST").decode().splitlines()
        info = r.execute_command("INFO", "stats").decode()
    except redis.ResponseError:
        pytest.skip("CLIENT LIST / INFO not in this build")
    mine = [l for l in lines if "cmd=ssubscribe" in l]
    assert len(mine) == 1
    fields = dict(f.split("=", 1) for f in mine[0].split())
    assert (fields["flags"], fields["sub"], fields["psub"], fields["ssub"], fields["multi"]) == ("P", "2", "1", "1", "-1")
    assert "pubsub_channels:2\r\n" in info and "pubsub_patterns:1\r\n" in info
    assert "pubsubshard_channels:1\r\n" in info


# ------------------------------------------------------------------ many connections, threads


@pytest.fixture(scope="module")
def threaded():
    from conftest import Server
    s = Server(threads=4)
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0


def read_messages(c, n):
    out = []
    while len(out) < n:
        m = c.read()
        assert m[0] in (b"message", b"pmessage"), m
        out.append(m)
    return out


def test_many_subscribers_ordered_delivery(threaded):
    """40 subscribers spread over 4 worker threads; 3 publishers on other connections
    publish 150 numbered messages each, concurrently. Every subscriber receives every
    message, and each publisher's messages in its publish order."""
    nsubs, npubs, per = 40, 3, 150 if SLOW == 1 else 50
    subs = []
    for i in range(nsubs):
        c = RawClient(threaded.port, timeout=20 * SLOW)
        if i % 2:
            assert c.call("SUBSCRIBE", "feed")[0] == b"subscribe"
        else:
            assert c.call("PSUBSCRIBE", "fe*")[0] == b"psubscribe"
        subs.append(c)

    def publisher(p):
        cl = plain(threaded.client())
        for i in range(per):
            assert cl.execute_command("PUBLISH", "feed", "%d:%d" % (p, i)) == nsubs
        cl.close()

    ts = [threading.Thread(target=publisher, args=(p,)) for p in range(npubs)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for c in subs:
        msgs = read_messages(c, npubs * per)
        seen = {p: [] for p in range(npubs)}
        for m in msgs:
            p, i = m[-1].decode().split(":")
            seen[int(p)].append(int(i))
        for p in range(npubs):
            assert seen[p] == list(range(per))
        c.close()


def test_pipelined_publishes_keep_order(threaded):
    c = RawClient(threaded.port, timeout=20 * SLOW)
    c.call("SUBSCRIBE", "pipe")
    pub = RawClient(threaded.port, timeout=20 * SLOW)
    n = 2000
    pub.sock.sendall(b"".join(b"*3\r\n$7\r\nPUBLISH\r\n$4\r\npipe\r\n$%d\r\n%d\r\n" % (len(str(i)), i)
                              for i in range(n)))
    for i in range(n):
        assert pub.read() == 1
    got = [int(m[2]) for m in read_messages(c, n)]
    assert got == list(range(n))
    c.close()
    pub.close()


def test_unsubscribe_while_flooded_leaves_no_stray_message(threaded):
    """A RESP2 client that has just left subscribe mode must not receive a message that
    was still in flight: its next reply must be the reply to its next command."""
    stop = threading.Event()

    def flood():
        cl = plain(threaded.client())
        while not stop.is_set():
            cl.execute_command("PUBLISH", "flood", "x" * 100)
        cl.close()

    ts = [threading.Thread(target=flood) for _ in range(2)]
    for t in ts:
        t.start()
    try:
        c = RawClient(threaded.port, timeout=20 * SLOW)
        for _ in range(40 if SLOW == 1 else 15):
            c.send("SUBSCRIBE", "flood")
            m = c.read()
            while m[0] == b"message":
                m = c.read()
            assert m == [b"subscribe", b"flood", 1]
            time.sleep(0.002)
            c.send("UNSUBSCRIBE")
            m = c.read()
            while m[0] == b"message":
                m = c.read()
            assert m == [b"unsubscribe", b"flood", 0]
            assert c.call("PING") == ("+", "PONG")
        c.close()
    finally:
        stop.set()
        for t in ts:
            t.join()


def test_subscriber_disconnects_cleanly_with_messages_in_flight(threaded):
    r = plain(threaded.client())
    for _ in range(30):
        c = RawClient(threaded.port)
        c.call("SUBSCRIBE", "gone")
        for i in range(20):
            r.execute_command("PUBLISH", "gone", "m%d" % i)
        c.close()
    assert wait_for(lambda: numsub(r, "gone") == 0)
    r.close()


# ------------------------------------------------------------------ slow subscribers


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_slow_subscriber_hard_limit(make_server):
    s = make_server(config_text="client-output-buffer-limit pubsub 1mb 0 0\n", threads=2)
    r = plain(s.client())
    slow = RawClient(s.port, rcvbuf=4096)
    assert slow.call("SUBSCRIBE", "big") == [b"subscribe", b"big", 1]
    fast = RawClient(s.port, timeout=20 * SLOW)  # a reader that keeps up is not cut off
    fast.call("SUBSCRIBE", "big")
    before = rss_kb(s.proc.pid)
    chunk = b"z" * (64 * 1024)
    sent = 0
    for i in range(400):  # 25 MB in total
        r.execute_command("PUBLISH", "big", chunk)
        sent += 1
        assert fast.read() == [b"message", b"big", chunk]
        if i % 50 == 49 and numsub(r, "big") == 1:
            break
    assert wait_for(lambda: numsub(r, "big") == 1), "slow subscriber still subscribed"
    assert slow.closed_by_server()
    assert "overcoming of output buffer limits" in s.read_log()
    # the slow reader cost at most about its limit, not what was published
    assert rss_kb(s.proc.pid) - before < 20 * 1024 * SLOW
    assert r.execute_command("PUBLISH", "big", "still-works") == 1
    assert fast.read() == [b"message", b"big", b"still-works"]
    slow.close()
    fast.close()
    r.close()


def test_slow_subscriber_soft_limit(make_server):
    s = make_server(config_text="client-output-buffer-limit pubsub 0 256kb 1\n", threads=2)
    r = plain(s.client())
    slow = RawClient(s.port, rcvbuf=4096)
    slow.call("SUBSCRIBE", "soft")
    chunk = b"s" * (32 * 1024)
    for _ in range(200):  # well over the soft limit at once, but no hard limit
        r.execute_command("PUBLISH", "soft", chunk)
    assert numsub(r, "soft") == 1  # over the soft limit for less than 1 second
    deadline = time.time() + 6 * SLOW
    while time.time() < deadline and numsub(r, "soft") == 1:
        r.execute_command("PUBLISH", "soft", "tick")
        time.sleep(0.1)
    assert numsub(r, "soft") == 0
    assert slow.closed_by_server()
    slow.close()
    r.close()


def test_default_limit_keeps_reading_subscriber(server):
    """With the default limits (pubsub 32mb 8mb 60) a subscriber that reads survives a
    burst bigger than the soft limit."""
    r = plain(server.client())
    c = RawClient(server.port, timeout=30 * SLOW)
    c.call("SUBSCRIBE", "burst")
    chunk = b"b" * (256 * 1024)
    for _ in range(48):  # 12 MB
        assert r.execute_command("PUBLISH", "burst", chunk) == 1
    for _ in range(48):
        assert c.read() == [b"message", b"burst", chunk]
    assert numsub(r, "burst") == 1
    c.close()
    r.close()


@pytest.mark.parametrize("value", ["pubsub 1mb 0", "nosuch 1 2 3", "pubsub -1 0 0", "pubsub 1 2 -3",
                                   "pubsub 1 2 x", "master 1 2 3"])
def test_bad_client_output_buffer_limit_refused_at_start(make_server, value):
    with pytest.raises(RuntimeError) as e:
        make_server(args=["--client-output-buffer-limit", value])
    assert "buffer limit configuration" in str(e.value)


def test_client_output_buffer_limit_config(server, r):
    try:
        got = r.execute_command("CONFIG", "GET", "client-output-buffer-limit")
    except redis.ResponseError:
        pytest.skip("CONFIG not available yet")
    assert got == [b"client-output-buffer-limit",
                   b"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"]
    try:
        assert r.execute_command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2k 3") == b"OK"
        assert r.execute_command("CONFIG", "GET", "client-output-buffer-limit")[1] == \
            b"normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 3"
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command("CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3")
        assert "Invalid client class specified in buffer limit configuration." in str(e.value)
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2")
        assert "Wrong number of arguments in buffer limit configuration." in str(e.value)
    finally:
        r.execute_command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60")


def test_config_file_client_output_buffer_limit(make_server):
    s = make_server(config_text="client-output-buffer-limit pubsub 2mb 1mb 30\n"
                                "client-output-buffer-limit replica 1gb 0 0\n")
    r = plain(s.client())
    try:
        got = r.execute_command("CONFIG", "GET", "client-output-buffer-limit")
    except redis.ResponseError:
        r.close()
        pytest.skip("CONFIG not available yet")
    assert got[1] == b"normal 0 0 0 slave 1073741824 0 0 pubsub 2097152 1048576 30"
    r.close()
