"""Transactions: MULTI EXEC DISCARD WATCH UNWATCH as Redis 7.0 — queue-time and run-time
errors, WATCH invalidation by every cause (writes, expiry, FLUSHDB/FLUSHALL, SWAPDB,
RENAME), the Redis 7.0 stale-key rules, RESP3, and atomicity across shards with many
concurrent clients on a multi-threaded server."""
import threading
import time

import pytest
import redis

from conftest import SLOW
from rawclient import RawClient


def cmd(c, *args):
    """Run a command, returning the reply or the ResponseError (so errors can be compared)."""
    try:
        return c.execute_command(*args)
    except redis.ResponseError as e:
        return e


def has_command(c, name, *probe):
    try:
        c.execute_command(name, *probe)
        return True
    except redis.ResponseError as e:
        return not str(e).startswith("unknown command")


def plain(c):
    """Replies as the server sent them (redis-py turns e.g. SET's QUEUED into False)."""
    c.response_callbacks.clear()
    return c


@pytest.fixture
def r(server):
    """A raw-reply client on a flushed server."""
    c = plain(server.client())
    c.execute_command("FLUSHALL")
    yield c
    c.close()


@pytest.fixture
def r2(server):
    c = plain(server.client())
    yield c
    c.close()


# ------------------------------------------------------------------ basics and errors


def test_multi_exec_basic(r):
    assert r.execute_command("MULTI") == b"OK"
    assert r.execute_command("SET", "k", "v") == b"QUEUED"
    assert r.execute_command("GET", "k") == b"QUEUED"
    assert r.execute_command("GET", "nosuch") == b"QUEUED"
    assert r.execute_command("EXEC") == [b"OK", b"v", None]


def test_empty_transaction(r):
    assert r.execute_command("MULTI") == b"OK"
    assert r.execute_command("EXEC") == []


def test_exec_and_discard_without_multi(r):
    assert str(cmd(r, "EXEC")) == "EXEC without MULTI"
    assert str(cmd(r, "DISCARD")) == "DISCARD without MULTI"


def test_nested_multi_does_not_abort(r):
    assert r.execute_command("MULTI") == b"OK"
    assert str(cmd(r, "MULTI")) == "MULTI calls can not be nested"
    assert r.execute_command("SET", "k", "1") == b"QUEUED"
    assert r.execute_command("EXEC") == [b"OK"]
    assert r.get("k") == b"1"


def test_watch_inside_multi_is_refused_without_abort(r):
    assert r.execute_command("MULTI") == b"OK"
    assert str(cmd(r, "WATCH", "k")) == "WATCH inside MULTI is not allowed"
    assert r.execute_command("SET", "k", "1") == b"QUEUED"
    assert r.execute_command("EXEC") == [b"OK"]


def test_execabort_on_unknown_command(r):
    r.execute_command("MULTI")
    e = cmd(r, "NOSUCHCMD", "x")
    assert str(e) == "unknown command 'NOSUCHCMD', with args beginning with: 'x' "
    assert r.execute_command("SET", "k", "1") == b"QUEUED"
    e = cmd(r, "EXEC")
    assert isinstance(e, redis.ResponseError)
    assert str(e) == "Transaction discarded because of previous errors."
    assert r.get("k") is None
    # the client left MULTI
    assert str(cmd(r, "EXEC")) == "EXEC without MULTI"


def test_execabort_on_wrong_arity(r):
    r.execute_command("MULTI")
    assert str(cmd(r, "GET")) == "wrong number of arguments for 'get' command"
    assert str(cmd(r, "SET", "onlykey")) == "wrong number of arguments for 'set' command"
    r.execute_command("SET", "k", "1")
    assert str(cmd(r, "EXEC")) == "Transaction discarded because of previous errors."
    assert r.get("k") is None


def test_execabort_on_unknown_subcommand(r):
    r.execute_command("MULTI")
    e = cmd(r, "OBJECT", "NOSUCH", "k")
    assert str(e).startswith("unknown subcommand 'NOSUCH'")
    assert str(cmd(r, "EXEC")) == "Transaction discarded because of previous errors."


def test_runtime_errors_are_inline(r):
    r.execute_command("MULTI")
    r.execute_command("SET", "a", "1")
    r.execute_command("SET", "b", "2", "EX", "notanumber")
    r.execute_command("SET", "c", "3", "EX", "-5")
    r.execute_command("GET", "a")
    res = r.execute_command("EXEC")
    assert res[0] == b"OK"
    assert isinstance(res[1], redis.ResponseError) and str(res[1]) == "value is not an integer or out of range"
    assert isinstance(res[2], redis.ResponseError) and str(res[2]) == "invalid expire time in 'set' command"
    assert res[3] == b"1"
    assert r.get("b") is None and r.get("c") is None


def test_discard(r):
    r.execute_command("MULTI")
    r.execute_command("SET", "k", "v")
    assert r.execute_command("DISCARD") == b"OK"
    assert r.get("k") is None
    assert str(cmd(r, "EXEC")) == "EXEC without MULTI"


def test_ping_with_wrong_args_inside_exec_names_ping(r):
    r.execute_command("MULTI")
    r.execute_command("PING", "a", "b")  # arity -1: the command itself refuses
    res = r.execute_command("EXEC")
    assert str(res[0]) == "wrong number of arguments for 'ping' command"


def test_select_inside_multi(r):
    r.execute_command("MULTI")
    r.execute_command("SELECT", "1")
    r.execute_command("SET", "k", "db1")
    r.execute_command("SELECT", "100")
    r.execute_command("GET", "k")
    res = r.execute_command("EXEC")
    assert res[:2] == [b"OK", b"OK"]
    assert str(res[2]) == "DB index is out of range"
    assert res[3] == b"db1"  # still db 1
    assert r.execute_command("GET", "k") == b"db1"
    r.execute_command("SELECT", "0")
    assert r.get("k") is None


def test_whole_keyspace_commands_inside_exec(r):
    """KEYS/DBSIZE (walk one db), FLUSHALL (every db) and SWAPDB run inside EXEC with
    all their shards held: no deadlock with the nested shard-by-shard walks."""
    r.set("x", "1")
    r.execute_command("MULTI")
    r.execute_command("SET", "a", "1")
    r.execute_command("DBSIZE")
    r.execute_command("KEYS", "a")
    r.execute_command("FLUSHALL")
    r.execute_command("SET", "b", "2")
    r.execute_command("SWAPDB", "0", "3")
    r.execute_command("DBSIZE")
    r.execute_command("SELECT", "3")
    r.execute_command("FLUSHDB")
    r.execute_command("DBSIZE")
    res = r.execute_command("EXEC")
    assert res == [b"OK", 2, [b"a"], b"OK", b"OK", b"OK", 0, b"OK", b"OK", 0]


def test_multi_then_reset_and_quit(server):
    c = RawClient(server.port)
    assert c.call("MULTI") == ("+", "OK")
    assert c.call("SET", "k", "v") == ("+", "QUEUED")
    assert c.call("RESET") == ("+", "RESET")
    assert c.call("EXEC") == ("-", "ERR EXEC without MULTI")
    assert c.call("MULTI") == ("+", "OK")
    assert c.call("QUIT") == ("+", "OK")
    assert c.closed_by_server()
    c.close()
    r = server.client()
    assert r.get("k") is None
    r.close()


def test_resp3_transactions(server):
    c = RawClient(server.port)
    assert c.call("HELLO", "3")[b"proto"] == 3
    c.call("DEL", "k")
    assert c.call("MULTI") == ("+", "OK")
    assert c.call("SET", "k", "v") == ("+", "QUEUED")
    assert c.call("GET", "nosuch") == ("+", "QUEUED")
    assert c.call("EXEC") == [("+", "OK"), ("null",)]
    # aborted by WATCH: RESP3 null
    assert c.call("WATCH", "k") == ("+", "OK")
    other = server.client()
    other.set("k", "changed")
    other.close()
    c.call("MULTI")
    c.call("GET", "k")
    assert c.call("EXEC") == ("null",)
    c.close()


def test_resp2_aborted_exec_is_null_array(server, r):
    c = RawClient(server.port)
    c.call("WATCH", "k")
    r.set("k", "1")
    c.call("MULTI")
    c.call("GET", "k")
    assert c.call("EXEC") == ("nil-array",)
    c.close()


# ------------------------------------------------------------------ WATCH


def watched_exec(c):
    """MULTI PING EXEC: returns the EXEC reply (None when WATCH aborted it)."""
    c.execute_command("MULTI")
    c.execute_command("PING")
    return c.execute_command("EXEC")


def test_watch_unmodified(r):
    r.set("x", "1")
    assert r.execute_command("WATCH", "x") == b"OK"
    assert watched_exec(r) == [b"PONG"]


def test_watch_modified_by_other_client(r, r2):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    r2.set("x", "2")
    assert watched_exec(r) is None


def test_watch_one_of_many(r, r2):
    r.execute_command("WATCH", "a", "b", "c", "d", "e")
    r2.set("c", "2")
    assert watched_exec(r) is None


def test_watch_modified_by_self_before_multi(r):
    r.execute_command("WATCH", "x")
    r.set("x", "1")
    assert watched_exec(r) is None


def test_watch_not_touched_by_reads_or_other_keys(r, r2):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    r2.get("x")
    r2.get("nosuch")
    r2.set("y", "1")
    r2.execute_command("EXISTS", "x")
    assert watched_exec(r) == [b"PONG"]


@pytest.mark.parametrize("how", ["del", "expire", "persist", "rename_from", "rename_to", "set_px", "unlink"])
def test_watch_touched_by_generic_commands(r, r2, how):
    r.set("x", "1")
    r.set("y", "1")
    if how == "persist":
        r.execute_command("EXPIRE", "x", "100")
    r.execute_command("WATCH", "x")
    if how == "del":
        r2.delete("x")
    elif how == "unlink":
        r2.execute_command("UNLINK", "x")
    elif how == "expire":
        r2.execute_command("EXPIRE", "x", "100")
    elif how == "persist":
        r2.execute_command("PERSIST", "x")
    elif how == "rename_from":
        r2.execute_command("RENAME", "x", "z")
    elif how == "rename_to":
        r2.execute_command("RENAME", "y", "x")
    elif how == "set_px":
        r2.execute_command("SET", "x", "2", "PX", "100000")
    assert watched_exec(r) is None


def test_watch_key_that_expires_before_exec(r):
    """A key live at WATCH time and expired at EXEC time aborts EXEC (Redis 7.0), whether
    it is still in memory or already reclaimed by active expiry."""
    r.execute_command("SET", "x", "1", "PX", "50")
    r.execute_command("WATCH", "x")
    time.sleep(0.15)
    assert watched_exec(r) is None


def test_watch_expired_key_lazily_deleted_counts(r, r2):
    r.execute_command("SET", "x", "1", "PX", "50")
    r.execute_command("WATCH", "x")
    time.sleep(0.15)
    r2.get("x")  # lazy expiry deletes it: an "expired" change
    assert watched_exec(r) is None


def test_watch_stale_key_does_not_fail_exec(r, r2):
    """Watching a key that was already expired (still in memory or not) is watching a
    missing key: its reclamation by expiry is no change."""
    r.execute_command("SET", "x", "1", "PX", "1")
    time.sleep(0.05)
    r.execute_command("WATCH", "x")
    r2.get("x")  # reclaims it if active expiry did not
    assert watched_exec(r) == [b"PONG"]


def test_delete_watched_stale_key_does_not_fail_exec(r, r2):
    r.execute_command("SET", "x", "1", "PX", "1")
    time.sleep(0.05)
    r.execute_command("WATCH", "x")
    assert r2.delete("x") == 0
    assert watched_exec(r) == [b"PONG"]


def test_watch_stale_key_then_recreated_fails_exec(r, r2):
    r.execute_command("SET", "x", "1", "PX", "1")
    time.sleep(0.05)
    r.execute_command("WATCH", "x")
    r2.set("x", "new")
    assert watched_exec(r) is None


def test_watch_remembers_db(r, r2):
    r.execute_command("SELECT", "5")
    r.set("x", "30")
    r.execute_command("WATCH", "x")
    r2.execute_command("SELECT", "1")
    r2.set("x", "10")  # same name, other db
    assert watched_exec(r) == [b"PONG"]
    r.execute_command("WATCH", "x")
    r2.execute_command("SELECT", "5")
    r2.set("x", "11")
    assert watched_exec(r) is None


def test_watch_survives_select_before_multi(r, r2):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    r.execute_command("SELECT", "2")
    r2.set("x", "2")  # db 0
    assert watched_exec(r) is None


@pytest.mark.parametrize("flush", [["FLUSHDB"], ["FLUSHALL"], ["FLUSHDB", "ASYNC"], ["FLUSHALL", "SYNC"]])
def test_flush_touches_existing_watched_keys(r, r2, flush):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    r2.execute_command(*flush)
    assert watched_exec(r) is None


@pytest.mark.parametrize("flush", ["FLUSHDB", "FLUSHALL"])
def test_flush_does_not_touch_missing_watched_keys(r, r2, flush):
    r.set("other", "1")
    r.execute_command("WATCH", "x")
    r2.execute_command(flush)
    assert watched_exec(r) == [b"PONG"]


def test_flushdb_other_db_does_not_touch(r, r2):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    r2.execute_command("SELECT", "1")
    r2.set("x", "1")
    r2.execute_command("FLUSHDB")
    assert watched_exec(r) == [b"PONG"]


def test_swapdb_touches_watched_key_that_exists(r, r2):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    r2.execute_command("SWAPDB", "0", "1")
    assert watched_exec(r) is None


def test_swapdb_touches_watched_key_that_appears(r, r2):
    r.execute_command("WATCH", "x")  # absent in db 0
    r2.execute_command("SELECT", "1")
    r2.set("x", "1")
    r2.execute_command("SWAPDB", "0", "1")
    assert watched_exec(r) is None


def test_swapdb_does_not_touch_keys_absent_in_both(r, r2):
    r.set("y", "1")
    r.execute_command("WATCH", "x")
    r2.execute_command("SWAPDB", "0", "1")
    assert watched_exec(r) == [b"PONG"]


def test_swapdb_does_not_touch_stale_keys(r, r2):
    r.execute_command("SET", "x", "1", "PX", "1")
    time.sleep(0.05)
    r.execute_command("WATCH", "x")
    r2.execute_command("SWAPDB", "0", "1")
    assert watched_exec(r) == [b"PONG"]


def test_swapdb_missing_key_replaced_by_stale_key(r, r2):
    r.execute_command("WATCH", "x")
    r2.execute_command("SELECT", "1")
    r2.execute_command("SET", "x", "1", "PX", "1")
    time.sleep(0.05)
    r2.execute_command("SWAPDB", "0", "1")
    assert watched_exec(r) == [b"PONG"]


def test_swapdb_stale_key_replaced_by_stale_key(r, r2):
    r.execute_command("SET", "x", "1", "PX", "1")
    r2.execute_command("SELECT", "1")
    r2.execute_command("SET", "x", "2", "PX", "1")
    time.sleep(0.05)
    r.execute_command("WATCH", "x")
    r2.execute_command("SWAPDB", "0", "1")
    assert watched_exec(r) == [b"PONG"]


def test_unwatch(r, r2):
    r.set("x", "1")
    r.execute_command("WATCH", "x")
    assert r.execute_command("UNWATCH") == b"OK"
    r2.set("x", "2")
    assert watched_exec(r) == [b"PONG"]
    assert r.execute_command("UNWATCH") == b"OK"  # nothing watched: still OK


def test_exec_unwatches_after_success_and_failure(r, r2):
    r.execute_command("WATCH", "x")
    assert watched_exec(r) == [b"PONG"]
    r2.set("x", "1")
    assert watched_exec(r) == [b"PONG"]  # no longer watched
    r.execute_command("WATCH", "x")
    r2.set("x", "2")
    assert watched_exec(r) is None
    r2.set("x", "3")
    assert watched_exec(r) == [b"PONG"]


def test_discard_clears_dirty_and_watches(r, r2):
    r.execute_command("WATCH", "x")
    r2.set("x", "1")
    r.execute_command("MULTI")
    r.execute_command("DISCARD")
    assert watched_exec(r) == [b"PONG"]
    r.execute_command("WATCH", "x")
    r.execute_command("MULTI")
    r.execute_command("DISCARD")
    r2.set("x", "2")
    assert watched_exec(r) == [b"PONG"]


def test_watch_same_key_twice_and_queued_unwatch(r, r2):
    r.execute_command("WATCH", "x", "x")
    r.execute_command("WATCH", "x")
    r.execute_command("MULTI")
    r.execute_command("UNWATCH")  # queued: runs inside EXEC, too late to matter
    r.execute_command("PING")
    assert r.execute_command("EXEC") == [b"OK", b"PONG"]
    r.execute_command("WATCH", "x")
    r2.set("x", "1")
    r.execute_command("MULTI")
    r.execute_command("UNWATCH")
    assert r.execute_command("EXEC") is None


def test_watch_key_then_disconnect_then_write(server, r):
    """A client that closes with watched keys and a queued transaction leaves nothing
    behind (the ASan run checks for leaks and use-after-free)."""
    for _ in range(20):
        c = plain(server.client())
        c.execute_command("WATCH", *["w%d" % i for i in range(50)])
        c.execute_command("MULTI")
        c.execute_command("SET", "w1", "x")
        c.close()
    for i in range(50):
        r.set("w%d" % i, "v")
    assert r.dbsize() == 50


def test_watch_with_redis_py_pipeline(r, r2):
    r.set("counter", "10")
    with r.pipeline() as p:
        p.watch("counter")
        v = int(p.get("counter"))
        p.multi()
        p.set("counter", v + 1)
        assert p.execute() == [b"OK"]
    with r.pipeline() as p:
        p.watch("counter")
        r2.set("counter", "100")
        p.multi()
        p.set("counter", "lost")
        with pytest.raises(redis.WatchError):
            p.execute()
    assert r.get("counter") == b"100"


def test_client_list_shows_transaction_state(server, r, r2):
    r.execute_command("WATCH", "cl")
    r.execute_command("MULTI")
    r.execute_command("SET", "cl", "v")
    r.execute_command("GET", "cl")
    r2.set("cl", "other")
    try:
        lines = r2.execute_command("CLIENT", "LIST").decode().splitlines()
    except redis.ResponseError:
        pytest.skip("CLIENT LIST not in this build")
    mine = [dict(f.split("=", 1) for f in l.split()) for l in lines if "cmd=get" in l]
    assert len(mine) == 1
    assert mine[0]["flags"] == "xd" and mine[0]["multi"] == "2" and int(mine[0]["multi-mem"]) > 0
    assert r.execute_command("EXEC") is None
    lines = r2.execute_command("CLIENT", "LIST").decode().splitlines()
    me = [dict(f.split("=", 1) for f in l.split()) for l in lines if "cmd=exec" in l][0]
    assert me["flags"] == "N" and me["multi"] == "-1" and me["multi-mem"] == "0"


# ------------------------------------------------------------------ ACL inside EXEC


def test_acl_change_between_queue_and_exec(server, r):
    if not has_command(r, "ACL", "WHOAMI"):
        pytest.skip("ACL not available")
    r.execute_command("ACL", "SETUSER", "txuser", "on", "nopass", "+@all", "~*", "&*")
    c = plain(server.client(username="txuser", password="x"))
    try:
        c.execute_command("MULTI")
        c.execute_command("SET", "k", "v")
        c.execute_command("GET", "k")
        r.execute_command("ACL", "SETUSER", "txuser", "-set")
        res = c.execute_command("EXEC")
        assert isinstance(res[0], redis.ResponseError)
        assert str(res[0]) == ("ACLs rules changed between the moment the transaction was accumulated and the EXEC "
                               "call. This command is no longer allowed for the following reason: no permission to "
                               "execute the command or subcommand")
        assert res[1] is None
    finally:
        c.close()
        r.execute_command("ACL", "DELUSER", "txuser")


# ------------------------------------------------------------------ hostile input


def test_large_transaction(server, r):
    """20 000 queued commands in one pipelined burst, then EXEC."""
    c = RawClient(server.port, timeout=30 * SLOW)
    n = 20000
    payload = b"*1\r\n$5\r\nMULTI\r\n" + b"".join(
        b"*3\r\n$3\r\nSET\r\n$%d\r\nk%d\r\n$1\r\nv\r\n" % (len(b"k%d" % i), i) for i in range(n)) + b"*1\r\n$4\r\nEXEC\r\n"
    c.sock.sendall(payload)
    assert c.read() == ("+", "OK")
    for _ in range(n):
        assert c.read() == ("+", "QUEUED")
    res = c.read()
    assert len(res) == n and all(x == ("+", "OK") for x in res)
    c.close()
    assert r.dbsize() == n


def test_queued_big_argument_is_copied(server, r):
    """Queued arguments must survive the reuse of the read buffer (1 MB value, then
    other traffic before EXEC)."""
    big = b"x" * (1 << 20)
    c = RawClient(server.port, timeout=10 * SLOW)
    assert c.call("MULTI") == ("+", "OK")
    assert c.call("SET", "big", big) == ("+", "QUEUED")
    for i in range(50):
        assert c.call("SET", "small%d" % i, "y" * 100) == ("+", "QUEUED")
    assert c.call("GET", "big") == ("+", "QUEUED")
    res = c.call("EXEC")
    assert res[-1] == big
    c.close()


def test_disconnect_in_the_middle_of_multi(server, r):
    c = RawClient(server.port)
    c.sock.sendall(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nEX")
    assert c.read() == ("+", "OK")
    assert c.read() == ("+", "QUEUED")
    c.close()
    time.sleep(0.05)
    assert r.get("k") is None


# ------------------------------------------------------------------ atomicity


@pytest.fixture(scope="module")
def threaded(request):
    from conftest import Server
    s = Server(threads=4)
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0


def test_exec_is_atomic_across_shards(threaded):
    """8 writers run MULTI SET a v SET b v ... EXEC with their own values while readers
    run MULTI GET a GET b ... EXEC: a reader must never see two different values."""
    keys = ["atom:%d" % i for i in range(5)]  # almost surely in 5 different shards
    iters = 150 if SLOW == 1 else 60
    errors = []
    stop = threading.Event()

    def writer(wid):
        c = plain(threaded.client())
        try:
            for i in range(iters):
                v = "%d-%d" % (wid, i)
                c.execute_command("MULTI")
                for k in keys:
                    c.execute_command("SET", k, v)
                c.execute_command("EXEC")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            c.close()

    def reader():
        c = plain(threaded.client())
        try:
            while not stop.is_set():
                c.execute_command("MULTI")
                for k in keys:
                    c.execute_command("GET", k)
                vals = c.execute_command("EXEC")
                if len(set(vals)) != 1:
                    errors.append(AssertionError("torn read: %r" % vals))
                    return
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            c.close()

    readers = [threading.Thread(target=reader) for _ in range(4)]
    writers = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not errors, errors[:3]


def test_incr_mget_atomicity(threaded):
    """The issue's model: MULTI INCR a INCR b EXEC by 8 clients while readers MGET a b."""
    c = plain(threaded.client())
    if not has_command(c, "INCR", "probe:incr") or not has_command(c, "MGET", "probe:incr"):
        c.close()
        pytest.skip("INCR/MGET not in this build yet")
    c.delete("ia", "ib")
    iters = 150 if SLOW == 1 else 60
    errors = []
    stop = threading.Event()

    def writer():
        w = plain(threaded.client())
        for _ in range(iters):
            w.execute_command("MULTI")
            w.execute_command("INCR", "ia")
            w.execute_command("INCR", "ib")
            w.execute_command("EXEC")
        w.close()

    def reader():
        rd = plain(threaded.client())
        while not stop.is_set():
            a, b = rd.execute_command("MGET", "ia", "ib")
            if a != b:
                errors.append((a, b))
                break
        rd.close()

    rs = [threading.Thread(target=reader) for _ in range(3)]
    ws = [threading.Thread(target=writer) for _ in range(8)]
    for t in rs + ws:
        t.start()
    for t in ws:
        t.join()
    stop.set()
    for t in rs:
        t.join()
    assert not errors, errors[:3]
    assert c.execute_command("MGET", "ia", "ib") == [str(8 * iters).encode()] * 2
    c.close()


def test_watch_cas_counter_under_contention(threaded):
    """Optimistic locking: 6 clients each add 1 to a counter 40 times with WATCH/GET/
    MULTI/SET/EXEC, retrying on abort. No increment may be lost."""
    c = plain(threaded.client())
    c.set("cas", "0")
    per = 40 if SLOW == 1 else 15

    def worker():
        w = plain(threaded.client())
        done = 0
        while done < per:
            w.execute_command("WATCH", "cas")
            v = int(w.get("cas"))
            w.execute_command("MULTI")
            w.execute_command("SET", "cas", str(v + 1))
            if w.execute_command("EXEC") is not None:
                done += 1
        w.close()

    ts = [threading.Thread(target=worker) for _ in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert c.get("cas") == str(6 * per).encode()
    c.close()
