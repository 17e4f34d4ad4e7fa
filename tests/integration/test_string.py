"""String commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX
APPEND STRLEN INCR DECR INCRBY DECRBY INCRBYFLOAT GETRANGE SUBSTR SETRANGE LCS.

Expected replies were taken from redis-server 7.0.15 run side by side (the file passes
against it: WARDEN_BIN=/usr/bin/redis-server). Tests talk raw RESP (rawresp.py) so
that error texts, reply types and binary values are checked byte for byte. Keys are prefixed per test (the tree may not
have FLUSHALL/DEL yet); checks that need commands owned by other families (PTTL, OBJECT,
LPUSH...) skip themselves when those commands are missing."""
import threading
import time

import pytest

from conftest import SLOW
from rawresp import NOTFLOAT, NOTINT, SYNTAX, WRONGTYPE, Err, Resp, encoding, make_nonstring, pttl, wrong_args


@pytest.fixture
def c(server):
    conn = Resp(server.port)
    yield conn
    conn.close()


@pytest.fixture
def c3(server):
    conn = Resp(server.port, resp3=True)
    yield conn
    conn.close()


@pytest.fixture
def k(request):
    """Key namer unique to the test: k('a') -> 'test_x:a'."""
    prefix = request.node.name + ":"
    return lambda name="k": prefix + name


# ---------------------------------------------------------------- GET / SET


def test_get_set_basic_and_binary(c, k):
    assert c.cmd("GET", k()) is None
    assert c.cmd("SET", k(), "v") == "OK"
    assert c.cmd("GET", k()) == b"v"
    blob = b"a\x00b\r\nc\xff" * 10
    assert c.cmd("SET", k("bin"), blob) == "OK"
    assert c.cmd("GET", k("bin")) == blob
    binkey = b"key\x00with\r\nbytes"
    assert c.cmd("SET", binkey, b"\x00") == "OK"
    assert c.cmd("GET", binkey) == b"\x00"
    assert c.cmd("SET", k("e"), "") == "OK"
    assert c.cmd("GET", k("e")) == b""
    assert c.cmd("SET", k("n"), "-9223372036854775808") == "OK"
    assert c.cmd("GET", k("n")) == b"-9223372036854775808"
    assert c.cmd("SET", k("big"), "12345678901234567890") == "OK"
    assert c.cmd("GET", k("big")) == b"12345678901234567890"


def test_set_nx_xx_get(c, k):
    assert c.cmd("SET", k(), "1", "XX") is None
    assert c.cmd("GET", k()) is None
    assert c.cmd("SET", k(), "1", "NX") == "OK"
    assert c.cmd("SET", k(), "2", "NX") is None
    assert c.cmd("GET", k()) == b"1"
    assert c.cmd("SET", k(), "3", "XX") == "OK"
    assert c.cmd("GET", k()) == b"3"
    # GET returns the old value whatever NX/XX decide
    assert c.cmd("SET", k(), "4", "GET") == b"3"
    assert c.cmd("SET", k(), "5", "NX", "GET") == b"4"
    assert c.cmd("GET", k()) == b"4"
    assert c.cmd("SET", k("new"), "x", "XX", "GET") is None
    assert c.cmd("GET", k("new")) is None
    assert c.cmd("SET", k("new"), "x", "NX", "GET") is None
    assert c.cmd("GET", k("new")) == b"x"
    # options repeat freely; NX with XX is a syntax error
    assert c.cmd("SET", k(), "6", "nx", "nx") is None
    assert c.cmd("SET", k(), "7", "get", "get") == b"4"
    assert c.cmd("SET", k(), "8", "keepttl", "keepttl") == "OK"
    assert c.cmd("SET", k(), "9", "NX", "XX") == SYNTAX
    assert c.cmd("SET", k(), "9", "XX", "NX") == SYNTAX


def test_set_option_errors(c, k):
    for opts in (["EX", "10", "PX", "100"], ["PX", "100", "EX", "1"], ["KEEPTTL", "EX", "1"],
                 ["EX", "1", "KEEPTTL"], ["EX"], ["PX"], ["FOO"], ["PERSIST"], ["EXAT", "1", "PXAT", "1"]):
        assert c.cmd("SET", k(), "v", *opts) == SYNTAX, opts
    for opts in (["EX", "abc"], ["EX", "1.5"], ["PX", "01"], ["PXAT", "-0"], ["EX", "99999999999999999999"]):
        assert c.cmd("SET", k(), "v", *opts) == NOTINT, opts
    for opts in (["EX", "0"], ["EX", "-1"], ["PX", "0"], ["PXAT", "0"], ["EXAT", "-5"],
                 ["EX", "9223372036854775807"], ["PX", "9223372036854775807"], ["EXAT", "9223372036854776"]):
        assert c.cmd("SET", k(), "v", *opts) == "ERR invalid expire time in 'set' command", opts
    assert c.cmd("GET", k()) is None  # nothing was stored by the failed commands
    assert c.cmd("SET", k()) == Err(wrong_args("set"))
    assert c.cmd("GET") == Err(wrong_args("get"))
    assert c.cmd("GET", "a", "b") == Err(wrong_args("get"))
    # the expire time is checked before GET looks at the old value
    assert c.cmd("SET", k(), "old") == "OK"
    assert c.cmd("SET", k(), "v", "GET", "EX", "abc") == NOTINT
    assert c.cmd("GET", k()) == b"old"


def test_set_extreme_absolute_times_accepted(c, k):
    assert c.cmd("SET", k(), "v", "EXAT", "9223372036854775") == "OK"
    assert c.cmd("SET", k(), "v", "PXAT", "9223372036854775807") == "OK"
    assert c.cmd("GET", k()) == b"v"
    t = pttl(c, k())
    if t is not None:
        assert t > 9_000_000_000_000_000_000


def test_set_past_absolute_time_expires(c, k):
    assert c.cmd("SET", k(), "v", "EXAT", "1") == "OK"
    assert c.cmd("GET", k()) is None
    assert c.cmd("SET", k(), "v") == "OK"
    assert c.cmd("SET", k(), "w", "PXAT", "1", "XX") == "OK"
    assert c.cmd("GET", k()) is None
    assert c.cmd("SET", k(), "v", "PXAT", "1", "NX") == "OK"
    assert c.cmd("GET", k()) is None


def test_set_wrongtype(c, k):
    make_nonstring(c, k("l"))
    assert c.cmd("GET", k("l")) == WRONGTYPE
    assert c.cmd("SET", k("l"), "v", "GET") == WRONGTYPE
    assert c.cmd("SET", k("l"), "v", "XX", "GET") == WRONGTYPE
    assert c.cmd("SET", k("l"), "v", "NX") is None
    assert c.cmd("SETNX", k("l"), "v") == 0
    assert c.cmd("GETSET", k("l"), "v") == WRONGTYPE
    assert c.cmd("GETDEL", k("l")) == WRONGTYPE
    assert c.cmd("GETEX", k("l")) == WRONGTYPE
    assert c.cmd("GETEX", k("l"), "EX", "abc") == WRONGTYPE
    assert c.cmd("MGET", k("l"), k("none")) == [None, None]
    assert c.cmd("APPEND", k("l"), "x") == WRONGTYPE
    assert c.cmd("STRLEN", k("l")) == WRONGTYPE
    assert c.cmd("INCR", k("l")) == WRONGTYPE
    assert c.cmd("INCRBY", k("l"), "abc") == NOTINT  # the argument is checked first
    assert c.cmd("INCRBYFLOAT", k("l"), "abc") == WRONGTYPE  # the type is checked first
    assert c.cmd("GETRANGE", k("l"), "0", "1") == WRONGTYPE
    assert c.cmd("GETRANGE", k("l"), "a", "1") == NOTINT
    assert c.cmd("SETRANGE", k("l"), "0", "x") == WRONGTYPE
    assert c.cmd("SETRANGE", k("l"), "-1", "x") == Err("ERR offset is out of range")
    assert c.cmd("LCS", k("l"), k("none")) == Err("ERR The specified keys must contain string values")
    assert c.cmd("LCS", k("none"), k("l"), "foo") == Err("ERR The specified keys must contain string values")
    # plain SET overwrites any type
    assert c.cmd("SET", k("l"), "v") == "OK"
    assert c.cmd("GET", k("l")) == b"v"


def test_setnx_setex_psetex(c, k):
    assert c.cmd("SETNX", k(), "1") == 1
    assert c.cmd("SETNX", k(), "2") == 0
    assert c.cmd("GET", k()) == b"1"
    assert c.cmd("SETEX", k(), "100", "x") == "OK"
    assert c.cmd("GET", k()) == b"x"
    assert c.cmd("PSETEX", k(), "100000", "y") == "OK"
    assert c.cmd("GET", k()) == b"y"
    assert c.cmd("SETEX", k(), "0", "x") == Err("ERR invalid expire time in 'setex' command")
    assert c.cmd("SETEX", k(), "-1", "x") == Err("ERR invalid expire time in 'setex' command")
    assert c.cmd("SETEX", k(), "9223372036854775807", "x") == Err("ERR invalid expire time in 'setex' command")
    assert c.cmd("SETEX", k(), "abc", "x") == NOTINT
    assert c.cmd("PSETEX", k(), "-5", "x") == Err("ERR invalid expire time in 'psetex' command")
    assert c.cmd("PSETEX", k(), "1.5", "x") == NOTINT
    assert c.cmd("GET", k()) == b"y"
    assert c.cmd("SETNX", k()) == Err(wrong_args("setnx"))
    assert c.cmd("SETEX", k(), "1") == Err(wrong_args("setex"))
    assert c.cmd("PSETEX", k(), "1", "v", "x") == Err(wrong_args("psetex"))
    t = pttl(c, k())
    if t is not None:
        assert 99000 < t <= 100000


def test_getset_getdel(c, k):
    assert c.cmd("GETSET", k(), "a") is None
    assert c.cmd("GETSET", k(), "b") == b"a"
    assert c.cmd("GET", k()) == b"b"
    assert c.cmd("GETDEL", k()) == b"b"
    assert c.cmd("GETDEL", k()) is None
    assert c.cmd("GET", k()) is None
    assert c.cmd("SET", k("n"), "12") == "OK"
    assert c.cmd("GETDEL", k("n")) == b"12"
    assert c.cmd("GETSET", k()) == Err(wrong_args("getset"))
    assert c.cmd("GETDEL", k(), "x") == Err(wrong_args("getdel"))


def test_getex(c, k):
    assert c.cmd("GETEX", k()) is None
    # for a missing key the expire value is not even looked at, but the syntax is
    assert c.cmd("GETEX", k(), "EX", "abc") is None
    assert c.cmd("GETEX", k(), "EX", "0") is None
    assert c.cmd("GETEX", k(), "FOO") == SYNTAX
    assert c.cmd("SET", k(), "v") == "OK"
    assert c.cmd("GETEX", k()) == b"v"
    assert c.cmd("GETEX", k(), "EX", "abc") == NOTINT
    for opts in (["EX", "0"], ["EX", "-5"], ["EXAT", "0"], ["PX", "9223372036854775807"],
                 ["EXAT", "9223372036854776"]):
        assert c.cmd("GETEX", k(), *opts) == Err("ERR invalid expire time in 'getex' command"), opts
    for opts in (["PERSIST", "EX", "10"], ["EX", "10", "PERSIST"], ["KEEPTTL"], ["EX"], ["EX", "1", "PX", "1"],
                 ["NX"], ["GET"]):
        assert c.cmd("GETEX", k(), *opts) == SYNTAX, opts
    assert c.cmd("GETEX", k(), "EX", "10", "EX", "20") == b"v"
    assert c.cmd("GETEX", k(), "persist", "persist") == b"v"
    assert c.cmd("GETEX", k(), "PXAT", "9223372036854775807") == b"v"
    assert c.cmd("GETEX", k(), "EXAT", "9223372036854775") == b"v"
    assert c.cmd("GETEX", k(), "PX", "100000") == b"v"
    t = pttl(c, k())
    if t is not None:
        assert 99000 < t <= 100000
        assert c.cmd("GETEX", k(), "PERSIST") == b"v"
        assert pttl(c, k()) == -1
    # an absolute time already past deletes the key at once
    assert c.cmd("GETEX", k(), "EXAT", "1") == b"v"
    assert c.cmd("GET", k()) is None
    assert c.cmd("SET", k(), "w") == "OK"
    assert c.cmd("GETEX", k(), "PXAT", "1") == b"w"
    assert c.cmd("GET", k()) is None
    assert c.cmd("GETEX") == Err(wrong_args("getex"))


def test_ttl_behaviour(c, k, server):
    """Which commands keep, set or drop a TTL: one short sleep checks them all."""
    px = str(int(300 * SLOW))
    keep = []   # keys that must be gone after the sleep
    stay = []   # keys that must survive
    for name in ("append", "incr", "incrby", "decr", "incrbyfloat", "setrange", "keepttl", "getex", "setbit"):
        assert c.cmd("SET", k(name), "1", "PX", px) == "OK"
    assert c.cmd("APPEND", k("append"), "0") == 2
    assert c.cmd("INCR", k("incr")) == 2
    assert c.cmd("INCRBY", k("incrby"), "5") == 6
    assert c.cmd("DECR", k("decr")) == 0
    assert c.cmd("INCRBYFLOAT", k("incrbyfloat"), "0.5") == b"1.5"
    assert c.cmd("SETRANGE", k("setrange"), "3", "x") == 4
    assert c.cmd("SET", k("keepttl"), "2", "KEEPTTL") == "OK"
    assert c.cmd("GETEX", k("getex")) == b"1"
    assert c.cmd("SETBIT", k("setbit"), "100", "1") == 0
    keep += ["append", "incr", "incrby", "decr", "incrbyfloat", "setrange", "keepttl", "getex", "setbit"]
    for name in ("set", "getset", "mset", "persist", "setex"):
        assert c.cmd("SET", k(name), "1", "PX", px) == "OK"
    assert c.cmd("SET", k("set"), "2") == "OK"
    assert c.cmd("GETSET", k("getset"), "2") == b"1"
    assert c.cmd("MSET", k("mset"), "2", k("other"), "3") == "OK"
    assert c.cmd("GETEX", k("persist"), "PERSIST") == b"1"
    assert c.cmd("SETEX", k("setex"), "100", "2") == "OK"
    stay += ["set", "getset", "mset", "persist", "setex"]
    # a relative expire given to GETEX / SET applies
    assert c.cmd("SET", k("getexpx"), "1") == "OK"
    assert c.cmd("GETEX", k("getexpx"), "PX", px) == b"1"
    keep += ["getexpx"]
    t = pttl(c, k("append"))
    if t is not None:
        assert 0 < t <= int(px)
        assert pttl(c, k("set")) == -1
        assert 99000 < pttl(c, k("setex")) <= 100000
    time.sleep(int(px) / 1000.0 + 0.1)
    for name in keep:
        assert c.cmd("GET", k(name)) is None, name
    for name in stay:
        assert c.cmd("GET", k(name)) is not None, name


# ---------------------------------------------------------------- MGET / MSET / MSETNX


def test_mget_mset_msetnx(c, k):
    assert c.cmd("MSET", k("a"), "1", k("b"), b"\x00\r\n") == "OK"
    assert c.cmd("MGET", k("a"), k("b"), k("c")) == [b"1", b"\x00\r\n", None]
    assert c.cmd("MSET", k("a"), "1", k("b")) == Err(wrong_args("mset"))
    assert c.cmd("MSETNX", k("a"), "1", k("b")) == Err(wrong_args("msetnx"))
    assert c.cmd("MSET") == Err(wrong_args("mset"))
    assert c.cmd("MSET", k("a")) == Err(wrong_args("mset"))
    assert c.cmd("MGET") == Err(wrong_args("mget"))
    assert c.cmd("MSETNX", k("c"), "x", k("a"), "y") == 0
    assert c.cmd("MGET", k("a"), k("c")) == [b"1", None]
    assert c.cmd("MSETNX", k("c"), "x", k("d"), "y") == 1
    assert c.cmd("MGET", k("c"), k("d")) == [b"x", b"y"]
    # duplicate keys: the last value wins
    assert c.cmd("MSET", k("e"), "1", k("e"), "2") == "OK"
    assert c.cmd("GET", k("e")) == b"2"
    assert c.cmd("MSETNX", k("f"), "1", k("f"), "2") == 1
    assert c.cmd("GET", k("f")) == b"2"
    many = []
    for i in range(200):
        many += [k("m%d" % i), str(i)]
    assert c.cmd("MSET", *many) == "OK"
    assert c.cmd("MGET", *[k("m%d" % i) for i in range(200)]) == [str(i).encode() for i in range(200)]


def test_mset_atomic_under_concurrency(server, k):
    """Writers MSET several keys to one value while readers MGET them: a reader must
    never see a mix of two MSETs."""
    keys = [k("x%d" % i) for i in range(6)]
    first = Resp(server.port)
    assert first.cmd("MSET", *sum([[key, "0"] for key in keys], [])) == "OK"
    first.close()
    stop = threading.Event()
    errors = []

    def writer(wid):
        conn = Resp(server.port)
        try:
            for i in range(300):
                v = "%d-%d" % (wid, i)
                r = conn.cmd("MSET", *sum([[key, v] for key in keys], []))
                if r != "OK":
                    errors.append(r)
        finally:
            conn.close()

    def reader():
        conn = Resp(server.port)
        try:
            while not stop.is_set():
                vals = conn.cmd("MGET", *keys)
                if len(set(vals)) != 1:
                    errors.append(vals)
                    return
        finally:
            conn.close()

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []


# ---------------------------------------------------------------- APPEND / STRLEN


def test_append_strlen(c, k):
    assert c.cmd("APPEND", k(), "123") == 3
    assert c.cmd("APPEND", k(), "") == 3
    assert c.cmd("APPEND", k(), "abc") == 6
    assert c.cmd("GET", k()) == b"123abc"
    assert c.cmd("STRLEN", k()) == 6
    assert c.cmd("STRLEN", k("none")) == 0
    assert c.cmd("SET", k("n"), "-12345") == "OK"
    assert c.cmd("STRLEN", k("n")) == 6
    assert c.cmd("APPEND", k("n"), b"\x00\r\n") == 9
    assert c.cmd("GET", k("n")) == b"-12345\x00\r\n"
    assert c.cmd("STRLEN", k("n")) == 9
    big = b"x" * 100000
    assert c.cmd("APPEND", k("big"), big) == 100000
    assert c.cmd("APPEND", k("big"), big) == 200000
    assert c.cmd("STRLEN", k("big")) == 200000
    assert c.cmd("GETRANGE", k("big"), "99998", "100001") == b"xxxx"
    assert c.cmd("APPEND", k()) == Err(wrong_args("append"))
    assert c.cmd("STRLEN") == Err(wrong_args("strlen"))


# ---------------------------------------------------------------- INCR family


def test_incr_decr(c, k):
    assert c.cmd("INCR", k()) == 1
    assert c.cmd("INCRBY", k(), "10") == 11
    assert c.cmd("DECR", k()) == 10
    assert c.cmd("DECRBY", k(), "5") == 5
    assert c.cmd("DECRBY", k(), "-5") == 10
    assert c.cmd("INCRBY", k(), "-20") == -10
    assert c.cmd("GET", k()) == b"-10"
    for bad in ("abc", "1.5", "+1", " 1", "01", "-0", "", "9223372036854775808"):
        assert c.cmd("INCRBY", k(), bad) == NOTINT, bad
        assert c.cmd("DECRBY", k(), bad) == NOTINT, bad
    assert c.cmd("INCRBY", k("none"), "abc") == NOTINT
    for stored in ("abc", " 1", "1 ", "01", "-0", "", "1.0", "9223372036854775808", "1\x00"):
        assert c.cmd("SET", k("s"), stored) == "OK"
        assert c.cmd("INCR", k("s")) == NOTINT, stored
        assert c.cmd("GET", k("s")) == stored.encode("latin-1")
    # a value made of digits by APPEND is still a number
    assert c.cmd("SET", k("ap"), "5") == "OK"
    assert c.cmd("APPEND", k("ap"), "0") == 2
    assert c.cmd("INCR", k("ap")) == 51
    assert c.cmd("INCR") == Err(wrong_args("incr"))
    assert c.cmd("INCRBY", k()) == Err(wrong_args("incrby"))


def test_incr_overflow(c, k):
    assert c.cmd("SET", k(), "9223372036854775807") == "OK"
    assert c.cmd("INCR", k()) == Err("ERR increment or decrement would overflow")
    assert c.cmd("DECRBY", k(), "-1") == Err("ERR increment or decrement would overflow")
    assert c.cmd("INCRBY", k(), "-9223372036854775808") == -1
    assert c.cmd("SET", k(), "-9223372036854775808") == "OK"
    assert c.cmd("DECR", k()) == Err("ERR increment or decrement would overflow")
    assert c.cmd("INCRBY", k(), "-1") == Err("ERR increment or decrement would overflow")
    assert c.cmd("GET", k()) == b"-9223372036854775808"
    assert c.cmd("DECRBY", k("x"), "-9223372036854775808") == Err("ERR decrement would overflow")
    assert c.cmd("INCRBY", k("x"), "-9223372036854775808") == -9223372036854775808
    assert c.cmd("INCRBY", k("y"), "9223372036854775807") == 9223372036854775807
    assert c.cmd("INCRBY", k("y"), "-9223372036854775808") == -1


def test_incrbyfloat(c, k):
    assert c.cmd("INCRBYFLOAT", k(), "1") == b"1"
    assert c.cmd("INCRBYFLOAT", k(), "1.5") == b"2.5"
    assert c.cmd("INCRBYFLOAT", k(), "-2.5") == b"0"
    assert c.cmd("INCRBYFLOAT", k(), "0.1") == b"0.1"
    assert c.cmd("INCRBYFLOAT", k(), "0.2") == b"0.3"
    assert c.cmd("INCRBYFLOAT", k(), "5.0e3") == b"5000.29999999999999982"  # long double, 17 decimals
    assert c.cmd("INCRBYFLOAT", k(), "0x10") == b"5016.29999999999999982"
    assert c.cmd("GET", k()) == b"5016.29999999999999982"
    assert c.cmd("INCRBYFLOAT", k("z"), "-0.0") == b"0"
    assert c.cmd("INCRBYFLOAT", k("f6"), "3.0000000000000000001") == b"3"
    assert c.cmd("INCRBYFLOAT", k("f8"), "10.5") == b"10.5"
    assert c.cmd("INCRBYFLOAT", k("f8"), "-10.5") == b"0"
    assert c.cmd("SET", k("i"), "10") == "OK"
    assert c.cmd("INCRBYFLOAT", k("i"), "0.25") == b"10.25"
    for bad in ("abc", " 1", "1 ", "nan", "", "1e-5000", "1,5", "1e5000", "1." + "0" * 5118):
        assert c.cmd("INCRBYFLOAT", k(), bad) == NOTFLOAT, bad
    assert c.cmd("INCRBYFLOAT", k("sub"), "1e-4940") == b"0"  # subnormal: a number, prints as 0
    assert c.cmd("INCRBYFLOAT", k("long"), "1." + "0" * 5117) == b"1"  # 5119 characters is fine
    for inf in ("inf", "-inf", "+inf", "infinity"):
        assert c.cmd("INCRBYFLOAT", k("none"), inf) == Err("ERR increment would produce NaN or Infinity"), inf
    assert c.cmd("INCRBYFLOAT", k("inf"), "inf") == Err("ERR increment would produce NaN or Infinity")
    assert c.cmd("GET", k("inf")) is None
    assert c.cmd("SET", k("s"), "abc") == "OK"
    assert c.cmd("INCRBYFLOAT", k("s"), "1") == NOTFLOAT
    assert c.cmd("SET", k("s"), "") == "OK"
    assert c.cmd("INCRBYFLOAT", k("s"), "1") == NOTFLOAT
    assert c.cmd("SET", k("s"), "1e308") == "OK"
    big = c.cmd("INCRBYFLOAT", k("s"), "1e308")
    assert big.startswith(b"19999999999999999999337175931169") and len(big) == 309
    assert c.cmd("INCRBYFLOAT", k("s"), "1e308").startswith(b"29999999999999999998031232495613")
    huge = c.cmd("INCRBYFLOAT", k("h"), "1e4930")
    assert huge.startswith(b"1000000000000000000026173784887") and len(huge) == 4931
    assert c.cmd("GET", k("h")) == huge
    assert c.cmd("INCRBYFLOAT", k()) == Err(wrong_args("incrbyfloat"))


def test_incrbyfloat_reply_is_bulk_in_resp3(c3, k):
    assert c3.cmd("INCRBYFLOAT", k(), "1.5") == b"1.5"
    assert c3.raw("INCRBYFLOAT", k(), "1") == b"$3\r\n2.5\r\n"


# ---------------------------------------------------------------- GETRANGE / SETRANGE


def test_getrange(c, k):
    assert c.cmd("SET", k(), "Hello World") == "OK"
    cases = [("0", "-1", b"Hello World"), ("-3", "-1", b"rld"), ("-1", "-3", b""), ("5", "3", b""),
             ("-100", "100", b"Hello World"), ("0", "0", b"H"), ("10", "10", b"d"), ("11", "20", b""),
             ("-9223372036854775808", "9223372036854775807", b"Hello World"), ("3", "-100", b""),
             ("-100", "-100", b"H"), ("-100", "-50", b"H"), ("0", "-12", b"H"), ("1", "-11", b"")]
    for s, e, want in cases:
        assert c.cmd("GETRANGE", k(), s, e) == want, (s, e)
        assert c.cmd("SUBSTR", k(), s, e) == want, (s, e)
    assert c.cmd("GETRANGE", k("none"), "0", "-1") == b""
    assert c.cmd("GETRANGE", k("none"), "a", "b") == NOTINT
    assert c.cmd("GETRANGE", k(), "0", "1.5") == NOTINT
    assert c.cmd("SET", k("e"), "") == "OK"
    assert c.cmd("GETRANGE", k("e"), "0", "-1") == b""
    assert c.cmd("GETRANGE", k("e"), "0", "0") == b""
    assert c.cmd("SET", k("i"), "12345") == "OK"
    assert c.cmd("GETRANGE", k("i"), "1", "2") == b"23"
    assert c.cmd("GETRANGE", k("i"), "-2", "-1") == b"45"
    assert c.cmd("SET", k("b"), b"a\x00b\r\nc") == "OK"
    assert c.cmd("GETRANGE", k("b"), "1", "4") == b"\x00b\r\n"
    assert c.cmd("GETRANGE", k(), "0") == Err(wrong_args("getrange"))
    assert c.cmd("SUBSTR", k(), "0") == Err(wrong_args("substr"))


def test_setrange(c, k):
    assert c.cmd("SETRANGE", k(), "-1", "x") == Err("ERR offset is out of range")
    assert c.cmd("SETRANGE", k(), "a", "x") == NOTINT
    assert c.cmd("SETRANGE", k(), "5", "") == 0
    assert c.cmd("GET", k()) is None  # nothing written, no key created
    assert c.cmd("SETRANGE", k(), "3", "ab") == 5
    assert c.cmd("GET", k()) == b"\x00\x00\x00ab"
    assert c.cmd("SETRANGE", k(), "0", "") == 5
    assert c.cmd("SETRANGE", k(), "1", "ZZZZZZ") == 7
    assert c.cmd("GET", k()) == b"\x00ZZZZZZ"
    assert c.cmd("SETRANGE", k(), "0", b"\r\n") == 7
    assert c.cmd("GET", k()) == b"\r\nZZZZZ"
    assert c.cmd("SET", k("i"), "12345") == "OK"
    assert c.cmd("SETRANGE", k("i"), "0", "") == 5
    assert c.cmd("SETRANGE", k("i"), "0", "9") == 5
    assert c.cmd("GET", k("i")) == b"92345"
    assert c.cmd("SETRANGE", k("i"), "7", b"\x00x") == 9
    assert c.cmd("GET", k("i")) == b"92345\x00\x00\x00x"
    assert c.cmd("SETRANGE", k("big"), "536870912", "a") == \
        Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    assert c.cmd("SETRANGE", k("big"), "9223372036854775807", "a") == \
        Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    assert c.cmd("SETRANGE", k("big"), "536870911", "") == 0
    assert c.cmd("GET", k("big")) is None
    assert c.cmd("SETRANGE", k(), "0") == Err(wrong_args("setrange"))


def test_size_limits(make_server):
    s = make_server(args=["--proto-max-bulk-len", "1mb"])
    c = Resp(s.port)
    limit = 1024 * 1024
    over = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    assert c.cmd("SETRANGE", "r", str(limit - 1), "a") == limit
    assert c.cmd("SETRANGE", "r", str(limit), "a") == Err(over)
    assert c.cmd("SETRANGE", "r", str(limit - 1), "ab") == Err(over)
    assert c.cmd("STRLEN", "r") == limit
    assert c.cmd("APPEND", "r", "x") == Err(over)
    assert c.cmd("APPEND", "r", "") == limit
    assert c.cmd("SET", "a", "x" * (limit - 2)) == "OK"
    assert c.cmd("APPEND", "a", "yy") == limit
    assert c.cmd("APPEND", "a", "z") == Err(over)
    assert c.cmd("STRLEN", "a") == limit
    c.close()


# ---------------------------------------------------------------- LCS


def test_lcs(c, k):
    a, b = k("a"), k("b")
    assert c.cmd("MSET", a, "ohmytext", b, "mynewtext") == "OK"
    assert c.cmd("LCS", a, b) == b"mytext"
    assert c.cmd("LCS", a, b, "LEN") == 6
    assert c.cmd("LCS", a, b, "IDX") == [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]
    assert c.cmd("LCS", a, b, "IDX", "MINMATCHLEN", "4") == [b"matches", [[[4, 7], [5, 8]]], b"len", 6]
    assert c.cmd("LCS", a, b, "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN") == \
        [b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]
    assert c.cmd("LCS", a, b, "minmatchlen", "-5", "idx", "withmatchlen") == \
        [b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]
    assert c.cmd("LCS", a, b, "IDX", "IDX") == c.cmd("LCS", a, b, "IDX")
    assert c.cmd("LCS", a, b, "WITHMATCHLEN") == b"mytext"
    assert c.cmd("LCS", a, b, "LEN", "WITHMATCHLEN") == 6
    both = "ERR If you want both the length and indexes, please just use IDX."
    assert c.cmd("LCS", a, b, "IDX", "LEN") == Err(both)
    assert c.cmd("LCS", a, b, "LEN", "IDX") == Err(both)
    assert c.cmd("LCS", a, b, "FOO") == SYNTAX
    assert c.cmd("LCS", a, b, "MINMATCHLEN") == SYNTAX
    assert c.cmd("LCS", a, b, "MINMATCHLEN", "abc") == NOTINT
    assert c.cmd("LCS", k("n1"), k("n2")) == b""
    assert c.cmd("LCS", k("n1"), k("n2"), "IDX") == [b"matches", [], b"len", 0]
    assert c.cmd("LCS", a, k("n1"), "IDX") == [b"matches", [], b"len", 0]
    assert c.cmd("LCS", a, k("n1"), "LEN") == 0
    assert c.cmd("MSET", k("i"), "12345", k("j"), "2345") == "OK"
    assert c.cmd("LCS", k("i"), k("j"), "IDX", "WITHMATCHLEN") == [b"matches", [[[1, 4], [0, 3], 4]], b"len", 4]
    assert c.cmd("MSET", k("x"), b"a\x00b\r\nc", k("y"), b"\x00\r\n") == "OK"
    assert c.cmd("LCS", k("x"), k("y")) == b"\x00\r\n"
    assert c.cmd("LCS", a) == Err(wrong_args("lcs"))


def test_lcs_resp3_map(c3, k):
    assert c3.cmd("MSET", k("a"), "ohmytext", k("b"), "mynewtext") == "OK"
    assert c3.raw("LCS", k("a"), k("b"), "IDX", "WITHMATCHLEN") == (
        b"%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        b"*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n")
    assert c3.cmd("LCS", k("a"), k("b"), "IDX") == {b"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len": 6}


def test_lcs_larger_and_limit(c, k):
    # a mid-size input is computed (and agrees with a reference DP)
    import random
    rnd = random.Random(7)
    x = "".join(rnd.choice("ACGT") for _ in range(1500))
    y = "".join(rnd.choice("ACGT") for _ in range(1200))
    assert c.cmd("MSET", k("x"), x, k("y"), y) == "OK"
    prev = [0] * (len(y) + 1)
    for ch in x:
        cur = [0]
        for j, d in enumerate(y):
            cur.append(prev[j] + 1 if ch == d else max(prev[j + 1], cur[j]))
        prev = cur
    assert c.cmd("LCS", k("x"), k("y"), "LEN") == prev[-1]
    sub = c.cmd("LCS", k("x"), k("y"))
    assert len(sub) == prev[-1]
    it = iter(x)
    assert all(ch in it for ch in sub.decode())  # a subsequence of x
    it = iter(y)
    assert all(ch in it for ch in sub.decode())  # and of y
    # inputs whose table (4 bytes a cell) would pass proto-max-bulk-len are refused
    assert c.cmd("MSET", k("p"), "a" * 12000, k("q"), "b" * 12000) == "OK"
    err = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
    assert c.cmd("LCS", k("p"), k("q")) == Err(err)
    assert c.cmd("LCS", k("p"), k("q"), "LEN") == Err(err)
    assert c.cmd("LCS", k("p"), k("q"), "IDX") == Err(err)
    assert c.cmd("LCS", k("p"), k("none"), "LEN") == 0


def test_lcs_limit_follows_proto_max_bulk_len(make_server):
    s = make_server(args=["--proto-max-bulk-len", "1mb"])
    c = Resp(s.port)
    err = Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
    # (511+1) * (511+1) * 4 = 1 MiB exactly: allowed; one more byte is not
    assert c.cmd("MSET", "a", "x" * 511, "b", "x" * 511, "c", "x" * 512) == "OK"
    assert c.cmd("LCS", "a", "b", "LEN") == 511
    assert c.cmd("LCS", "a", "c", "LEN") == err
    c.close()


# ---------------------------------------------------------------- RESP3 / encodings


def test_resp3_nulls(c3, k):
    assert c3.raw("GET", k("none")) == b"_\r\n"
    assert c3.raw("GETEX", k("none")) == b"_\r\n"
    assert c3.raw("GETDEL", k("none")) == b"_\r\n"
    assert c3.raw("MGET", k("none"), k("none")) == b"*2\r\n_\r\n_\r\n"
    assert c3.raw("SET", k("a"), "v", "XX") == b"_\r\n"
    assert c3.raw("SET", k("a"), "v", "NX", "GET") == b"_\r\n"
    assert c3.raw("GETRANGE", k("none"), "0", "1") == b"$0\r\n\r\n"


def test_resp2_nulls(c, k):
    assert c.raw("GET", k("none")) == b"$-1\r\n"
    assert c.raw("MGET", k("none")) == b"*1\r\n$-1\r\n"
    assert c.raw("SET", k("a"), "v", "XX") == b"$-1\r\n"


def test_encodings(c, k):
    """OBJECT ENCODING after each command, as Redis 7.0 (skipped until OBJECT exists)."""
    def enc(key):
        return encoding(c, key)
    c.cmd("SET", k("a"), "12345")
    assert enc(k("a")) == b"int"
    c.cmd("SET", k("a"), "12345678901234567890")
    assert enc(k("a")) == b"embstr"
    c.cmd("SET", k("a"), "x" * 44)
    assert enc(k("a")) == b"embstr"
    c.cmd("SET", k("a"), "x" * 45)
    assert enc(k("a")) == b"raw"
    c.cmd("SET", k("b"), "5")
    c.cmd("APPEND", k("b"), "")
    assert enc(k("b")) == b"raw"
    c.cmd("APPEND", k("c"), "123")
    assert enc(k("c")) == b"int"
    c.cmd("INCR", k("b"))
    assert enc(k("b")) == b"int"
    c.cmd("INCRBYFLOAT", k("f"), "1")
    assert enc(k("f")) == b"embstr"
    c.cmd("SET", k("i"), "12345")
    c.cmd("SETRANGE", k("i"), "0", "")
    assert enc(k("i")) == b"int"
    c.cmd("SETRANGE", k("i"), "0", "9")
    assert enc(k("i")) == b"raw"
    c.cmd("SETRANGE", k("n"), "3", "ab")
    assert enc(k("n")) == b"raw"
    c.cmd("MSET", k("m"), "7", k("m2"), "abc")
    assert enc(k("m")) == b"int"
    assert enc(k("m2")) == b"embstr"
    c.cmd("GETSET", k("g"), "42")
    assert enc(k("g")) == b"int"
