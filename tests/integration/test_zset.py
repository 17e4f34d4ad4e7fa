"""Sorted sets: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZCOUNT ZSCORE ZMSCORE ZRANK
ZREVRANK ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) ZRANGESTORE ZREVRANGE ZRANGEBYSCORE
ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZLEXCOUNT ZREMRANGEBYRANK ZREMRANGEBYSCORE
ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZUNION ZINTER ZDIFF ZUNIONSTORE
ZINTERSTORE ZDIFFSTORE ZINTERCARD ZSCAN — replies, error texts, score formatting, RESP3
types, listpack <-> skiplist encodings, empty-key deletion, keyspace events (when
notifications exist) and randomized comparisons against a Python model on both
encodings.

Every expected reply here was checked against redis-server 7.0.15; this file also passes
when WARDEN_BIN points at a real redis-server."""
import bisect
import math
import random
import socket

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
    """Raw reply bytes of `cmds` sent after HELLO 3 on one connection."""
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


def zr(c, key):
    return c.execute_command("ZRANGE", key, "0", "-1", "WITHSCORES")


def encoding(c, key):
    return c.execute_command("OBJECT", "ENCODING", key)


# ------------------------------------------------------------------ ZADD ZINCRBY


def test_zadd_basic_and_ch(c):
    assert c.execute_command("ZADD", "z", "1", "a", "2", "b", "3", "a") == 2  # a added once, last score wins
    assert zr(c, "z") == [b"b", b"2", b"a", b"3"]
    assert c.execute_command("ZADD", "z", "5", "a", "2", "b") == 0
    assert c.execute_command("ZADD", "z", "CH", "6", "a", "2", "b", "1", "c") == 2
    assert zr(c, "z") == [b"c", b"1", b"b", b"2", b"a", b"6"]


def test_zadd_nx_xx_gt_lt(c):
    c.execute_command("ZADD", "z", "5", "a")
    assert c.execute_command("ZADD", "z", "NX", "1", "a", "1", "b") == 1
    assert zr(c, "z") == [b"b", b"1", b"a", b"5"]
    assert c.execute_command("ZADD", "z", "XX", "CH", "2", "a", "9", "new") == 1
    assert c.execute_command("ZSCORE", "z", "new") is None
    assert c.execute_command("ZADD", "z", "GT", "CH", "1", "a", "3", "b") == 1  # a not lowered, b raised
    assert zr(c, "z") == [b"a", b"2", b"b", b"3"]
    assert c.execute_command("ZADD", "z", "LT", "CH", "1", "a", "7", "b", "0", "c") == 2  # c is new: added
    assert zr(c, "z") == [b"c", b"0", b"a", b"1", b"b", b"3"]
    assert c.execute_command("ZADD", "z", "GT", "XX", "CH", "10", "c", "10", "zz") == 1
    assert c.execute_command("ZADD", "nokey", "XX", "1", "a") == 0
    assert c.execute_command("EXISTS", "nokey") == 0


def test_zadd_incr(c):
    assert c.execute_command("ZADD", "z", "INCR", "1.5", "a") == b"1.5"
    assert c.execute_command("ZADD", "z", "INCR", "1", "a") == b"2.5"
    assert c.execute_command("ZADD", "z", "INCR", "0", "a") == b"2.5"
    assert c.execute_command("ZADD", "z", "NX", "INCR", "1", "a") is None
    assert c.execute_command("ZADD", "z", "XX", "INCR", "1", "nosuch") is None
    assert c.execute_command("ZADD", "z", "GT", "INCR", "-1", "a") is None
    assert c.execute_command("ZADD", "z", "LT", "INCR", "-1", "a") == b"1.5"
    assert c.execute_command("ZADD", "nokey", "XX", "INCR", "1", "a") is None
    assert c.execute_command("EXISTS", "nokey") == 0
    assert c.execute_command("ZADD", "z", "INCR", "1e308", "big") == b"1e+308"
    assert c.execute_command("ZADD", "z", "INCR", "1e308", "big") == b"inf"
    assert c.execute_command("ZADD", "z", "INCR", "inf", "big") == b"inf"
    assert err(c, "ZADD", "z", "INCR", "-inf", "big") == "resulting score is not a number (NaN)"
    assert c.execute_command("ZSCORE", "z", "big") == b"inf"


def test_zadd_errors(c):
    c.execute_command("SET", "str", "x")
    assert err(c, "ZADD", "z", "XX", "NX", "1", "a") == "XX and NX options at the same time are not compatible"
    for opts in (("GT", "LT"), ("GT", "NX"), ("LT", "NX")):
        assert err(c, "ZADD", "z", *opts, "1", "a") == \
            "GT, LT, and/or NX options at the same time are not compatible"
    assert err(c, "ZADD", "z", "INCR", "1", "a", "2", "b") == "INCR option supports a single increment-element pair"
    assert err(c, "ZADD", "z", "1", "a", "2") == "syntax error"
    assert err(c, "ZADD", "z", "INCR", "1") == "syntax error"
    assert err(c, "ZADD", "z", "1") == "wrong number of arguments for 'zadd' command"
    for bad in ("abc", "nan", "", " 1", "1e400", "-1e400", "1e-400", "1 "):
        assert err(c, "ZADD", "z", bad, "a") == "value is not a valid float", bad
    # nothing was added by the failed commands (scores are all checked first)
    assert err(c, "ZADD", "z", "1", "a", "x", "b") == "value is not a valid float"
    assert c.execute_command("EXISTS", "z") == 0
    assert err(c, "ZADD", "str", "1", "a") == WRONGTYPE
    # strtod syntax is accepted
    assert c.execute_command("ZADD", "z", "0x10", "hex", "+inf", "i", "-INF", "j", "1E2", "e") == 4
    assert zr(c, "z") == [b"j", b"-inf", b"hex", b"16", b"e", b"100", b"i", b"inf"]


def test_zincrby(c):
    assert c.execute_command("ZINCRBY", "z", "2.5", "m") == b"2.5"
    assert c.execute_command("ZINCRBY", "z", "-1", "m") == b"1.5"
    assert c.execute_command("ZINCRBY", "z", "inf", "m") == b"inf"
    assert err(c, "ZINCRBY", "z", "-inf", "m") == "resulting score is not a number (NaN)"
    assert err(c, "ZINCRBY", "z", "abc", "m") == "value is not a valid float"
    assert err(c, "ZINCRBY", "z", "nan", "m") == "value is not a valid float"
    c.execute_command("SET", "str", "x")
    assert err(c, "ZINCRBY", "str", "1", "m") == WRONGTYPE


def test_score_formatting_resp2(c):
    c.execute_command("ZADD", "z", "1.5", "a", "3", "b", "inf", "c", "-inf", "d", "0.1", "e", "1e300", "f",
                      "123456789012345678", "g", "-2.5e-5", "h")
    got = dict(zip(*[iter(zr(c, "z"))] * 2))
    assert got == {b"a": b"1.5", b"b": b"3", b"c": b"inf", b"d": b"-inf", b"e": b"0.10000000000000001",
                   b"f": b"1.0000000000000001e+300", b"g": b"1.2345678901234568e+17",
                   b"h": b"-2.5000000000000001e-05"}
    assert c.execute_command("ZSCORE", "z", "e") == b"0.10000000000000001"
    assert c.execute_command("ZMSCORE", "z", "a", "nosuch", "c") == [b"1.5", None, b"inf"]


# ------------------------------------------------------------------ simple reads


def test_zrem_zcard_zscore_zrank(c):
    c.execute_command("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert c.execute_command("ZCARD", "z") == 3
    assert c.execute_command("ZCARD", "nosuch") == 0
    assert c.execute_command("ZRANK", "z", "a") == 0
    assert c.execute_command("ZRANK", "z", "c") == 2
    assert c.execute_command("ZREVRANK", "z", "c") == 0
    assert c.execute_command("ZRANK", "z", "nosuch") is None
    assert c.execute_command("ZRANK", "nosuch", "a") is None
    assert c.execute_command("ZSCORE", "nosuch", "a") is None
    assert c.execute_command("ZMSCORE", "nosuch", "a", "b") == [None, None]
    assert c.execute_command("ZREM", "z", "a", "nosuch", "a") == 1
    assert c.execute_command("ZREM", "nosuch", "a") == 0
    assert c.execute_command("ZREM", "z", "b", "c") == 2
    assert c.execute_command("EXISTS", "z") == 0


def test_wrongtype_and_arity(c):
    c.execute_command("SET", "str", "x")
    for args in (("ZREM", "str", "a"), ("ZCARD", "str"), ("ZSCORE", "str", "a"), ("ZMSCORE", "str", "a"),
                 ("ZRANK", "str", "a"), ("ZREVRANK", "str", "a"), ("ZCOUNT", "str", "1", "2"),
                 ("ZLEXCOUNT", "str", "-", "+"), ("ZRANGE", "str", "0", "1"), ("ZRANGESTORE", "d", "str", "0", "1"),
                 ("ZREVRANGE", "str", "0", "1"), ("ZRANGEBYSCORE", "str", "0", "1"), ("ZRANGEBYLEX", "str", "-", "+"),
                 ("ZREMRANGEBYRANK", "str", "0", "1"), ("ZREMRANGEBYSCORE", "str", "0", "1"),
                 ("ZREMRANGEBYLEX", "str", "-", "+"), ("ZPOPMIN", "str"), ("ZPOPMAX", "str", "0"),
                 ("ZMPOP", "1", "str", "MIN"), ("ZRANDMEMBER", "str"), ("ZRANDMEMBER", "str", "0"),
                 ("ZUNION", "1", "str"), ("ZINTERSTORE", "d", "1", "str"), ("ZINTERCARD", "1", "str"),
                 ("ZSCAN", "str", "0")):
        assert err(c, *args) == WRONGTYPE, args
    for cmd, n in (("ZADD", 2), ("ZINCRBY", 2), ("ZREM", 1), ("ZCARD", 0), ("ZCOUNT", 2), ("ZSCORE", 1),
                   ("ZMSCORE", 1), ("ZRANK", 1), ("ZRANGE", 2), ("ZRANGESTORE", 3), ("ZLEXCOUNT", 2),
                   ("ZPOPMIN", 0), ("ZMPOP", 2), ("ZRANDMEMBER", 0), ("ZUNION", 1), ("ZUNIONSTORE", 2),
                   ("ZINTERCARD", 1), ("ZSCAN", 1)):
        assert err(c, cmd, *(["k"] * n)) == "wrong number of arguments for '%s' command" % cmd.lower()


# ------------------------------------------------------------------ counts and ranges


def setup_abc(c, key="z"):
    c.execute_command("ZADD", key, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")


def test_zcount_zlexcount(c):
    setup_abc(c)
    assert c.execute_command("ZCOUNT", "z", "-inf", "+inf") == 5
    assert c.execute_command("ZCOUNT", "z", "(1", "(4") == 2
    assert c.execute_command("ZCOUNT", "z", "2", "2") == 1
    assert c.execute_command("ZCOUNT", "z", "(2", "2") == 0
    assert c.execute_command("ZCOUNT", "z", "5", "1") == 0
    assert c.execute_command("ZCOUNT", "z", "", "1") == 1       # strtod syntax: "" is 0
    assert c.execute_command("ZCOUNT", "z", "(", "1") == 1
    assert c.execute_command("ZCOUNT", "z", " 1", "1e400") == 5
    assert c.execute_command("ZCOUNT", "nosuch", "0", "1") == 0
    for bad in ("a", "(a", "nan", "(nan", "1e"):
        assert err(c, "ZCOUNT", "z", bad, "1") == "min or max is not a float"
    c.execute_command("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d")
    assert c.execute_command("ZLEXCOUNT", "l", "-", "+") == 4
    assert c.execute_command("ZLEXCOUNT", "l", "[b", "(d") == 2
    assert c.execute_command("ZLEXCOUNT", "l", "(b", "[b") == 0
    assert c.execute_command("ZLEXCOUNT", "l", "+", "-") == 0
    assert c.execute_command("ZLEXCOUNT", "l", "[", "+") == 4
    for bad in ("a", "", "++", "--", "b["):
        assert err(c, "ZLEXCOUNT", "l", bad, "+") == "min or max not valid string range item"


def test_zrange_by_rank(c):
    setup_abc(c)
    assert c.execute_command("ZRANGE", "z", "0", "-1") == [b"a", b"b", b"c", b"d", b"e"]
    assert c.execute_command("ZRANGE", "z", "1", "2", "WITHSCORES") == [b"b", b"2", b"c", b"3"]
    assert c.execute_command("ZRANGE", "z", "-2", "-1") == [b"d", b"e"]
    assert c.execute_command("ZRANGE", "z", "-100", "100") == [b"a", b"b", b"c", b"d", b"e"]
    assert c.execute_command("ZRANGE", "z", "3", "1") == []
    assert c.execute_command("ZRANGE", "z", "5", "10") == []
    assert c.execute_command("ZRANGE", "z", "0", "1", "REV") == [b"e", b"d"]
    assert c.execute_command("ZREVRANGE", "z", "0", "1", "WITHSCORES") == [b"e", b"5", b"d", b"4"]
    assert c.execute_command("ZRANGE", "nosuch", "0", "-1") == []
    assert err(c, "ZRANGE", "z", "a", "1") == "value is not an integer or out of range"
    assert err(c, "ZRANGE", "z", "0", "-1", "LIMIT", "0", "1") == \
        "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    assert err(c, "ZRANGE", "z", "0", "-1", "foo") == "syntax error"
    assert err(c, "ZREVRANGE", "z", "0", "1", "BYSCORE") == "syntax error"
    assert err(c, "ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX") == "syntax error"
    assert err(c, "ZRANGE", "z", "0", "1", "REV", "REV") == "syntax error"


def test_zrange_by_score(c):
    setup_abc(c)
    assert c.execute_command("ZRANGE", "z", "(1", "3", "BYSCORE") == [b"b", b"c"]
    assert c.execute_command("ZRANGE", "z", "3", "(1", "BYSCORE", "REV") == [b"c", b"b"]
    assert c.execute_command("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2", "WITHSCORES") == \
        [b"b", b"2", b"c", b"3"]
    assert c.execute_command("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-5") == [b"b", b"c", b"d", b"e"]
    assert c.execute_command("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2") == []
    assert c.execute_command("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "10", "2") == []
    assert c.execute_command("ZRANGE", "z", "0", "-1", "BYSCORE", "LIMIT", "0", "1") == []
    assert c.execute_command("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "0", "2") == \
        [b"a", b"1", b"b", b"2"]
    assert c.execute_command("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2") == [b"d", b"c"]
    assert c.execute_command("ZREVRANGEBYSCORE", "z", "-inf", "+inf") == []
    assert err(c, "ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "0") == "syntax error"
    assert err(c, "ZRANGE", "z", "0", "-1", "BYSCORE", "LIMIT", "a", "1") == "value is not an integer or out of range"
    assert err(c, "ZRANGE", "z", "abc", "1", "BYSCORE") == "min or max is not a float"


def test_zrange_by_lex(c):
    c.execute_command("ZADD", "l", *sum([["0", m] for m in ("a", "b", "c", "d", "e")], []))
    assert c.execute_command("ZRANGE", "l", "[b", "(d", "BYLEX") == [b"b", b"c"]
    assert c.execute_command("ZRANGE", "l", "(d", "[b", "BYLEX", "REV") == [b"c", b"b"]
    assert c.execute_command("ZRANGE", "l", "-", "+", "BYLEX", "LIMIT", "1", "2") == [b"b", b"c"]
    assert c.execute_command("ZRANGE", "l", "+", "-", "BYLEX") == []
    assert c.execute_command("ZRANGEBYLEX", "l", "-", "+", "LIMIT", "3", "-1") == [b"d", b"e"]
    assert c.execute_command("ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "0", "2") == [b"e", b"d"]
    assert c.execute_command("ZREVRANGEBYLEX", "l", "-", "+") == []
    assert err(c, "ZRANGE", "l", "a", "c", "BYLEX") == "min or max not valid string range item"
    assert err(c, "ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES") == \
        "syntax error, WITHSCORES not supported in combination with BYLEX"
    assert err(c, "ZRANGEBYLEX", "l", "-", "+", "WITHSCORES") == \
        "syntax error, WITHSCORES not supported in combination with BYLEX"


def test_zrangestore(c):
    setup_abc(c)
    c.execute_command("SET", "dst", "string")
    assert c.execute_command("ZRANGESTORE", "dst", "z", "1", "2") == 2
    assert zr(c, "dst") == [b"b", b"2", b"c", b"3"]
    assert encoding(c, "dst") == b"listpack"
    assert c.execute_command("ZRANGESTORE", "dst", "z", "+inf", "(3", "BYSCORE", "REV", "LIMIT", "0", "1") == 1
    assert zr(c, "dst") == [b"e", b"5"]
    assert c.execute_command("ZRANGESTORE", "dst", "z", "3", "1") == 0
    assert c.execute_command("EXISTS", "dst") == 0
    c.execute_command("SET", "dst", "string")
    assert c.execute_command("ZRANGESTORE", "dst", "nosuch", "0", "-1") == 0
    assert c.execute_command("EXISTS", "dst") == 0
    assert err(c, "ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES") == "syntax error"
    assert c.execute_command("ZRANGESTORE", "z", "z", "0", "1") == 2  # source and destination the same
    assert zr(c, "z") == [b"a", b"1", b"b", b"2"]


def test_zremrangeby(c):
    setup_abc(c)
    assert c.execute_command("ZREMRANGEBYRANK", "z", "0", "0") == 1
    assert c.execute_command("ZREMRANGEBYRANK", "z", "-1", "-1") == 1
    assert c.execute_command("ZREMRANGEBYRANK", "z", "5", "10") == 0
    assert zr(c, "z") == [b"b", b"2", b"c", b"3", b"d", b"4"]
    assert c.execute_command("ZREMRANGEBYSCORE", "z", "(2", "3") == 1
    assert c.execute_command("ZREMRANGEBYSCORE", "z", "10", "20") == 0
    assert c.execute_command("ZREMRANGEBYSCORE", "z", "-inf", "+inf") == 2
    assert c.execute_command("EXISTS", "z") == 0
    c.execute_command("ZADD", "l", "0", "a", "0", "b", "0", "c")
    assert c.execute_command("ZREMRANGEBYLEX", "l", "(a", "+") == 2
    assert c.execute_command("ZREMRANGEBYLEX", "l", "-", "+") == 1
    assert c.execute_command("EXISTS", "l") == 0
    assert c.execute_command("ZREMRANGEBYRANK", "nosuch", "0", "-1") == 0
    assert err(c, "ZREMRANGEBYRANK", "nosuch", "a", "b") == "value is not an integer or out of range"
    assert err(c, "ZREMRANGEBYSCORE", "nosuch", "a", "b") == "min or max is not a float"
    assert err(c, "ZREMRANGEBYLEX", "nosuch", "a", "b") == "min or max not valid string range item"


# ------------------------------------------------------------------ pops and random


def test_zpop(c):
    setup_abc(c)
    assert c.execute_command("ZPOPMIN", "z") == [b"a", b"1"]
    assert c.execute_command("ZPOPMAX", "z", "2") == [b"e", b"5", b"d", b"4"]
    assert c.execute_command("ZPOPMIN", "z", "0") == []
    assert c.execute_command("ZPOPMIN", "z", "10") == [b"b", b"2", b"c", b"3"]
    assert c.execute_command("EXISTS", "z") == 0
    assert c.execute_command("ZPOPMIN", "z") == []
    assert c.execute_command("ZPOPMIN", "z", "3") == []
    assert err(c, "ZPOPMIN", "z", "-1") == "value is out of range, must be positive"
    assert err(c, "ZPOPMIN", "z", "abc") == "value is out of range, must be positive"
    assert err(c, "ZPOPMIN", "z", "1", "2") == "syntax error"
    c.execute_command("SET", "str", "x")
    assert err(c, "ZPOPMIN", "str", "0") == WRONGTYPE


def test_zmpop(c):
    setup_abc(c)
    c.execute_command("SET", "str", "x")
    assert c.execute_command("ZMPOP", "2", "nosuch", "z", "MIN") == [b"z", [[b"a", b"1"]]]
    assert c.execute_command("ZMPOP", "1", "z", "max", "COUNT", "2") == [b"z", [[b"e", b"5"], [b"d", b"4"]]]
    assert c.execute_command("ZMPOP", "2", "z", "str", "MIN", "COUNT", "10") == [b"z", [[b"b", b"2"], [b"c", b"3"]]]
    assert c.execute_command("EXISTS", "z") == 0
    assert c.execute_command("ZMPOP", "1", "z", "MIN") is None
    assert err(c, "ZMPOP", "2", "nosuch", "str", "MIN") == WRONGTYPE
    assert err(c, "ZMPOP", "0", "z", "MIN") == "numkeys should be greater than 0"
    assert err(c, "ZMPOP", "abc", "z", "MIN") == "numkeys should be greater than 0"
    assert err(c, "ZMPOP", "2", "z", "MIN") == "syntax error"
    assert err(c, "ZMPOP", "1", "z", "FOO") == "syntax error"
    assert err(c, "ZMPOP", "1", "z", "MIN", "COUNT", "0") == "count should be greater than 0"
    assert err(c, "ZMPOP", "1", "z", "MIN", "COUNT", "x") == "count should be greater than 0"
    assert err(c, "ZMPOP", "1", "z", "MIN", "COUNT") == "syntax error"
    assert err(c, "ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "2") == "syntax error"


def test_zrandmember(c):
    setup_abc(c)
    members = {b"a", b"b", b"c", b"d", b"e"}
    assert c.execute_command("ZRANDMEMBER", "z") in members
    assert set(c.execute_command("ZRANDMEMBER", "z", "10")) == members
    three = c.execute_command("ZRANDMEMBER", "z", "3")
    assert len(set(three)) == 3 and set(three) <= members
    withs = c.execute_command("ZRANDMEMBER", "z", "2", "WITHSCORES")
    assert len(withs) == 4 and withs[1] == {b"a": b"1", b"b": b"2", b"c": b"3", b"d": b"4", b"e": b"5"}[withs[0]]
    rep = c.execute_command("ZRANDMEMBER", "z", "-20")
    assert len(rep) == 20 and set(rep) <= members
    assert c.execute_command("ZRANDMEMBER", "z", "0") == []
    assert c.execute_command("ZRANDMEMBER", "nosuch") is None
    assert c.execute_command("ZRANDMEMBER", "nosuch", "3") == []
    assert err(c, "ZRANDMEMBER", "z", "abc") == "value is not an integer or out of range"
    assert err(c, "ZRANDMEMBER", "z", "1", "WITHSCORE") == "syntax error"
    assert err(c, "ZRANDMEMBER", "z", "1", "WITHSCORES", "x") == "syntax error"
    assert err(c, "ZRANDMEMBER", "z", "-9223372036854775808") == \
        "value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    assert err(c, "ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES") == "value is out of range"
    c.execute_command("ZADD", "big", *sum([[str(i), "m%d" % i] for i in range(1000)], []))
    for n in (3, 500, 999):
        got = c.execute_command("ZRANDMEMBER", "big", str(n))
        assert len(set(got)) == n


# ------------------------------------------------------------------ union / inter / diff


def test_zunion_zinter_zdiff(c):
    c.execute_command("ZADD", "z", "1", "a", "2", "b")
    c.execute_command("SADD", "s", "a", "c")
    assert c.execute_command("ZUNION", "2", "z", "s", "WITHSCORES") == [b"c", b"1", b"a", b"2", b"b", b"2"]
    assert c.execute_command("ZUNION", "2", "z", "s", "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES") == \
        [b"a", b"3", b"c", b"3", b"b", b"4"]
    assert c.execute_command("ZINTER", "2", "z", "s", "AGGREGATE", "MIN", "WITHSCORES") == [b"a", b"1"]
    assert c.execute_command("ZINTER", "2", "z", "nosuch") == []
    assert c.execute_command("ZDIFF", "2", "z", "s", "WITHSCORES") == [b"b", b"2"]
    assert c.execute_command("ZDIFF", "2", "s", "z", "WITHSCORES") == [b"c", b"1"]
    assert c.execute_command("ZDIFF", "1", "nosuch") == []
    # the last WEIGHTS / AGGREGATE wins; WITHSCORES may repeat
    assert c.execute_command("ZUNION", "2", "z", "s", "WEIGHTS", "1", "2", "WEIGHTS", "3", "4", "WITHSCORES",
                             "WITHSCORES") == [b"c", b"4", b"b", b"6", b"a", b"7"]
    # NaN from weight * score or from a sum counts as 0
    c.execute_command("ZADD", "inf", "0", "a", "inf", "b")
    assert c.execute_command("ZINTER", "2", "inf", "z", "WEIGHTS", "0", "1", "WITHSCORES") == [b"a", b"1", b"b", b"2"]
    assert c.execute_command("ZUNION", "2", "z", "z", "WEIGHTS", "inf", "-inf", "WITHSCORES") == [b"a", b"0", b"b", b"0"]


def test_setop_errors(c):
    c.execute_command("ZADD", "z", "1", "a")
    c.execute_command("SET", "str", "x")
    assert err(c, "ZUNIONSTORE", "o", "0", "z") == "at least 1 input key is needed for 'zunionstore' command"
    assert err(c, "ZUNION", "-1", "z") == "at least 1 input key is needed for 'zunion' command"
    assert err(c, "ZINTERCARD", "0", "z") == "at least 1 input key is needed for 'zintercard' command"
    assert err(c, "ZUNIONSTORE", "o", "2", "z") == "syntax error"
    assert err(c, "ZINTER", "abc", "z") == "value is not an integer or out of range"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "WEIGHTS") == "syntax error"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "WEIGHTS", "abc") == "weight value is not a float"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "WEIGHTS", "nan") == "weight value is not a float"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "WEIGHTS", "1", "2") == "syntax error"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "AGGREGATE", "foo") == "syntax error"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "AGGREGATE") == "syntax error"
    assert err(c, "ZUNIONSTORE", "o", "1", "z", "WITHSCORES") == "syntax error"
    assert err(c, "ZDIFF", "1", "z", "WEIGHTS", "1") == "syntax error"
    assert err(c, "ZDIFF", "1", "z", "AGGREGATE", "SUM") == "syntax error"
    assert err(c, "ZINTERCARD", "1", "z", "LIMIT", "-1") == "LIMIT can't be negative"
    assert err(c, "ZINTERCARD", "1", "z", "LIMIT") == "syntax error"
    assert err(c, "ZINTERCARD", "1", "z", "WITHSCORES") == "syntax error"
    # the key types are checked before the options
    assert err(c, "ZUNIONSTORE", "o", "1", "str", "WEIGHTS", "abc") == WRONGTYPE
    assert c.execute_command("EXISTS", "o") == 0


def test_store_forms_and_intercard(c):
    c.execute_command("ZADD", "a", "1", "x", "2", "y", "3", "z")
    c.execute_command("ZADD", "b", "10", "y", "20", "z", "30", "w")
    c.execute_command("SET", "o", "string")
    assert c.execute_command("ZUNIONSTORE", "o", "2", "a", "b") == 4
    assert zr(c, "o") == [b"x", b"1", b"y", b"12", b"z", b"23", b"w", b"30"]
    assert c.execute_command("ZINTERSTORE", "o", "2", "a", "b", "WEIGHTS", "2", "1") == 2
    assert zr(c, "o") == [b"y", b"14", b"z", b"26"]
    assert c.execute_command("ZDIFFSTORE", "o", "2", "a", "b") == 1
    assert zr(c, "o") == [b"x", b"1"]
    assert c.execute_command("ZINTERSTORE", "o", "2", "a", "nosuch") == 0
    assert c.execute_command("EXISTS", "o") == 0
    assert c.execute_command("ZUNIONSTORE", "a", "2", "a", "b", "AGGREGATE", "MAX") == 4
    assert zr(c, "a") == [b"x", b"1", b"y", b"10", b"z", b"20", b"w", b"30"]
    assert c.execute_command("ZINTERCARD", "2", "a", "b") == 3
    assert c.execute_command("ZINTERCARD", "2", "a", "b", "LIMIT", "2") == 2
    assert c.execute_command("ZINTERCARD", "2", "a", "b", "LIMIT", "0") == 3
    assert c.execute_command("ZINTERCARD", "2", "a", "nosuch") == 0


# ------------------------------------------------------------------ encodings


def test_listpack_to_skiplist_by_count(c):
    c.execute_command("ZADD", "z", *sum([[str(i), "m%d" % i] for i in range(128)], []))
    assert encoding(c, "z") == b"listpack"
    c.execute_command("ZADD", "z", "5", "m5")  # update: no conversion
    assert encoding(c, "z") == b"listpack"
    c.execute_command("ZADD", "z", "1000", "one-more")
    assert encoding(c, "z") == b"skiplist"
    assert c.execute_command("ZCARD", "z") == 129
    assert c.execute_command("ZRANK", "z", "one-more") == 128
    c.execute_command("ZREMRANGEBYRANK", "z", "0", "100")
    assert encoding(c, "z") == b"skiplist"  # never converts back in place


def test_listpack_to_skiplist_by_length(c):
    c.execute_command("ZADD", "z", "1", "x" * 64)
    assert encoding(c, "z") == b"listpack"
    c.execute_command("ZADD", "z", "2", "y" * 65)
    assert encoding(c, "z") == b"skiplist"
    c.execute_command("ZADD", "long", "1", "y" * 65)
    assert encoding(c, "long") == b"skiplist"
    assert zr(c, "z") == [b"x" * 64, b"1", b"y" * 65, b"2"]


def test_store_results_pick_their_encoding(c):
    c.execute_command("ZADD", "big", *sum([[str(i), "m%d" % i] for i in range(300)], []))
    assert encoding(c, "big") == b"skiplist"
    assert c.execute_command("ZRANGESTORE", "small", "big", "0", "9") == 10
    assert encoding(c, "small") == b"listpack"
    assert c.execute_command("ZUNIONSTORE", "u", "1", "small") == 10
    assert encoding(c, "u") == b"listpack"
    assert c.execute_command("ZINTERSTORE", "i", "2", "big", "big") == 300
    assert encoding(c, "i") == b"skiplist"
    assert c.execute_command("ZDIFFSTORE", "d", "2", "big", "small") == 290
    assert encoding(c, "d") == b"skiplist"


def test_thresholds_from_config(make_server):
    s = make_server(args=["--zset-max-listpack-entries", "4", "--zset-max-listpack-value", "8"])
    c = s.client()
    c.response_callbacks.clear()
    c.execute_command("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    assert c.execute_command("OBJECT", "ENCODING", "z") == b"listpack"
    c.execute_command("ZADD", "z", "5", "e")
    assert c.execute_command("OBJECT", "ENCODING", "z") == b"skiplist"
    c.execute_command("ZADD", "v", "1", "12345678")
    assert c.execute_command("OBJECT", "ENCODING", "v") == b"listpack"
    c.execute_command("ZADD", "v", "1", "123456789")
    assert c.execute_command("OBJECT", "ENCODING", "v") == b"skiplist"
    c.close()
    s2 = make_server(args=["--zset-max-ziplist-entries", "0"])  # the old name is an alias
    c2 = s2.client()
    c2.response_callbacks.clear()
    c2.execute_command("ZADD", "z", "1", "a")
    assert c2.execute_command("OBJECT", "ENCODING", "z") == b"skiplist"
    c2.close()


def test_big_zset_ranks(c):
    n = 5000
    pipe = c.pipeline(transaction=False)
    for i in range(0, n, 500):
        pipe.execute_command("ZADD", "z", *sum([[str(j * 2), "m%05d" % j] for j in range(i, i + 500)], []))
    pipe.execute()
    assert c.execute_command("ZCARD", "z") == n
    for j in (0, 1, 777, 2500, 4999):
        assert c.execute_command("ZRANK", "z", "m%05d" % j) == j
        assert c.execute_command("ZREVRANK", "z", "m%05d" % j) == n - 1 - j
    assert c.execute_command("ZRANGE", "z", "2500", "2501") == [b"m02500", b"m02501"]
    assert c.execute_command("ZCOUNT", "z", "(100", "200") == 50
    assert c.execute_command("ZRANGE", "z", "100", "+inf", "BYSCORE", "LIMIT", "3000", "2") == [b"m03050", b"m03051"]
    assert c.execute_command("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "4998", "5") == \
        [b"m00001", b"m00000"]
    assert c.execute_command("ZREMRANGEBYSCORE", "z", "1000", "(2000") == 500
    assert c.execute_command("ZRANK", "z", "m01000") == 500
    assert c.execute_command("ZREMRANGEBYRANK", "z", "0", "99") == 100
    assert c.execute_command("ZCARD", "z") == n - 600
    assert c.execute_command("ZINCRBY", "z", "-100000", "m04999") == b"-90002"
    assert c.execute_command("ZRANK", "z", "m04999") == 0


# ------------------------------------------------------------------ ZSCAN


def test_zscan(c):
    c.execute_command("ZADD", "z", "1.5", "a", "2", "b", "0.1", "c", "123456789012345678", "d", "-0", "e")
    # compact encoding: all at once, scores as stored (integers as integers)
    cursor, items = c.execute_command("ZSCAN", "z", "0")
    assert cursor == b"0"
    assert dict(zip(items[0::2], items[1::2])) == {b"a": b"1.5", b"b": b"2", b"c": b"0.10000000000000001",
                                                   b"d": b"123456789012345680", b"e": b"0"}
    assert c.execute_command("ZSCAN", "z", "0", "MATCH", "a") == [b"0", [b"a", b"1.5"]]
    assert c.execute_command("ZSCAN", "nosuch", "0") == [b"0", []]
    assert err(c, "ZSCAN", "z", "x") == "invalid cursor"
    assert err(c, "ZSCAN", "z", "0", "COUNT", "0") == "syntax error"
    # big: incremental, every member once at least, "%.17g" scores
    members = {("m%d" % i).encode(): str(i * 1.5).encode().replace(b".0", b"") for i in range(1000)}
    c.execute_command("ZADD", "big", *sum([[v, k] for k, v in members.items()], []))
    seen = {}
    cursor = b"0"
    calls = 0
    while True:
        cursor, items = c.execute_command("ZSCAN", "big", cursor, "COUNT", "50")
        seen.update(zip(items[0::2], items[1::2]))
        calls += 1
        if cursor == b"0":
            break
    assert seen == members and calls > 5


# ------------------------------------------------------------------ RESP3


def test_resp3_types(server, c):
    c.execute_command("ZADD", "z", "1", "a", "2.5", "b")
    raw = resp3(server, ("ZSCORE", "z", "b"), ("ZSCORE", "z", "x"), ("ZMSCORE", "z", "a", "x"),
                ("ZRANGE", "z", "0", "-1", "WITHSCORES"), ("ZRANGE", "z", "0", "0"),
                ("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "0", "1"),
                ("ZINCRBY", "z", "1", "a"), ("ZADD", "z", "NX", "INCR", "1", "a"), ("ZRANK", "z", "x"),
                ("ZUNION", "1", "z", "WITHSCORES"), ("ZRANDMEMBER", "nosuch"),
                ("ZRANDMEMBER", "z", "-1", "WITHSCORES"),
                ("ZSCAN", "z", "0"))
    assert raw.startswith(b",2.5\r\n_\r\n*2\r\n,1\r\n_\r\n"
                          b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
                          b"*1\r\n$1\r\na\r\n"
                          b"*1\r\n*2\r\n$1\r\na\r\n,1\r\n"
                          b",2\r\n_\r\n_\r\n"
                          b"*2\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
                          b"_\r\n*1\r\n*2\r\n$1\r\n")
    assert raw.endswith(b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$3\r\n2.5\r\n")
    raw = resp3(server, ("ZPOPMIN", "z"), ("ZPOPMAX", "z", "1"), ("ZPOPMIN", "z", "0"),
                ("ZADD", "z", "1", "a", "2", "b", "3", "c"), ("ZMPOP", "1", "z", "MIN", "COUNT", "2"),
                ("ZMPOP", "1", "nosuch", "MIN"), ("ZPOPMIN", "nosuch"))
    assert raw == (b"*2\r\n$1\r\na\r\n,2\r\n" b"*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n" b"*0\r\n" b":3\r\n"
                   b"*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n" b"_\r\n" b"*0\r\n")


def test_resp3_inf_and_nulls(server, c):
    c.execute_command("ZADD", "z", "inf", "a", "-inf", "b", "0.1", "c")
    assert resp3(server, ("ZSCORE", "z", "a"), ("ZSCORE", "z", "b"), ("ZSCORE", "z", "c")) == \
        b",inf\r\n,-inf\r\n,0.10000000000000001\r\n"


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
        c.execute_command("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
        c.execute_command("ZADD", "z", "1", "a")            # no change: no event
        c.execute_command("ZINCRBY", "z", "1", "a")
        c.execute_command("ZREM", "z", "a")
        c.execute_command("ZREMRANGEBYSCORE", "z", "2", "2")
        c.execute_command("ZREMRANGEBYRANK", "z", "0", "0")
        c.execute_command("ZREMRANGEBYLEX", "z", "[d", "[d")
        c.execute_command("ZPOPMIN", "z")                    # zpopmin, del
        c.execute_command("ZADD", "y", "1", "a")
        c.execute_command("ZPOPMAX", "y", "5")
        c.execute_command("ZADD", "y", "1", "a")
        c.execute_command("ZUNIONSTORE", "o", "1", "y")
        c.execute_command("ZINTERSTORE", "o", "1", "y")
        c.execute_command("ZDIFFSTORE", "o", "1", "y")
        c.execute_command("ZRANGESTORE", "o", "y", "0", "-1")
        c.execute_command("ZINTERSTORE", "o", "2", "y", "nosuch")  # empty: del
        c.execute_command("SET", "__end__", "1")
        got = []
        while True:
            m = p.get_message(timeout=2 * SLOW)
            assert m is not None, got
            if m["data"] == b"__end__":
                break
            got.append((m["channel"].decode().split(":", 1)[1], m["data"]))
        assert got == [("zadd", b"z"), ("zincr", b"z"), ("zrem", b"z"), ("zremrangebyscore", b"z"),
                       ("zremrangebyrank", b"z"), ("zremrangebylex", b"z"), ("zpopmin", b"z"), ("del", b"z"),
                       ("zadd", b"y"), ("zpopmax", b"y"), ("del", b"y"), ("zadd", b"y"), ("zunionstore", b"o"),
                       ("zinterstore", b"o"), ("zdiffstore", b"o"), ("zrangestore", b"o"), ("del", b"o")]
    finally:
        c.execute_command("CONFIG", "SET", "notify-keyspace-events", "")
        p.close()
        sub.close()


# ------------------------------------------------------------------ randomized model


def fmt(x):
    """A score as Redis replies it in RESP2 ("%.17g", inf, -inf)."""
    if math.isinf(x):
        return b"inf" if x > 0 else b"-inf"
    return (b"%.17g" % x)


class Model:
    def __init__(self):
        self.d = {}

    def ordered(self):
        return sorted(self.d.items(), key=lambda kv: (kv[1], kv[0]))

    def flat(self, items):
        out = []
        for m, s in items:
            out += [m, fmt(s)]
        return out


def run_model(c, rnd, steps, lex_only=False):
    keys = ["k0", "k1", "k2"]
    models = {k: Model() for k in keys}

    def member():
        return ("m%d" % rnd.randrange(60 if not lex_only else 40)).encode() + (b"x" * rnd.choice([0, 0, 0, 70]))

    def score():
        if lex_only:
            return 0.0
        return rnd.choice([rnd.randrange(-20, 20), rnd.randrange(-20, 20) / 4.0, float("inf"), float("-inf")])

    def sarg(s):
        return "inf" if s == float("inf") else "-inf" if s == float("-inf") else repr(s)

    def srange():
        a, b = sorted([rnd.randrange(-22, 22) / 2.0, rnd.randrange(-22, 22) / 2.0])
        ae, be = rnd.random() < 0.3, rnd.random() < 0.3
        return a, b, ae, be, ("(" if ae else "") + repr(a), ("(" if be else "") + repr(b)

    def in_srange(s, a, b, ae, be):
        return (s > a if ae else s >= a) and (s < b if be else s <= b)

    def lrange():
        def bound():
            r = rnd.random()
            if r < 0.1:
                return "-", None, None
            if r < 0.2:
                return "+", None, None
            m = member()
            ex = rnd.random() < 0.5
            return ("(" if ex else "[") + m.decode(), m, ex
        return bound(), bound()

    def lex_ok(m, lo, hi):
        (la, lm, lx), (ha, hm, hx) = lo, hi
        if la == "+" or ha == "-":
            return False
        ok_lo = la == "-" or (m > lm if lx else m >= lm)
        ok_hi = ha == "+" or (m < hm if hx else m <= hm)
        return ok_lo and ok_hi

    for step in range(steps):
        k = rnd.choice(keys)
        md = models[k]
        op = rnd.randrange(12)
        if op <= 2:
            flags = rnd.choice([[], [], ["NX"], ["XX"], ["GT"], ["LT"], ["CH"], ["GT", "CH"], ["XX", "LT", "CH"]])
            pairs = [(score(), member()) for _ in range(rnd.randrange(1, 4))]
            args = []
            for s, m in pairs:
                args += [sarg(s), m]
            added = changed = 0
            for s, m in pairs:
                old = md.d.get(m)
                if old is None:
                    if "XX" not in flags:
                        md.d[m] = s
                        added += 1
                else:
                    if "NX" in flags or ("GT" in flags and s <= old) or ("LT" in flags and s >= old):
                        continue
                    if s != old:
                        md.d[m] = s
                        changed += 1
            got = c.execute_command("ZADD", k, *flags, *args)
            assert got == (added + changed if "CH" in flags else added), (flags, pairs)
        elif op == 3:
            m = member()
            inc = rnd.randrange(-5, 6) / 2.0 if not lex_only else 0.0
            new = md.d.get(m, 0.0) + inc
            if math.isnan(new):
                assert err(c, "ZINCRBY", k, repr(inc), m) == "resulting score is not a number (NaN)"
            else:
                assert c.execute_command("ZINCRBY", k, repr(inc), m) == fmt(new)
                md.d[m] = new
        elif op == 4:
            ms = [member() for _ in range(rnd.randrange(1, 4))]
            assert c.execute_command("ZREM", k, *ms) == len(set(ms) & set(md.d))
            for m in ms:
                md.d.pop(m, None)
        elif op == 5:
            o = md.ordered()
            start, stop = rnd.randrange(-10, 10), rnd.randrange(-10, 10)
            rev = rnd.random() < 0.5
            seq = list(reversed(o)) if rev else o
            n = len(seq)
            a = start + n if start < 0 else start
            b = stop + n if stop < 0 else stop
            a = max(a, 0)
            want = seq[a:b + 1] if a <= b else []
            got = c.execute_command("ZRANGE", k, start, stop, *(["REV"] if rev else []), "WITHSCORES")
            assert got == md.flat(want)
        elif op == 6 and not lex_only:
            a, b, ae, be, amin, bmax = srange()
            rev = rnd.random() < 0.5
            off, cnt = rnd.randrange(0, 4), rnd.randrange(-1, 5)
            sel = [(m, s) for m, s in md.ordered() if in_srange(s, a, b, ae, be)]
            if rev:
                sel.reverse()
            sel = sel[off:] if cnt < 0 else sel[off:off + cnt]
            args = [bmax, amin, "BYSCORE", "REV"] if rev else [amin, bmax, "BYSCORE"]
            got = c.execute_command("ZRANGE", k, *args, "LIMIT", off, cnt, "WITHSCORES")
            assert got == md.flat(sel), (args, off, cnt)
            assert c.execute_command("ZCOUNT", k, amin, bmax) == \
                len([1 for s in md.d.values() if in_srange(s, a, b, ae, be)])
        elif op == 6:
            lo, hi = lrange()
            rev = rnd.random() < 0.5
            sel = [m for m, s in md.ordered() if lex_ok(m, lo, hi)]
            if rev:
                sel.reverse()
            args = [hi[0], lo[0], "BYLEX", "REV"] if rev else [lo[0], hi[0], "BYLEX"]
            assert c.execute_command("ZRANGE", k, *args) == sel
            assert c.execute_command("ZLEXCOUNT", k, lo[0], hi[0]) == len(sel)
        elif op == 7:
            m = member()
            o = [x for x, _ in md.ordered()]
            want = o.index(m) if m in md.d else None
            assert c.execute_command("ZRANK", k, m) == want
            assert c.execute_command("ZSCORE", k, m) == (fmt(md.d[m]) if m in md.d else None)
        elif op == 8:
            kind = rnd.randrange(3)
            o = md.ordered()
            if kind == 0:
                start, stop = rnd.randrange(-6, 6), rnd.randrange(-6, 6)
                n = len(o)
                a = start + n if start < 0 else start
                b = stop + n if stop < 0 else stop
                a = max(a, 0)
                gone = o[a:b + 1] if a <= b else []
                assert c.execute_command("ZREMRANGEBYRANK", k, start, stop) == len(gone)
            elif kind == 1 and not lex_only:
                a, b, ae, be, amin, bmax = srange()
                gone = [(m, s) for m, s in o if in_srange(s, a, b, ae, be)]
                assert c.execute_command("ZREMRANGEBYSCORE", k, amin, bmax) == len(gone)
            else:
                lo, hi = lrange()
                gone = [(m, s) for m, s in o if lex_ok(m, lo, hi)] if lex_only else None
                got = c.execute_command("ZREMRANGEBYLEX", k, lo[0], hi[0])
                if gone is None:  # lex ranges over mixed scores: resync the model
                    md.d = {m: float(s) for m, s in zip(*[iter(c.execute_command("ZRANGE", k, 0, -1,
                                                                                 "WITHSCORES"))] * 2)}
                    gone = []
                else:
                    assert got == len(gone)
            for m, _ in gone:
                del md.d[m]
        elif op == 9:
            n = rnd.randrange(0, 4)
            mx = rnd.random() < 0.5
            o = md.ordered()
            if mx:
                o.reverse()
            want = o[:n]
            got = c.execute_command("ZPOPMAX" if mx else "ZPOPMIN", k, n)
            assert got == md.flat(want)
            for m, _ in want:
                del md.d[m]
        elif op == 10 and not lex_only:
            dst = rnd.choice(keys)
            srcs = rnd.sample(keys, rnd.randrange(1, 3))
            kind = rnd.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
            ag = rnd.choice(["SUM", "MIN", "MAX"])
            ws = [rnd.choice([1, 2, -1, 0.5]) for _ in srcs]
            res = {}
            if kind == "ZDIFFSTORE":
                first = models[srcs[0]].d
                res = {m: s for m, s in first.items() if all(m not in models[x].d for x in srcs[1:])}
                args = []
            else:
                def w(s, wt):
                    v = s * wt
                    return 0.0 if math.isnan(v) else v

                def agg(x, y):
                    if ag == "MIN":
                        return min(x, y)
                    if ag == "MAX":
                        return max(x, y)
                    v = x + y
                    return 0.0 if math.isnan(v) else v
                dicts = [models[x].d for x in srcs]
                if kind == "ZUNIONSTORE":
                    for d, wt in zip(dicts, ws):
                        for m, s in d.items():
                            res[m] = agg(res[m], w(s, wt)) if m in res else w(s, wt)
                else:
                    common = set(dicts[0]).intersection(*dicts[1:])
                    for m in common:
                        vals = [w(d[m], wt) for d, wt in zip(dicts, ws)]
                        acc = vals[0]
                        for v in vals[1:]:
                            acc = agg(acc, v)
                        res[m] = acc
                args = ["WEIGHTS", *ws, "AGGREGATE", ag]
            assert c.execute_command(kind, dst, len(srcs), *srcs, *args) == len(res)
            models[dst].d = res
        else:
            assert c.execute_command("ZCARD", k) == len(md.d)
        if step % 100 == 0:
            for x in keys:
                assert zr(c, x) == models[x].flat(models[x].ordered()), x
                assert c.execute_command("EXISTS", x) == (1 if models[x].d else 0)
    for x in keys:
        assert zr(c, x) == models[x].flat(models[x].ordered()), x


@pytest.mark.parametrize("entries", ["128", "8", "0"])
def test_random_ops_against_model(make_server, entries):
    """Random ZADD/ZINCRBY/ZREM/ranges/removals/pops/store ops against a model; with the
    default limits, with a tiny one (frequent conversions) and with 0 (always skiplist)."""
    s = make_server(args=["--zset-max-listpack-entries", entries])
    c = s.client()
    c.response_callbacks.clear()
    run_model(c, random.Random(int(entries) + 7), 1500)
    c.execute_command("FLUSHALL")
    run_model(c, random.Random(int(entries) + 99), 700, lex_only=True)
    c.close()


# ------------------------------------------------------------------ blocking pops


def send_raw(server, *args):
    """Open a connection and send one command without reading the reply."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10 * SLOW)
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)
    return s


def read_reply(s, expect_end):
    buf = b""
    while not buf.endswith(expect_end):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def wait_blocked(c, n):
    """Wait until n clients are blocked (INFO blocked_clients when the server has it,
    else a short pause)."""
    import time
    deadline = time.time() + 5 * SLOW
    while time.time() < deadline:
        try:
            info = c.execute_command("INFO", "clients")
        except redis.ResponseError:
            info = None
        if isinstance(info, bytes) and b"blocked_clients:" in info:
            cur = int(info.split(b"blocked_clients:")[1].split(b"\r\n")[0])
            if cur >= n:
                return
            time.sleep(0.01)
        else:
            time.sleep(0.2 * SLOW)
            return
    raise AssertionError("clients did not block")


def test_bzpop_immediate_and_errors(c):
    setup_abc(c)
    c.execute_command("SET", "str", "x")
    assert c.execute_command("BZPOPMIN", "nosuch", "z", "0") == [b"z", b"a", b"1"]
    assert c.execute_command("BZPOPMAX", "z", "0") == [b"z", b"e", b"5"]
    assert c.execute_command("BZMPOP", "0", "2", "nosuch", "z", "MAX", "COUNT", "2") == \
        [b"z", [[b"d", b"4"], [b"c", b"3"]]]
    assert err(c, "BZPOPMIN", "z", "abc") == "timeout is not a float or out of range"
    assert err(c, "BZPOPMIN", "z", "-1") == "timeout is negative"
    assert err(c, "BZPOPMIN", "str", "0") == WRONGTYPE
    assert err(c, "BZPOPMIN", "nosuch", "str", "0") == WRONGTYPE
    assert err(c, "BZMPOP", "abc", "1", "z", "MIN") == "timeout is not a float or out of range"
    assert err(c, "BZMPOP", "0", "0", "z", "MIN") == "numkeys should be greater than 0"
    assert err(c, "BZMPOP", "0", "2", "z", "MIN") == "syntax error"
    assert err(c, "BZMPOP", "0", "1", "z", "FOO") == "syntax error"
    assert err(c, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "0") == "count should be greater than 0"
    assert c.execute_command("BZPOPMIN", "z", "0") == [b"z", b"b", b"2"]
    assert c.execute_command("EXISTS", "z") == 0
    # empty: time out with a null array
    assert c.execute_command("BZPOPMIN", "nosuch", "0.05") is None
    assert c.execute_command("BZMPOP", "0.05", "1", "nosuch", "MIN") is None


def test_bzpop_resp3(server, c):
    c.execute_command("ZADD", "z", "1.5", "a", "2", "b")
    assert resp3(server, ("BZPOPMIN", "z", "0"), ("BZMPOP", "0", "1", "z", "MAX"), ("BZPOPMIN", "z", "0.01")) == \
        b"*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n_\r\n"


def test_bzpopmin_woken_by_another_client(server, c):
    s = send_raw(server, "BZPOPMIN", "k1", "k2", "10")
    try:
        wait_blocked(c, 1)
        c.execute_command("ZADD", "k2", "7", "m", "8", "n")
        assert read_reply(s, b"7\r\n") == b"*3\r\n$2\r\nk2\r\n$1\r\nm\r\n$1\r\n7\r\n"
    finally:
        s.close()
    assert zr(c, "k2") == [b"n", b"8"]


def test_bzpop_fifo_and_one_write_feeds_several(server, c):
    a = send_raw(server, "BZPOPMAX", "q", "10")
    try:
        wait_blocked(c, 1)
        b = send_raw(server, "BZPOPMAX", "q", "10")
        try:
            wait_blocked(c, 2)
            c.execute_command("ZADD", "q", "1", "low")
            assert read_reply(a, b"\r\n$1\r\n1\r\n") == b"*3\r\n$1\r\nq\r\n$3\r\nlow\r\n$1\r\n1\r\n"
            c.execute_command("ZADD", "q", "2", "x", "3", "y")  # the second waiter gets the max
            assert read_reply(b, b"\r\n$1\r\n3\r\n") == b"*3\r\n$1\r\nq\r\n$1\r\ny\r\n$1\r\n3\r\n"
        finally:
            b.close()
    finally:
        a.close()
    assert zr(c, "q") == [b"x", b"2"]


def test_bzmpop_woken_with_count(server, c):
    s = send_raw(server, "BZMPOP", "10", "2", "a", "b", "MIN", "COUNT", "2")
    try:
        wait_blocked(c, 1)
        c.execute_command("SET", "a", "not a zset")  # a write to a watched key of another type: ignored
        c.execute_command("ZADD", "b", "3", "z", "1", "x", "2", "y")
        assert read_reply(s, b"$1\r\n2\r\n") == \
            b"*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n"
    finally:
        s.close()
    assert zr(c, "b") == [b"z", b"3"]


def test_bzpop_timeout_and_disconnect(server, c):
    import time
    t = time.time()
    assert c.execute_command("BZPOPMIN", "nosuch", "0.2") is None
    assert time.time() - t >= 0.19
    s = send_raw(server, "BZPOPMIN", "gone", "0")
    wait_blocked(c, 1)
    s.close()
    time.sleep(0.05)
    c.execute_command("ZADD", "gone", "1", "m")  # nobody waits any more: the member stays
    assert zr(c, "gone") == [b"m", b"1"]


def test_bzpop_in_multi_does_not_block(c):
    try:
        c.execute_command("MULTI")
    except redis.ResponseError:
        pytest.skip("MULTI not available yet")
    c.execute_command("BZPOPMIN", "nosuch", "0")
    c.execute_command("BZMPOP", "0", "1", "nosuch", "MIN")
    assert c.execute_command("EXEC") == [None, None]


def test_digest_and_memory_usage_independent_of_encoding(make_server):
    s = make_server(args=["--enable-debug-command", "yes"])
    c = s.client()
    c.response_callbacks.clear()
    try:
        c.execute_command("DEBUG", "DIGEST-VALUE", "nosuch")
    except redis.ResponseError:
        c.close()
        pytest.skip("DEBUG DIGEST-VALUE not available")
    c.execute_command("ZADD", "small", "1", "a", "2.5", "b")
    c.execute_command("ZADD", "big", "1", "a", "2.5", "b", "3", "x" * 100)
    c.execute_command("ZREM", "big", "x" * 100)
    assert c.execute_command("OBJECT", "ENCODING", "big") == b"skiplist"
    assert c.execute_command("DEBUG", "DIGEST-VALUE", "small") == c.execute_command("DEBUG", "DIGEST-VALUE", "big")
    c.execute_command("ZADD", "big", "2", "b")
    assert c.execute_command("DEBUG", "DIGEST-VALUE", "small") != c.execute_command("DEBUG", "DIGEST-VALUE", "big")
    c.execute_command("SADD", "s1", "1", "2", "3")
    c.execute_command("SADD", "s2", "3", "x", "2", "1")
    c.execute_command("SREM", "s2", "x")
    assert c.execute_command("DEBUG", "DIGEST-VALUE", "s1") == c.execute_command("DEBUG", "DIGEST-VALUE", "s2")
    c.execute_command("ZADD", "huge", *sum([[str(i), "member:%d" % i] for i in range(5000)], []))
    assert c.execute_command("MEMORY", "USAGE", "huge") > 5000 * 40
    c.close()


def test_many_keys(c):
    keys = ["k%d" % i for i in range(300)]
    for i, k in enumerate(keys):
        c.execute_command("ZADD", k, "1", "common", str(i), k)
    assert c.execute_command("ZINTER", len(keys), *keys, "WITHSCORES") == [b"common", b"300"]
    assert c.execute_command("ZINTERCARD", len(keys), *keys) == 1
    assert c.execute_command("ZUNIONSTORE", "dst", len(keys), *keys) == 301
    assert c.execute_command("ZMPOP", len(keys), *keys, "MAX") == [b"k0", [[b"common", b"1"]]]
    assert c.execute_command("BZMPOP", "0", len(keys), *keys, "MAX") == [b"k0", [[b"k0", b"0"]]]
    assert c.execute_command("BZMPOP", "0", len(keys), *keys, "MIN") == [b"k1", [[b"common", b"1"]]]


def test_lex_ranges_over_mixed_scores_listpack(c):
    """Lex ranges assume equal scores; with mixed scores Redis first checks that the
    last member is >= min and the first <= max (deterministic for listpacks)."""
    c.execute_command("ZADD", "z", "1", "1e3", "1", "m1", "2", "7")
    assert c.execute_command("ZRANGE", "z", "[m1", "+", "BYLEX") == []
    assert c.execute_command("ZLEXCOUNT", "z", "[m1", "+") == 0
    assert c.execute_command("ZREMRANGEBYLEX", "z", "[m1", "+") == 0
    assert c.execute_command("ZRANGE", "z", "[1", "[8", "BYLEX") == [b"1e3"]
    assert c.execute_command("ZCARD", "z") == 3


def test_nan_terms_and_negative_zero(c):
    c.execute_command("ZADD", "a", "-inf", "m", "1", "n")
    c.execute_command("ZADD", "b", "inf", "m", "2", "n", "3", "o")
    # a later term that is NaN (inf * 0) makes the SUM NaN, counted as 0
    assert c.execute_command("ZINTER", "2", "a", "b", "WEIGHTS", "1", "0", "WITHSCORES") == [b"m", b"0", b"n", b"1"]
    assert c.execute_command("ZINTER", "2", "a", "b", "WEIGHTS", "1", "0", "AGGREGATE", "MIN", "WITHSCORES") == \
        [b"m", b"-inf", b"n", b"0"]
    # a reply keeps -0; a stored compact set has no -0
    c.execute_command("ZADD", "big", "1", "x" * 80, "-0", "z")  # a skiplist from the start
    assert c.execute_command("ZSCORE", "big", "z") == b"-0"
    assert c.execute_command("ZDIFF", "1", "big", "WITHSCORES") == [b"z", b"-0", b"x" * 80, b"1"]
    assert c.execute_command("ZRANGESTORE", "st", "big", "0", "0") == 1  # fits a listpack: -0 is lost
    assert c.execute_command("ZSCORE", "st", "z") == b"0"
    c.execute_command("ZADD", "small", "-0", "z")
    assert c.execute_command("ZSCORE", "small", "z") == b"0"
