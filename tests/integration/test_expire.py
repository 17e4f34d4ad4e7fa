"""Expiry: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
PEXPIRETIME PERSIST — replies, Redis 7.0 error texts and their order, overflow edges,
lazy and active expiry. Every expected reply was checked against redis-server 7.0.15
(this file also passes with WARDEN_BIN pointing at a real redis-server)."""
import socket
import time

import pytest
import redis

from conftest import SLOW


@pytest.fixture
def c(r):
    r.response_callbacks.clear()
    return r


def err(c, *args):
    with pytest.raises(redis.ResponseError) as e:
        c.execute_command(*args)
    return str(e.value)


INT_ERR = "value is not an integer or out of range"
LLONG_MAX = 9223372036854775807
LLONG_MIN = -9223372036854775808


# ------------------------------------------------------------------ the four setters


def test_expire_sets_ttl(c):
    c.execute_command("SET", "k", "v")
    assert c.execute_command("EXPIRE", "k", "100") == 1
    assert c.execute_command("TTL", "k") == 100
    assert 99000 < c.execute_command("PTTL", "k") <= 100000
    assert c.execute_command("PEXPIRE", "k", "5000") == 1
    assert 4900 < c.execute_command("PTTL", "k") <= 5000
    assert c.execute_command("TTL", "k") == 5
    assert c.execute_command("EXPIRE", "nosuch", "100") == 0
    assert c.execute_command("PEXPIRE", "nosuch", "100") == 0


def test_expireat_and_expiretime(c):
    c.execute_command("SET", "k", "v")
    at = int(time.time()) + 1000
    assert c.execute_command("EXPIREAT", "k", at) == 1
    assert c.execute_command("EXPIRETIME", "k") == at
    assert c.execute_command("PEXPIRETIME", "k") == at * 1000
    assert c.execute_command("PEXPIREAT", "k", at * 1000 + 777) == 1
    assert c.execute_command("PEXPIRETIME", "k") == at * 1000 + 777
    assert c.execute_command("EXPIRETIME", "k") == at + 1  # rounded to nearest
    assert c.execute_command("PEXPIREAT", "k", at * 1000 + 499) == 1
    assert c.execute_command("EXPIRETIME", "k") == at
    assert c.execute_command("EXPIREAT", "nosuch", at) == 0
    assert c.execute_command("PEXPIREAT", "nosuch", at) == 0


def test_ttl_replies_for_missing_and_persistent(c):
    c.execute_command("SET", "p", "v")
    for cmd in ("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"):
        assert c.execute_command(cmd, "nosuch") == -2
        assert c.execute_command(cmd, "p") == -1
        assert err(c, cmd) == "wrong number of arguments for '%s' command" % cmd.lower()
        assert err(c, cmd, "a", "b") == "wrong number of arguments for '%s' command" % cmd.lower()


def test_ttl_rounds_to_nearest_second(c):
    c.execute_command("SET", "k", "v")
    c.execute_command("PEXPIRE", "k", "1600")
    assert c.execute_command("TTL", "k") == 2
    c.execute_command("PEXPIRE", "k", "1400")
    assert c.execute_command("TTL", "k") == 1


def test_resp3_integer_replies(server, c):
    c.execute_command("SET", "k", "v")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5 * SLOW) as s:
        s.sendall(b"HELLO 3\r\nEXPIRE k 100\r\nTTL k\r\nTTL nosuch\r\nPERSIST k\r\nEXPIRETIME k\r\nPING\r\n")
        buf = b""
        while not buf.endswith(b"+PONG\r\n"):
            chunk = s.recv(65536)
            assert chunk
            buf += chunk
    tail = buf[buf.index(b"*0\r\n") + 4:]
    assert tail == b":1\r\n:100\r\n:-2\r\n:1\r\n:-1\r\n+PONG\r\n"


# ------------------------------------------------------------------ NX XX GT LT


def test_nx_xx(c):
    c.execute_command("SET", "k", "v")
    assert c.execute_command("EXPIRE", "k", "100", "XX") == 0
    assert c.execute_command("TTL", "k") == -1
    assert c.execute_command("EXPIRE", "k", "100", "NX") == 1
    assert c.execute_command("EXPIRE", "k", "200", "NX") == 0
    assert c.execute_command("TTL", "k") == 100
    assert c.execute_command("EXPIRE", "k", "200", "xx") == 1
    assert c.execute_command("TTL", "k") == 200
    assert c.execute_command("EXPIRE", "nosuch", "10", "NX") == 0


def test_gt_lt(c):
    c.execute_command("SET", "k", "v")
    # no TTL counts as infinite: GT never beats it, LT always does
    assert c.execute_command("EXPIRE", "k", "100", "GT") == 0
    assert c.execute_command("TTL", "k") == -1
    assert c.execute_command("EXPIRE", "k", "100", "LT") == 1
    assert c.execute_command("EXPIRE", "k", "50", "GT") == 0
    assert c.execute_command("EXPIRE", "k", "200", "GT") == 1
    assert c.execute_command("TTL", "k") == 200
    assert c.execute_command("EXPIRE", "k", "300", "LT") == 0
    assert c.execute_command("EXPIRE", "k", "150", "lt") == 1
    assert c.execute_command("TTL", "k") == 150
    assert c.execute_command("EXPIRE", "k", "200", "XX", "GT") == 1
    assert c.execute_command("EXPIRE", "k", "100", "GT", "XX") == 0
    assert c.execute_command("EXPIRE", "k", "100", "LT", "XX", "LT") == 1
    assert c.execute_command("TTL", "k") == 100
    # equal is neither greater nor less (absolute times, so no clock drift)
    at = (int(time.time()) + 1000) * 1000
    assert c.execute_command("PEXPIREAT", "k", at) == 1
    assert c.execute_command("PEXPIREAT", "k", at, "GT") == 0
    assert c.execute_command("PEXPIREAT", "k", at, "LT") == 0
    assert c.execute_command("PEXPIREAT", "k", at + 1, "GT") == 1
    assert c.execute_command("PEXPIREAT", "k", at, "LT") == 1
    assert c.execute_command("PEXPIRETIME", "k") == at


def test_option_errors_and_their_order(c):
    c.execute_command("SET", "k", "v")
    nx_err = "NX and XX, GT or LT options at the same time are not compatible"
    assert err(c, "EXPIRE", "k", "10", "NX", "XX") == nx_err
    assert err(c, "EXPIRE", "k", "10", "XX", "NX") == nx_err
    assert err(c, "EXPIRE", "k", "10", "NX", "GT") == nx_err
    assert err(c, "PEXPIRE", "k", "10", "LT", "NX") == nx_err
    assert err(c, "EXPIRE", "k", "10", "GT", "LT") == "GT and LT options at the same time are not compatible"
    assert err(c, "EXPIREAT", "k", "10", "FOO") == "Unsupported option FOO"
    assert err(c, "PEXPIREAT", "k", "10", "nx", "bar") == "Unsupported option bar"
    # options are checked before the number, the number before the key
    assert err(c, "EXPIRE", "k", "abc", "foo") == "Unsupported option foo"
    assert err(c, "EXPIRE", "k", "abc", "NX", "XX") == nx_err
    assert err(c, "EXPIRE", "nosuch", "abc") == INT_ERR
    assert c.execute_command("TTL", "k") == -1
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        assert err(c, cmd, "k") == "wrong number of arguments for '%s' command" % cmd.lower()


def test_bad_numbers(c):
    c.execute_command("SET", "k", "v")
    for bad in ("abc", "1.5", "", " 1", "1 ", "+1", "0x10", "99999999999999999999", "1e3"):
        assert err(c, "EXPIRE", "k", bad) == INT_ERR, bad
        assert err(c, "PEXPIREAT", "k", bad) == INT_ERR, bad
    assert c.execute_command("TTL", "k") == -1


def test_overflow_edges(c):
    c.execute_command("SET", "k", "v")
    for cmd, arg in (("EXPIRE", LLONG_MAX // 1000 + 1), ("EXPIRE", LLONG_MIN // 1000 - 1),
                     ("EXPIRE", LLONG_MAX), ("PEXPIRE", LLONG_MAX), ("PEXPIRE", LLONG_MAX - 1000),
                     ("EXPIREAT", LLONG_MAX // 1000 + 1), ("EXPIREAT", LLONG_MIN)):
        assert err(c, cmd, "k", arg) == "invalid expire time in '%s' command" % cmd.lower()
    assert c.execute_command("TTL", "k") == -1
    # the largest values that still fit are accepted
    assert c.execute_command("EXPIREAT", "k", LLONG_MAX // 1000) == 1
    assert c.execute_command("EXPIRETIME", "k") == LLONG_MAX // 1000
    assert c.execute_command("PEXPIREAT", "k", LLONG_MAX) == 1
    assert c.execute_command("PEXPIRETIME", "k") == LLONG_MAX
    assert c.execute_command("EXPIRETIME", "k") == LLONG_MAX // 1000 + 1  # rounds without overflow
    assert c.execute_command("TTL", "k") > 9 * 10 ** 15
    assert c.execute_command("PTTL", "k") > 9 * 10 ** 18
    # very negative absolute times are fine: the key just expires now
    assert c.execute_command("PEXPIREAT", "k", LLONG_MIN) == 1
    assert c.execute_command("EXISTS", "k") == 0


def test_past_time_deletes(c):
    for args in (("EXPIRE", "k", "-1"), ("EXPIRE", "k", "0"), ("PEXPIRE", "k", "0"), ("PEXPIRE", "k", "-100"),
                 ("EXPIREAT", "k", "1"), ("PEXPIREAT", "k", "1"), ("EXPIREAT", "k", "0"),
                 ("EXPIRE", "k", "0", "LT")):
        c.execute_command("SET", "k", "v")
        assert c.execute_command(*args) == 1, args
        assert c.execute_command("EXISTS", "k") == 0, args
        assert c.execute_command("TTL", "k") == -2
    # a condition that fails leaves the key even for a past time
    c.execute_command("SET", "k", "v")
    assert c.execute_command("EXPIRE", "k", "-1", "GT") == 0
    assert c.execute_command("EXPIRE", "k", "-1", "XX") == 0
    assert c.execute_command("EXISTS", "k") == 1


# ------------------------------------------------------------------ PERSIST and writes


def test_persist(c):
    c.execute_command("SET", "k", "v", "EX", "100")
    assert c.execute_command("PERSIST", "k") == 1
    assert c.execute_command("TTL", "k") == -1
    assert c.execute_command("PERSIST", "k") == 0
    assert c.execute_command("PERSIST", "nosuch") == 0
    assert c.execute_command("GET", "k") == b"v"
    assert err(c, "PERSIST") == "wrong number of arguments for 'persist' command"
    assert err(c, "PERSIST", "a", "b") == "wrong number of arguments for 'persist' command"


def test_set_clears_ttl_and_value_survives_expire(c):
    c.execute_command("SET", "k", "x" * 100)  # a raw string: its value moves to a new entry
    assert c.execute_command("EXPIRE", "k", "100") == 1
    assert c.execute_command("GET", "k") == b"x" * 100
    assert c.execute_command("EXPIRE", "k", "200") == 1
    assert c.execute_command("PERSIST", "k") == 1
    assert c.execute_command("GET", "k") == b"x" * 100
    c.execute_command("EXPIRE", "k", "100")
    c.execute_command("SET", "k", "new")
    assert c.execute_command("TTL", "k") == -1


def test_ttl_keeps_the_encoding(c):
    """Adding or removing a TTL rebuilds the entry; the value's encoding must not
    change (redis-server 7.0.15: INCRBYFLOAT's "3" stays embstr through EXPIRE)."""
    c.execute_command("SET", "f", "1.5")
    assert c.execute_command("INCRBYFLOAT", "f", "1.5") == b"3"
    c.execute_command("SET", "i", "12")
    c.execute_command("SET", "e", "abc")
    c.execute_command("SET", "r", "x" * 100)
    want = {"f": b"embstr", "i": b"int", "e": b"embstr", "r": b"raw"}
    for key, enc in want.items():
        assert c.execute_command("OBJECT", "ENCODING", key) == enc, key
        assert c.execute_command("EXPIRE", key, "100") == 1
        assert c.execute_command("OBJECT", "ENCODING", key) == enc, key
        assert c.execute_command("PERSIST", key) == 1
        assert c.execute_command("OBJECT", "ENCODING", key) == enc, key
    assert c.execute_command("GET", "f") == b"3"


def test_multiple_dbs(server, c):
    c.execute_command("SET", "k", "v0")
    c2 = server.client()
    c2.response_callbacks.clear()
    c2.execute_command("SELECT", "5")
    c2.execute_command("SET", "k", "v5")
    assert c2.execute_command("EXPIRE", "k", "50") == 1
    assert c.execute_command("TTL", "k") == -1
    assert c2.execute_command("TTL", "k") == 50
    assert c.execute_command("PEXPIRE", "k", "1") == 1
    time.sleep(0.01)
    assert c.execute_command("EXISTS", "k") == 0
    assert c2.execute_command("GET", "k") == b"v5"
    c2.close()


# ------------------------------------------------------------------ lazy and active expiry


def test_lazy_expiry_on_access(c):
    c.execute_command("SET", "k", "v", "PX", "50")
    assert c.execute_command("GET", "k") == b"v"
    time.sleep(0.08)
    assert c.execute_command("GET", "k") is None
    assert c.execute_command("TTL", "k") == -2
    assert c.execute_command("EXISTS", "k") == 0


def test_expired_keys_not_listed(c):
    for i in range(30):
        c.execute_command("SET", "dead%d" % i, "v", "PX", "1")
    c.execute_command("SET", "alive", "v")
    time.sleep(0.02)
    assert c.execute_command("KEYS", "*") == [b"alive"]
    keys, cursor = [], b"0"
    while True:
        cursor, batch = c.execute_command("SCAN", cursor)
        keys += batch
        if cursor == b"0":
            break
    assert keys == [b"alive"]


def _wait_dbsize(c, want, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        n = c.execute_command("DBSIZE")
        if n == want:
            return n
        time.sleep(0.05)
    return c.execute_command("DBSIZE")


def test_active_expiry_without_access(c):
    for i in range(100):
        c.execute_command("SET", "px%d" % i, "v", "PX", "100")
    c.execute_command("SET", "stay", "v")
    assert c.execute_command("DBSIZE") == 101
    assert _wait_dbsize(c, 1, 2 * SLOW) == 1


def test_active_expiry_reclaims_10000_keys(c):
    pipe = c.pipeline(transaction=False)
    for i in range(10000):
        pipe.execute_command("SET", "bulk:%d" % i, "v", "PX", "200")
    pipe.execute()
    # several dbs at once
    c.execute_command("SELECT", "7")
    pipe = c.pipeline(transaction=False)
    for i in range(2000):
        pipe.execute_command("SET", "db7:%d" % i, "v", "PX", "200")
    pipe.execute()
    assert _wait_dbsize(c, 0, 5 * SLOW) == 0
    c.execute_command("SELECT", "0")
    assert _wait_dbsize(c, 0, 5 * SLOW) == 0


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
        except redis.ResponseError:  # PSUBSCRIBE not there yet
            pytest.skip("keyspace notifications not available yet")
        assert first["type"] == "psubscribe"
        c.execute_command("SET", "k", "v")
        c.execute_command("EXPIRE", "k", "100")
        c.execute_command("EXPIRE", "k", "100", "NX")  # refused: no event
        c.execute_command("PERSIST", "k")
        c.execute_command("PERSIST", "k")  # nothing to remove: no event
        c.execute_command("PEXPIREAT", "k", "99999999999999")
        c.execute_command("EXPIRE", "k", "-1")
        c.execute_command("EXPIRE", "nosuch", "10")
        c.execute_command("SET", "k", "v", "PX", "1")
        time.sleep(0.02)
        c.execute_command("GET", "k")  # reclaimed here or by active expiry: one event
        c.execute_command("SET", "__end__", "1")
        got = []
        deadline = time.time() + 5 * SLOW
        while time.time() < deadline:
            m = p.get_message(timeout=0.5)
            if not m:
                continue
            if m["data"] == b"__end__":
                break
            got.append((m["channel"].decode().split(":", 1)[1], m["data"]))
        assert got == [("set", b"k"), ("expire", b"k"), ("persist", b"k"), ("expire", b"k"), ("del", b"k"),
                       ("set", b"k"), ("expire", b"k"), ("expired", b"k")]
    finally:
        c.execute_command("CONFIG", "SET", "notify-keyspace-events", "")
        p.close()
        sub.close()
