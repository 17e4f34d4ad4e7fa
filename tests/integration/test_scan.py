"""KEYS and SCAN: patterns, MATCH/COUNT/TYPE, cursor parsing exactly as Redis 7.0, and
SCAN's guarantee — every key present for the whole iteration is returned — while other
clients add and delete keys (forcing the shard tables to grow and shrink) mid-scan.
Expected replies were checked against redis-server 7.0.15."""
import random
import threading

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


def full_scan(c, *opts, cursor=b"0"):
    """All keys of a complete SCAN iteration (as a list: duplicates are allowed)."""
    keys = []
    calls = 0
    while True:
        cursor, batch = c.execute_command("SCAN", cursor, *opts)
        assert isinstance(cursor, bytes) and isinstance(batch, list)
        keys += batch
        calls += 1
        assert calls < 100000
        if cursor == b"0":
            return keys


def fill(c, fmt, n, start=0):
    pipe = c.pipeline(transaction=False)
    for i in range(start, start + n):
        pipe.execute_command("SET", fmt % i, "v")
    pipe.execute()


# ------------------------------------------------------------------ KEYS


def test_keys_patterns(c):
    for k in ("hello", "hallo", "hxllo", "hllo", "heeeello", "hillo", "Hello", "h*llo", "a?c"):
        c.execute_command("SET", k, "1")
    assert sorted(c.execute_command("KEYS", "h?llo")) == [b"h*llo", b"hallo", b"hello", b"hillo", b"hxllo"]
    assert sorted(c.execute_command("KEYS", "h*llo")) == [b"h*llo", b"hallo", b"heeeello", b"hello", b"hillo",
                                                          b"hllo", b"hxllo"]
    assert sorted(c.execute_command("KEYS", "h[ae]llo")) == [b"hallo", b"hello"]
    assert sorted(c.execute_command("KEYS", "h[^e]llo")) == [b"h*llo", b"hallo", b"hillo", b"hxllo"]
    assert sorted(c.execute_command("KEYS", "h[a-b]llo")) == [b"hallo"]
    assert c.execute_command("KEYS", "h\\*llo") == [b"h*llo"]
    assert c.execute_command("KEYS", "Hello") == [b"Hello"]  # case-sensitive
    assert c.execute_command("KEYS", "nomatch*") == []
    assert len(c.execute_command("KEYS", "*")) == 9
    assert err(c, "KEYS") == "wrong number of arguments for 'keys' command"
    assert err(c, "KEYS", "a", "b") == "wrong number of arguments for 'keys' command"


def test_keys_binary_and_hostile_patterns(c):
    c.execute_command("SET", b"a\x00b", "1")
    c.execute_command("SET", b"a\r\nb", "1")
    c.execute_command("SET", "a" * 300, "1")
    assert sorted(c.execute_command("KEYS", "a?b")) == [b"a\x00b"]
    assert c.execute_command("KEYS", b"a\r\n*") == [b"a\r\nb"]
    # a backtracking-hostile pattern answers at once
    assert c.execute_command("KEYS", "a*" * 40 + "b") == []
    for pat in ("[", "[a", "\\", "[^", "[a-", "*[", "a\\"):
        assert isinstance(c.execute_command("KEYS", pat), list)


def test_keys_many_and_dbs(server, c):
    fill(c, "key:%d", 3000)
    keys = c.execute_command("KEYS", "key:*")
    assert len(keys) == 3000 and len(set(keys)) == 3000
    assert len(c.execute_command("KEYS", "key:1??")) == 100
    c2 = server.client()
    c2.execute_command("SELECT", "2")
    assert c2.execute_command("KEYS", "*") == []
    c2.close()


def test_keys_resp3(server, c):
    c.execute_command("SET", "only", "1")
    raw = server.raw(b"HELLO 3\r\nKEYS *\r\nKEYS none*\r\n", expect=1, timeout=0.5)
    assert raw.endswith(b"*1\r\n$4\r\nonly\r\n*0\r\n")


# ------------------------------------------------------------------ SCAN basics


def test_scan_small_db_in_one_call(c):
    fill(c, "s%d", 5)
    cursor, keys = c.execute_command("SCAN", "0")
    assert cursor == b"0"
    assert sorted(keys) == [b"s%d" % i for i in range(5)]
    assert c.execute_command("FLUSHALL") == b"OK"
    assert c.execute_command("SCAN", "0") == [b"0", []]


def test_scan_full_iteration(c):
    fill(c, "key:%d", 2000)
    for count in ("1", "10", "100", "10000"):
        keys = full_scan(c, "COUNT", count)
        assert set(keys) == {b"key:%d" % i for i in range(2000)}, count


def test_scan_count_is_a_hint(c):
    fill(c, "key:%d", 2000)
    cursor, keys = c.execute_command("SCAN", "0", "COUNT", "100")
    assert cursor != b"0"
    assert 20 <= len(keys) <= 400
    cursor, keys = c.execute_command("SCAN", "0", "COUNT", "100000")
    assert cursor == b"0" and len(keys) == 2000


def test_scan_match(c):
    fill(c, "key:%d", 1000)
    fill(c, "other:%d", 100)
    keys = full_scan(c, "MATCH", "other:*", "COUNT", "50")
    assert sorted(set(keys)) == sorted(b"other:%d" % i for i in range(100))
    keys = full_scan(c, "match", "key:1?", "count", "1000")
    assert sorted(set(keys)) == sorted(b"key:1%d" % i for i in range(10))
    assert full_scan(c, "MATCH", "nothing*") == []
    assert len(set(full_scan(c, "MATCH", "*"))) == 1100


def test_scan_type(c):
    fill(c, "str:%d", 50)
    assert len(set(full_scan(c, "TYPE", "string"))) == 50
    assert len(set(full_scan(c, "TYPE", "STRING"))) == 50  # any case
    for t in ("list", "set", "zset", "hash", "stream", "foo", "none"):
        assert full_scan(c, "TYPE", t) == [], t  # an unknown name matches nothing
    assert len(set(full_scan(c, "TYPE", "string", "MATCH", "str:1*"))) == 11


def test_scan_repeated_options_last_wins(c):
    fill(c, "a%d", 10)
    fill(c, "b%d", 10)
    keys = full_scan(c, "MATCH", "a*", "MATCH", "b*", "COUNT", "1", "COUNT", "1000")
    assert sorted(set(keys)) == sorted(b"b%d" % i for i in range(10))


def test_scan_errors(c):
    assert err(c, "SCAN") == "wrong number of arguments for 'scan' command"
    for bad in ("abc", " 1", "1 ", "0x10", "1.5", "18446744073709551616", "-18446744073709551616", "+", "-",
                "99999999999999999999999"):
        assert err(c, "SCAN", bad) == "invalid cursor", bad
    assert err(c, "SCAN", "abc", "COUNT", "0") == "invalid cursor"  # cursor checked first
    assert err(c, "SCAN", "0", "COUNT", "0") == "syntax error"
    assert err(c, "SCAN", "0", "COUNT", "-1") == "syntax error"
    assert err(c, "SCAN", "0", "COUNT", "abc") == "value is not an integer or out of range"
    assert err(c, "SCAN", "0", "COUNT", "99999999999999999999") == "value is not an integer or out of range"
    assert err(c, "SCAN", "0", "COUNT") == "syntax error"
    assert err(c, "SCAN", "0", "MATCH") == "syntax error"
    assert err(c, "SCAN", "0", "TYPE") == "syntax error"
    assert err(c, "SCAN", "0", "FOO", "bar") == "syntax error"
    assert err(c, "SCAN", "0", "MATCH", "*", "extra") == "syntax error"


def test_scan_cursor_forms_redis_accepts(c):
    c.execute_command("SET", "k", "v")
    # strtoul syntax: a sign, a wrap-around negative, the empty string as 0
    for cur in ("+0", "-0", "", "0"):
        cursor, keys = c.execute_command("SCAN", cur, "COUNT", "1000")
        assert cursor == b"0" and keys == [b"k"], cur
    for cur in ("-1", "18446744073709551615", "-18446744073709551615", "123456789", "+5"):
        cursor, keys = c.execute_command("SCAN", cur)
        assert isinstance(cursor, bytes) and int(cursor) >= 0
    # any cursor a client makes up is safe to resume from
    for _ in range(200):
        cursor, keys = c.execute_command("SCAN", str(random.getrandbits(64)), "COUNT", "5")
        assert keys in ([], [b"k"])


def test_cursor_syntax_same_for_every_scan(c):
    """SCAN, HSCAN, SSCAN and ZSCAN read the cursor with one parser (checked against
    redis-server 7.0.15: the empty string is 0, leading zeros of any length are fine,
    a bare sign, a leading space, trailing junk and 2^64 are not)."""
    c.execute_command("HSET", "h", "f", "v")
    c.execute_command("SADD", "s", "m")
    c.execute_command("ZADD", "z", "1", "m")
    for cmd in (["SCAN"], ["HSCAN", "h"], ["SSCAN", "s"], ["ZSCAN", "z"]):
        for cur in ("", "0", "+0", "-0", "0" * 41):
            cursor, items = c.execute_command(*cmd, cur, "COUNT", "1000")
            assert cursor == b"0" and items, (cmd, cur)
        for bad in (" 0", "+", "-", "1abc", "0x1", "18446744073709551616"):
            assert err(c, *cmd, bad) == "invalid cursor", (cmd, bad)
        # on a missing key the cursor is still checked first
        if len(cmd) == 2:
            assert err(c, cmd[0], "missing", "+") == "invalid cursor", cmd
            assert c.execute_command(cmd[0], "missing", "", "COUNT", "0") == [b"0", []], cmd


def test_cursor_ends_at_nul_for_every_scan(server, c):
    """A cursor's string ends at its first NUL byte, as strtoul reads Redis's string."""
    c.execute_command("HSET", "h", "f", "v")
    c.execute_command("SADD", "s", "m")
    reqs = [(b"SCAN", None), (b"HSCAN", b"h"), (b"SSCAN", b"s")]
    for cmd, key in reqs:
        args = [cmd] + ([key] if key else []) + [b"0\x00junk"]
        data = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
        raw = server.raw(data, expect=12, timeout=0.5)
        assert raw.startswith(b"*2\r\n$1\r\n0\r\n*"), (cmd, raw)


def test_scan_huge_count(c):
    fill(c, "h%d", 10)
    cursor, keys = c.execute_command("SCAN", "0", "COUNT", "9223372036854775807")
    assert cursor == b"0" and len(keys) == 10


def test_scan_resp3(server, c):
    c.execute_command("SET", "only", "1")
    raw = server.raw(b"HELLO 3\r\nSCAN 0 COUNT 1000\r\n", expect=1, timeout=0.5)
    assert raw.endswith(b"*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n")


def test_scan_other_db(server, c):
    fill(c, "zero:%d", 20)
    c2 = server.client()
    c2.response_callbacks.clear()
    c2.execute_command("SELECT", "9")
    fill(c2, "nine:%d", 30)
    assert set(full_scan(c2)) == {b"nine:%d" % i for i in range(30)}
    assert set(full_scan(c)) == {b"zero:%d" % i for i in range(20)}
    c2.close()


# ------------------------------------------------------------------ the SCAN guarantee


def test_scan_guarantee_with_growth_and_shrink(c):
    """Keys present for the whole scan are all returned, while the scanning client
    itself inserts and deletes enough keys to resize every shard table both ways."""
    fill(c, "orig:%d", 3000)
    orig = {b"orig:%d" % i for i in range(3000)}
    seen = set()
    cursor = b"0"
    step = 0
    while True:
        cursor, batch = c.execute_command("SCAN", cursor, "COUNT", "20")
        seen.update(batch)
        step += 1
        if step == 10:
            fill(c, "grow:%d", 20000)  # every shard table doubles a few times
        if step == 40:
            pipe = c.pipeline(transaction=False)
            for i in range(20000):
                pipe.execute_command("DEL", "grow:%d" % i)
            pipe.execute()  # ... and shrinks again
        if step % 7 == 0:
            fill(c, "churn%d:%%d" % step, 50)
        if cursor == b"0":
            break
    assert orig <= seen, "missing %d original keys" % len(orig - seen)


def test_scan_guarantee_concurrent_writers(server, c):
    fill(c, "orig:%d", 4000)
    orig = {b"orig:%d" % i for i in range(4000)}
    stop = threading.Event()
    errors = []

    def writer(tag):
        try:
            w = server.client()
            i = 0
            while not stop.is_set():
                pipe = w.pipeline(transaction=False)
                for j in range(200):
                    pipe.execute_command("SET", "%s:%d" % (tag, i + j), "v")
                pipe.execute()
                if i % 1000 == 0:
                    pipe = w.pipeline(transaction=False)
                    for j in range(max(0, i - 1000), i):
                        pipe.execute_command("DEL", "%s:%d" % (tag, j))
                    pipe.execute()
                i += 200
            w.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=("w%d" % n,)) for n in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(2):
            seen = set(full_scan(c, "COUNT", "10"))
            assert orig <= seen, "missing %d original keys" % len(orig - seen)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30 * SLOW)
    assert not errors, errors
