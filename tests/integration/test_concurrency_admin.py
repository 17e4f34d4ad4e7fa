"""Cross-thread administrative paths under load, for ThreadSanitizer (`make tsan-test`
runs every test marked `concurrency` against build/tsan/warden): CONFIG SET while
workers read the values, ACL changes while other clients are checked against the
users, failed AUTHs (throttle table, ACL LOG) from many threads, audit-log events while
the file is switched and reopened (SIGHUP), the lazy-free thread and active expiry
while clients read and write. Each test also checks the results, so it is a plain
functional test under the release and ASan builds. Sizes are small for 2 cores."""
import os
import signal
import threading
import time

import pytest
import redis

from conftest import SLOW

pytestmark = pytest.mark.concurrency


def run_for(seconds, *fns):
    """Run each fn(stop_event) on its own thread for `seconds`; re-raise a failure."""
    stop = threading.Event()
    errors = []

    def wrap(fn):
        try:
            fn(stop)
        except BaseException as e:  # noqa: B902 - any failure fails the test
            errors.append(e)
            stop.set()
    ts = [threading.Thread(target=wrap, args=(f,)) for f in fns]
    for t in ts:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in ts:
        t.join(30 * SLOW)
        assert not t.is_alive(), "a client thread hung"
    if errors:
        raise errors[0]


def worker(server, prefix, db=0):
    def run(stop):
        c = server.client(db=db)
        i = 0
        while not stop.is_set():
            k = "%s:%d" % (prefix, i % 50)
            assert c.set(k, str(i)) is True
            assert c.get(k) == str(i).encode()
            i += 1
        c.close()
    return run


def test_config_set_while_serving(make_server):
    s = make_server(threads=4)

    def configurer(stop):
        c = s.client()
        n = 0
        while not stop.is_set():
            n += 1
            assert c.config_set("maxmemory-samples", str(3 + n % 5)) is True
            assert c.config_set("hz", str(10 + n % 20)) is True
            assert c.config_set("loglevel", ("notice", "warning")[n % 2]) is True
            assert c.config_set("proto-max-bulk-len", str((1 << 20) + n)) is True
            assert c.config_set("maxmemory", "0") is True
            assert c.config_set("masteruser", "user%d" % (n % 3)) is True
            assert c.config_get("maxmemory-samples")["maxmemory-samples"] == str(3 + n % 5)
            c.config_get("*")
        c.close()
    run_for(1.5, configurer, worker(s, "a"), worker(s, "b"), worker(s, "c"))


def test_acl_changes_while_clients_are_checked(make_server):
    s = make_server(threads=4)
    admin = s.client()
    assert admin.execute_command("ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@all") == b"OK"

    # authenticated before the failed AUTHs below start the per-address throttle
    apps = [s.client(username="app", password="pw") for _ in range(2)]
    for c in apps:
        assert c.ping() is True

    def app_client(stop):
        c = apps.pop()
        i = 0
        while not stop.is_set():
            assert c.set("app:%d" % (i % 20), "v") is True
            with pytest.raises(redis.exceptions.NoPermissionError):
                c.get("other")
            i += 1
        c.close()

    def acl_admin(stop):
        c = s.client()
        n = 0
        while not stop.is_set():
            name = "tmp%d" % (n % 4)
            assert c.execute_command("ACL", "SETUSER", name, "on", ">x", "~k%d" % n, "+get") == b"OK"
            c.execute_command("ACL", "LIST")
            c.execute_command("ACL", "GETUSER", name)
            assert c.execute_command("ACL", "DELUSER", name) == 1
            c.execute_command("ACL", "LOG")
            n += 1
        c.close()

    def bad_auth(stop):
        c = s.client()
        while not stop.is_set():
            try:
                c.execute_command("AUTH", "tmp0", "wrong")
            except redis.ResponseError:
                pass
        c.close()
    run_for(1.5, app_client, app_client, acl_admin, bad_auth)
    entries = admin.execute_command("ACL", "LOG")
    assert entries, "denials and failed AUTHs must be in ACL LOG"
    admin.close()


def test_audit_log_switch_and_reopen_while_logging(make_server, tmp_path):
    first, second = str(tmp_path / "audit1.log"), str(tmp_path / "audit2.log")
    s = make_server(args=["--audit-log", first], threads=4)

    def auditable(stop):
        c = s.client()
        while not stop.is_set():
            assert c.flushdb() is True  # an audited command
        c.close()

    def switcher(stop):
        c = s.client()
        n = 0
        while not stop.is_set():
            assert c.config_set("audit-log", (first, second)[n % 2]) is True
            s.proc.send_signal(signal.SIGHUP)  # reopen, as logrotate would ask
            time.sleep(0.01)
            n += 1
        c.close()
    run_for(1.5, auditable, auditable, switcher, worker(s, "w", db=2))
    time.sleep(0.2 * SLOW)  # the writer thread drains its queue
    sizes = [os.path.getsize(p) for p in (first, second) if os.path.exists(p)]
    assert sum(sizes) > 0


def test_lazyfree_and_active_expiry_under_load(make_server):
    s = make_server(threads=4)
    big = "x" * (80 * 1024)  # over the lazy-free threshold: freed by the background thread

    def big_values(stop):
        c = s.client()
        i = 0
        while not stop.is_set():
            k = "big:%d" % (i % 8)
            assert c.set(k, big) is True
            assert c.unlink(k) == 1
            i += 1
        c.close()

    def flusher(stop):
        c = s.client(db=1)  # its own db: the others' keys stay
        while not stop.is_set():
            c.mset({"f:%d" % i: "v" * 100 for i in range(50)})
            assert c.execute_command("FLUSHDB", "ASYNC") is True
            time.sleep(0.01)
        c.close()

    def expiring(stop):
        c = s.client()
        i = 0
        while not stop.is_set():
            assert c.set("ttl:%d" % (i % 200), "v", px=1 + i % 20) is True
            c.get("ttl:%d" % ((i * 7) % 200))
            i += 1
        c.close()
    run_for(1.5, big_values, flusher, expiring, expiring)
    c = s.client()
    c.execute_command("FLUSHALL")
    assert c.dbsize() == 0
    c.close()
