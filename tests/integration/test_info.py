"""INFO: section selection (default/all/everything/several/unknown), the fields monitoring
tools read (present and numeric), counters that move (commandstats, errorstats, keyspace,
dirty count, ops/sec), and the RESP2 bulk / RESP3 verbatim reply."""
import re
import time

import pytest
import redis

from conftest import SLOW
from rawreply import connect, resp

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                    "Errorstats", "Cluster", "Keyspace", "Warden"]
ALL_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                "Commandstats", "Errorstats", "Cluster", "Keyspace", "Warden"]


def raw_info(r, *sections):
    """INFO's text as sent (redis-py would parse it into a dict)."""
    conn = r.connection_pool.get_connection("INFO")
    try:
        conn.send_command("INFO", *sections)
        return conn.read_response().decode()
    finally:
        r.connection_pool.release(conn)


def headers(text):
    return re.findall(r"^# (\w+)\r$", text, re.M)


def fields(text):
    out = {}
    for line in text.split("\r\n"):
        if line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out


def test_default_sections_in_order(r):
    text = raw_info(r)
    assert headers(text) == DEFAULT_SECTIONS
    assert headers(raw_info(r, "default")) == DEFAULT_SECTIONS


def test_all_and_everything(r):
    r.ping()
    assert headers(raw_info(r, "all")) == ALL_SECTIONS
    assert headers(raw_info(r, "everything")) == ALL_SECTIONS
    assert headers(raw_info(r, "EVERYTHING")) == ALL_SECTIONS


def test_line_format(r):
    text = raw_info(r, "everything")
    # sections separated by one blank line; every line ends with CRLF; no trailing blank
    assert text.endswith("\r\n") and not text.endswith("\r\n\r\n")
    for block in text.split("\r\n\r\n"):
        lines = block.split("\r\n")
        assert lines[0].startswith("# ")
        for line in lines[1:]:
            if line:
                assert re.match(r"^[A-Za-z0-9_|.\-]+:", line), line


def test_several_sections_fixed_order_and_dedup(r):
    text = raw_info(r, "keyspace", "cluster", "KEYSPACE", "server")
    assert headers(text) == ["Server", "Cluster", "Keyspace"]
    assert text.startswith("# Server\r\n")


def test_unknown_section_is_empty(r):
    assert raw_info(r, "nosuch") == ""
    assert headers(raw_info(r, "nosuch", "cpu")) == ["CPU"]


def test_modules_section_empty(r):
    assert raw_info(r, "modules") == "# Modules\r\n"
    assert raw_info(r, "cluster") == "# Cluster\r\ncluster_enabled:0\r\n"


def test_server_fields(server, r):
    f = fields(raw_info(r, "server"))
    assert f["redis_version"] == "7.0.15"
    assert f["redis_mode"] == "standalone"
    assert f["arch_bits"] == "64"
    assert f["multiplexing_api"] == "epoll"
    assert int(f["process_id"]) == server.proc.pid
    assert int(f["tcp_port"]) == server.port
    assert re.fullmatch(r"[0-9a-f]{40}", f["run_id"])
    assert f["os"].startswith("Linux ")
    assert int(f["uptime_in_seconds"]) >= 0
    assert int(f["uptime_in_days"]) == int(f["uptime_in_seconds"]) // 86400
    assert abs(int(f["server_time_usec"]) / 1e6 - time.time()) < 5
    assert int(f["hz"]) == 10 and int(f["configured_hz"]) == 10
    int(f["lru_clock"])
    assert f["executable"].endswith("warden")
    assert f["config_file"] == ""
    assert f["io_threads_active"] == "0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", f["gcc_version"])


def test_clients_fields(server, r):
    others = [server.client() for _ in range(3)]
    for o in others:
        o.ping()
    f = fields(raw_info(r, "clients"))
    assert int(f["connected_clients"]) >= 4
    assert int(f["maxclients"]) == 10000
    assert f["blocked_clients"] == "0"
    assert f["tracking_clients"] == "0"
    for o in others:
        o.close()


def test_memory_fields(r):
    f = fields(raw_info(r, "memory"))
    for k in ("used_memory", "used_memory_rss", "used_memory_peak", "maxmemory", "total_system_memory",
              "lazyfree_pending_objects"):
        assert int(f[k]) >= 0, k
    assert int(f["used_memory"]) > 0
    assert int(f["used_memory_rss"]) > 0
    assert int(f["used_memory_peak"]) >= int(f["used_memory"]) * 0.5
    assert re.fullmatch(r"\d+(\.\d\d[KMGTPE])?|\d+B", f["used_memory_human"]), f["used_memory_human"]
    assert f["maxmemory_human"] == "0B"
    assert f["maxmemory_policy"] == "noeviction"
    float(f["mem_fragmentation_ratio"])
    assert f["mem_allocator"] in ("jemalloc-5.3.0", "libc")


def test_memory_grows_with_data(r):
    before = int(fields(raw_info(r, "memory"))["used_memory"])
    for i in range(200):
        r.set("info:mem:%d" % i, "x" * 1000)
    after = int(fields(raw_info(r, "memory"))["used_memory"])
    assert after - before > 150 * 1000


def test_persistence_defaults_and_dirty(r):
    f = fields(raw_info(r, "persistence"))
    assert f["loading"] == "0"
    assert f["rdb_bgsave_in_progress"] == "0"
    assert f["aof_enabled"] == "0"
    assert f["rdb_last_bgsave_status"] == "ok"
    assert f["aof_last_write_status"] == "ok"
    assert abs(int(f["rdb_last_save_time"]) - time.time()) < 3600
    d0 = int(f["rdb_changes_since_last_save"])
    r.set("info:dirty", "1")
    r.set("info:dirty", "2")
    r.get("info:dirty")
    d1 = int(fields(raw_info(r, "persistence"))["rdb_changes_since_last_save"])
    assert d1 - d0 == 2


def test_stats_counters(server, r):
    f0 = fields(raw_info(r, "stats"))
    r.get("info:nokey")  # miss
    r.set("info:hit", "v")
    r.get("info:hit")  # hit
    c = server.client()
    c.ping()
    c.close()
    f1 = fields(raw_info(r, "stats"))
    assert int(f1["keyspace_misses"]) - int(f0["keyspace_misses"]) == 1
    assert int(f1["keyspace_hits"]) - int(f0["keyspace_hits"]) == 1
    assert int(f1["total_connections_received"]) > int(f0["total_connections_received"])
    assert int(f1["total_commands_processed"]) >= int(f0["total_commands_processed"]) + 4
    assert int(f1["total_net_input_bytes"]) > int(f0["total_net_input_bytes"])
    assert int(f1["total_net_output_bytes"]) > int(f0["total_net_output_bytes"])
    for k in ("rejected_connections", "expired_keys", "evicted_keys", "instantaneous_ops_per_sec",
              "unexpected_error_replies", "total_error_replies", "pubsub_channels"):
        int(f1[k])
    float(f1["instantaneous_input_kbps"])


def test_instantaneous_ops_per_sec_moves(r):
    p = r.pipeline(transaction=False)
    deadline = time.time() + 0.6 * SLOW
    while time.time() < deadline:
        for _ in range(100):
            p.ping()
        p.execute()
    ops = int(fields(raw_info(r, "stats"))["instantaneous_ops_per_sec"])
    assert ops > 0


def test_error_counters(r):
    f0 = fields(raw_info(r, "stats", "errorstats"))
    with pytest.raises(redis.ResponseError):
        r.execute_command("NOSUCHCOMMAND")
    with pytest.raises(redis.ResponseError):
        r.execute_command("GET")
    f1 = fields(raw_info(r, "stats", "errorstats"))
    assert int(f1["total_error_replies"]) - int(f0["total_error_replies"]) == 2
    assert int(f1["errorstat_ERR"].split("=")[1]) - int(f0.get("errorstat_ERR", "count=0").split("=")[1]) == 2
    assert re.fullmatch(r"count=\d+", f1["errorstat_ERR"])


def test_errorstats_by_code(make_server):
    s = make_server()
    c = s.client()
    with pytest.raises(redis.ResponseError):
        c.execute_command("HELLO", "4")
    with pytest.raises(redis.ResponseError):
        c.execute_command("HELLO", "9")
    with pytest.raises(redis.RedisError):
        c.execute_command("AUTH", "nobody", "pw")
    with pytest.raises(redis.ResponseError):
        c.execute_command("NOSUCH")
    assert raw_info(c, "errorstats") == \
        "# Errorstats\r\nerrorstat_NOPROTO:count=2\r\nerrorstat_WRONGPASS:count=1\r\nerrorstat_ERR:count=1\r\n"
    c.close()


def test_commandstats(r):
    before = fields(raw_info(r, "commandstats"))
    r.set("info:cs", "1")
    r.set("info:cs", "2")
    with pytest.raises(redis.ResponseError):
        r.execute_command("SET", "info:cs")  # wrong arity: rejected
    with pytest.raises(redis.ResponseError):
        r.execute_command("SET", "info:cs", "v", "BADOPT")  # ran and failed
    r.execute_command("CLIENT", "ID")
    after = fields(raw_info(r, "commandstats"))

    def parse(v):
        out = {}
        for kv in v.split(","):
            k, x = kv.split("=")
            out[k] = float(x) if k == "usec_per_call" else int(x)
        return out

    line = after["cmdstat_set"]
    assert re.fullmatch(r"calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+", line)
    a = parse(line)
    b = parse(before["cmdstat_set"]) if "cmdstat_set" in before else {"calls": 0, "rejected_calls": 0,
                                                                      "failed_calls": 0}
    assert a["calls"] - b["calls"] == 3
    assert a["rejected_calls"] - b["rejected_calls"] == 1
    assert a["failed_calls"] - b["failed_calls"] == 1
    assert abs(a["usec_per_call"] - a["usec"] / a["calls"]) < 0.01
    assert "cmdstat_client|id" in after
    assert "cmdstat_info" in after


def test_keyspace(make_server):
    s = make_server()
    r = s.client()
    assert raw_info(r, "keyspace") == "# Keyspace\r\n"
    r.set("ks:a", "1")
    r.set("ks:b", "1", ex=100)
    r.execute_command("SELECT", "5")
    r.set("ks:c", "1")
    r.execute_command("SELECT", "0")
    assert raw_info(r, "keyspace") == \
        "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n"
    # redis-py's own parser understands it
    ks = r.info("keyspace")
    assert ks["db0"]["keys"] == 2 and ks["db0"]["expires"] == 1
    r.close()


def test_replication_cpu_warden(r):
    f = fields(raw_info(r, "replication", "cpu", "warden"))
    assert f["role"] == "master"
    assert f["connected_slaves"] == "0"
    assert re.fullmatch(r"[0-9a-f]{40}", f["master_replid"])
    assert f["master_replid2"] == "0" * 40
    assert f["master_repl_offset"] == "0"
    for k in ("used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
              "used_cpu_sys_main_thread", "used_cpu_user_main_thread"):
        assert re.fullmatch(r"\d+\.\d{6}", f[k]), k
    assert f["warden_version"]
    assert int(f["threads"]) >= 1
    assert int(f["shards_per_db"]) >= 1
    assert f["master_replid"] == fields(raw_info(r, "replication"))["master_replid"]


def test_redis_py_parses_everything(r):
    info = r.info("everything")
    assert info["redis_version"] == "7.0.15"
    assert isinstance(info["used_memory"], int)
    assert isinstance(info["connected_clients"], int)


def test_resp2_bulk_resp3_verbatim(server):
    s = connect(server)
    out = resp(s, b"INFO cluster\r\n")
    assert out == b"$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"
    resp(s, b"HELLO 3\r\n")
    out = resp(s, b"INFO cluster\r\n")
    assert out == b"=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n"
    out = resp(s, b"INFO nosuch\r\n")
    assert out == b"=4\r\ntxt:\r\n"
    s.close()
