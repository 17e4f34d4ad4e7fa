"""Lists: every list command's replies and errors as Redis 7.0 gives them (RESP2 and
RESP3), multi-node lists, node-size settings, and a randomized comparison against a
Python model. Keys are unique per test so the file does not depend on FLUSHALL."""
import random

import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def err(fn, *a):
    with pytest.raises(redis.ResponseError) as e:
        fn(*a)
    return str(e.value)


def gone(r, key):
    """True if `key` does not exist (without EXISTS: LPUSHX creates nothing)."""
    return r.lpushx(key, "probe") == 0


def encoding(r, key):
    """OBJECT ENCODING, or None where this build has no OBJECT command yet."""
    try:
        return r.object("encoding", key)
    except redis.ResponseError:
        return None


def raw_until(server, data, suffix, timeout=5.0):
    """Send raw protocol; read until the answer ends with `suffix`."""
    import socket
    import time
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        buf, deadline = b"", time.time() + timeout
        while not buf.endswith(suffix) and time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf


def test_push_pop_basics(r):
    assert r.rpush("lb", "a", "b", "c") == 3
    assert r.lpush("lb", "z") == 4
    assert r.lrange("lb", 0, -1) == [b"z", b"a", b"b", b"c"]
    assert r.llen("lb") == 4
    assert r.lpop("lb") == b"z"
    assert r.rpop("lb") == b"c"
    assert r.lpop("lb", 5) == [b"a", b"b"]
    assert gone(r, "lb")  # emptied lists are deleted
    assert r.lpop("lb") is None
    assert r.llen("lb") == 0


def test_pop_count_edge_cases(r):
    r.rpush("lc", "a", "b", "c")
    assert r.execute_command("LPOP", "lc", 0) == []
    assert r.llen("lc") == 3
    assert r.execute_command("RPOP", "lc", 2) == [b"c", b"b"]
    assert r.execute_command("LPOP", "lc-missing", 0) is None
    assert r.execute_command("LPOP", "lc-missing", 3) is None
    for bad in ("-1", "abc", "1.5"):
        assert err(r.execute_command, "LPOP", "lc", bad) == "value is out of range, must be positive"
    assert err(r.execute_command, "LPOP", "lc", 1, 2) == "wrong number of arguments for 'lpop' command"
    assert err(r.execute_command, "LPUSH", "lc") == "wrong number of arguments for 'lpush' command"


def test_pushx(r):
    assert r.lpushx("lx", "a") == 0
    assert r.execute_command("RPUSHX", "lx", "a", "b") == 0
    r.rpush("lx", "m")
    assert r.lpushx("lx", "a", "b") == 3
    assert r.execute_command("RPUSHX", "lx", "y", "z") == 5
    assert r.lrange("lx", 0, -1) == [b"b", b"a", b"m", b"y", b"z"]


def test_wrongtype_everywhere(r):
    r.set("lw", "str")
    for cmd in (("LPUSH", "lw", "a"), ("RPUSH", "lw", "a"), ("RPUSHX", "lw", "a"), ("LPOP", "lw"),
                ("RPOP", "lw", "2"), ("LLEN", "lw"), ("LRANGE", "lw", 0, -1), ("LINDEX", "lw", 0),
                ("LSET", "lw", 0, "x"), ("LINSERT", "lw", "BEFORE", "a", "b"), ("LREM", "lw", 0, "a"),
                ("LTRIM", "lw", 0, 1), ("LPOS", "lw", "a"), ("LMOVE", "lw", "lw2", "LEFT", "LEFT"),
                ("RPOPLPUSH", "lw", "lw2"), ("LMPOP", 1, "lw", "LEFT"), ("BLPOP", "lw", 0.01),
                ("BLMOVE", "lw", "x", "LEFT", "LEFT", 0.01), ("BLMPOP", 0.01, 1, "lw", "LEFT")):
        assert err(r.execute_command, *cmd) == WRONGTYPE, cmd
    # a list source with a string destination
    r.rpush("lw-src", "v")
    assert err(r.execute_command, "LMOVE", "lw-src", "lw", "LEFT", "LEFT") == WRONGTYPE
    assert r.lrange("lw-src", 0, -1) == [b"v"]  # nothing was popped


def test_lrange_lindex_ranges(r):
    vals = [str(i) for i in range(13)]
    r.rpush("lr", *vals)
    cases = [(0, -1), (-3, -1), (-100, 100), (5, 2), (-1, -5), (20, 30), (0, -14), (0, 0), (-1, -1),
             (-2**63, 2**63 - 1), (12, 12), (13, 13)]
    for a, b in cases:
        py_a = a + 13 if a < 0 else a
        py_b = b + 13 if b < 0 else b
        py_a = max(py_a, 0)
        expect = vals[py_a:py_b + 1] if py_b >= 0 else []
        assert r.lrange("lr", a, b) == [v.encode() for v in expect], (a, b)
    assert r.lindex("lr", -1) == b"12"
    assert r.lindex("lr", -13) == b"0"
    assert r.lindex("lr", -14) is None
    assert r.lindex("lr", 13) is None
    assert r.lindex("lr-missing", "x") is None  # missing key answers before parsing
    assert err(r.lindex, "lr", "x") == "value is not an integer or out of range"
    assert err(r.lrange, "lr", 0, "x") == "value is not an integer or out of range"
    assert err(r.lrange, "lr-missing", "1.5", 2) == "value is not an integer or out of range"


def test_lset_linsert(r):
    r.rpush("ls", "a", "b", "c")
    assert r.lset("ls", 0, "A") is True
    assert r.lset("ls", -1, "C") is True
    assert err(r.lset, "ls", 3, "x") == "index out of range"
    assert err(r.lset, "ls-missing", 0, "x") == "no such key"
    assert err(r.lset, "ls", "x", "y") == "value is not an integer or out of range"
    assert r.linsert("ls", "BEFORE", "b", "b0") == 4
    assert r.linsert("ls", "after", "C", "D") == 5
    assert r.linsert("ls", "AFTER", "zz", "x") == -1
    assert r.linsert("ls-missing", "BEFORE", "a", "b") == 0
    assert err(r.execute_command, "LINSERT", "ls", "MIDDLE", "a", "b") == "syntax error"
    assert r.lrange("ls", 0, -1) == [b"A", b"b0", b"b", b"C", b"D"]
    # integers and the strings that look like them compare as bytes
    r.rpush("ls-int", "10", "010", "-0", "1e1")
    assert r.linsert("ls-int", "BEFORE", "010", "x") == 5
    assert r.lrange("ls-int", 0, -1) == [b"10", b"x", b"010", b"-0", b"1e1"]


def test_lrem_ltrim(r):
    r.rpush("lm", *"abcabcabca")
    assert r.lrem("lm", 2, "a") == 2
    assert r.lrange("lm", 0, -1) == [b"b", b"c", b"b", b"c", b"a", b"b", b"c", b"a"]
    assert r.lrem("lm", -1, "b") == 1
    assert r.lrem("lm", 0, "c") == 3
    assert r.lrange("lm", 0, -1) == [b"b", b"b", b"a", b"a"]
    assert r.lrem("lm", -(2**63), "a") == 2
    assert r.lrem("lm", 0, "zz") == 0
    assert r.lrem("lm-missing", 0, "zz") == 0
    assert err(r.lrem, "lm", "x", "a") == "value is not an integer or out of range"
    assert r.lrem("lm", 0, "b") == 2
    assert gone(r, "lm")
    r.rpush("lt", *"abcde")
    assert r.ltrim("lt", 1, -2) is True
    assert r.lrange("lt", 0, -1) == [b"b", b"c", b"d"]
    assert r.ltrim("lt", -2, 100) is True
    assert r.lrange("lt", 0, -1) == [b"c", b"d"]
    assert r.ltrim("lt", 5, 2) is True
    assert gone(r, "lt")
    assert r.ltrim("lt-missing", 0, 1) is True
    assert err(r.ltrim, "lt", "a", 1) == "value is not an integer or out of range"


def test_lpos(r):
    r.rpush("lp", *"abcabcab")
    assert r.lpos("lp", "b") == 1
    assert r.lpos("lp", "b", rank=2) == 4
    assert r.lpos("lp", "b", rank=-1) == 7
    assert r.lpos("lp", "b", rank=-3) == 1
    assert r.lpos("lp", "b", rank=4) is None
    assert r.lpos("lp", "b", count=0) == [1, 4, 7]
    assert r.lpos("lp", "b", count=2, rank=-1) == [7, 4]
    assert r.lpos("lp", "c", count=0, maxlen=3) == [2]
    assert r.lpos("lp", "c", count=0, maxlen=2) == []
    assert r.lpos("lp", "z", count=0) == []
    assert r.lpos("lp-missing", "a") is None
    assert r.lpos("lp-missing", "a", count=0) == []
    assert r.execute_command("LPOS", "lp", "b", "RANK", -(2**63)) == 7
    rank0 = ("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative "
             "to start from the end of the list")
    assert err(r.execute_command, "LPOS", "lp-missing", "a", "RANK", 0) == rank0
    assert err(r.execute_command, "LPOS", "lp", "a", "COUNT", -1) == "COUNT can't be negative"
    assert err(r.execute_command, "LPOS", "lp", "a", "MAXLEN", -1) == "MAXLEN can't be negative"
    assert err(r.execute_command, "LPOS", "lp", "a", "RANK") == "syntax error"
    assert err(r.execute_command, "LPOS", "lp", "a", "FOO", 1) == "syntax error"
    assert err(r.execute_command, "LPOS", "lp", "a", "RANK", "x") == "value is not an integer or out of range"


def test_lmove_rpoplpush(r):
    r.rpush("mv1", "a", "b", "c")
    assert r.lmove("mv1", "mv2", "LEFT", "RIGHT") == b"a"
    assert r.lmove("mv1", "mv2", "RIGHT", "LEFT") == b"c"
    assert r.lrange("mv2", 0, -1) == [b"c", b"a"]
    assert r.rpoplpush("mv1", "mv2") == b"b"
    assert gone(r, "mv1")
    assert r.lrange("mv2", 0, -1) == [b"b", b"c", b"a"]
    assert r.lmove("mv-missing", "mv2", "LEFT", "LEFT") is None
    assert err(r.execute_command, "LMOVE", "mv2", "mv3", "UP", "LEFT") == "syntax error"
    # rotating a list onto itself, including a single-element list, keeps it
    assert r.rpoplpush("mv2", "mv2") == b"a"
    assert r.lrange("mv2", 0, -1) == [b"a", b"b", b"c"]
    r.rpush("mv-one", "x")
    assert r.lmove("mv-one", "mv-one", "LEFT", "RIGHT") == b"x"
    assert r.lrange("mv-one", 0, -1) == [b"x"]


def test_lmpop(r):
    r.rpush("mp2", "a", "b", "c")
    assert r.execute_command("LMPOP", 2, "mp1", "mp2", "LEFT") == [b"mp2", [b"a"]]
    assert r.execute_command("LMPOP", 2, "mp1", "mp2", "RIGHT", "COUNT", 10) == [b"mp2", [b"c", b"b"]]
    assert gone(r, "mp2")
    assert r.execute_command("LMPOP", 1, "mp1", "LEFT") is None
    cases = {
        ("LMPOP", 0, "k", "LEFT"): "numkeys should be greater than 0",
        ("LMPOP", -1, "k", "LEFT"): "numkeys should be greater than 0",
        ("LMPOP", "x", "k", "LEFT"): "numkeys should be greater than 0",
        ("LMPOP", 2, "k", "LEFT"): "syntax error",
        ("LMPOP", 1, "k", "MIDDLE"): "syntax error",
        ("LMPOP", 1, "k", "LEFT", "COUNT"): "syntax error",
        ("LMPOP", 1, "k", "LEFT", "COUNT", 0): "count should be greater than 0",
        ("LMPOP", 1, "k", "LEFT", "COUNT", -1): "count should be greater than 0",
        ("LMPOP", 1, "k", "LEFT", "COUNT", 1, "COUNT", 2): "syntax error",
        ("LMPOP", 1, "k", "LEFT", "junk"): "syntax error",
        ("LMPOP", 2**62, "k", "LEFT"): "syntax error",
    }
    for cmd, msg in cases.items():
        assert err(r.execute_command, *cmd) == msg, cmd


def test_resp3_reply_types(server):
    """Null and aggregate types in RESP3 exactly as redis-server 7.0 sends them (raw
    protocol keeps the check independent of the client library's parsing)."""
    raw = (b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"
           b"*3\r\n$5\r\nRPUSH\r\n$3\r\nl3r\r\n$1\r\na\r\n"
           b"*2\r\n$4\r\nLPOP\r\n$6\r\nl3none\r\n"
           b"*3\r\n$4\r\nLPOP\r\n$6\r\nl3none\r\n$1\r\n1\r\n"
           b"*3\r\n$4\r\nLPOS\r\n$6\r\nl3none\r\n$1\r\na\r\n"
           b"*4\r\n$5\r\nLMPOP\r\n$1\r\n1\r\n$6\r\nl3none\r\n$4\r\nLEFT\r\n"
           b"*3\r\n$5\r\nBLPOP\r\n$6\r\nl3none\r\n$4\r\n0.01\r\n"
           b"*6\r\n$6\r\nBLMOVE\r\n$6\r\nl3none\r\n$1\r\nx\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$4\r\n0.01\r\n"
           b"*5\r\n$4\r\nLPOS\r\n$3\r\nl3r\r\n$1\r\na\r\n$5\r\nCOUNT\r\n$1\r\n0\r\n"
           b"*4\r\n$5\r\nLMPOP\r\n$1\r\n1\r\n$3\r\nl3r\r\n$4\r\nLEFT\r\n")
    expect = b":1\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n*1\r\n:0\r\n*2\r\n$3\r\nl3r\r\n*1\r\n$1\r\na\r\n"
    out = raw_until(server, raw, expect)
    assert out[out.index(b":1\r\n"):] == expect


def test_resp2_null_forms(server):
    expect = b"$-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n"
    out = raw_until(server, b"LPOP l2none\r\nLPOP l2none 1\r\nBLPOP l2none 0.01\r\nBLMOVE l2none x LEFT LEFT 0.01\r\n"
                    b"BRPOPLPUSH l2none x 0.01\r\nLMPOP 1 l2none LEFT\r\n", expect)
    assert out == expect


def test_multi_node_list(r):
    """Thousands of elements of mixed sizes span many listpack nodes."""
    vals = []
    for i in range(3000):
        v = ("v%d-" % i) * (i % 7) if i % 97 else "B" * 20000
        vals.append(v.encode())
    p = r.pipeline(transaction=False)
    for i in range(0, len(vals), 100):
        p.rpush("big", *vals[i:i + 100])
    p.execute()
    assert r.llen("big") == 3000
    assert r.lrange("big", 0, -1) == vals
    for idx in (0, 1, 97, 1500, 2999, -1, -1500):
        assert r.lindex("big", idx) == vals[idx]
    r.lset("big", 1500, "middle")
    vals[1500] = b"middle"
    r.linsert("big", "BEFORE", "middle", "before-middle")
    vals.insert(1500, b"before-middle")
    assert r.lrange("big", 1495, 1505) == vals[1495:1506]
    assert r.lrem("big", 0, "B" * 20000) == sum(1 for v in vals if v == b"B" * 20000)
    vals = [v for v in vals if v != b"B" * 20000]
    r.ltrim("big", 100, -100)
    vals = vals[100:-99]
    assert r.lrange("big", 0, -1) == vals
    assert r.lpos("big", vals[-1]) == len(vals) - 1
    assert encoding(r, "big") in (b"quicklist", None)


def test_encoding_name_is_quicklist(r):
    r.rpush("enc-small", "a")
    enc = encoding(r, "enc-small")
    if enc is None:
        pytest.skip("OBJECT not in this build")
    assert enc == b"quicklist"  # Redis 7.0 reports quicklist for every list


@pytest.mark.parametrize("fill", ["3", "-1", "0", "-5", "1"])
def test_node_size_settings(make_server, fill):
    """Positive (entries) and negative (bytes) node limits keep every operation right."""
    s = make_server(args=["--list-max-listpack-size", fill])
    r = s.client()
    model_randomized(r, "ns", random.Random(int(fill) + 10), ops=600)
    r.close()


def model_randomized(r, key, rnd, ops):
    model = []
    values = ["a", "b", "c", "", "1", "-7", "9223372036854775807", "x" * 100, "y" * 5000, "12.5", "010"]
    for _ in range(ops):
        op = rnd.randrange(12)
        v = rnd.choice(values)
        if op in (0, 1):
            n = rnd.randrange(1, 4)
            vs = [rnd.choice(values) for _ in range(n)]
            if op == 0:
                assert r.lpush(key, *vs) == len(model) + n
                model[0:0] = list(reversed(vs))
            else:
                assert r.rpush(key, *vs) == len(model) + n
                model.extend(vs)
        elif op == 2:
            cnt = rnd.randrange(0, 4)
            got = r.execute_command("LPOP", key, cnt)
            if not model:
                assert got is None
            else:
                assert got == [x.encode() for x in model[:cnt]]
                del model[:cnt]
        elif op == 3:
            got = r.rpop(key)
            assert got == (model.pop().encode() if model else None)
        elif op == 4 and model:
            i = rnd.randrange(-len(model), len(model))
            assert r.lset(key, i, v) is True
            model[i] = v
        elif op == 5 and model:
            pivot = rnd.choice(model)
            where = rnd.choice(["BEFORE", "AFTER"])
            assert r.linsert(key, where, pivot, v) == len(model) + 1
            i = model.index(pivot)
            model.insert(i if where == "BEFORE" else i + 1, v)
        elif op == 6:
            cnt = rnd.randrange(-3, 4)
            removed = r.lrem(key, cnt, v)
            exp, idxs = 0, range(len(model)) if cnt >= 0 else range(len(model) - 1, -1, -1)
            kill = set()
            for i in idxs:
                if model[i] == v and (cnt == 0 or len(kill) < abs(cnt)):
                    kill.add(i)
            model = [x for i, x in enumerate(model) if i not in kill]
            assert removed == len(kill)
        elif op == 7:
            a, b = rnd.randrange(-20, 20), rnd.randrange(-20, 20)
            r.ltrim(key, a, b)
            n = len(model)
            s, e = (a + n if a < 0 else a), (b + n if b < 0 else b)
            s = max(s, 0)
            model = model[s:e + 1] if e >= 0 and s <= e else []
        elif op == 8:
            a, b = rnd.randrange(-30, 30), rnd.randrange(-30, 30)
            n = len(model)
            s, e = (a + n if a < 0 else a), (b + n if b < 0 else b)
            s = max(s, 0)
            exp = model[s:e + 1] if e >= 0 and s <= e else []
            assert r.lrange(key, a, b) == [x.encode() for x in exp]
        elif op == 9 and model:
            i = rnd.randrange(-len(model) - 2, len(model) + 2)
            exp = model[i] if -len(model) <= i < len(model) else None
            assert r.lindex(key, i) == (exp.encode() if exp is not None else None)
        elif op == 10:
            got = r.lpos(key, v, count=0)
            assert got == [i for i, x in enumerate(model) if x == v]
        elif op == 11:
            assert r.llen(key) == len(model)
        if rnd.random() < 0.02:
            assert r.lrange(key, 0, -1) == [x.encode() for x in model]
    assert r.lrange(key, 0, -1) == [x.encode() for x in model]


def test_randomized_against_model(r):
    model_randomized(r, "rnd-list", random.Random(1234), ops=3000)


def test_lmove_model(r):
    """LMOVE/LMPOP/RPOPLPUSH shuffle elements among three lists; totals and order hold."""
    rnd = random.Random(99)
    keys = ["mm:a", "mm:b", "mm:c"]
    model = {k: [] for k in keys}
    for i in range(60):
        r.rpush("mm:a", str(i))
        model["mm:a"].append(str(i))
    for _ in range(800):
        src, dst = rnd.choice(keys), rnd.choice(keys)
        wf, wt = rnd.choice(["LEFT", "RIGHT"]), rnd.choice(["LEFT", "RIGHT"])
        got = r.lmove(src, dst, wf, wt)
        if not model[src]:
            assert got is None
            continue
        v = model[src].pop(0 if wf == "LEFT" else -1)
        assert got == v.encode()
        if wt == "LEFT":
            model[dst].insert(0, v)
        else:
            model[dst].append(v)
    for k in keys:
        assert r.lrange(k, 0, -1) == [x.encode() for x in model[k]]
