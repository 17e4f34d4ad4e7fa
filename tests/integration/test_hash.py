"""Hashes: every hash command's replies and errors as Redis 7.0 gives them (RESP2 and
RESP3), listpack → hashtable conversion by both limits, HSCAN over big hashes,
HRANDFIELD's count forms, and a randomized comparison against a Python dict. Keys are
unique per test so the file does not depend on FLUSHALL."""
import random
import socket
import time

import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def err(fn, *a):
    with pytest.raises(redis.ResponseError) as e:
        fn(*a)
    return str(e.value)


def encoding(r, key):
    """OBJECT ENCODING, or None where this build has no OBJECT command yet."""
    try:
        return r.object("encoding", key)
    except redis.ResponseError:
        return None


def raw_until(server, data, suffix, timeout=5.0):
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        buf, deadline = b"", time.time() + timeout
        while not buf.endswith(suffix) and time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf


def test_set_get_basics(r):
    assert r.hset("h1", mapping={"a": "1", "b": "2"}) == 2
    assert r.hset("h1", mapping={"a": "10", "c": "3"}) == 1
    assert r.execute_command("HMSET", "h1", "d", "4") is True
    assert r.hget("h1", "a") == b"10"
    assert r.hget("h1", "zz") is None
    assert r.hget("h1-missing", "a") is None
    assert r.hmget("h1", "a", "nope", "d") == [b"10", None, b"4"]
    assert r.hmget("h1-missing", "a", "b") == [None, None]
    assert r.hlen("h1") == 4
    assert r.hlen("h1-missing") == 0
    assert r.hexists("h1", "c") is True
    assert r.hexists("h1", "zz") is False
    assert r.hstrlen("h1", "a") == 2
    assert r.hstrlen("h1", "zz") == 0
    assert r.hsetnx("h1", "a", "x") == 0
    assert r.hsetnx("h1", "new", "x") == 1
    assert r.hget("h1", "a") == b"10"
    assert sorted(r.hkeys("h1")) == [b"a", b"b", b"c", b"d", b"new"]
    assert r.hgetall("h1") == {b"a": b"10", b"b": b"2", b"c": b"3", b"d": b"4", b"new": b"x"}
    assert r.hkeys("h1-missing") == []
    assert r.hvals("h1-missing") == []
    assert r.hgetall("h1-missing") == {}


def test_hdel_deletes_empty_hash(r):
    r.hset("hd", mapping={"a": "1", "b": "2"})
    assert r.hdel("hd", "a", "nope", "a") == 1
    assert r.hdel("hd", "b") == 1
    assert r.hlen("hd") == 0
    # the key is gone: a list command works on it without WRONGTYPE
    assert r.lpushx("hd", "x") == 0
    assert r.hdel("hd-missing", "a") == 0


def test_arity_and_wrongtype(r):
    assert err(r.execute_command, "HSET", "ha", "f") == "wrong number of arguments for 'hset' command"
    assert err(r.execute_command, "HSET", "ha", "f", "v", "g") == "wrong number of arguments for 'hset' command"
    assert err(r.execute_command, "HMSET", "ha", "f") == "wrong number of arguments for 'hmset' command"
    assert err(r.execute_command, "HMSET", "ha", "f", "v", "g") == "wrong number of arguments for 'hmset' command"
    assert err(r.execute_command, "HGET", "ha") == "wrong number of arguments for 'hget' command"
    r.set("hw", "str")
    for cmd in (("HSET", "hw", "a", "b"), ("HSETNX", "hw", "a", "b"), ("HGET", "hw", "a"), ("HMGET", "hw", "a"),
                ("HMSET", "hw", "a", "b"), ("HDEL", "hw", "a"), ("HLEN", "hw"), ("HSTRLEN", "hw", "a"),
                ("HEXISTS", "hw", "a"), ("HKEYS", "hw"), ("HVALS", "hw"), ("HGETALL", "hw"),
                ("HINCRBY", "hw", "a", 1), ("HINCRBYFLOAT", "hw", "a", 1), ("HRANDFIELD", "hw"),
                ("HRANDFIELD", "hw", 2), ("HSCAN", "hw", 0)):
        assert err(r.execute_command, *cmd) == WRONGTYPE, cmd
    r.rpush("hl", "x")
    assert err(r.hset, "hl", "a", "b") == WRONGTYPE


def test_hincrby(r):
    assert r.hincrby("hi", "n", 5) == 5
    assert r.hincrby("hi", "n", -7) == -2
    r.hset("hi", "max", str(2**63 - 1))
    assert err(r.hincrby, "hi", "max", 1) == "increment or decrement would overflow"
    assert r.hincrby("hi", "max", -1) == 2**63 - 2
    r.hset("hi", "min", str(-2**63))
    assert err(r.hincrby, "hi", "min", -1) == "increment or decrement would overflow"
    for bad in ("foo", " 1", "1.5", "01", "+1", ""):
        r.hset("hi", "s", bad)
        assert err(r.hincrby, "hi", "s", 1) == "hash value is not an integer", bad
    assert err(r.hincrby, "hi", "n", "x") == "value is not an integer or out of range"
    assert err(r.hincrby, "hi", "n", "9223372036854775808") == "value is not an integer or out of range"


def incf(r, key, field, inc):
    """HINCRBYFLOAT, returning the stored bytes (redis-py turns the reply into a float)."""
    r.execute_command("HINCRBYFLOAT", key, field, inc)
    return r.hget(key, field)


def test_hincrbyfloat(r):
    assert r.hincrbyfloat("hf", "x", 2.5) == 2.5
    assert incf(r, "hf", "x", "0.1") == b"2.6"
    r.hset("hf", "five", "5.0")
    assert incf(r, "hf", "five", "0") == b"5"
    assert incf(r, "hf", "five", "1e-20") == b"5"
    assert incf(r, "hf", "five", "-5.1") == b"-0.1"
    assert incf(r, "hf", "hex", "0x10") == b"16"
    assert incf(r, "hf", "e", "1.0e3") == b"1000"
    r.hset("hf", "big", "1.7976931348623157e308")
    big = incf(r, "hf", "big", "1.7976931348623157e308")
    assert big.startswith(b"35953862697246313") and len(big) == 309
    assert err(r.execute_command, "HINCRBYFLOAT", "hf", "x", "nan") == "value is not a valid float"
    assert err(r.execute_command, "HINCRBYFLOAT", "hf", "x", "abc") == "value is not a valid float"
    assert err(r.execute_command, "HINCRBYFLOAT", "hf", "x", "inf") == "value is NaN or Infinity"
    assert err(r.execute_command, "HINCRBYFLOAT", "hf", "x", "-inf") == "value is NaN or Infinity"
    r.hset("hf", "s", " 1")
    assert err(r.execute_command, "HINCRBYFLOAT", "hf", "s", "1") == "hash value is not a float"
    r.hset("hf", "s", "foo")
    assert err(r.execute_command, "HINCRBYFLOAT", "hf", "s", "1") == "hash value is not a float"


def test_hrandfield(r):
    fields = {"f%d" % i: "v%d" % i for i in range(20)}
    r.hset("hr", mapping=fields)
    assert r.hrandfield("hr").decode() in fields
    assert r.hrandfield("hr-missing") is None
    assert r.hrandfield("hr-missing", 3) == []
    assert r.hrandfield("hr-missing", -3, withvalues=True) == []
    assert r.hrandfield("hr", 0) == []
    got = r.hrandfield("hr", 5)
    assert len(got) == 5 and len(set(got)) == 5 and all(g.decode() in fields for g in got)
    got = r.hrandfield("hr", 100)
    assert sorted(got) == sorted(f.encode() for f in fields)
    got = r.hrandfield("hr", -50)
    assert len(got) == 50 and all(g.decode() in fields for g in got)
    flat = r.hrandfield("hr", 7, withvalues=True)
    assert len(flat) == 14
    for f, v in zip(flat[::2], flat[1::2]):
        assert fields[f.decode()] == v.decode()
    # every field shows up over many draws (distinct and repeated forms)
    seen = set()
    for _ in range(60):
        seen.update(r.hrandfield("hr", 3))
    assert len(seen) == 20
    assert err(r.hrandfield, "hr", "x") == "value is not an integer or out of range"
    assert err(r.execute_command, "HRANDFIELD", "hr", 1, "foo") == "syntax error"
    assert err(r.execute_command, "HRANDFIELD", "hr", 1, "WITHVALUES", "x") == "syntax error"
    assert err(r.execute_command, "HRANDFIELD", "hr", -2**63) == (
        "value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    assert err(r.execute_command, "HRANDFIELD", "hr-missing", -(2**63 - 1), "WITHVALUES") == "value is out of range"


def test_resp3_types(server):
    """HGETALL is a map (also empty), HRANDFIELD WITHVALUES a list of pairs, HMGET nulls _."""
    data = (b"HELLO 3\r\nHSET h3 a 1\r\nHGETALL h3\r\nHGETALL h3-none\r\nHRANDFIELD h3 -2 WITHVALUES\r\n"
            b"HMGET h3 a x\r\nHSCAN h3 0\r\nHRANDFIELD h3-none\r\nHKEYS h3-none\r\n")
    expect = (b":1\r\n%1\r\n$1\r\na\r\n$1\r\n1\r\n%0\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
              b"*2\r\n$1\r\n1\r\n_\r\n*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n_\r\n*0\r\n")
    out = raw_until(server, data, expect)
    assert out[out.index(b":1\r\n"):] == expect


def test_resp2_forms(server):
    data = b"HSET h2r a 1\r\nHGETALL h2r\r\nHRANDFIELD h2r -1 WITHVALUES\r\nHGETALL h2r-none\r\nHGET h2r x\r\n"
    expect = b":1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n$-1\r\n"
    assert raw_until(server, data, expect) == expect


def test_hscan_small_and_errors(r):
    r.hset("hs", mapping={"f1": "a", "f2": "b", "g1": "c"})
    cur, items = r.hscan("hs", 0)
    assert cur == 0 and items == {b"f1": b"a", b"f2": b"b", b"g1": b"c"}
    cur, items = r.hscan("hs", 0, match="f*", count=1)
    assert cur == 0 and items == {b"f1": b"a", b"f2": b"b"}
    assert r.hscan("hs-missing", 0) == (0, {})
    assert r.execute_command("HSCAN", "hs-missing", 0, "COUNT", 0) == (0, {})  # options unchecked
    assert r.execute_command("HSCAN", "hs", "+0")[0] == 0
    assert r.execute_command("HSCAN", "hs", "-1")[0] == 0
    for bad in ("x", " 0", "18446744073709551616", "1.5"):
        assert err(r.execute_command, "HSCAN", "hs", bad) == "invalid cursor", bad
    assert err(r.execute_command, "HSCAN", "hs", 0, "COUNT", 0) == "syntax error"
    assert err(r.execute_command, "HSCAN", "hs", 0, "COUNT", -1) == "syntax error"
    assert err(r.execute_command, "HSCAN", "hs", 0, "COUNT", "x") == "value is not an integer or out of range"
    assert err(r.execute_command, "HSCAN", "hs", 0, "MATCH") == "syntax error"
    assert err(r.execute_command, "HSCAN", "hs", 0, "FOO", "bar") == "syntax error"


def test_hscan_big_hash_iterates_everything(r):
    n = 3000
    p = r.pipeline(transaction=False)
    for i in range(0, n, 500):
        p.hset("hbig", mapping={"field:%d" % j: "val:%d" % j for j in range(i, i + 500)})
    p.execute()
    assert encoding(r, "hbig") in (b"hashtable", None)
    seen, cur, calls = {}, 0, 0
    while True:
        cur, items = r.hscan("hbig", cur, count=100)
        calls += 1
        seen.update(items)
        if cur == 0:
            break
    assert len(seen) == n and calls > 5
    assert all(seen[("field:%d" % j).encode()] == ("val:%d" % j).encode() for j in range(n))
    # MATCH filters but the cursor still walks the whole table
    seen, cur = {}, 0
    while True:
        cur, items = r.hscan("hbig", cur, match="field:1??", count=200)
        seen.update(items)
        if cur == 0:
            break
    assert sorted(seen) == sorted(("field:%d" % j).encode() for j in range(100, 200))
    got = r.hrandfield("hbig", 10, withvalues=True)
    for f, v in zip(got[::2], got[1::2]):
        assert f.replace(b"field", b"val") == v
    assert len(set(r.hrandfield("hbig", 2000))) == 2000


def test_conversion_by_entries_and_value(make_server):
    s = make_server(args=["--hash-max-listpack-entries", "4", "--hash-max-listpack-value", "8"])
    r = s.client()
    r.hset("c1", mapping={"a": "1", "b": "2", "c": "3", "d": "4"})
    if encoding(r, "c1") is not None:
        assert encoding(r, "c1") == b"listpack"
    r.hset("c1", "e", "5")
    assert encoding(r, "c1") in (b"hashtable", None)
    assert r.hgetall("c1") == {b"a": b"1", b"b": b"2", b"c": b"3", b"d": b"4", b"e": b"5"}
    r.hset("c2", "f", "12345678")
    assert encoding(r, "c2") in (b"listpack", None)
    r.hset("c2", "f", "123456789")
    assert encoding(r, "c2") in (b"hashtable", None)
    r.hset("c3", "123456789", "v")  # a long field converts too
    assert encoding(r, "c3") in (b"hashtable", None)
    r.hincrbyfloat("c4", "x", "1.5")
    r.execute_command("HINCRBYFLOAT", "c4", "x", "0.000000001")  # "1.500000001" > 8 bytes
    assert encoding(r, "c4") in (b"hashtable", None)
    assert r.hget("c4", "x") == b"1.500000001"
    # the hashtable keeps working for every command
    assert r.hdel("c1", "a", "b") == 2
    assert r.hlen("c1") == 3
    assert r.hstrlen("c2", "f") == 9
    assert r.hincrby("c1", "c", 10) == 13
    model_randomized(r, "c5", random.Random(5), ops=800)
    r.close()


def model_randomized(r, key, rnd, ops):
    model = {}
    fields = ["f%d" % i for i in range(40)] + ["", "1", "-5", "long" * 20]
    values = ["", "0", "1", "-1", "abc", "12.5", "x" * 90, "9223372036854775807"]
    for _ in range(ops):
        op = rnd.randrange(10)
        f = rnd.choice(fields)
        if op in (0, 1):
            kv = {rnd.choice(fields): rnd.choice(values) for _ in range(rnd.randrange(1, 4))}
            new = sum(1 for k in kv if k not in model)
            assert r.hset(key, mapping=kv) == new
            model.update(kv)
        elif op == 2:
            fs = [rnd.choice(fields) for _ in range(rnd.randrange(1, 3))]
            exp = len(set(x for x in fs if x in model))
            assert r.hdel(key, *fs) == exp
            for x in fs:
                model.pop(x, None)
        elif op == 3:
            assert r.hget(key, f) == (model[f].encode() if f in model else None)
        elif op == 4:
            cur = model.get(f, "0")
            try:
                iv = int(cur)
                ok = str(iv) == cur
            except ValueError:
                ok = False
            inc = rnd.randrange(-100, 100)
            if ok and -2**63 <= iv + inc < 2**63:
                assert r.hincrby(key, f, inc) == iv + inc
                model[f] = str(iv + inc)
            elif not ok:
                assert err(r.hincrby, key, f, inc) == "hash value is not an integer"
        elif op == 5:
            assert r.hlen(key) == len(model)
        elif op == 6:
            assert r.hexists(key, f) == (f in model)
        elif op == 7:
            assert r.hstrlen(key, f) == len(model.get(f, ""))
        elif op == 8:
            assert r.hsetnx(key, f, "nx") == int(f not in model)
            model.setdefault(f, "nx")
        elif op == 9:
            assert r.hgetall(key) == {k.encode(): v.encode() for k, v in model.items()}
    assert r.hgetall(key) == {k.encode(): v.encode() for k, v in model.items()}


def test_randomized_against_model(r):
    model_randomized(r, "rnd-hash", random.Random(4321), ops=3000)


def test_binary_safe_fields(r):
    f, v = b"\x00\xff\r\n field", b"\x00value\r\n"
    assert r.hset("hbin", f, v) == 1
    assert r.hget("hbin", f) == v
    assert r.hgetall("hbin") == {f: v}
    assert r.hexists("hbin", b"\x00\xff\r\n fielx") is False
