"""DEBUG: refused by default with Redis 7.0's text, allowed with enable-debug-command
yes/local; SLEEP, OBJECT, POPULATE, DIGEST, DIGEST-VALUE, SET-ACTIVE-EXPIRE, PROTOCOL,
ERROR, LOG, HELP, the refused and not-yet-available subcommands, and the slow log
(filled by DEBUG SLEEP)."""
import re
import time

import pytest
import redis

from conftest import SLOW, Server
from rawreply import connect, resp

REFUSED = ("DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it "
           "from a local connection, otherwise you need to set this option in the configuration file, and then "
           "restart the server.")
ZERO = b"0" * 40


def err(fn, *args):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args)
    return str(e.value)


@pytest.fixture(scope="module")
def dbg():
    """A server with DEBUG enabled, shared by this module."""
    s = Server(args=["--enable-debug-command", "yes"])
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0, s.read_log()[-3000:]


@pytest.fixture
def d(dbg):
    c = dbg.client()
    yield c
    c.close()


def test_refused_by_default(server, r):
    assert err(r.execute_command, "DEBUG", "HELP") == REFUSED
    assert err(r.execute_command, "DEBUG", "SLEEP", "0") == REFUSED
    assert err(r.execute_command, "DEBUG", "nosuch") == REFUSED
    # arity is checked first, as in Redis
    assert err(r.execute_command, "DEBUG") == "wrong number of arguments for 'debug' command"
    # counted as rejected, not as a call
    stats = r.execute_command("INFO", "commandstats")
    assert stats["cmdstat_debug"]["calls"] == 0
    assert stats["cmdstat_debug"]["rejected_calls"] >= 3


def test_local_allows_loopback(make_server):
    s = make_server(args=["--enable-debug-command", "local"])
    c = s.client()
    assert c.execute_command("DEBUG", "SLEEP", "0") == b"OK"
    c.close()


def test_help(d):
    h = d.execute_command("DEBUG", "HELP")
    assert h[0] == b"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert any(l.startswith(b"POPULATE") for l in h)


def test_unknown_and_arity(d):
    assert err(d.execute_command, "DEBUG", "nosuch") == \
        "unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP."
    assert err(d.execute_command, "DEBUG", "object") == \
        "unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP."
    assert err(d.execute_command, "DEBUG", "digest", "x") == \
        "unknown subcommand or wrong number of arguments for 'digest'. Try DEBUG HELP."
    assert err(d.execute_command, "DEBUG", "populate", "1", "x", "y", "z") == \
        "unknown subcommand or wrong number of arguments for 'populate'. Try DEBUG HELP."
    assert err(d.execute_command, "DEBUG", "sleep") == \
        "unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP."


def test_not_available_and_refused(dbg, d):
    assert d.execute_command("DEBUG", "RELOAD") == b"OK"  # persistence: see test_rdb.py
    assert err(d.execute_command, "DEBUG", "loadaof") == \
        "DEBUG loadaof is not available yet in Warden: persistence has not landed"
    for sub in ("SEGFAULT", "panic", "assert", "oom"):
        assert "not supported by Warden" in err(d.execute_command, "DEBUG", sub)
    assert d.ping() and dbg.alive()


def test_sleep(d):
    t = time.monotonic()
    assert d.execute_command("DEBUG", "SLEEP", "0.2") == b"OK"
    assert time.monotonic() - t >= 0.19
    assert d.execute_command("DEBUG", "SLEEP", "0") == b"OK"
    assert d.execute_command("DEBUG", "SLEEP", "abc") == b"OK"  # lenient like Redis: sleeps 0
    assert d.execute_command("DEBUG", "SLEEP", "-5") == b"OK"


def test_object(d):
    d.set("dbg:int", "123")
    d.set("dbg:emb", "hello")
    d.set("dbg:raw", "x" * 45)
    line = d.execute_command("DEBUG", "OBJECT", "dbg:emb").decode()
    assert re.fullmatch(r"Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\d+ "
                        r"lru_seconds_idle:\d+", line), line
    o = d.debug_object("dbg:int")
    assert o["encoding"] == "int" and o["serializedlength"] == 2
    o = d.debug_object("dbg:raw")
    assert o["encoding"] == "raw" and o["serializedlength"] == 46
    assert o["lru_seconds_idle"] < 5
    d.set("dbg:big", "7" * 11)
    assert d.debug_object("dbg:big")["serializedlength"] == 12
    d.set("dbg:i16", "1000")
    assert d.debug_object("dbg:i16")["serializedlength"] == 3
    d.set("dbg:i32", "-100000")
    assert d.debug_object("dbg:i32")["serializedlength"] == 5
    assert err(d.execute_command, "DEBUG", "OBJECT", "dbg:nokey") == "no such key"
    # the address shown is stable for an entry and is not the real pointer
    a1 = d.debug_object("dbg:emb")["at"]
    assert a1 == d.debug_object("dbg:emb")["at"]
    assert a1 != d.debug_object("dbg:int")["at"]


def test_populate(dbg, d):
    assert d.execute_command("DEBUG", "POPULATE", "50") == b"OK"
    assert d.get("key:0") == b"value:0"
    assert d.get("key:49") == b"value:49"
    assert d.get("key:50") is None
    assert d.execute_command("DEBUG", "POPULATE", "3", "pp", "10") == b"OK"
    assert d.get("pp:1") == b"value:1\x00\x00\x00"
    assert d.execute_command("DEBUG", "POPULATE", "2", "short", "3") == b"OK"
    assert d.get("short:1") == b"val"
    # existing keys are left alone
    d.set("keep:0", "mine")
    assert d.execute_command("DEBUG", "POPULATE", "2", "keep") == b"OK"
    assert d.get("keep:0") == b"mine" and d.get("keep:1") == b"value:1"
    assert d.execute_command("DEBUG", "POPULATE", "0") == b"OK"
    for bad in (["abc"], ["-1"], ["2", "p", "-1"], ["2", "p", "abc"], ["99999999999999999999"]):
        assert err(d.execute_command, "DEBUG", "POPULATE", *bad) == "value is out of range, must be positive"
    assert err(d.execute_command, "DEBUG", "POPULATE", "1", "p", "999999999999") == \
        "value size is larger than proto-max-bulk-len"
    # in another db
    d.execute_command("SELECT", "2")
    assert d.execute_command("DEBUG", "POPULATE", "5", "db2") == b"OK"
    assert d.get("db2:4") == b"value:4"
    d.execute_command("SELECT", "0")
    assert d.get("db2:4") is None


def test_digest(make_server):
    s = make_server(args=["--enable-debug-command", "yes"])
    c = s.client()
    assert c.execute_command("DEBUG", "DIGEST") == ZERO
    c.set("a", "1")
    c.set("b", "hello")
    d1 = c.execute_command("DEBUG", "DIGEST")
    assert re.fullmatch(rb"[0-9a-f]{40}", d1) and d1 != ZERO
    assert c.execute_command("DEBUG", "DIGEST") == d1
    # order-independent: the same data written in another order on another server
    s2 = make_server(args=["--enable-debug-command", "yes"])
    c2 = s2.client()
    c2.set("b", "hello")
    c2.set("a", "1")
    assert c2.execute_command("DEBUG", "DIGEST") == d1
    # any change shows
    c2.set("a", "2")
    assert c2.execute_command("DEBUG", "DIGEST") != d1
    c2.set("a", "1")
    assert c2.execute_command("DEBUG", "DIGEST") == d1
    c2.set("a", "1", ex=1000)
    assert c2.execute_command("DEBUG", "DIGEST") != d1
    c2.execute_command("SELECT", "1")
    c2.set("z", "1")
    c2.execute_command("SELECT", "0")
    c2.set("a", "1")  # drops the TTL again
    assert c2.execute_command("DEBUG", "DIGEST") not in (d1, ZERO)
    c.close()
    c2.close()


def test_digest_value(d):
    d.set("dv:a", "same")
    d.set("dv:b", "same")
    d.set("dv:c", "other")
    res = d.execute_command("DEBUG", "DIGEST-VALUE", "dv:a", "dv:b", "dv:c", "dv:none")
    assert len(res) == 4
    assert res[0] == res[1] != res[2]
    assert res[3] == ZERO
    assert all(re.fullmatch(rb"[0-9a-f]{40}", x) for x in res)
    assert d.execute_command("DEBUG", "DIGEST-VALUE") == []
    # the digest ignores the encoding: "12" stored as int, "12" built by SET of bytes
    d.set("dv:n", 12)
    d.set("dv:s", b"12")
    a, b = d.execute_command("DEBUG", "DIGEST-VALUE", "dv:n", "dv:s")
    assert a == b


def test_set_active_expire(d):
    def keys0():
        return d.info("keyspace").get("db0", {}).get("keys", 0)

    assert d.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"OK"
    base = keys0()
    d.set("dbg:ttl", "v", px=50)
    time.sleep(0.5 * SLOW)
    assert keys0() == base + 1  # still there: only a lookup would expire it now
    assert d.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"OK"
    deadline = time.time() + 3 * SLOW
    while keys0() != base and time.time() < deadline:
        time.sleep(0.05)
    assert keys0() == base
    assert d.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "abc") == b"OK"  # atoi-like: 0
    assert d.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"OK"


PROTO2 = {
    "string": b"$11\r\nHello World\r\n",
    "integer": b":12345\r\n",
    "double": b"$5\r\n3.141\r\n",
    "bignum": b"$37\r\n1234567999999999999999999999999999999\r\n",
    "null": b"$-1\r\n",
    "array": b"*3\r\n:0\r\n:1\r\n:2\r\n",
    "set": b"*3\r\n:0\r\n:1\r\n:2\r\n",
    "map": b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
    "true": b":1\r\n",
    "false": b":0\r\n",
    "verbatim": b"$25\r\nThis is a verbatim\nstring\r\n",
    "attrib": b"$39\r\nSome real reply following the attribute\r\n",
}
PROTO3 = {
    "double": b",3.141\r\n",
    "bignum": b"(1234567999999999999999999999999999999\r\n",
    "null": b"_\r\n",
    "set": b"~3\r\n:0\r\n:1\r\n:2\r\n",
    "map": b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
    "true": b"#t\r\n",
    "verbatim": b"=29\r\ntxt:This is a verbatim\nstring\r\n",
    "attrib": b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
              b"$39\r\nSome real reply following the attribute\r\n",
}


def test_protocol(dbg):
    s = connect(dbg)
    for t, want in PROTO2.items():
        assert resp(s, b"DEBUG PROTOCOL " + t.encode() + b"\r\n") == want, t
    assert resp(s, b"DEBUG PROTOCOL push\r\n") == b"-ERR RESP2 is not supported by this command\r\n"
    assert resp(s, b"DEBUG PROTOCOL foo\r\n").startswith(b"-ERR Wrong protocol type name.")
    resp(s, b"HELLO 3\r\n")
    for t, want in PROTO3.items():
        assert resp(s, b"DEBUG PROTOCOL " + t.encode() + b"\r\n") == want, t
    out = resp(s, b"DEBUG PROTOCOL push\r\n", replies=2)
    assert out == b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n"
    s.close()


def test_error_and_log(dbg, d):
    assert err(d.execute_command, "DEBUG", "ERROR", "MYCODE something went wrong") == \
        "MYCODE something went wrong"
    assert d.execute_command("DEBUG", "LOG", "hello-from-test") == b"OK"
    time.sleep(0.05)
    assert "DEBUG LOG: hello-from-test" in dbg.read_log()


def test_slowlog_records_slow_commands(d):
    assert d.slowlog_reset()
    assert d.slowlog_len() == 0
    d.client_setname("sleepy")
    d.execute_command("DEBUG", "SLEEP", "0.03")
    d.ping()
    assert d.slowlog_len() == 1
    [e] = d.execute_command("SLOWLOG", "GET")
    assert len(e) == 6
    sid, ts, dur, args, addr, name = e
    assert isinstance(sid, int) and abs(ts - time.time()) < 60
    assert dur >= 25000
    assert args == [b"DEBUG", b"SLEEP", b"0.03"]
    assert addr.startswith(b"127.0.0.1:") and name == b"sleepy"
    d.execute_command("DEBUG", "SLEEP", "0.02")
    log = d.execute_command("SLOWLOG", "GET", "-1")
    assert [x[3][2] for x in log] == [b"0.02", b"0.03"]  # newest first
    assert log[0][0] > log[1][0]
    assert len(d.execute_command("SLOWLOG", "GET", "1")) == 1
    assert d.execute_command("SLOWLOG", "GET", "0") == []
    # long arguments are cut, as Redis does
    d.execute_command("DEBUG", "SLEEP", "0.02" + "0" * 200)
    arg = d.execute_command("SLOWLOG", "GET", "1")[0][3][2]
    assert arg == b"0.02" + b"0" * 124 + b"... (76 more bytes)"
    assert d.execute_command("SLOWLOG", "RESET") == b"OK"
    assert d.slowlog_len() == 0
    assert err(d.execute_command, "SLOWLOG", "GET", "abc") == "count should be greater than or equal to -1"
    assert err(d.execute_command, "SLOWLOG", "GET", "-2") == "count should be greater than or equal to -1"
    assert err(d.execute_command, "SLOWLOG", "GET", "1", "2") == \
        "unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."
    assert err(d.execute_command, "SLOWLOG", "LEN", "x") == "wrong number of arguments for 'slowlog|len' command"
    assert d.execute_command("SLOWLOG", "HELP")[0].startswith(b"SLOWLOG <subcommand>")
