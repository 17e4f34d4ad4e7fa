"""Sets: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER
SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN — replies, error texts,
RESP3 types, the intset -> hashtable conversion, empty-key deletion, atomicity of the
multi-key commands under concurrent clients, keyspace events (when notifications exist),
and a randomized comparison against a Python model.

Every expected reply here was checked against redis-server 7.0.15; this file also passes
when WARDEN_BIN points at a real redis-server."""
import random
import socket
import threading

import pytest
import redis

from conftest import SLOW


@pytest.fixture
def c(r):
    """The flushed client of `r` with redis-py's reply conversions off."""
    r.response_callbacks.clear()
    return r


def err(c, *args):
    with pytest.raises(redis.ResponseError) as e:
        c.execute_command(*args)
    return str(e.value)


def resp3(server, *cmds):
    """Raw reply bytes of `cmds` sent after HELLO 3 on one connection (HELLO's reply
    stripped)."""
    def enc(args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        return out
    marker = b"warden-test-marker"
    tail = b"$%d\r\n%s\r\n" % (len(marker), marker)
    data = enc(["HELLO", "3"]) + b"".join(enc(list(x)) for x in cmds) + enc(["ECHO", marker])
    raw = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5 * SLOW) as s:
        s.sendall(data)
        while not raw.endswith(tail):
            chunk = s.recv(65536)
            assert chunk, "connection closed: %r" % raw
            raw += chunk
    raw = raw[: -len(tail)]
    end = raw.index(b"$7\r\nmodules\r\n*0\r\n") + len(b"$7\r\nmodules\r\n*0\r\n")
    return raw[end:]


WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def smembers(c, key):
    return set(c.execute_command("SMEMBERS", key))


def encoding(c, key):
    return c.execute_command("OBJECT", "ENCODING", key)


# ------------------------------------------------------------------ basics


def test_sadd_srem_scard_sismember(c):
    assert c.execute_command("SADD", "s", "a", "b", "a", "c") == 3
    assert c.execute_command("SADD", "s", "a", "d") == 1
    assert c.execute_command("SCARD", "s") == 4
    assert c.execute_command("SCARD", "nosuch") == 0
    assert c.execute_command("SISMEMBER", "s", "a") == 1
    assert c.execute_command("SISMEMBER", "s", "zz") == 0
    assert c.execute_command("SISMEMBER", "nosuch", "a") == 0
    assert c.execute_command("SMISMEMBER", "s", "a", "zz", "d") == [1, 0, 1]
    assert c.execute_command("SMISMEMBER", "nosuch", "a", "b") == [0, 0]
    assert c.execute_command("SREM", "s", "a", "zz", "a") == 1
    assert c.execute_command("SREM", "nosuch", "a") == 0
    assert smembers(c, "s") == {b"b", b"c", b"d"}
    assert c.execute_command("SMEMBERS", "nosuch") == []


def test_binary_members(c):
    m = b"\x00\r\n\xff bin"
    assert c.execute_command("SADD", "s", m, b"", b"x") == 3
    assert c.execute_command("SISMEMBER", "s", m) == 1
    assert c.execute_command("SISMEMBER", "s", b"") == 1
    assert smembers(c, "s") == {m, b"", b"x"}


def test_empty_key_is_deleted(c):
    c.execute_command("SADD", "s", "a", "b")
    assert c.execute_command("SREM", "s", "a", "b") == 2
    assert c.execute_command("EXISTS", "s") == 0
    c.execute_command("SADD", "s", "1")
    assert c.execute_command("SPOP", "s") == b"1"
    assert c.execute_command("EXISTS", "s") == 0
    c.execute_command("SADD", "s", "x")
    assert c.execute_command("SMOVE", "s", "t", "x") == 1
    assert c.execute_command("EXISTS", "s") == 0
    assert c.execute_command("TYPE", "t") == b"set"
    c.execute_command("SADD", "u", "1", "2")
    assert c.execute_command("SPOP", "u", "5") in ([b"1", b"2"], [b"2", b"1"])
    assert c.execute_command("EXISTS", "u") == 0


def test_wrongtype(c):
    c.execute_command("SET", "str", "x")
    c.execute_command("SADD", "s", "a")
    for args in (("SADD", "str", "a"), ("SREM", "str", "a"), ("SMEMBERS", "str"), ("SISMEMBER", "str", "a"),
                 ("SMISMEMBER", "str", "a"), ("SCARD", "str"), ("SPOP", "str"), ("SPOP", "str", "0"),
                 ("SRANDMEMBER", "str"), ("SRANDMEMBER", "str", "2"), ("SMOVE", "str", "s", "a"),
                 ("SMOVE", "s", "str", "a"), ("SINTER", "s", "str"), ("SINTER", "nosuch", "str"),
                 ("SINTERCARD", "2", "s", "str"), ("SINTERSTORE", "d", "s", "str"), ("SUNION", "str"),
                 ("SUNIONSTORE", "d", "str"), ("SDIFF", "s", "str"), ("SDIFFSTORE", "d", "s", "str"),
                 ("SSCAN", "str", "0")):
        assert err(c, *args) == WRONGTYPE, args
    assert c.execute_command("GET", "str") == b"x"
    assert c.execute_command("EXISTS", "d") == 0


def test_arity(c):
    # n: one argument fewer than the command needs
    for cmd, n in (("SADD", 1), ("SREM", 1), ("SMEMBERS", 0), ("SISMEMBER", 1), ("SMISMEMBER", 1), ("SCARD", 0),
                   ("SPOP", 0), ("SRANDMEMBER", 0), ("SMOVE", 2), ("SINTER", 0), ("SINTERCARD", 1),
                   ("SINTERSTORE", 1), ("SUNION", 0), ("SUNIONSTORE", 1), ("SDIFF", 0), ("SDIFFSTORE", 1),
                   ("SSCAN", 1)):
        assert err(c, cmd, *(["k"] * n)) == "wrong number of arguments for '%s' command" % cmd.lower()
    assert err(c, "SISMEMBER", "k", "a", "b") == "wrong number of arguments for 'sismember' command"
    assert err(c, "SCARD", "k", "a") == "wrong number of arguments for 'scard' command"


# ------------------------------------------------------------------ encodings


def test_intset_encoding_and_conversion(c):
    c.execute_command("SADD", "s", "1", "2", "-3", "9223372036854775807", "-9223372036854775808")
    assert encoding(c, "s") == b"intset"
    assert smembers(c, "s") == {b"1", b"2", b"-3", b"9223372036854775807", b"-9223372036854775808"}
    # intsets iterate in numeric order
    assert c.execute_command("SMEMBERS", "s") == [b"-9223372036854775808", b"-3", b"1", b"2",
                                                 b"9223372036854775807"]
    c.execute_command("SADD", "s", "abc")
    assert encoding(c, "s") == b"hashtable"
    c.execute_command("SREM", "s", "abc")
    assert encoding(c, "s") == b"hashtable"  # never converts back
    # non-canonical integers are strings
    for v in ("01", "+1", " 1", "1.0", "9223372036854775808", "-0"):
        c.execute_command("DEL", "t")
        c.execute_command("SADD", "t", v)
        assert encoding(c, "t") == b"hashtable", v
        assert c.execute_command("SISMEMBER", "t", v) == 1
        assert c.execute_command("SISMEMBER", "t", "1") == 0


def test_intset_threshold_512(c):
    c.execute_command("SADD", "s", *range(512))
    assert encoding(c, "s") == b"intset"
    c.execute_command("SADD", "s", "5")  # already there: no change
    assert encoding(c, "s") == b"intset"
    c.execute_command("SADD", "s", "512")
    assert encoding(c, "s") == b"hashtable"
    assert c.execute_command("SCARD", "s") == 513
    assert c.execute_command("SISMEMBER", "s", "511") == 1
    # one command adding past the limit
    c.execute_command("SADD", "t", *range(600))
    assert encoding(c, "t") == b"hashtable"


def test_intset_threshold_config(make_server):
    s = make_server(args=["--set-max-intset-entries", "3"])
    c = s.client()
    c.response_callbacks.clear()
    c.execute_command("SADD", "s", "1", "2", "3")
    assert c.execute_command("OBJECT", "ENCODING", "s") == b"intset"
    c.execute_command("SADD", "s", "4")
    assert c.execute_command("OBJECT", "ENCODING", "s") == b"hashtable"
    # store commands build from an intset too
    c.execute_command("SADD", "a", "1", "2")
    c.execute_command("SADD", "b", "2", "3")
    assert c.execute_command("SUNIONSTORE", "u", "a", "b") == 3
    assert c.execute_command("OBJECT", "ENCODING", "u") == b"intset"
    c.close()


# ------------------------------------------------------------------ SPOP SRANDMEMBER


def test_spop(c):
    c.execute_command("SADD", "s", *range(10))
    got = c.execute_command("SPOP", "s")
    assert got in [str(i).encode() for i in range(10)]
    assert c.execute_command("SCARD", "s") == 9
    three = c.execute_command("SPOP", "s", "3")
    assert len(three) == 3 and len(set(three)) == 3 and got not in three
    assert c.execute_command("SCARD", "s") == 6
    assert c.execute_command("SPOP", "s", "0") == []
    rest = c.execute_command("SPOP", "s", "100")
    assert len(rest) == 6
    assert set(rest) | set(three) | {got} == {str(i).encode() for i in range(10)}
    assert c.execute_command("EXISTS", "s") == 0
    assert c.execute_command("SPOP", "nosuch") is None
    assert c.execute_command("SPOP", "nosuch", "3") == []


def test_spop_errors(c):
    c.execute_command("SADD", "s", "a")
    assert err(c, "SPOP", "s", "-1") == "value is out of range, must be positive"
    assert err(c, "SPOP", "s", "abc") == "value is out of range, must be positive"
    assert err(c, "SPOP", "s", "1", "2") == "syntax error"
    c.execute_command("SET", "str", "x")
    assert err(c, "SPOP", "str", "0") == WRONGTYPE


def test_spop_big_set_count(c):
    c.execute_command("SADD", "s", *["m%d" % i for i in range(1000)])
    popped = c.execute_command("SPOP", "s", "900")
    assert len(set(popped)) == 900
    left = smembers(c, "s")
    assert len(left) == 100 and not (left & set(popped))


def test_srandmember(c):
    c.execute_command("SADD", "s", "a", "b", "c")
    assert c.execute_command("SRANDMEMBER", "s") in (b"a", b"b", b"c")
    assert c.execute_command("SCARD", "s") == 3
    assert sorted(c.execute_command("SRANDMEMBER", "s", "10")) == [b"a", b"b", b"c"]
    two = c.execute_command("SRANDMEMBER", "s", "2")
    assert len(two) == 2 and len(set(two)) == 2
    rep = c.execute_command("SRANDMEMBER", "s", "-20")
    assert len(rep) == 20 and set(rep) <= {b"a", b"b", b"c"}
    assert c.execute_command("SRANDMEMBER", "s", "0") == []
    assert c.execute_command("SRANDMEMBER", "nosuch") is None
    assert c.execute_command("SRANDMEMBER", "nosuch", "5") == []
    assert c.execute_command("SRANDMEMBER", "nosuch", "-5") == []
    assert err(c, "SRANDMEMBER", "s", "abc") == "value is not an integer or out of range"
    assert err(c, "SRANDMEMBER", "s", "-9223372036854775808") == \
        "value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    assert err(c, "SRANDMEMBER", "s", "1", "2") == "syntax error"


def test_srandmember_distinct_big(c):
    c.execute_command("SADD", "s", *["m%d" % i for i in range(2000)])
    for n in (5, 100, 1000, 1999):
        got = c.execute_command("SRANDMEMBER", "s", str(n))
        assert len(got) == n and len(set(got)) == n
    ints = list(range(300))
    c.execute_command("SADD", "i", *ints)
    got = c.execute_command("SRANDMEMBER", "i", "250")
    assert len(set(got)) == 250
    # every member is reachable (not a fixed subset)
    seen = set()
    for _ in range(200):
        seen.update(c.execute_command("SRANDMEMBER", "i", "-10"))
    assert len(seen) > 250


# ------------------------------------------------------------------ SMOVE


def test_smove(c):
    c.execute_command("SADD", "a", "1", "2")
    c.execute_command("SADD", "b", "x")
    assert c.execute_command("SMOVE", "a", "b", "1") == 1
    assert smembers(c, "a") == {b"2"}
    assert smembers(c, "b") == {b"x", b"1"}
    assert encoding(c, "b") == b"hashtable"
    assert c.execute_command("SMOVE", "a", "b", "nosuch") == 0
    assert c.execute_command("SMOVE", "nosuch", "b", "1") == 0
    assert c.execute_command("SMOVE", "a", "a", "2") == 1
    assert c.execute_command("SMOVE", "a", "a", "9") == 0
    assert c.execute_command("SMOVE", "b", "new", "1") == 1
    assert encoding(c, "new") == b"intset"
    c.execute_command("SET", "str", "v")
    assert c.execute_command("SMOVE", "nosuch", "str", "1") == 0  # source checked first
    assert err(c, "SMOVE", "a", "str", "2") == WRONGTYPE
    assert smembers(c, "a") == {b"2"}
    # member already in the destination: moved out of the source anyway
    c.execute_command("SADD", "d", "2")
    assert c.execute_command("SMOVE", "a", "d", "2") == 1
    assert c.execute_command("EXISTS", "a") == 0
    assert smembers(c, "d") == {b"2"}


# ------------------------------------------------------------------ algebra


def test_sinter_sunion_sdiff(c):
    c.execute_command("SADD", "a", "1", "2", "3", "x", "y")
    c.execute_command("SADD", "b", "2", "3", "4", "y")
    c.execute_command("SADD", "c", "3", "y", "z")
    assert set(c.execute_command("SINTER", "a", "b", "c")) == {b"3", b"y"}
    assert set(c.execute_command("SINTER", "a", "b")) == {b"2", b"3", b"y"}
    assert set(c.execute_command("SINTER", "a")) == {b"1", b"2", b"3", b"x", b"y"}
    assert c.execute_command("SINTER", "a", "nosuch") == []
    assert set(c.execute_command("SUNION", "a", "b", "nosuch")) == {b"1", b"2", b"3", b"4", b"x", b"y"}
    assert set(c.execute_command("SDIFF", "a", "b")) == {b"1", b"x"}
    assert set(c.execute_command("SDIFF", "a", "b", "c")) == {b"1", b"x"}
    assert c.execute_command("SDIFF", "a", "a") == []
    assert c.execute_command("SDIFF", "nosuch", "a") == []
    assert set(c.execute_command("SDIFF", "a", "nosuch")) == {b"1", b"2", b"3", b"x", b"y"}
    # intsets give numeric order
    c.execute_command("SADD", "i1", "10", "2", "33")
    c.execute_command("SADD", "i2", "1", "2")
    assert c.execute_command("SUNION", "i1", "i2") == [b"1", b"2", b"10", b"33"]


def test_store_forms(c):
    c.execute_command("SADD", "a", "1", "2", "3")
    c.execute_command("SADD", "b", "2", "3", "4")
    c.execute_command("SET", "dst", "string value")
    assert c.execute_command("SINTERSTORE", "dst", "a", "b") == 2
    assert smembers(c, "dst") == {b"2", b"3"}
    assert encoding(c, "dst") == b"intset"
    assert c.execute_command("SUNIONSTORE", "dst", "a", "b") == 4
    assert c.execute_command("SDIFFSTORE", "dst", "a", "b") == 1
    assert smembers(c, "dst") == {b"1"}
    # an empty result deletes the destination
    assert c.execute_command("SINTERSTORE", "dst", "a", "nosuch") == 0
    assert c.execute_command("EXISTS", "dst") == 0
    assert c.execute_command("SDIFFSTORE", "dst", "a", "a") == 0
    assert c.execute_command("EXISTS", "dst") == 0
    # the destination may be a source
    assert c.execute_command("SUNIONSTORE", "a", "a", "b") == 4
    assert smembers(c, "a") == {b"1", b"2", b"3", b"4"}
    assert c.execute_command("SDIFFSTORE", "a", "a", "b") == 1
    assert smembers(c, "a") == {b"1"}
    # TTL of the old destination is dropped
    c.execute_command("SADD", "t", "x")
    c.execute_command("EXPIRE", "t", "100")
    c.execute_command("SUNIONSTORE", "t", "b")
    assert c.execute_command("TTL", "t") == -1


def test_sintercard(c):
    c.execute_command("SADD", "a", "1", "2", "3", "4")
    c.execute_command("SADD", "b", "2", "3", "4", "5")
    assert c.execute_command("SINTERCARD", "2", "a", "b") == 3
    assert c.execute_command("SINTERCARD", "2", "a", "b", "LIMIT", "2") == 2
    assert c.execute_command("SINTERCARD", "2", "a", "b", "limit", "0") == 3
    assert c.execute_command("SINTERCARD", "1", "a") == 4
    assert c.execute_command("SINTERCARD", "2", "a", "nosuch") == 0
    assert err(c, "SINTERCARD", "0", "a") == "numkeys should be greater than 0"
    assert err(c, "SINTERCARD", "-1", "a") == "numkeys should be greater than 0"
    assert err(c, "SINTERCARD", "abc", "a") == "numkeys should be greater than 0"
    assert err(c, "SINTERCARD", "3", "a", "b") == "Number of keys can't be greater than number of args"
    assert err(c, "SINTERCARD", "99999999999999999999", "a") == "numkeys should be greater than 0"
    assert err(c, "SINTERCARD", "1", "a", "LIMIT", "-1") == "LIMIT can't be negative"
    assert err(c, "SINTERCARD", "1", "a", "LIMIT", "x") == "LIMIT can't be negative"
    assert err(c, "SINTERCARD", "1", "a", "LIMIT") == "syntax error"
    assert err(c, "SINTERCARD", "1", "a", "FOO", "1") == "syntax error"


# ------------------------------------------------------------------ SSCAN


def test_sscan_full_iteration(c):
    members = {("m%d" % i).encode() for i in range(1500)}
    c.execute_command("SADD", "s", *members)
    seen = set()
    cursor = b"0"
    calls = 0
    while True:
        cursor, batch = c.execute_command("SSCAN", "s", cursor, "COUNT", "100")
        seen.update(batch)
        calls += 1
        if cursor == b"0":
            break
    assert seen == members
    assert calls > 5
    # MATCH filters; everything matching is still returned over the whole iteration
    seen = set()
    cursor = b"0"
    while True:
        cursor, batch = c.execute_command("SSCAN", "s", cursor, "MATCH", "m1*", "COUNT", "50")
        seen.update(batch)
        if cursor == b"0":
            break
    assert seen == {m for m in members if m.startswith(b"m1")}


def test_sscan_intset_and_errors(c):
    c.execute_command("SADD", "i", "3", "1", "2")
    assert c.execute_command("SSCAN", "i", "0") == [b"0", [b"1", b"2", b"3"]]
    assert c.execute_command("SSCAN", "i", "0", "MATCH", "2") == [b"0", [b"2"]]
    assert c.execute_command("SSCAN", "nosuch", "0") == [b"0", []]
    assert err(c, "SSCAN", "i", "abc") == "invalid cursor"
    assert err(c, "SSCAN", "i", " 0") == "invalid cursor"
    assert err(c, "SSCAN", "i", "0", "COUNT", "0") == "syntax error"
    assert err(c, "SSCAN", "i", "0", "COUNT", "x") == "value is not an integer or out of range"
    assert err(c, "SSCAN", "i", "0", "MATCH") == "syntax error"
    assert err(c, "SSCAN", "i", "0", "TYPE", "string") == "syntax error"
    assert c.execute_command("SSCAN", "i", "+0") == [b"0", [b"1", b"2", b"3"]]


# ------------------------------------------------------------------ RESP3


def test_resp3_types(server, c):
    c.execute_command("SADD", "s", "1", "2")
    c.execute_command("SADD", "t", "2")
    raw = resp3(server, ("SMEMBERS", "s"), ("SMEMBERS", "nosuch"), ("SINTER", "s", "t"), ("SUNION", "t"),
                ("SDIFF", "t", "s"), ("SISMEMBER", "s", "1"), ("SMISMEMBER", "s", "1", "5"),
                ("SRANDMEMBER", "t", "5"), ("SRANDMEMBER", "nosuch"), ("SPOP", "nosuch"), ("SPOP", "nosuch", "2"),
                ("SPOP", "t", "5"), ("SCARD", "s"))
    assert raw == (b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n" b"~0\r\n" b"~1\r\n$1\r\n2\r\n" b"~1\r\n$1\r\n2\r\n"
                   b"~0\r\n" b":1\r\n" b"*2\r\n:1\r\n:0\r\n" b"*1\r\n$1\r\n2\r\n" b"_\r\n" b"_\r\n" b"~0\r\n"
                   b"~1\r\n$1\r\n2\r\n" b":2\r\n")


# ------------------------------------------------------------------ atomicity


def test_concurrent_smove_keeps_total(server, c):
    """Clients on different connections (so, in general, different threads) move members
    back and forth; every SMOVE is atomic over both keys, so the total never changes
    and no member is lost or duplicated."""
    c.execute_command("SADD", "left", *range(200))
    stop = threading.Event()
    errors = []

    def mover(src, dst):
        cl = server.client()
        try:
            rnd = random.Random(hash(src))
            while not stop.is_set():
                cl.execute_command("SMOVE", src, dst, rnd.randrange(200))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            cl.close()

    threads = [threading.Thread(target=mover, args=a)
               for a in (("left", "right"), ("right", "left"), ("left", "right"), ("right", "left"))]
    for t in threads:
        t.start()
    try:
        for _ in range(50):
            # SUNION over both keys is one atomic read of both
            got = c.execute_command("SUNION", "left", "right")
            inter = c.execute_command("SINTER", "left", "right")
            assert len(got) == 200 and inter == []
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert c.execute_command("SCARD", "left") + c.execute_command("SCARD", "right") == 200


# ------------------------------------------------------------------ keyspace events


def test_keyspace_events(server, c):
    try:
        c.execute_command("CONFIG", "SET", "notify-keyspace-events", "KEA")
    except redis.ResponseError:
        pytest.skip("keyspace notifications not available yet")
    sub = server.client()
    p = sub.pubsub()
    try:
        try:
            p.psubscribe("__keyevent@0__:*")
            first = p.get_message(timeout=2)
        except redis.ResponseError:
            pytest.skip("pub/sub not available yet")
        assert first["type"] == "psubscribe"
        c.execute_command("SADD", "s", "a", "b")
        c.execute_command("SADD", "s", "a")           # nothing added: no event
        c.execute_command("SREM", "s", "zz")          # nothing removed: no event
        c.execute_command("SREM", "s", "a")
        c.execute_command("SMOVE", "s", "t", "b")     # srem, del, sadd
        c.execute_command("SADD", "u", "1", "2")
        c.execute_command("SPOP", "u")
        c.execute_command("SPOP", "u", "5")           # spop, del
        c.execute_command("SINTERSTORE", "d", "t", "t")
        c.execute_command("SUNIONSTORE", "d", "t")
        c.execute_command("SDIFFSTORE", "d", "t", "t")  # empty: del
        c.execute_command("SET", "__end__", "1")
        got = []
        while True:
            m = p.get_message(timeout=2 * SLOW)
            assert m is not None, got
            if m["data"] == b"__end__":
                break
            got.append((m["channel"].decode().split(":", 1)[1], m["data"]))
        assert got == [("sadd", b"s"), ("srem", b"s"), ("srem", b"s"), ("del", b"s"), ("sadd", b"t"),
                       ("sadd", b"u"), ("spop", b"u"), ("spop", b"u"), ("del", b"u"), ("sinterstore", b"d"),
                       ("sunionstore", b"d"), ("del", b"d")]
    finally:
        c.execute_command("CONFIG", "SET", "notify-keyspace-events", "")
        p.close()
        sub.close()


# ------------------------------------------------------------------ randomized model


def test_random_ops_against_model(make_server):
    """Thousands of random operations compared with a Python model, on a server whose
    intset limit is small so conversions happen often."""
    s = make_server(args=["--set-max-intset-entries", "16"])
    c = s.client()
    c.response_callbacks.clear()
    rnd = random.Random(1234)
    keys = ["k%d" % i for i in range(4)]
    model = {k: set() for k in keys}

    def member():
        r = rnd.random()
        if r < 0.6:
            return str(rnd.randrange(-30, 30)).encode()
        if r < 0.8:
            return ("s%d" % rnd.randrange(20)).encode()
        return str(rnd.randrange(-2**63, 2**63)).encode()

    def check(k):
        assert set(c.execute_command("SMEMBERS", k)) == model[k], k
        assert c.execute_command("EXISTS", k) == (1 if model[k] else 0)

    for step in range(4000):
        op = rnd.randrange(11)
        k, k2 = rnd.choice(keys), rnd.choice(keys)
        if op <= 2:
            ms = [member() for _ in range(rnd.randrange(1, 5))]
            assert c.execute_command("SADD", k, *ms) == len(set(ms) - model[k])
            model[k].update(ms)
        elif op == 3:
            ms = [member() for _ in range(rnd.randrange(1, 4))] + list(model[k])[:1]
            assert c.execute_command("SREM", k, *ms) == len(set(ms) & model[k])
            model[k] -= set(ms)
        elif op == 4:
            got = c.execute_command("SPOP", k)
            if model[k]:
                assert got in model[k]
                model[k].discard(got)
            else:
                assert got is None
        elif op == 5:
            n = rnd.randrange(0, 6)
            got = c.execute_command("SPOP", k, n)
            assert len(got) == min(n, len(model[k])) and set(got) <= model[k]
            model[k] -= set(got)
        elif op == 6:
            m = rnd.choice(list(model[k])) if model[k] and rnd.random() < 0.7 else member()
            moved = c.execute_command("SMOVE", k, k2, m)
            assert moved == (1 if m in model[k] else 0)
            if moved and k != k2:
                model[k].discard(m)
                model[k2].add(m)
        elif op == 7:
            m = member()
            assert c.execute_command("SISMEMBER", k, m) == (1 if m in model[k] else 0)
            assert c.execute_command("SCARD", k) == len(model[k])
        elif op == 8:
            dst = rnd.choice(keys)
            srcs = [rnd.choice(keys) for _ in range(rnd.randrange(1, 4))]
            kind = rnd.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
            sets = [model[x] for x in srcs]
            if kind == "SINTERSTORE":
                res = set.intersection(*sets)
            elif kind == "SUNIONSTORE":
                res = set.union(*sets)
            else:
                res = sets[0].difference(*sets[1:])
            assert c.execute_command(kind, dst, *srcs) == len(res)
            model[dst] = set(res)
        elif op == 9:
            srcs = [rnd.choice(keys) for _ in range(rnd.randrange(1, 4))]
            sets = [model[x] for x in srcs]
            assert set(c.execute_command("SINTER", *srcs)) == set.intersection(*sets)
            assert set(c.execute_command("SUNION", *srcs)) == set.union(*sets)
            assert set(c.execute_command("SDIFF", *srcs)) == sets[0].difference(*sets[1:])
            assert c.execute_command("SINTERCARD", len(srcs), *srcs) == len(set.intersection(*sets))
        else:
            got = c.execute_command("SRANDMEMBER", k, rnd.randrange(-5, 6))
            assert set(got) <= model[k]
        if step % 200 == 0:
            for x in keys:
                check(x)
    for x in keys:
        check(x)
        if model[x]:
            enc = c.execute_command("OBJECT", "ENCODING", x)
            all_int = all(m.lstrip(b"-").isdigit() and m == str(int(m)).encode() for m in model[x])
            if not all_int:
                assert enc == b"hashtable"
    c.close()


def test_many_keys(c):
    """More keys than one lock batch holds (the whole db is locked then)."""
    keys = ["k%d" % i for i in range(300)]
    for k in keys:
        c.execute_command("SADD", k, "common", k)
    assert c.execute_command("SINTERCARD", len(keys), *keys) == 1
    assert c.execute_command("SINTER", *keys) == [b"common"]
    assert len(c.execute_command("SUNION", *keys)) == 301
    assert c.execute_command("SUNIONSTORE", "dst", *keys) == 301
    assert err(c, "SINTERCARD", "301", *keys) == "Number of keys can't be greater than number of args"
