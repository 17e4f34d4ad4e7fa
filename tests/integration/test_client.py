"""CLIENT: ID, SETNAME/GETNAME, LIST/INFO formats, KILL across connections and threads,
REPLY ON/OFF/SKIP, PAUSE/UNPAUSE timing, NO-EVICT/NO-TOUCH, UNBLOCK, TRACKINGINFO, HELP,
and the exact Redis 7.0 error texts."""
import socket
import threading
import time

import pytest
import redis

from conftest import SLOW
from rawreply import connect, resp, wait_closed

LIST_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi",
               "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events",
               "cmd", "user", "redir", "resp"]
NUMERIC = ["id", "fd", "age", "idle", "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem",
           "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "redir", "resp"]


def parse_line(line):
    """One CLIENT LIST line → ordered list of (field, value)."""
    pairs = []
    for tok in line.split(" "):
        k, v = tok.split("=", 1)
        pairs.append((k, v))
    return pairs


def client_lines(r, *args):
    raw = r.execute_command("CLIENT", "LIST", *args)
    text = raw.decode() if isinstance(raw, bytes) else raw
    assert text == "" or text.endswith("\n")
    return [parse_line(l) for l in text.splitlines()]


def err(fn, *args):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args)
    return str(e.value)


# ---- ID / names ----

def test_id_unique_and_stable(server):
    a, b = server.client(), server.client()
    ia, ib = a.client_id(), b.client_id()
    assert isinstance(ia, int) and ia > 0
    assert ia != ib
    assert a.client_id() == ia
    a.close()
    b.close()


def test_setname_getname(r):
    assert r.client_getname() is None
    assert r.client_setname("worker-1") is True
    assert r.client_getname() == "worker-1"
    assert r.execute_command("CLIENT", "SETNAME", "") == b"OK"
    assert r.client_getname() is None


@pytest.mark.parametrize("bad", ["a b", "a\nb", "tab\there", "\x01", "caf\xe9", "x\x7f"])
def test_setname_rejects_special_characters(r, bad):
    assert err(r.execute_command, "CLIENT", "SETNAME", bad.encode("latin-1")) == \
        "Client names cannot contain spaces, newlines or special characters."


def test_arity_and_unknown_subcommand(r):
    assert err(r.execute_command, "CLIENT") == "wrong number of arguments for 'client' command"
    assert err(r.execute_command, "CLIENT", "NOSUCH") == "unknown subcommand 'NOSUCH'. Try CLIENT HELP."
    assert err(r.execute_command, "CLIENT", "ID", "x") == "wrong number of arguments for 'client|id' command"
    assert err(r.execute_command, "CLIENT", "SETNAME") == "wrong number of arguments for 'client|setname' command"
    assert err(r.execute_command, "CLIENT", "GETNAME", "x") == "wrong number of arguments for 'client|getname' command"


# ---- LIST / INFO ----

def test_list_line_format(r):
    r.client_setname("lister")
    r.execute_command("SELECT", "3")
    lines = client_lines(r)
    mine = [l for l in lines if dict(l)["id"] == str(r.client_id())]
    assert len(mine) == 1
    fields = mine[0]
    assert [k for k, _ in fields] == LIST_FIELDS
    d = dict(fields)
    for k in NUMERIC:
        int(d[k])  # numeric
    assert d["name"] == "lister"
    assert d["db"] == "3"
    assert d["cmd"] == "client|list"
    assert d["user"] == "default"
    assert d["resp"] == "2"
    assert d["flags"] == "N"
    assert d["multi"] == "-1"
    assert d["redir"] == "-1"
    assert d["sub"] == d["psub"] == d["ssub"] == "0"
    assert d["events"] == "r"
    assert d["addr"].startswith("127.0.0.1:")
    assert d["laddr"] == "127.0.0.1:%d" % r.connection_pool.connection_kwargs["port"]
    assert int(d["argv-mem"]) == len("client") + len("list")
    assert int(d["tot-mem"]) > 0
    r.execute_command("SELECT", "0")


def test_list_shows_other_connections(server, r):
    other = server.client()
    other.client_setname("other-conn")
    other.ping()
    d = {dict(l)["name"]: dict(l) for l in client_lines(r)}
    assert "other-conn" in d
    assert d["other-conn"]["cmd"] == "ping"
    assert d["other-conn"]["id"] == str(other.client_id())
    # parsed the same way by redis-py
    names = [c["name"] for c in r.client_list()]
    assert "other-conn" in names
    other.close()


def test_list_cmd_null_before_any_command(server, r):
    s = connect(server)
    time.sleep(0.1 * SLOW)  # let the worker adopt the socket
    lines = [dict(l) for l in client_lines(r)]
    assert any(l["cmd"] == "NULL" for l in lines)
    s.close()


def test_list_type_filter(r):
    assert len(client_lines(r, "TYPE", "normal")) >= 1
    assert client_lines(r, "TYPE", "pubsub") == []
    assert client_lines(r, "TYPE", "master") == []
    assert client_lines(r, "TYPE", "replica") == []
    assert client_lines(r, "TYPE", "slave") == []
    assert err(r.execute_command, "CLIENT", "LIST", "TYPE", "foo") == "Unknown client type 'foo'"
    assert err(r.execute_command, "CLIENT", "LIST", "TYPE") == "syntax error"
    assert err(r.execute_command, "CLIENT", "LIST", "TYPE", "normal", "x") == "syntax error"
    assert err(r.execute_command, "CLIENT", "LIST", "foo") == "syntax error"


def test_list_id_filter(server, r):
    other = server.client()
    oid = other.client_id()
    me = r.client_id()
    lines = client_lines(r, "ID", oid, me, 999999999)
    assert [dict(l)["id"] for l in lines] == [str(oid), str(me)]
    assert client_lines(r, "ID", 0) == []
    assert client_lines(r, "ID", -5) == []
    assert err(r.execute_command, "CLIENT", "LIST", "ID") == "syntax error"
    assert err(r.execute_command, "CLIENT", "LIST", "ID", "abc") == "Invalid client ID"
    assert err(r.execute_command, "CLIENT", "LIST", "ID", "1", "2x") == "Invalid client ID"
    assert err(r.execute_command, "CLIENT", "LIST", "ID", "99999999999999999999") == "Invalid client ID"
    other.close()


def test_client_info(r):
    text = r.execute_command("CLIENT", "INFO").decode()
    assert text.endswith("\n") and text.count("\n") == 1
    fields = parse_line(text.strip())
    assert [k for k, _ in fields] == LIST_FIELDS
    d = dict(fields)
    assert d["id"] == str(r.client_id())
    assert d["cmd"] == "client|info"
    assert r.client_info()["id"] == r.client_id()


def test_list_and_info_are_verbatim_in_resp3(server):
    s = connect(server)
    out = resp(s, b"HELLO 3\r\n")
    assert out.startswith(b"%7\r\n")
    out = resp(s, b"CLIENT INFO\r\n")
    assert out.startswith(b"=")
    header, rest = out.split(b"\r\n", 1)
    assert rest.startswith(b"txt:id=")
    assert int(header[1:]) == len(rest) - 2
    assert b" resp=3\n" in rest
    out = resp(s, b"CLIENT LIST\r\n")
    assert out.startswith(b"=") and b"txt:id=" in out
    s.close()


# ---- KILL ----

def test_kill_old_form_by_addr(server, r):
    victim = connect(server)
    assert resp(victim, b"CLIENT INFO\r\n").startswith(b"$")
    addr = [dict(l) for l in client_lines(r) if dict(l)["cmd"] == "client|info"][0]["addr"]
    assert r.execute_command("CLIENT", "KILL", addr) == b"OK"
    assert wait_closed(victim)
    victim.close()
    assert err(r.execute_command, "CLIENT", "KILL", "1.2.3.4:5") == "No such client"
    assert err(r.execute_command, "CLIENT", "KILL", addr) == "No such client"


def test_kill_by_id_on_both_threads(server, r):
    # consecutive connections are dealt to workers round robin: cover both
    victims = [connect(server) for _ in range(4)]
    ids = []
    for v in victims:
        out = resp(v, b"CLIENT ID\r\n")
        ids.append(int(out[1:].split(b"\r\n")[0]))
    for v, vid in zip(victims, ids):
        assert r.execute_command("CLIENT", "KILL", "ID", vid) == 1
        assert wait_closed(v)
        v.close()
    assert r.execute_command("CLIENT", "KILL", "ID", ids[0]) == 0
    assert r.ping()


def test_kill_filters(server, r):
    v = connect(server)
    resp(v, b"PING\r\n")
    me = dict(client_lines(r, "ID", r.client_id())[0])
    # ADDR of self is skipped by default
    assert r.execute_command("CLIENT", "KILL", "ADDR", me["addr"]) == 0
    assert r.execute_command("CLIENT", "KILL", "ADDR", me["addr"], "SKIPME", "yes") == 0
    assert r.execute_command("CLIENT", "KILL", "TYPE", "pubsub") == 0
    assert r.execute_command("CLIENT", "KILL", "TYPE", "master") == 0
    assert r.execute_command("CLIENT", "KILL", "USER", "default", "ID", 999999999) == 0
    assert r.execute_command("CLIENT", "KILL", "LADDR", "1.1.1.1:1") == 0
    # LADDR of the listener matches every other client, not this one
    n = r.execute_command("CLIENT", "KILL", "LADDR", me["laddr"])
    assert n >= 1
    assert wait_closed(v)
    v.close()
    assert r.ping()


def test_kill_errors(r):
    assert err(r.execute_command, "CLIENT", "KILL", "ID", "0") == "client-id should be greater than 0"
    assert err(r.execute_command, "CLIENT", "KILL", "ID", "-3") == "client-id should be greater than 0"
    assert err(r.execute_command, "CLIENT", "KILL", "ID", "abc") == "client-id should be greater than 0"
    assert err(r.execute_command, "CLIENT", "KILL", "ID", "18446744073709551615") == \
        "client-id should be greater than 0"
    assert err(r.execute_command, "CLIENT", "KILL", "TYPE", "foo") == "Unknown client type 'foo'"
    assert err(r.execute_command, "CLIENT", "KILL", "SKIPME", "maybe") == "syntax error"
    assert err(r.execute_command, "CLIENT", "KILL", "USER", "nobody") == "No such user 'nobody'"
    assert err(r.execute_command, "CLIENT", "KILL", "ID", "1", "TYPE") == "syntax error"
    assert err(r.execute_command, "CLIENT", "KILL", "FOO", "bar") == "syntax error"
    assert err(r.execute_command, "CLIENT", "KILL") == "wrong number of arguments for 'client|kill' command"


def test_kill_self_replies_then_closes(server):
    s = connect(server)
    out = resp(s, b"CLIENT ID\r\n")
    myid = out[1:].split(b"\r\n")[0]
    out = resp(s, b"CLIENT KILL ID " + myid + b" SKIPME no\r\nPING\r\n", timeout=1.0)
    assert out == b":1\r\n"  # the reply, then the close; the pipelined PING never runs
    assert wait_closed(s)
    s.close()


def test_kill_self_old_form(server):
    s = connect(server)
    line = resp(s, b"CLIENT INFO\r\n")
    addr = line.split(b"addr=")[1].split(b" ")[0]
    out = resp(s, b"CLIENT KILL " + addr + b"\r\n", timeout=1.0)
    assert out == b"+OK\r\n"
    assert wait_closed(s)
    s.close()


# ---- REPLY ----

def test_reply_off_on(server):
    s = connect(server)
    out = resp(s, b"CLIENT REPLY OFF\r\nPING\r\nSET reply:k v\r\nCLIENT REPLY ON\r\nGET reply:k\r\n",
               expect_len=len(b"+OK\r\n$1\r\nv\r\n"))
    assert out == b"+OK\r\n$1\r\nv\r\n"
    s.close()


def test_reply_skip(server):
    s = connect(server)
    out = resp(s, b"CLIENT REPLY SKIP\r\nPING\r\nECHO a\r\n", expect_len=len(b"$1\r\na\r\n"))
    assert out == b"$1\r\na\r\n"
    # SKIP while OFF does nothing; errors are muted too
    out = resp(s, b"CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nNOSUCH\r\nCLIENT REPLY ON\r\nECHO b\r\n",
               expect_len=len(b"+OK\r\n$1\r\nb\r\n"))
    assert out == b"+OK\r\n$1\r\nb\r\n"
    s.close()


def test_reply_bad_mode(r):
    assert err(r.execute_command, "CLIENT", "REPLY", "foo") == "syntax error"
    assert r.execute_command("CLIENT", "REPLY", "ON") == b"OK"


# ---- PAUSE / UNPAUSE ----

def timed(fn):
    t = time.monotonic()
    v = fn()
    return v, time.monotonic() - t


def test_pause_all_holds_everyone_until_timeout(server, r):
    other = server.client()
    other.set("pause:k", "1")
    assert r.client_pause(400) is True
    v, took = timed(lambda: other.get("pause:k"))
    assert v == b"1"
    assert took >= 0.3, took
    v, took = timed(lambda: other.get("pause:k"))
    assert took < 0.3
    other.close()


def test_unpause_releases_waiting_clients(server, r):
    other = server.client()
    assert r.execute_command("CLIENT", "PAUSE", 20000, "ALL") == b"OK"
    result = {}

    def work():
        result["v"], result["t"] = timed(lambda: other.ping())

    t = threading.Thread(target=work)
    t.start()
    time.sleep(0.3)
    assert "v" not in result  # still held
    assert r.client_unpause() == b"OK"
    t.join(5 * SLOW)
    assert result["v"] is True
    assert result["t"] < 3 * SLOW
    other.close()


def test_pause_write_lets_reads_through(server, r):
    other = server.client()
    other.set("pausew:k", "1")
    assert r.execute_command("CLIENT", "PAUSE", 500, "WRITE") == b"OK"
    v, took = timed(lambda: other.get("pausew:k"))
    assert v == b"1" and took < 0.3
    _, took = timed(lambda: other.set("pausew:k", "2"))
    assert took >= 0.3, took
    assert other.get("pausew:k") == b"2"
    other.close()


def test_pause_errors(r):
    assert err(r.execute_command, "CLIENT", "PAUSE", "abc") == "timeout is not an integer or out of range"
    assert err(r.execute_command, "CLIENT", "PAUSE", "99999999999999999999") == \
        "timeout is not an integer or out of range"
    assert err(r.execute_command, "CLIENT", "PAUSE", "-1") == "timeout is negative"
    assert err(r.execute_command, "CLIENT", "PAUSE", "10", "foo") == "CLIENT PAUSE mode must be WRITE or ALL"
    assert err(r.execute_command, "CLIENT", "PAUSE", "10", "write", "x") == \
        "unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP."
    assert err(r.execute_command, "CLIENT", "PAUSE") == "wrong number of arguments for 'client|pause' command"
    assert r.execute_command("CLIENT", "PAUSE", "0") == b"OK"
    assert r.ping()


def test_pause_huge_timeout_then_unpause(r):
    assert r.execute_command("CLIENT", "PAUSE", "9223372036854775807", "WRITE") == b"OK"
    assert r.get("anything") is None  # reads pass
    assert r.client_unpause() == b"OK"
    assert r.set("after-pause", "1") is True


# ---- flags and the rest ----

def test_no_evict_and_no_touch(r):
    assert r.execute_command("CLIENT", "NO-EVICT", "on") == b"OK"
    assert dict(client_lines(r, "ID", r.client_id())[0])["flags"] == "e"
    assert r.execute_command("CLIENT", "NO-TOUCH", "ON") == b"OK"
    assert dict(client_lines(r, "ID", r.client_id())[0])["flags"] == "eT"
    assert r.execute_command("CLIENT", "NO-EVICT", "OFF") == b"OK"
    assert r.execute_command("CLIENT", "NO-TOUCH", "off") == b"OK"
    assert dict(client_lines(r, "ID", r.client_id())[0])["flags"] == "N"
    assert err(r.execute_command, "CLIENT", "NO-EVICT", "maybe") == "syntax error"
    assert err(r.execute_command, "CLIENT", "NO-TOUCH", "1") == "syntax error"
    assert err(r.execute_command, "CLIENT", "NO-EVICT") == "wrong number of arguments for 'client|no-evict' command"


def test_getredir_trackinginfo(r):
    assert r.client_getredir() == -1
    info = r.execute_command("CLIENT", "TRACKINGINFO")
    assert info == [b"flags", [b"off"], b"redirect", -1, b"prefixes", []]


def test_unblock(r):
    assert r.execute_command("CLIENT", "UNBLOCK", r.client_id()) == 0
    assert r.execute_command("CLIENT", "UNBLOCK", 99999, "ERROR") == 0
    assert r.execute_command("CLIENT", "UNBLOCK", 99999, "timeout") == 0
    assert err(r.execute_command, "CLIENT", "UNBLOCK", "abc") == "value is not an integer or out of range"
    assert err(r.execute_command, "CLIENT", "UNBLOCK", "1", "foo") == \
        "CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
    assert err(r.execute_command, "CLIENT", "UNBLOCK", "1", "timeout", "x") == \
        "unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP."


def test_help(r):
    lines = r.execute_command("CLIENT", "HELP")
    assert lines[0] == b"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    text = b"\n".join(lines)
    for sub in (b"KILL", b"LIST", b"PAUSE", b"REPLY", b"SETNAME", b"UNPAUSE", b"NO-EVICT"):
        assert sub in text


def test_kill_user_and_list_user_field(server, r):
    assert r.execute_command("ACL", "SETUSER", "killme", "on", ">pw", "+@all", "~*") == b"OK"
    v = connect(server)
    assert resp(v, b"AUTH killme pw\r\n") == b"+OK\r\n"
    assert resp(v, b"PING\r\n") == b"+PONG\r\n"
    users = {dict(l)["user"] for l in client_lines(r)}
    assert "killme" in users and "default" in users
    assert r.execute_command("CLIENT", "KILL", "USER", "killme", "SKIPME", "no") == 1
    assert wait_closed(v)
    v.close()
    assert r.execute_command("CLIENT", "KILL", "USER", "killme") == 0
    assert r.execute_command("ACL", "DELUSER", "killme") == 1
    assert err(r.execute_command, "CLIENT", "KILL", "USER", "killme") == "No such user 'killme'"


def test_list_shows_buffer_sizes_of_other_connections(server):
    """CLIENT LIST shows another connection's query buffer and output buffer sizes
    (published by its owner thread), as Redis shows them."""
    import socket
    import time
    admin = server.client()
    admin.set("bigval", "x" * 200000)
    partial = socket.create_connection(("127.0.0.1", server.port))
    partial.sendall(b"CLIENT SETNAME partial\r\n")
    partial.recv(100)
    partial.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc")   # incomplete request
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.sendall(b"CLIENT SETNAME slow\r\n")
    time.sleep(0.2)
    slow.sendall(b"GET bigval\r\n" * 50)                           # ~10 MB it never reads
    deadline = time.time() + 10
    fields = {}
    while time.time() < deadline:
        lines = admin.execute_command("CLIENT", "LIST")
        text = lines.decode() if isinstance(lines, bytes) else lines
        fields = {}
        for line in text.splitlines():
            d = dict(kv.split("=", 1) for kv in line.split(" ") if "=" in kv)
            fields[d.get("name")] = d
        if int(fields.get("partial", {}).get("qbuf", 0)) > 0 and int(fields.get("slow", {}).get("omem", 0)) > 0:
            break
        time.sleep(0.1)
    assert int(fields["partial"]["qbuf"]) > 0
    assert int(fields["slow"]["omem"]) > 0 and int(fields["slow"]["oll"]) > 0
    partial.close()
    slow.close()
