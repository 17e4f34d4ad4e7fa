"""Generic keyspace commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE
SWAPDB RANDOMKEY DBSIZE FLUSHDB FLUSHALL OBJECT — replies, errors, RESP3 types, several
dbs, keyspace events (when pub/sub is there), and atomicity under concurrent clients.

Every expected reply here was checked against redis-server 7.0.15; this file also
passes when WARDEN_BIN points at a real redis-server."""
import threading
import time

import pytest
import redis

from conftest import SLOW


@pytest.fixture
def c(r):
    """The flushed client of `r` with redis-py's reply conversions off: replies come
    back as the server sent them (b'OK', ints, lists, None)."""
    r.response_callbacks.clear()
    return r


def err(c, *args):
    """Run a command that must fail; return the error text (redis-py drops 'ERR ')."""
    with pytest.raises(redis.ResponseError) as e:
        c.execute_command(*args)
    return str(e.value)


def resp3(server, *cmds):
    """Raw reply bytes of `cmds` sent after HELLO 3 on one connection (HELLO's own
    reply stripped)."""
    def enc(args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        return out
    marker = b"warden-test-marker"
    data = enc(["HELLO", "3"]) + b"".join(enc(list(x)) for x in cmds) + enc(["ECHO", marker])
    raw = b""
    import socket
    with socket.create_connection(("127.0.0.1", server.port), timeout=5 * SLOW) as s:
        s.sendall(data)
        while not raw.endswith(b"$%d\r\n%s\r\n" % (len(marker), marker)):
            chunk = s.recv(65536)
            assert chunk, "connection closed: %r" % raw
            raw += chunk
    raw = raw[: -len(b"$%d\r\n%s\r\n" % (len(marker), marker))]
    # HELLO 3 answers a 7-pair map whose last value is "modules" -> empty array
    end = raw.index(b"$7\r\nmodules\r\n*0\r\n") + len(b"$7\r\nmodules\r\n*0\r\n")
    return raw[end:]


INT_RANGE_ERR = "value is out of range, value must between -2147483648 and 2147483647"


# ------------------------------------------------------------------ DEL UNLINK EXISTS


def test_del_counts_existing_keys_once(c):
    c.execute_command("SET", "a", "1")
    c.execute_command("SET", "b", "2")
    assert c.execute_command("DEL", "a", "a", "b", "nosuch") == 2
    assert c.execute_command("EXISTS", "a", "b") == 0
    assert c.execute_command("DEL", "nosuch") == 0


def test_unlink_and_big_values(c):
    big = b"x" * (300 * 1024)
    for k in ("big1", "big2", "small"):
        c.execute_command("SET", k, big if k != "small" else "v")
    assert c.execute_command("UNLINK", "big1", "small", "big1", "nosuch") == 2
    assert c.execute_command("DEL", "big2") == 1
    assert c.execute_command("DBSIZE") == 0
    # the keys are reusable at once, whatever the background thread is doing
    c.execute_command("SET", "big1", big)
    assert c.execute_command("GET", "big1") == big


def test_del_unlink_exists_arity(c):
    for cmd in ("DEL", "UNLINK", "EXISTS", "TOUCH"):
        assert err(c, cmd) == "wrong number of arguments for '%s' command" % cmd.lower()


def test_exists_counts_repeats(c):
    c.execute_command("SET", "a", "1")
    assert c.execute_command("EXISTS", "a", "a", "a", "b") == 3
    assert c.execute_command("EXISTS", "b") == 0


def test_binary_and_long_keys(c):
    k = b"bin\x00key\r\n*1"
    c.execute_command("SET", k, "v")
    assert c.execute_command("EXISTS", k) == 1
    assert c.execute_command("EXISTS", b"bin") == 0
    long_key = b"L" * 70000  # longer than 65535: stored with a 32-bit length
    c.execute_command("SET", long_key, "v")
    assert c.execute_command("RENAME", long_key, b"M" * 70001) == b"OK"
    assert c.execute_command("GET", b"M" * 70001) == b"v"
    assert c.execute_command("RENAME", b"M" * 70001, "short") == b"OK"
    assert c.execute_command("GET", "short") == b"v"
    assert c.execute_command("DEL", k, "short") == 2


# ------------------------------------------------------------------ TYPE TOUCH


def test_type(c):
    c.execute_command("SET", "s", "1")
    assert c.execute_command("TYPE", "s") == b"string"
    assert c.execute_command("TYPE", "nosuch") == b"none"
    assert err(c, "TYPE") == "wrong number of arguments for 'type' command"
    assert err(c, "TYPE", "a", "b") == "wrong number of arguments for 'type' command"


def test_type_resp3_is_simple_string(server, c):
    c.execute_command("SET", "s", "1")
    assert resp3(server, ("TYPE", "s"), ("TYPE", "nosuch")) == b"+string\r\n+none\r\n"


def test_touch(c):
    c.execute_command("SET", "a", "1")
    c.execute_command("SET", "b", "1")
    assert c.execute_command("TOUCH", "a", "b", "c", "a") == 3


# ------------------------------------------------------------------ RENAME RENAMENX


def test_rename_basic(c):
    c.execute_command("SET", "a", "hello")
    assert c.execute_command("RENAME", "a", "b") == b"OK"
    assert c.execute_command("EXISTS", "a") == 0
    assert c.execute_command("GET", "b") == b"hello"


def test_rename_overwrites_and_keeps_ttl(c):
    c.execute_command("SET", "src", "v", "PX", "100000")
    c.execute_command("SET", "dst", "old")
    assert c.execute_command("RENAME", "src", "dst") == b"OK"
    assert c.execute_command("GET", "dst") == b"v"
    assert 99000 < c.execute_command("PTTL", "dst") <= 100000
    # a destination with a TTL loses it when overwritten by a persistent key
    c.execute_command("SET", "p", "persistent")
    assert c.execute_command("RENAME", "p", "dst") == b"OK"
    assert c.execute_command("TTL", "dst") == -1


def test_rename_keeps_encoding(c):
    c.execute_command("SET", "i", "12345")
    c.execute_command("SET", "e", "short string")
    c.execute_command("SET", "r", "y" * 100)
    for k in ("i", "e", "r"):
        enc = c.execute_command("OBJECT", "ENCODING", k)
        assert c.execute_command("RENAME", k, k + "2") == b"OK"
        assert c.execute_command("OBJECT", "ENCODING", k + "2") == enc
    assert c.execute_command("GET", "i2") == b"12345"
    assert c.execute_command("GET", "e2") == b"short string"
    assert c.execute_command("GET", "r2") == b"y" * 100


def test_rename_errors_and_same_key(c):
    assert err(c, "RENAME", "nosuch", "x") == "no such key"
    assert err(c, "RENAME", "nosuch", "nosuch") == "no such key"
    assert err(c, "RENAMENX", "nosuch", "x") == "no such key"
    c.execute_command("SET", "a", "1", "EX", "100")
    assert c.execute_command("RENAME", "a", "a") == b"OK"
    assert c.execute_command("RENAMENX", "a", "a") == 0
    assert c.execute_command("TTL", "a") == 100
    assert err(c, "RENAME", "a") == "wrong number of arguments for 'rename' command"
    assert err(c, "RENAMENX", "a", "b", "c") == "wrong number of arguments for 'renamenx' command"


def test_renamenx(c):
    c.execute_command("SET", "a", "1")
    c.execute_command("SET", "b", "2")
    assert c.execute_command("RENAMENX", "a", "b") == 0
    assert c.execute_command("GET", "a") == b"1"
    assert c.execute_command("RENAMENX", "a", "c") == 1
    assert c.execute_command("EXISTS", "a", "c") == 1


def test_rename_of_expired_key(c):
    c.execute_command("SET", "gone", "1", "PX", "1")
    time.sleep(0.01)
    assert err(c, "RENAME", "gone", "x") == "no such key"
    # an expired destination counts as absent for RENAMENX
    c.execute_command("SET", "src", "v")
    c.execute_command("SET", "dead", "1", "PX", "1")
    time.sleep(0.01)
    assert c.execute_command("RENAMENX", "src", "dead") == 1


# ------------------------------------------------------------------ COPY


def test_copy_basic_and_independent(c):
    c.execute_command("SET", "a", "x" * 100, "PX", "50000")
    assert c.execute_command("COPY", "a", "b") == 1
    assert c.execute_command("GET", "b") == b"x" * 100
    assert 49000 < c.execute_command("PTTL", "b") <= 50000
    c.execute_command("SET", "a", "changed")
    assert c.execute_command("GET", "b") == b"x" * 100
    assert c.execute_command("COPY", "a", "b") == 0
    assert c.execute_command("COPY", "a", "b", "REPLACE") == 1
    assert c.execute_command("GET", "b") == b"changed"
    assert c.execute_command("TTL", "b") == -1
    assert c.execute_command("COPY", "nosuch", "b") == 0
    assert c.execute_command("COPY", "nosuch", "b", "REPLACE") == 0


def test_copy_errors(c):
    c.execute_command("SET", "a", "1")
    assert err(c, "COPY", "a", "a") == "source and destination objects are the same"
    assert err(c, "COPY", "a", "b", "DB", "99") == "DB index is out of range"
    assert err(c, "COPY", "a", "b", "DB", "-1") == "DB index is out of range"
    assert err(c, "COPY", "a", "b", "DB", "x") == "value is not an integer or out of range"
    assert err(c, "COPY", "a", "b", "DB", "99999999999999999999") == "value is not an integer or out of range"
    assert err(c, "COPY", "a", "b", "DB", "4294967296") == INT_RANGE_ERR
    assert err(c, "COPY", "a", "b", "DB") == "syntax error"
    assert err(c, "COPY", "a", "b", "FOO") == "syntax error"
    assert err(c, "COPY", "a") == "wrong number of arguments for 'copy' command"
    # option errors come before the missing-key answer
    assert err(c, "COPY", "nosuch", "b", "BAD") == "syntax error"
    assert c.execute_command("EXISTS", "b") == 0


def test_copy_to_other_db(server, c):
    c.execute_command("SET", "a", "v1", "EX", "1000")
    assert c.execute_command("COPY", "a", "a", "DB", "1") == 1
    assert c.execute_command("COPY", "a", "a", "db", "1") == 0
    assert c.execute_command("COPY", "a", "b", "REPLACE", "DB", "1", "REPLACE") == 1
    c2 = server.client()
    c2.execute_command("SELECT", "1")
    assert c2.execute_command("GET", "a") == b"v1"
    assert c2.execute_command("GET", "b") == b"v1"
    assert 990 < c2.execute_command("TTL", "a") <= 1000
    c2.execute_command("SET", "a", "other")
    assert c.execute_command("COPY", "a", "a", "DB", "1", "REPLACE") == 1
    assert c2.execute_command("GET", "a") == b"v1"
    # copying inside db 1 from a client on db 0 does not touch db 0
    assert c.execute_command("EXISTS", "b") == 0
    c2.close()


# ------------------------------------------------------------------ MOVE


def test_move(server, c):
    c.execute_command("SET", "m", "v", "PX", "60000")
    assert c.execute_command("MOVE", "m", "2") == 1
    assert c.execute_command("EXISTS", "m") == 0
    assert c.execute_command("MOVE", "m", "2") == 0  # gone from db 0
    c2 = server.client()
    c2.response_callbacks.clear()
    c2.execute_command("SELECT", "2")
    assert c2.execute_command("GET", "m") == b"v"
    assert 59000 < c2.execute_command("PTTL", "m") <= 60000
    # destination holds the key: nothing moves
    c.execute_command("SET", "m", "mine")
    assert c.execute_command("MOVE", "m", "2") == 0
    assert c.execute_command("GET", "m") == b"mine"
    assert c2.execute_command("GET", "m") == b"v"
    c2.close()


def test_move_errors(c):
    c.execute_command("SET", "a", "1")
    assert err(c, "MOVE", "a", "0") == "source and destination objects are the same"
    assert err(c, "MOVE", "nosuch", "0") == "source and destination objects are the same"
    assert err(c, "MOVE", "a", "16") == "DB index is out of range"
    assert err(c, "MOVE", "a", "-1") == "DB index is out of range"
    assert err(c, "MOVE", "a", "x") == "value is not an integer or out of range"
    assert err(c, "MOVE", "a", "1.0") == "value is not an integer or out of range"
    assert err(c, "MOVE", "a", "4294967296") == INT_RANGE_ERR
    assert err(c, "MOVE", "a", "-2147483649") == INT_RANGE_ERR
    assert err(c, "MOVE", "a", "99999999999999999999") == "value is not an integer or out of range"
    assert err(c, "MOVE", "a") == "wrong number of arguments for 'move' command"
    assert c.execute_command("MOVE", "nosuch", "1") == 0


# ------------------------------------------------------------------ SWAPDB DBSIZE FLUSH*


def test_swapdb(server, c):
    c.execute_command("SET", "in0", "a")
    c2 = server.client()
    c2.response_callbacks.clear()
    c2.execute_command("SELECT", "1")
    c2.execute_command("SET", "in1", "b")
    c2.execute_command("SET", "in1b", "b")
    assert c.execute_command("SWAPDB", "0", "1") == b"OK"
    # clients stay on their db number and see the other contents
    assert c.execute_command("DBSIZE") == 2
    assert c.execute_command("GET", "in1") == b"b"
    assert c2.execute_command("GET", "in0") == b"a"
    assert c.execute_command("SWAPDB", "1", "0") == b"OK"
    assert c.execute_command("DBSIZE") == 1
    assert c.execute_command("SWAPDB", "0", "0") == b"OK"
    assert c.execute_command("DBSIZE") == 1
    c2.close()


def test_swapdb_errors(c):
    assert err(c, "SWAPDB", "x", "1") == "invalid first DB index"
    assert err(c, "SWAPDB", "1", "x") == "invalid second DB index"
    assert err(c, "SWAPDB", "x", "y") == "invalid first DB index"
    assert err(c, "SWAPDB", "1", "16") == "DB index is out of range"
    assert err(c, "SWAPDB", "-1", "0") == "DB index is out of range"
    assert err(c, "SWAPDB", "99999999999", "0") == "invalid first DB index"
    assert err(c, "SWAPDB", "0", "4294967296") == "invalid second DB index"
    assert err(c, "SWAPDB", "0") == "wrong number of arguments for 'swapdb' command"


def test_dbsize_and_flushdb(server, c):
    for i in range(50):
        c.execute_command("SET", "k%d" % i, i)
    c2 = server.client()
    c2.response_callbacks.clear()
    c2.execute_command("SELECT", "3")
    c2.execute_command("SET", "other", "1")
    assert c.execute_command("DBSIZE") == 50
    assert c.execute_command("FLUSHDB") == b"OK"
    assert c.execute_command("DBSIZE") == 0
    assert c2.execute_command("DBSIZE") == 1
    assert c.execute_command("FLUSHDB", "ASYNC") == b"OK"
    assert c.execute_command("FLUSHDB", "sync") == b"OK"
    assert err(c, "FLUSHDB", "foo") == "syntax error"
    assert err(c, "FLUSHDB", "sync", "async") == "syntax error"
    assert err(c, "DBSIZE", "x") == "wrong number of arguments for 'dbsize' command"
    assert c2.execute_command("FLUSHALL", "ASYNC") == b"OK"
    assert c2.execute_command("DBSIZE") == 0
    c2.close()


def test_flushall_all_dbs(server, c):
    big = b"z" * 100000
    for db in range(4):
        cl = server.client()
        cl.execute_command("SELECT", db)
        for i in range(20):
            cl.execute_command("SET", "k%d" % i, big if i == 0 else "v")
        cl.close()
    assert err(c, "FLUSHALL", "foo") == "syntax error"
    assert err(c, "FLUSHALL", "sync", "async") == "syntax error"
    assert c.execute_command("FLUSHALL", "SYNC") == b"OK"
    for db in range(4):
        cl = server.client()
        cl.execute_command("SELECT", db)
        assert cl.execute_command("DBSIZE") == 0
        cl.close()
    for i in range(20):
        c.execute_command("SET", "k%d" % i, big)
    assert c.execute_command("FLUSHALL", "async") == b"OK"
    assert c.execute_command("DBSIZE") == 0
    assert c.execute_command("FLUSHALL") == b"OK"


# ------------------------------------------------------------------ RANDOMKEY


def test_randomkey(server, c):
    assert c.execute_command("RANDOMKEY") is None
    assert resp3(server, ("RANDOMKEY",)) == b"_\r\n"
    keys = {b"k%d" % i for i in range(30)}
    for k in keys:
        c.execute_command("SET", k, "1")
    seen = {c.execute_command("RANDOMKEY") for _ in range(200)}
    assert seen <= keys
    assert len(seen) > 5
    assert err(c, "RANDOMKEY", "x") == "wrong number of arguments for 'randomkey' command"


def test_randomkey_skips_expired(c):
    for i in range(20):
        c.execute_command("SET", "dead%d" % i, "1", "PX", "1")
    c.execute_command("SET", "alive", "1")
    time.sleep(0.01)
    for _ in range(10):
        assert c.execute_command("RANDOMKEY") == b"alive"


# ------------------------------------------------------------------ OBJECT


def test_object_encoding(c):
    c.execute_command("SET", "int", "123")
    c.execute_command("SET", "neg", "-9223372036854775808")
    c.execute_command("SET", "emb", "a" * 44)
    c.execute_command("SET", "raw", "a" * 45)
    c.execute_command("SET", "big", "99999999999999999999")
    assert c.execute_command("OBJECT", "ENCODING", "int") == b"int"
    assert c.execute_command("OBJECT", "encoding", "neg") == b"int"
    assert c.execute_command("OBJECT", "ENCODING", "emb") == b"embstr"
    assert c.execute_command("OBJECT", "ENCODING", "raw") == b"raw"
    assert c.execute_command("OBJECT", "ENCODING", "big") == b"embstr"
    assert c.execute_command("OBJECT", "ENCODING", "nosuch") is None


def test_object_refcount(c):
    c.execute_command("SET", "shared", "9999")
    c.execute_command("SET", "zero", "0")
    c.execute_command("SET", "notshared", "10000")
    c.execute_command("SET", "neg", "-1")
    c.execute_command("SET", "str", "abc")
    assert c.execute_command("OBJECT", "REFCOUNT", "shared") == 2147483647
    assert c.execute_command("OBJECT", "REFCOUNT", "zero") == 2147483647
    assert c.execute_command("OBJECT", "REFCOUNT", "notshared") == 1
    assert c.execute_command("OBJECT", "REFCOUNT", "neg") == 1
    assert c.execute_command("OBJECT", "REFCOUNT", "str") == 1
    assert c.execute_command("OBJECT", "REFCOUNT", "nosuch") is None


LFU_ERR = ("An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
           "switching between policies at runtime LRU and LFU data will take some time to adjust.")


def test_object_freq_needs_lfu(c):
    c.execute_command("SET", "a", "1")
    assert err(c, "OBJECT", "FREQ", "a") == LFU_ERR
    # a missing key answers null before the policy is looked at
    assert c.execute_command("OBJECT", "FREQ", "nosuch") is None


def test_object_freq_and_idletime_under_lfu(c):
    try:
        c.execute_command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
    except redis.ResponseError:
        pytest.skip("CONFIG SET maxmemory-policy not available yet")
    try:
        c.execute_command("SET", "a", "1")
        assert isinstance(c.execute_command("OBJECT", "FREQ", "a"), int)
        assert err(c, "OBJECT", "IDLETIME", "a") == (
            "An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
            "between policies at runtime LRU and LFU data will take some time to adjust.")
    finally:
        c.execute_command("CONFIG", "SET", "maxmemory-policy", "noeviction")


def test_object_idletime(c):
    c.execute_command("SET", "a", "1")
    c.execute_command("SET", "b", "1")
    assert c.execute_command("OBJECT", "IDLETIME", "a") <= 1
    time.sleep(2.2)
    assert c.execute_command("OBJECT", "IDLETIME", "a") >= 1  # OBJECT itself does not touch
    assert c.execute_command("OBJECT", "IDLETIME", "a") >= 1
    c.execute_command("EXISTS", "b")  # EXISTS does not touch either
    assert c.execute_command("OBJECT", "IDLETIME", "b") >= 1
    assert c.execute_command("TOUCH", "a") == 1
    assert c.execute_command("OBJECT", "IDLETIME", "a") <= 1
    c.execute_command("GET", "b")
    assert c.execute_command("OBJECT", "IDLETIME", "b") <= 1
    assert c.execute_command("OBJECT", "IDLETIME", "nosuch") is None


def test_object_errors_and_help(c):
    assert err(c, "OBJECT") == "wrong number of arguments for 'object' command"
    assert err(c, "OBJECT", "foo") == "unknown subcommand 'foo'. Try OBJECT HELP."
    assert err(c, "OBJECT", "foo", "k") == "unknown subcommand 'foo'. Try OBJECT HELP."
    assert err(c, "OBJECT", "ENCODING") == "wrong number of arguments for 'object|encoding' command"
    assert err(c, "OBJECT", "ENCODING", "a", "b") == "wrong number of arguments for 'object|encoding' command"
    assert err(c, "OBJECT", "HELP", "x") == "wrong number of arguments for 'object|help' command"
    help_lines = c.execute_command("OBJECT", "HELP")
    assert help_lines[0] == b"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    for sub in (b"ENCODING <key>", b"FREQ <key>", b"IDLETIME <key>", b"REFCOUNT <key>", b"HELP"):
        assert sub in help_lines


def test_object_help_resp_types(server):
    raw = server.raw(b"OBJECT HELP\r\n", expect=40)
    assert raw.startswith(b"*") and b"\r\n+OBJECT <subcommand>" in raw


def test_object_resp3_null(server, c):
    c.execute_command("SET", "a", "abc")
    assert resp3(server, ("OBJECT", "ENCODING", "nosuch"), ("OBJECT", "ENCODING", "a"),
                 ("OBJECT", "REFCOUNT", "a")) == b"_\r\n$6\r\nembstr\r\n:1\r\n"


# ------------------------------------------------------------------ exact RESP2 error lines


def test_error_prefixes_raw(server, c):
    c.execute_command("SET", "a", "1")
    raw = server.raw(b"RENAME nosuch x\r\nMOVE a 0\r\nSWAPDB x 1\r\nCOPY a b DB 99\r\n", expect=140)
    assert raw == (b"-ERR no such key\r\n-ERR source and destination objects are the same\r\n"
                   b"-ERR invalid first DB index\r\n-ERR DB index is out of range\r\n")


# ------------------------------------------------------------------ keyspace events


def _events(server, c, actions, pattern="__keyevent@*"):
    """Run `actions(c)` with keyspace notifications on; return [(channel, key), ...]
    received. Skips if CONFIG SET / PSUBSCRIBE are not available yet."""
    try:
        c.execute_command("CONFIG", "SET", "notify-keyspace-events", "KEA")
    except redis.ResponseError:
        pytest.skip("keyspace notifications not available yet")
    sub = server.client()
    p = sub.pubsub()
    try:
        try:
            p.psubscribe(pattern)
            first = p.get_message(timeout=2)
        except redis.ResponseError:  # PSUBSCRIBE not there yet
            pytest.skip("keyspace notifications not available yet")
        assert first["type"] == "psubscribe"
        actions(c)
        c.execute_command("SET", "__end__", "1")  # a marker: every event before it arrived
        got = []
        deadline = time.time() + 5 * SLOW
        while time.time() < deadline:
            m = p.get_message(timeout=0.5)
            if not m:
                continue
            if m["data"] == b"__end__":
                break
            got.append((m["channel"].decode(), m["data"]))
        return got
    finally:
        c.execute_command("CONFIG", "SET", "notify-keyspace-events", "")
        p.close()
        sub.close()


def test_keyspace_events_generic(server, c):
    def actions(cl):
        cl.execute_command("SET", "a", "1")
        cl.execute_command("DEL", "a", "nosuch")
        cl.execute_command("SET", "a", "1")
        cl.execute_command("UNLINK", "a")
        cl.execute_command("SET", "a", "1")
        cl.execute_command("RENAME", "a", "b")
        cl.execute_command("RENAMENX", "b", "c")
        cl.execute_command("COPY", "c", "d", "DB", "1")
        cl.execute_command("MOVE", "c", "2")
    got = _events(server, c, actions)
    assert got == [
        ("__keyevent@0__:set", b"a"), ("__keyevent@0__:del", b"a"),
        ("__keyevent@0__:set", b"a"), ("__keyevent@0__:del", b"a"),
        ("__keyevent@0__:set", b"a"),
        ("__keyevent@0__:rename_from", b"a"), ("__keyevent@0__:rename_to", b"b"),
        ("__keyevent@0__:rename_from", b"b"), ("__keyevent@0__:rename_to", b"c"),
        ("__keyevent@1__:copy_to", b"d"),
        ("__keyevent@0__:move_from", b"c"), ("__keyevent@2__:move_to", b"c"),
    ]


# ------------------------------------------------------------------ concurrency


@pytest.fixture(scope="module")
def mt_server():
    """A server with several worker threads, so clients really run in parallel."""
    from conftest import Server
    s = Server(threads=4) if "redis-server" not in _bin() else Server()
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0


def _bin():
    from conftest import BIN
    return BIN


def _run_threads(fns, seconds):
    stop = threading.Event()
    errors = []

    def wrap(fn):
        try:
            fn(stop)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
            stop.set()
    ts = [threading.Thread(target=wrap, args=(f,)) for f in fns]
    for t in ts:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in ts:
        t.join(timeout=30 * SLOW)
    assert not errors, errors


def test_rename_is_atomic(mt_server):
    setup = mt_server.client()
    setup.flushall()
    setup.set("ra", "v")
    counts = {"checks": 0, "renames": 0}

    def renamer(stop):
        cl = mt_server.client()
        while not stop.is_set():
            for src, dst in (("ra", "rb"), ("rb", "ra")):
                try:
                    cl.execute_command("RENAME", src, dst)
                    counts["renames"] += 1
                except redis.ResponseError as e:
                    assert str(e) == "no such key"  # the other renamer moved it first
        cl.close()

    def checker(stop):
        cl = mt_server.client()
        while not stop.is_set():
            n = cl.execute_command("EXISTS", "ra", "rb")
            assert n == 1, "EXISTS ra rb answered %r mid-rename" % n
            counts["checks"] += 1
        cl.close()

    _run_threads([renamer, renamer, checker, checker], 1.5)
    assert counts["checks"] > 100 and counts["renames"] > 100
    assert setup.exists("ra", "rb") == 1
    setup.close()


def test_move_is_atomic(mt_server):
    setup = mt_server.client()
    setup.flushall()
    setup.set("mv", "v")
    moves = [0]

    def mover(stop):
        # the only mover: each MOVE must find the key where the previous one put it
        a, b = mt_server.client(), mt_server.client()
        b.execute_command("SELECT", "1")
        while not stop.is_set():
            assert a.execute_command("MOVE", "mv", "1") == 1
            assert b.execute_command("MOVE", "mv", "0") == 1
            moves[0] += 2
        a.close()
        b.close()

    def reader(db):
        def run(stop):
            cl = mt_server.client()
            cl.execute_command("SELECT", db)
            while not stop.is_set():
                assert cl.get("mv") in (None, b"v")
            cl.close()
        return run

    _run_threads([mover, reader(0), reader(1)], 1.0)
    assert moves[0] > 10
    assert setup.exists("mv") == 1
    setup.execute_command("SELECT", "1")
    assert setup.exists("mv") == 0
    setup.close()


def test_swapdb_under_load(mt_server):
    setup = mt_server.client()
    setup.flushall()
    setup.set("x0", "0")
    setup.set("y0", "0")
    one = mt_server.client()
    one.execute_command("SELECT", "1")
    one.set("x1", "1")
    one.set("y1", "1")
    one.close()
    written = []
    swaps = [0]

    def swapper(stop):
        cl = mt_server.client()
        while not stop.is_set():
            assert cl.execute_command("SWAPDB", "0", "1") is True
            swaps[0] += 1
        cl.close()

    def checker(stop):
        cl = mt_server.client()
        while not stop.is_set():
            # both keys of one db, never one of each: a swap is all or nothing
            n = cl.execute_command("EXISTS", "x0", "y0", "x1", "y1")
            assert n == 2, "EXISTS saw %r keys: a half-swapped db" % n
        cl.close()

    def writer(prefix):
        def run(stop):
            cl = mt_server.client()
            i = 0
            while not stop.is_set():
                k = "%s:%d" % (prefix, i)
                assert cl.set(k, "v") is True
                written.append(k)
                i += 1
            cl.close()
        return run

    _run_threads([swapper, checker, writer("w1"), writer("w2")], 1.5)
    assert swaps[0] > 10
    c0, c1 = mt_server.client(), mt_server.client()
    c1.execute_command("SELECT", "1")
    pipe0, pipe1 = c0.pipeline(transaction=False), c1.pipeline(transaction=False)
    for k in written:
        pipe0.exists(k)
        pipe1.exists(k)
    for k, a, b in zip(written, pipe0.execute(), pipe1.execute()):
        assert a + b == 1, "key %s is in %d dbs" % (k, a + b)
    assert c0.dbsize() + c1.dbsize() == len(written) + 4
    for cl in (c0, c1, setup):
        cl.close()
