"""Keyspace notifications: notify-keyspace-events flags (K E g $ l s h z x e t m d n A),
the __keyspace@<db>__:<key> and __keyevent@<db>__:<event> channels, the event of every
command family in this build (families not built yet are skipped), expiry, key misses,
new keys, and delivery across worker threads."""
import threading
import time

import pytest
import redis

from conftest import SLOW
from rawclient import RawClient


def plain(c):
    c.response_callbacks.clear()
    return c


@pytest.fixture(scope="module")
def kea():
    """A server started with notify-keyspace-events KEA (CONFIG SET may not exist yet)."""
    from conftest import Server
    s = Server(args=["--notify-keyspace-events", "KEA"], threads=3)
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0


@pytest.fixture
def r(kea):
    c = plain(kea.client())
    c.execute_command("FLUSHALL")
    yield c
    c.close()


class Events:
    """A raw PSUBSCRIBE connection collecting (channel, message) until a sentinel."""

    def __init__(self, port, pattern="__key*__:*"):
        self.c = RawClient(port, timeout=5 * SLOW)
        self.pattern = pattern
        first = self.c.call("PSUBSCRIBE", pattern)
        assert first in ([b"psubscribe", pattern.encode(), 1], ("push", [b"psubscribe", pattern.encode(), 1]))
        self.c.call("SUBSCRIBE", "__end__")

    def collect(self, publisher):
        """Publish the sentinel and return every event received before it."""
        publisher.execute_command("PUBLISH", "__end__", "x")
        got = []
        while True:
            m = self.c.read()
            if isinstance(m, tuple) and m[0] == "push":
                m = m[1]
            if m[0] == b"message" and m[1] == b"__end__":
                return got
            assert m[0] == b"pmessage", m
            got.append((m[2].decode(), m[3].decode()))

    def close(self):
        self.c.close()


@pytest.fixture
def events(kea):
    e = Events(kea.port)
    yield e
    e.close()


def keyevents(got):
    """[(event, key)] of the __keyevent@N__ messages."""
    return [(ch.split(":", 1)[1], msg) for ch, msg in got if ch.startswith("__keyevent@")]


def has_command(c, *probe):
    try:
        c.execute_command(*probe)
        return True
    except redis.ResponseError as e:
        return not str(e).startswith("unknown command")


# ------------------------------------------------------------------ channels and format


def test_set_publishes_keyspace_then_keyevent(r, events):
    r.execute_command("SET", "foo", "bar")
    assert events.collect(r) == [("__keyspace@0__:foo", "set"), ("__keyevent@0__:set", "foo")]


def test_db_number_in_channel(r, events):
    r.execute_command("SELECT", "9")
    r.execute_command("SET", "k", "v")
    r.execute_command("SELECT", "0")
    assert events.collect(r) == [("__keyspace@9__:k", "set"), ("__keyevent@9__:set", "k")]


def test_binary_and_long_keys(r, events):
    key = b"k\x00\r\n" + b"x" * 70000
    r.execute_command("SET", key, "v")
    got = events.collect(r)
    assert [g[1] for g in got] == ["set", key.decode()]
    assert got[0][0].encode() == b"__keyspace@0__:" + key


def test_generic_and_string_events(r, events):
    r.execute_command("SET", "k", "v")
    r.execute_command("EXPIRE", "k", "100")
    r.execute_command("EXPIRE", "k", "100", "NX")  # refused: no event
    r.execute_command("PERSIST", "k")
    r.execute_command("PERSIST", "k")  # nothing to do: no event
    r.execute_command("RENAME", "k", "k2")
    r.execute_command("COPY", "k2", "k3")
    r.execute_command("MOVE", "k3", "1")
    r.execute_command("EXPIRE", "k2", "-1")  # in the past: deleted
    r.execute_command("DEL", "k2")  # absent: no event
    r.execute_command("SET", "k4", "v", "EX", "100")
    r.execute_command("DEL", "k4", "nosuch")
    r.execute_command("SET", "k5", "v", "NX")
    r.execute_command("SET", "k5", "v", "NX")  # not set: no event
    r.execute_command("UNLINK", "k5")
    got = events.collect(r)
    assert keyevents(got) == [("set", "k"), ("expire", "k"), ("persist", "k"), ("rename_from", "k"),
                              ("rename_to", "k2"), ("copy_to", "k3"), ("move_from", "k3"), ("move_to", "k3"),
                              ("del", "k2"), ("set", "k4"), ("expire", "k4"), ("del", "k4"), ("set", "k5"),
                              ("del", "k5")]
    # the db of each side of MOVE
    assert ("__keyevent@0__:move_from", "k3") in got and ("__keyevent@1__:move_to", "k3") in got
    # keyspace messages mirror the keyevent ones
    assert [(ch.split(":", 1)[1], msg) for ch, msg in got if ch.startswith("__keyspace@")] == \
        [(k, e) for e, k in keyevents(got)]


def test_expired_event_from_active_expiry(r, events):
    r.execute_command("SET", "short", "v", "PX", "20")
    deadline = time.time() + 5 * SLOW
    while time.time() < deadline and r.execute_command("DBSIZE") != 0:
        time.sleep(0.02)  # no lookup: only active expiry may reclaim it
    got = keyevents(events.collect(r))
    assert got == [("set", "short"), ("expire", "short"), ("expired", "short")]


def test_expired_event_from_lazy_expiry(r, events):
    r.execute_command("SET", "lazy", "v", "PX", "1")
    time.sleep(0.01)
    r.execute_command("GET", "lazy")  # reclaims it unless active expiry was first
    got = keyevents(events.collect(r))
    assert got == [("set", "lazy"), ("expire", "lazy"), ("expired", "lazy")]


def test_notifications_in_transaction(r, events):
    r.execute_command("MULTI")
    r.execute_command("SET", "t1", "v")
    r.execute_command("DEL", "t1")
    r.execute_command("EXEC")
    assert keyevents(events.collect(r)) == [("set", "t1"), ("del", "t1")]


# ------------------------------------------------------------------ flags


def flagged(make_server, flags):
    s = make_server(args=["--notify-keyspace-events", flags])
    c = plain(s.client())
    return s, c


def test_default_is_off(server):
    c = plain(server.client())
    e = Events(server.port)
    c.execute_command("SET", "off", "v")
    c.execute_command("DEL", "off")
    assert e.collect(c) == []
    e.close()
    c.close()


def test_only_keyspace(make_server):
    s, c = flagged(make_server, "K$")
    e = Events(s.port)
    c.execute_command("SET", "a", "1")
    c.execute_command("DEL", "a")  # generic class not enabled
    assert e.collect(c) == [("__keyspace@0__:a", "set")]
    e.close()
    c.close()


def test_only_keyevent(make_server):
    s, c = flagged(make_server, "Eg")
    e = Events(s.port)
    c.execute_command("SET", "a", "1")  # string class not enabled
    c.execute_command("DEL", "a")
    assert e.collect(c) == [("__keyevent@0__:del", "a")]
    e.close()
    c.close()


def test_classes_without_K_or_E_publish_nothing(make_server):
    s, c = flagged(make_server, "A")
    e = Events(s.port)
    c.execute_command("SET", "a", "1")
    assert e.collect(c) == []
    e.close()
    c.close()


def test_keymiss_and_new(make_server):
    s, c = flagged(make_server, "Emn")
    e = Events(s.port)
    c.execute_command("GET", "missing")
    c.execute_command("SET", "fresh", "1")
    c.execute_command("SET", "fresh", "2")  # exists: not new
    c.execute_command("GET", "fresh")
    assert keyevents(e.collect(c)) == [("keymiss", "missing"), ("new", "fresh")]
    e.close()
    c.close()


def test_A_excludes_keymiss_and_new(r, events):
    r.execute_command("GET", "missing")
    r.execute_command("SET", "n", "1")
    assert keyevents(events.collect(r)) == [("set", "n")]


def test_expired_class_alone(make_server):
    s, c = flagged(make_server, "Ex")
    e = Events(s.port)
    c.execute_command("SET", "e", "1", "PX", "1")
    time.sleep(0.01)
    c.execute_command("GET", "e")
    assert keyevents(e.collect(c)) == [("expired", "e")]
    e.close()
    c.close()


@pytest.mark.parametrize("flags", ["Q", "KEA!", "K E"])
def test_bad_flags_refused_at_start(make_server, flags):
    with pytest.raises(RuntimeError) as e:
        make_server(args=["--notify-keyspace-events", flags])
    assert "Invalid event class character" in str(e.value) or "wrong number of arguments" in str(e.value)


def test_config_get_set(kea, r):
    try:
        assert r.execute_command("CONFIG", "GET", "notify-keyspace-events") == [b"notify-keyspace-events", b"AKE"]
    except redis.ResponseError:
        pytest.skip("CONFIG not available yet")
    try:
        for value, shown in [("Kg$lshzxetdmn", b"AKm"), ("Kgm", b"gKm"), ("", b""), ("AA", b"A"), ("E$x", b"$xE"),
                              ("En", b"nE")]:
            assert r.execute_command("CONFIG", "SET", "notify-keyspace-events", value) == b"OK"
            assert r.execute_command("CONFIG", "GET", "notify-keyspace-events")[1] == shown
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command("CONFIG", "SET", "notify-keyspace-events", "Q")
        assert str(e.value) == ("CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
                                "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
    finally:
        r.execute_command("CONFIG", "SET", "notify-keyspace-events", "KEA")


def test_config_file(make_server):
    s = make_server(config_text='notify-keyspace-events "Kx"\n')
    c = plain(s.client())
    e = Events(s.port)
    c.execute_command("SET", "a", "1", "PX", "1")
    time.sleep(0.01)
    c.execute_command("GET", "a")
    assert e.collect(c) == [("__keyspace@0__:a", "expired")]
    e.close()
    c.close()


# ------------------------------------------------------------------ other families


FAMILIES = [
    ("l", ["LPUSH", "lk", "a"], "lpush"),
    ("h", ["HSET", "hk", "f", "v"], "hset"),
    ("s", ["SADD", "sk", "m"], "sadd"),
    ("z", ["ZADD", "zk", "1", "m"], "zadd"),
    ("t", ["XADD", "xk", "*", "f", "v"], "xadd"),
    ("$", ["INCR", "ik"], "incrby"),
    ("$", ["APPEND", "ak", "x"], "append"),
]


@pytest.mark.parametrize("flag,command,event", FAMILIES, ids=[f[2] for f in FAMILIES])
def test_family_events(r, events, flag, command, event):
    if not has_command(r, command[0], "probe:key:" + command[0], *command[2:]):
        pytest.skip("%s not in this build yet" % command[0])
    r.execute_command("DEL", "probe:key:" + command[0])
    events.collect(r)  # drop the probe's events
    r.execute_command(*command)
    assert keyevents(events.collect(r)) == [(event, command[1])]


def test_evicted_class(kea):
    pytest.skip("eviction (maxmemory policies) is not in this build yet: the 'e' class has no producer")


# ------------------------------------------------------------------ threads and RESP3


def test_events_from_many_threads_in_order(kea):
    """Writers on several worker threads; each writer's events reach the subscriber in
    the order the writes were made."""
    e = Events(kea.port, pattern="__keyevent@0__:set")
    per, nw = (100, 4) if SLOW == 1 else (40, 3)

    def writer(w):
        c = plain(kea.client())
        for i in range(per):
            c.execute_command("SET", "w%d:%d" % (w, i), "v")
        c.close()

    ts = [threading.Thread(target=writer, args=(w,)) for w in range(nw)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    pub = plain(kea.client())
    got = e.collect(pub)
    pub.close()
    e.close()
    per_writer = {}
    for _, key in got:
        w, i = key[1:].split(":")
        per_writer.setdefault(int(w), []).append(int(i))
    assert per_writer == {w: list(range(per)) for w in range(nw)}


def test_resp3_subscriber_gets_pushes(kea):
    c = RawClient(kea.port)
    c.call("HELLO", "3")
    assert c.call("SUBSCRIBE", "__keyevent@0__:del") == ("push", [b"subscribe", b"__keyevent@0__:del", 1])
    c.call("SET", "mine", "v")
    # Redis 7.0 writes a client's own notification in the middle of its command's reply
    # (which can split an array reply); Warden sends it right after the reply.
    got = [c.call("DEL", "mine"), c.read()]
    push = ("push", [b"message", b"__keyevent@0__:del", b"mine"])
    assert got in ([1, push], [push, 1])
    other = plain(kea.client())
    other.execute_command("SET", "theirs", "v")
    other.execute_command("DEL", "theirs")
    assert c.read() == ("push", [b"message", b"__keyevent@0__:del", b"theirs"])
    assert c.call("GET", "nosuch") == ("null",)
    other.close()
    c.close()
