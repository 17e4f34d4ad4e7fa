"""COMMAND: the ten-element INFO entries (as redis-py's parser expects them), COUNT, LIST
with filters, DOCS, GETKEYS/GETKEYSANDFLAGS with Redis 7.0's errors, HELP; and the table
itself compared with a real redis-server 7.0 when one is installed."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import free_port
from rawreply import connect, resp


def err(fn, *args):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args)
    return str(e.value)


def raw(r, *args):
    """The reply as sent, without redis-py's COMMAND parsing callbacks."""
    conn = r.connection_pool.get_connection(args[0])
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        r.connection_pool.release(conn)


def info(r, *names):
    return raw(r, "COMMAND", "INFO", *names)


GET_ENTRY = [b"get", 2, [b"readonly", b"fast"], 1, 1, 1, [b"@read", b"@string", b"@fast"], [],
             [[b"flags", [b"RO", b"access"], b"begin_search", [b"type", b"index", b"spec", [b"index", 1]],
               b"find_keys", [b"type", b"range", b"spec", [b"lastkey", 0, b"keystep", 1, b"limit", 0]]]], []]


def test_info_get_exact(r):
    assert info(r, "get") == [GET_ENTRY]
    assert info(r, "GET") == [GET_ENTRY]


def test_info_set_shape(r):
    [e] = info(r, "set")
    assert e[0] == b"set" and e[1] == -3
    assert e[2] == [b"write", b"denyoom"]
    assert e[3:6] == [1, 1, 1]
    assert e[6] == [b"@write", b"@string", b"@slow"]
    assert e[8][0][5] == [b"type", b"range", b"spec", [b"lastkey", 0, b"keystep", 1, b"limit", 0]]


def test_info_unknown_and_subcommands(r):
    res = info(r, "nosuch", "client|list", "CLIENT|LIST", "client|", "|list", "get|x")
    assert res[0] is None and res[3] is None and res[4] is None and res[5] is None
    e = res[1]
    assert res[2] == e
    assert e[0] == b"client|list" and e[1] == -2
    assert e[2] == [b"admin", b"noscript", b"loading", b"stale"]
    assert e[3:6] == [0, 0, 0]
    assert e[6] == [b"@admin", b"@slow", b"@dangerous", b"@connection"]
    assert e[7] == [b"nondeterministic_output"]
    assert e[8] == [] and e[9] == []


def test_info_container(r):
    [e] = info(r, "client")
    assert e[:9] == [b"client", -2, [], 0, 0, 0, [b"@slow"], [], []]
    subs = {s[0] for s in e[9]}
    assert {b"client|list", b"client|kill", b"client|id", b"client|pause"} <= subs
    for s in e[9]:
        assert len(s) == 10


def test_info_resp3_types(server):
    s = connect(server)
    resp(s, b"HELLO 3\r\n")
    out = resp(s, b"COMMAND INFO time\r\n")
    assert out == (b"*1\r\n*10\r\n$4\r\ntime\r\n:1\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
                   b"~1\r\n+@fast\r\n~1\r\n$23\r\nnondeterministic_output\r\n~0\r\n~0\r\n")
    s.close()


def test_redis_py_command_parser(r):
    cmds = r.command()
    assert cmds["get"]["arity"] == 2
    assert cmds["get"]["flags"] == ["readonly", "fast"]
    assert cmds["get"]["first_key_pos"] == 1
    assert cmds["set"]["step_count"] == 1
    assert cmds["client"]["subcommands"]
    assert "tips" in cmds["info"] and "key_specifications" in cmds["get"]


def test_count_matches_all(r):
    n = raw(r, "COMMAND", "COUNT")
    assert n == len(raw(r, "COMMAND")) == len(info(r))
    assert n == r.command_count()
    assert err(raw, r, "COMMAND", "COUNT", "x") == "wrong number of arguments for 'command|count' command"


def test_list(r):
    names = raw(r, "COMMAND", "LIST")
    assert len(names) == len(set(names))
    top = [e[0] for e in raw(r, "COMMAND")]
    subs = [s[0] for e in raw(r, "COMMAND") for s in e[9]]
    assert sorted(names) == sorted(top + subs)
    assert b"client|list" in names and b"get" in names


def test_list_filters(r):
    pat = raw(r, "COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|L*")
    assert pat == [b"client|list"]
    pat = sorted(raw(r, "COMMAND", "LIST", "FILTERBY", "PATTERN", "comm*"))
    assert pat == [b"command", b"command|count", b"command|docs", b"command|getkeys", b"command|getkeysandflags",
                   b"command|help", b"command|info", b"command|list"]
    conn = raw(r, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection")
    assert b"client|id" in conn and b"ping" in conn and b"command" in conn
    assert b"client" not in conn and b"get" not in conn
    assert raw(r, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "CONNECTION") == conn
    read = raw(r, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "read")
    assert b"get" in read and b"set" not in read
    assert raw(r, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch") == []
    assert raw(r, "COMMAND", "LIST", "FILTERBY", "MODULE", "x") == []
    for bad in (["x"], ["FILTERBY"], ["FILTERBY", "PATTERN"], ["FILTERBY", "foo", "x"],
                ["FILTERBY", "PATTERN", "x", "extra"]):
        assert err(raw, r, "COMMAND", "LIST", *bad) == "syntax error"


def test_docs(r):
    d = raw(r, "COMMAND", "DOCS", "get", "nosuch")
    assert d == [b"get", [b"summary", d[1][1], b"since", b"1.0.0", b"group", b"string", b"complexity", b"O(1)"]]
    d = raw(r, "COMMAND", "DOCS", "client")
    assert d[0] == b"client"
    doc = dict(zip(d[1][::2], d[1][1::2]))
    assert doc[b"group"] == b"connection" and doc[b"since"] == b"2.4.0"
    subs = dict(zip(doc[b"subcommands"][::2], doc[b"subcommands"][1::2]))
    sub = dict(zip(subs[b"client|kill"][::2], subs[b"client|kill"][1::2]))
    assert sub[b"summary"] == b"Kill the connection of a client"
    assert raw(r, "COMMAND", "DOCS", "nosuch") == []
    d = raw(r, "COMMAND", "DOCS", "client|list")
    assert d[0] == b"client|list"
    alldocs = raw(r, "COMMAND", "DOCS")
    assert len(alldocs) == 2 * raw(r, "COMMAND", "COUNT")


def test_docs_resp3_map(server):
    s = connect(server)
    resp(s, b"HELLO 3\r\n")
    out = resp(s, b"COMMAND DOCS time\r\n")
    assert out == (b"%1\r\n$4\r\ntime\r\n%4\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n"
                   b"$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n")
    assert resp(s, b"COMMAND DOCS nosuch\r\n") == b"%0\r\n"
    s.close()


def test_getkeys(r):
    gk = lambda *a: raw(r, "COMMAND", "GETKEYS", *a)
    assert gk("get", "a") == [b"a"]
    assert gk("set", "k", "v", "EX", "10") == [b"k"]
    assert gk("GET", "a") == [b"a"]
    assert err(gk, "get", "a", "b") == "Invalid number of arguments specified for command"
    assert err(gk, "set", "a") == "Invalid number of arguments specified for command"
    assert err(gk, "nosuch", "a") == "Invalid command specified"
    assert err(gk, "client", "nosub", "x") == "Invalid command specified"
    assert err(gk, "ping", "a") == "The command has no key arguments"
    assert err(gk, "client", "kill") == "The command has no key arguments"
    assert err(gk, "time", "a", "b") == "The command has no key arguments"
    assert err(raw, r, "COMMAND", "GETKEYS", "get") == \
        "wrong number of arguments for 'command|getkeys' command"
    assert raw(r, "COMMAND", "GETKEYS", "memory", "usage", "k1") == [b"k1"]


def test_getkeys_multi_key_rows(r):
    # whichever multi-key rows exist in this build: check them against first/last/step
    for e in raw(r, "COMMAND"):
        name, arity, first, last, step = e[0], e[1], e[3], e[4], e[5]
        if first <= 0 or b"movablekeys" in e[2] or e[9] or "not_key" in str(e[8]):
            continue  # not_key ranges (SPUBLISH, SSUBSCRIBE...) name channels: GETKEYS has none
        argc = arity if arity > 0 else max(-arity, 5)
        args = [b"k%d" % i for i in range(1, argc)]
        lastidx = last if last >= 0 else argc + last
        want = [args[i - 1] for i in range(first, min(lastidx, argc - 1) + 1, step)]
        assert raw(r, "COMMAND", "GETKEYS", name, *args) == want, name


def test_getkeysandflags(r):
    res = raw(r, "COMMAND", "GETKEYSANDFLAGS", "get", "a")
    assert res == [[b"a", [b"RO", b"access"]]]
    res = raw(r, "COMMAND", "GETKEYSANDFLAGS", "set", "a", "b")
    assert res[0][0] == b"a" and b"RW" in res[0][1] or b"OW" in res[0][1]
    assert err(raw, r, "COMMAND", "GETKEYSANDFLAGS", "ping", "x") == "The command has no key arguments"


def test_errors_and_help(r):
    assert err(raw, r, "COMMAND", "foo") == "unknown subcommand 'foo'. Try COMMAND HELP."
    h = raw(r, "COMMAND", "HELP")
    assert h[0] == b"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert any(line.startswith(b"GETKEYS") for line in h)


# ---- the table against a real Redis 7.0 ----

@pytest.fixture(scope="module")
def reference():
    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("redis-server not installed")
    port = free_port()
    d = tempfile.mkdtemp(prefix="warden-ref-")
    p = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--daemonize", "no",
                          "--dir", d], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = redis.Redis(port=port)
    for _ in range(100):
        try:
            c.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    version = c.info("server")["redis_version"]
    if not version.startswith("7.0."):
        p.terminate()
        pytest.skip("reference redis-server is %s, not 7.0" % version)
    yield c
    c.close()
    p.terminate()
    p.wait()


WARDEN_ONLY = {b"client|no-touch"}  # Redis 7.2 additions offered early


def entry_core(e):
    """What must match Redis exactly: name, arity, flags, key range, categories, tips."""
    return [e[0], e[1], sorted(e[2]), e[3], e[4], e[5], sorted(e[6]), sorted(e[7])]


MY_FAMILIES = [b"client", b"info", b"command", b"debug", b"time", b"shutdown", b"lastsave", b"role", b"memory",
               b"slowlog", b"latency", b"lolwut"]


def table_mismatches(r, reference, names):
    ours = info(r, *names)
    theirs = info(reference, *names)
    out = []
    for name, a, b in zip(names, ours, theirs):
        if b is None:
            out.append("%s: not a Redis 7.0 command" % name.decode())
        elif entry_core(a) != entry_core(b):
            out.append("%s: warden %r != redis %r" % (name.decode(), entry_core(a), entry_core(b)))
    return out


def test_table_matches_redis_7_0_for_my_families(r, reference):
    names = [n for n in raw(r, "COMMAND", "LIST") if n.split(b"|")[0] in MY_FAMILIES and n not in WARDEN_ONLY]
    assert len(names) > 40
    mismatches = table_mismatches(r, reference, names)
    assert not mismatches, "\n".join(mismatches)


def test_table_matches_redis_7_0_everywhere(r, reference):
    names = [n for n in raw(r, "COMMAND", "LIST") if n not in WARDEN_ONLY]
    mismatches = table_mismatches(r, reference, names)
    assert not mismatches, "\n".join(mismatches)


def test_docs_match_redis_7_0_for_my_families(r, reference):
    keep = (b"summary", b"since", b"group", b"complexity")

    def flat(doc):
        out = {}
        for k, v in zip(doc[::2], doc[1::2]):
            if k in keep:
                out[k] = v
            elif k == b"subcommands":
                for sk, sv in zip(v[::2], v[1::2]):
                    if sk not in WARDEN_ONLY:
                        out[sk] = flat(sv)
        return out

    for name in MY_FAMILIES:
        a = flat(raw(r, "COMMAND", "DOCS", name)[1])
        b = flat(raw(reference, "COMMAND", "DOCS", name)[1])
        b = {k: v for k, v in b.items() if k in a or not k.startswith(name + b"|")}  # subcommands not offered
        assert a == b, name
