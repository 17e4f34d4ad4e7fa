"""Configuration: redis.conf loading (Debian's real file, includes, units, quotes, stdin,
command line), start-up errors (exit 1 naming the option, value and line), and the CONFIG
command family (GET patterns, atomic multi-pair SET, RESETSTAT, REWRITE round trip, HELP),
checked against redis-server 7.0's texts."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import BIN, SLOW, free_port

DEBIAN_CONF = "/etc/redis/redis.conf"
# Options Warden has and Redis does not (CONFIG GET * lists Redis's 192 names and these).
WARDEN_OWN = {"threads", "auth-failure-limit", "auth-failure-window", "audit-log",
              # memcache front end (docs/memcache.md)
              "memcached-port", "memcached-tls-port", "item-size-max",
              # network hardening (docs/security.md)
              "maxclients-per-ip", "connection-rate-per-ip", "rate-limit-per-ip", "rate-limit-per-user",
              "client-request-timeout", "tls-handshake-timeout", "tls-auth-clients-user",
              # encryption at rest (docs/persistence.md)
              "encryption-key-file", "encryption-old-key-files"}


def run_warden(args, stdin=None):
    """Start Warden expecting it to exit at once (bad configuration); returns (rc, stderr+stdout)."""
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    out = subprocess.run([BIN] + list(args), input=stdin, capture_output=True, text=True, timeout=20 * SLOW, env=env)
    return out.returncode, out.stderr + out.stdout


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="warden-cfg-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def resp3(server, *cmds):
    """Send HELLO 3 then the commands (lists of str) over a raw socket; return the bytes after HELLO."""
    payload = b""
    for cmd in [["HELLO", "3"]] + list(cmds):
        payload += b"*%d\r\n" % len(cmd) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in cmd)
    data = server.raw(payload, timeout=1.0)
    return data[data.index(b"%", 1):] if data.startswith(b"%") else data


def get1(r, name):
    return r.config_get(name)[name]


# ---------------------------------------------------------------- start-up: good files


def test_debian_redis_conf_starts_with_redis_values(make_server, tmp):
    """Debian's redis.conf (redis-server 7.0.15) loads unchanged but for daemonize, logfile,
    pidfile and dir, and CONFIG GET * then equals real redis-server's, option for option."""
    if not os.path.exists(DEBIAN_CONF):
        pytest.skip("no /etc/redis/redis.conf")
    text = open(DEBIAN_CONF).read().replace("dir /var/lib/redis", "dir " + tmp)
    s = make_server(config_text=text, args=["--daemonize", "no", "--logfile", "", "--pidfile", ""])
    mine = s.client(decode_responses=True).config_get("*")
    assert mine["daemonize"] == "no" and mine["logfile"] == "" and mine["pidfile"] == ""
    assert mine["bind"] == "127.0.0.1"  # the command line wins over the file's "127.0.0.1 -::1"
    assert mine["save"] == "3600 1 300 100 60 10000"
    assert mine["oom-score-adj-values"] == "0 200 800"
    assert mine["client-output-buffer-limit"] == "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
    assert mine["notify-keyspace-events"] == ""
    assert mine["auto-aof-rewrite-min-size"] == "67108864"
    if not shutil.which("redis-server"):
        return
    conf = write(os.path.join(tmp, "redis.conf"), text)
    port = free_port()
    proc = subprocess.Popen(["redis-server", conf, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no",
                             "--logfile", "", "--pidfile", "", "--dir", s.dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        theirs = None
        for _ in range(100):
            try:
                theirs = redis.Redis(port=port, decode_responses=True).config_get("*")
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        assert theirs is not None
    finally:
        proc.terminate()
        proc.wait()
    assert set(mine) - set(theirs) == WARDEN_OWN
    assert set(theirs) - set(mine) == set()
    differ = {k: (mine[k], theirs[k]) for k in theirs if mine[k] != theirs[k]}
    assert set(differ) <= {"port"}, differ


def test_noop_options_noted_once_in_log(make_server):
    s = make_server(config_text="activerehashing no\njemalloc-bg-thread no\nactiverehashing yes\n")
    log = s.read_log()
    assert log.count("no effect in Warden: jemalloc-bg-thread, activerehashing") == 1
    r = s.client(decode_responses=True)
    assert get1(r, "activerehashing") == "yes" and get1(r, "jemalloc-bg-thread") == "no"


def test_units_case_insensitive(make_server):
    s = make_server(config_text="maxmemory 1k\nhash-max-listpack-value 1KB\nproto-max-bulk-len 2Mb\n"
                                "client-query-buffer-limit 1gb\nstream-node-max-bytes 3b\n"
                                "auto-aof-rewrite-min-size 2M\nrepl-backlog-size 1G\n")
    r = s.client(decode_responses=True)
    assert get1(r, "maxmemory") == "1000"
    assert get1(r, "hash-max-listpack-value") == "1024"
    assert get1(r, "proto-max-bulk-len") == str(2 * 1024 * 1024)
    assert get1(r, "client-query-buffer-limit") == str(1024 ** 3)
    assert get1(r, "stream-node-max-bytes") == "3"
    assert get1(r, "auto-aof-rewrite-min-size") == "2000000"
    assert get1(r, "repl-backlog-size") == "1000000000"


def test_quotes_escapes_and_aliases(make_server):
    s = make_server(config_text='masterauth "a\\x41b c\\"d"\n'
                                "masteruser 'it\\'s'\n"
                                "   # indented comment\n\n"
                                "  slave-read-only   no  \n"
                                "HASH-MAX-ZIPLIST-ENTRIES 7\n"
                                "save 900 1\nsave 300 10\n"
                                "client-output-buffer-limit replica 1mb 2mb 3\n"
                                "slaveof no one\n")
    r = s.client(decode_responses=True)
    assert get1(r, "masterauth") == 'aAb c"d'
    assert get1(r, "masteruser") == "it's"
    assert r.config_get("replica-read-only") == {"replica-read-only": "no"}
    assert r.config_get("slave-read-only") == {"slave-read-only": "no"}
    assert get1(r, "hash-max-listpack-entries") == "7"
    assert get1(r, "save") == "900 1 300 10"  # the first save line replaces the defaults, later ones add
    assert get1(r, "client-output-buffer-limit") == \
        "normal 0 0 0 slave 1048576 2097152 3 pubsub 33554432 8388608 60"
    assert get1(r, "replicaof") == ""


def test_include_nested_and_glob(make_server, tmp):
    d = os.path.join(tmp, "conf.d")
    os.mkdir(d)
    write(os.path.join(d, "10-a.conf"), "maxmemory 10mb\nhz 11\n")
    write(os.path.join(d, "20-b.conf"), "hz 12\ninclude %s\n" % os.path.join(tmp, "deep.conf"))
    write(os.path.join(tmp, "deep.conf"), "slowlog-max-len 77\n")
    text = "hz 5\ninclude %s/*.conf\ninclude %s/none-*.conf\ntimeout 9\n" % (d, d)
    s = make_server(config_text=text, args=["--timeout", "10"])
    r = s.client(decode_responses=True)
    assert get1(r, "maxmemory") == str(10 * 1024 * 1024)
    assert get1(r, "hz") == "12"  # 20-b.conf is read after 10-a.conf
    assert get1(r, "slowlog-max-len") == "77"
    assert get1(r, "timeout") == "10"  # the command line wins


def test_config_from_stdin(make_server, tmp):
    port = free_port()
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    log = open(os.path.join(tmp, "log"), "wb")
    proc = subprocess.Popen([BIN, "-", "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp],
                            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, env=env)
    proc.stdin.write(b"maxmemory 3mb\nhz 33\n")
    proc.stdin.close()
    try:
        r = redis.Redis(port=port, decode_responses=True)
        for _ in range(200):
            try:
                r.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        assert get1(r, "maxmemory") == str(3 * 1024 * 1024)
        assert get1(r, "hz") == "33"
        with pytest.raises(redis.ResponseError, match="running without a config file"):
            r.config_rewrite()
    finally:
        proc.terminate()
        assert proc.wait(timeout=15 * SLOW) == 0
        log.close()


def test_save_on_command_line(make_server):
    s = make_server(args=["--save", "--hz", "20"])
    r = s.client(decode_responses=True)
    assert get1(r, "save") == ""
    assert get1(r, "hz") == "20"


def test_version_and_help():
    rc, out = run_warden(["--version"])
    assert rc == 0 and "v=" in out and "7.0" in out
    rc, out = run_warden(["-v"])
    assert rc == 0 and "v=" in out
    rc, out = run_warden(["--help"])
    assert rc == 0 and "Usage" in out


# ---------------------------------------------------------------- start-up: bad files

BAD_LINES = [
    ("port abc", "argument couldn't be parsed into an integer"),
    ("port 70000", "argument must be between 0 and 65535 inclusive"),
    ("port -1", "argument must be between 0 and 65535 inclusive"),
    ("port 99999999999999999999", "argument couldn't be parsed into an integer"),
    ("hz +5", "argument couldn't be parsed into an integer"),
    ("timeout 1 2", "wrong number of arguments"),
    ("port", "wrong number of arguments"),
    ("nosuchoption 1", "Bad directive or wrong number of arguments"),
    ("maxmemory 1x", "argument must be a memory value"),
    ("maxmemory -1", "argument must be a memory value"),
    ("maxmemory 1.5gb", "argument must be a memory value"),
    ("maxmemory 99999999999gb", "argument must be a memory value"),
    ("proto-max-bulk-len 1000", "argument must be between 1048576 and 9223372036854775807 inclusive"),
    ("maxmemory-clients 5x", "argument must be a memory or percent value"),
    ("maxmemory-clients 101%", "percentage argument must be less or equal to 100"),
    ("appendfsync sometimes", "argument(s) must be one of the following: everysec, always, no"),
    ("loglevel nothing", "argument(s) must be one of the following: debug, verbose, notice, warning"),
    ("protected-mode maybe", "argument must be 'yes' or 'no'"),
    ("unixsocketperm 800", "argument couldn't be parsed as an octal number"),
    ("save 100", "Invalid save parameters"),
    ("save 0 1", "Invalid save parameters"),
    ("save 10 -1", "Invalid save parameters"),
    ("client-output-buffer-limit normal 1 2", "Wrong number of arguments in buffer limit configuration."),
    ("client-output-buffer-limit master 1 2 3", "Invalid client class specified in buffer limit configuration."),
    ("client-output-buffer-limit pubsub 1x 2 3", "Error in hard, soft or soft_seconds setting"),
    ("notify-keyspace-events KEZ", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
    ("oom-score-adj-values 1 2", "wrong number of arguments"),
    ("oom-score-adj-values 0 200 2001", "elements must be between -2000 and 2000"),
    ("latency-tracking-info-percentiles 50 101", "should sit between [0.0,100.0]"),
    ("latency-tracking-info-percentiles 50 x", "Invalid latency-tracking-info-percentiles parameters"),
    ("shutdown-on-sigterm save nosave", "SAVE and NOSAVE can't be used simultaneously"),
    ("shutdown-on-sigint later", "must be one of the following: default, save, nosave, now, force"),
    ("bind " + " ".join("10.0.0.%d" % i for i in range(17)), "Too many bind addresses specified."),
    ("dbfilename /tmp/x.rdb", "dbfilename can't be a path, just a filename"),
    ("appenddirname a/b", "appenddirname can't be a path, just a dirname"),
    ("dir /nonexistent-warden-dir", "No such file or directory"),
    ("cluster-announce-hostname a_b", "Hostnames may only contain alphanumeric characters, hyphens or dots"),
    ("proc-title-template {nosuch}", "template format is invalid or contains unknown variables"),
    ("replicaof 10.0.0.1 notaport", "Invalid master port"),
    ("replicaof 10.0.0.1", "wrong number of arguments"),
    ('port "6379', "Unbalanced quotes in configuration line"),
    ('port "6379"x', "Unbalanced quotes in configuration line"),
    ("include", "Bad directive or wrong number of arguments"),
    ("include /nonexistent/warden.conf", "could not open included file"),
    ("sentinel monitor m 1.2.3.4 6379 2", "sentinel directive while not in sentinel mode"),
    ("rename-command", "Bad directive or wrong number of arguments"),
    ("rename-command GET", "Bad directive or wrong number of arguments"),
    ("user", "Bad directive or wrong number of arguments"),
    # features Warden does not have yet: refused with a clear message, never ignored
    ("replicaof 10.0.0.1 6379", "replication is not available"),
    ("slaveof 10.0.0.1 6379", "replication is not available"),
    ("cluster-enabled yes", "cluster mode is not available"),
    ("tls-protocols TLSv1.1", "TLS protocol TLSv1.1 is not allowed"),
    ("loadmodule /usr/lib/redis/x.so", "does not load Redis modules"),
    ("syslog-enabled yes", "syslog is not available"),
]


@pytest.mark.parametrize("line,message", BAD_LINES, ids=[b[0][:40] for b in BAD_LINES])
def test_bad_line_exits_1_with_line_number(tmp, line, message):
    conf = write(os.path.join(tmp, "bad.conf"), "# a comment\nhz 10\n%s\ntimeout 0\n" % line)
    rc, out = run_warden([conf, "--port", "0"])
    assert rc == 1, out
    assert "FATAL CONFIG FILE ERROR" in out
    assert "%s line 3" % conf in out
    assert ">>> '%s'" % line.strip() in out or line.startswith("include ")
    assert message in out
    name = line.split()[0]
    if message.startswith("argument") or "arguments for" in out:
        assert "'%s'" % ("replicaof" if name == "slaveof" else name) in out  # the option is named


def test_bad_included_file_names_its_own_line(tmp):
    inc = write(os.path.join(tmp, "inc.conf"), "\n\nmaxmemory lots\n")
    conf = write(os.path.join(tmp, "main.conf"), "include %s\n" % inc)
    rc, out = run_warden([conf, "--port", "0"])
    assert rc == 1
    assert "%s line 3" % inc in out and ">>> 'maxmemory lots'" in out


def test_include_loop_is_refused(tmp):
    a = os.path.join(tmp, "a.conf")
    write(a, "include %s\n" % a)
    rc, out = run_warden([a, "--port", "0"])
    assert rc == 1 and "include nesting too deep" in out


def test_bad_command_line_option():
    rc, out = run_warden(["--port", "0", "--nosuch", "1"])
    assert rc == 1 and "Bad directive" in out and "nosuch" in out
    rc, out = run_warden(["--port", "0", "--hz", "abc"])
    assert rc == 1 and "'hz \"abc\"'" in out and "couldn't be parsed into an integer" in out


def test_missing_config_file():
    rc, out = run_warden(["/nonexistent/warden.conf"])
    assert rc == 1 and "can't open config file '/nonexistent/warden.conf'" in out


def test_sensitive_value_never_printed(tmp):
    conf = write(os.path.join(tmp, "s.conf"), "requirepass hunter2 extra\n")
    rc, out = run_warden([conf, "--port", "0"])
    assert rc == 1 and "hunter2" not in out and "requirepass" in out


# ---------------------------------------------------------------- CONFIG GET


def test_config_get_patterns(server):
    r = server.client(decode_responses=True)
    assert r.execute_command("CONFIG", "GET", "maxmemory") == ["maxmemory", "0"]
    assert r.execute_command("CONFIG", "GET", "MAXMEMORY") == ["maxmemory", "0"]
    assert r.execute_command("CONFIG", "GET", "nosuch*") == []
    # several patterns, each option once
    got = r.execute_command("CONFIG", "GET", "port", "port", "p*rt", "maxmemory")
    assert sorted(zip(got[::2], got[1::2])) == [("maxmemory", "0"), ("port", str(server.port))]
    # aliases are reported under the name asked; a pattern matching both gives both
    assert r.execute_command("CONFIG", "GET", "hash-max-ziplist-entries") == ["hash-max-ziplist-entries", "512"]
    assert r.config_get("hash-max-*-entries") == {"hash-max-ziplist-entries": "512",
                                                  "hash-max-listpack-entries": "512"}
    assert r.config_get("replicaof") == {"replicaof": ""}
    got = r.execute_command("CONFIG", "GET", "slaveof", "slave*")
    assert got.count("slaveof") == 1
    assert r.config_get("maxmemory-polic[xy]") == {"maxmemory-policy": "noeviction"}
    allc = r.config_get("*")
    assert len(allc) == 192 + len(WARDEN_OWN)
    assert allc["save"] == "3600 1 300 100 60 10000"
    assert allc["unixsocketperm"] == "0" and allc["threads"] == "0"
    assert allc["dir"] == server.dir


def test_config_get_arity_and_unknown_subcommand(server):
    r = server.client()
    with pytest.raises(redis.ResponseError, match=r"wrong number of arguments for 'config\|get' command"):
        r.execute_command("CONFIG", "GET")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'config' command"):
        r.execute_command("CONFIG")
    with pytest.raises(redis.ResponseError, match=r"^unknown subcommand 'NOSUCH'. Try CONFIG HELP.$"):
        r.execute_command("CONFIG", "NOSUCH")


def test_config_get_resp3_map(server):
    data = resp3(server, ["CONFIG", "GET", "maxmemory", "hz"], ["CONFIG", "GET", "nosuch"])
    assert data == b"%2\r\n$2\r\nhz\r\n$2\r\n10\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n%0\r\n"
    raw2 = server.raw(b"CONFIG GET hz\r\n")
    assert raw2 == b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"


# ---------------------------------------------------------------- CONFIG SET


def err_of(r, *args):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    return str(e.value)


def test_config_set_values_and_formatting(make_server):
    r = make_server().client(decode_responses=True)
    assert r.execute_command("CONFIG", "SET", "maxmemory", "1kb") == "OK"
    assert get1(r, "maxmemory") == "1024"
    r.execute_command("CONFIG", "SET", "maxmemory", "05")
    assert get1(r, "maxmemory") == "5"
    r.execute_command("CONFIG", "SET", "hz", "0")
    assert get1(r, "hz") == "1"  # clamped like Redis
    r.execute_command("CONFIG", "SET", "hz", "100000")
    assert get1(r, "hz") == "500"
    r.execute_command("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU")
    assert get1(r, "maxmemory-policy") == "allkeys-lru"
    r.execute_command("CONFIG", "SET", "activerehashing", "NO")
    assert get1(r, "activerehashing") == "no"
    r.execute_command("CONFIG", "SET", "notify-keyspace-events", "Kgt$lshzxeKEAmnd")
    assert get1(r, "notify-keyspace-events") == "AKEm"
    r.execute_command("CONFIG", "SET", "notify-keyspace-events", "Ex")
    assert get1(r, "notify-keyspace-events") == "xE"
    r.execute_command("CONFIG", "SET", "save", "100 10 20 5")
    assert get1(r, "save") == "100 10 20 5"
    r.execute_command("CONFIG", "SET", "save", "")
    assert get1(r, "save") == ""
    r.execute_command("CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 2 3 pubsub 4 5 6")
    assert get1(r, "client-output-buffer-limit") == "normal 0 0 0 slave 1048576 2 3 pubsub 4 5 6"
    r.execute_command("CONFIG", "SET", "maxmemory-clients", "5%")
    assert get1(r, "maxmemory-clients") == "5%"
    r.execute_command("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.5 100")
    assert get1(r, "latency-tracking-info-percentiles") == "50 99.5 100"
    r.execute_command("CONFIG", "SET", "shutdown-on-sigint", "now nosave")
    assert get1(r, "shutdown-on-sigint") == "nosave now"
    r.execute_command("CONFIG", "SET", "repl-backlog-size", "1")
    assert get1(r, "repl-backlog-size") == "16384"
    r.execute_command("CONFIG", "SET", "lua-time-limit", "6000")
    assert get1(r, "busy-reply-threshold") == "6000"
    r.execute_command("CONFIG", "SET", "list-max-ziplist-size", "-5")
    assert r.config_get("list-max-*") == {"list-max-listpack-size": "-5", "list-max-ziplist-size": "-5"}
    r.execute_command("CONFIG", "SET", "port", str(get1(r, "port")))  # unchanged: nothing to apply
    r.execute_command("CONFIG", "SET", "loglevel", "warning")
    assert get1(r, "loglevel") == "warning"


def test_config_set_errors(server):
    r = server.client(decode_responses=True)
    pre = "CONFIG SET failed (possibly related to argument "
    assert err_of(r, "CONFIG", "SET", "nosuch", "1") == "Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    assert err_of(r, "CONFIG", "SET", "port", "abc") == pre + "'port') - argument couldn't be parsed into an integer"
    assert err_of(r, "CONFIG", "SET", "timeout", "-1") == \
        pre + "'timeout') - argument must be between 0 and 2147483647 inclusive"
    assert err_of(r, "CONFIG", "SET", "maxclients", "0") == \
        pre + "'maxclients') - argument must be between 1 and 4294967295 inclusive"
    assert err_of(r, "CONFIG", "SET", "maxmemory", "-1") == pre + "'maxmemory') - argument must be a memory value"
    assert err_of(r, "CONFIG", "SET", "hash-max-ziplist-value", "x") == \
        pre + "'hash-max-ziplist-value') - argument must be a memory value"
    assert err_of(r, "CONFIG", "SET", "maxmemory-policy", "bogus") == pre + "'maxmemory-policy') - argument(s) must " \
        "be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, " \
        "allkeys-lfu, allkeys-random, noeviction"
    assert err_of(r, "CONFIG", "SET", "activerehashing", "maybe") == \
        pre + "'activerehashing') - argument must be 'yes' or 'no'"
    assert err_of(r, "CONFIG", "SET", "databases", "4") == pre + "'databases') - can't set immutable config"
    assert err_of(r, "CONFIG", "SET", "slaveof", "no one") == pre + "'slaveof') - can't set immutable config"
    assert err_of(r, "CONFIG", "SET", "dir", "/tmp") == pre + "'dir') - can't set protected config"
    assert err_of(r, "CONFIG", "SET", "dbfilename", "x.rdb") == pre + "'dbfilename') - can't set protected config"
    assert err_of(r, "CONFIG", "SET", "save", "100") == pre + "'save') - Invalid save parameters"
    assert err_of(r, "CONFIG", "SET", "save", "100  10") == pre + "'save') - Invalid save parameters"
    assert err_of(r, "CONFIG", "SET", "tls-port", "6380").startswith(pre + "'tls-port') - changing it at run time")
    assert err_of(r, "CONFIG", "SET", "maxmemory-clients", "101%") == \
        pre + "'maxmemory-clients') - percentage argument must be less or equal to 100"
    assert err_of(r, "CONFIG", "SET", "notify-keyspace-events", "K E") == \
        pre + "'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
    assert err_of(r, "CONFIG", "SET", "port", "6") .startswith(pre + "'port') - changing it at run time")
    assert err_of(r, "CONFIG", "SET", "maxmemory", "1", "hz") == "syntax error"
    assert err_of(r, "CONFIG", "SET", "maxmemory") == "wrong number of arguments for 'config|set' command"
    assert get1(r, "port") == str(server.port)


def test_config_set_is_atomic(make_server):
    r = make_server().client(decode_responses=True)
    pre = "CONFIG SET failed (possibly related to argument "
    # a bad value anywhere: nothing changes
    assert err_of(r, "CONFIG", "SET", "maxmemory", "100", "hz", "50", "port", "abc") == \
        pre + "'port') - argument couldn't be parsed into an integer"
    assert get1(r, "maxmemory") == "0" and get1(r, "hz") == "10"
    # a hook refusing after the commit rolls back what was already set
    assert err_of(r, "CONFIG", "SET", "maxmemory", "100", "save", "1 1", "port", "1").startswith(pre + "'port')")
    assert get1(r, "maxmemory") == "0" and get1(r, "save") == "3600 1 300 100 60 10000"
    # duplicates, also through an alias or another case
    assert err_of(r, "CONFIG", "SET", "maxmemory", "1", "maxmemory", "2") == pre + "'maxmemory') - duplicate parameter"
    assert err_of(r, "CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2") == pre + "'MAXMEMORY') - duplicate parameter"
    assert err_of(r, "CONFIG", "SET", "busy-reply-threshold", "1", "lua-time-limit", "2") == \
        pre + "'lua-time-limit') - duplicate parameter"
    # the first problem in argument order wins; unknown names are reported as such
    assert err_of(r, "CONFIG", "SET", "hz", "5", "nosuch", "1", "databases", "2") == \
        "Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    assert err_of(r, "CONFIG", "SET", "databases", "2", "nosuch", "1") == pre + "'databases') - can't set immutable config"
    assert get1(r, "maxmemory") == "0" and get1(r, "hz") == "10"
    # and all good pairs apply together
    assert r.execute_command("CONFIG", "SET", "maxmemory", "1mb", "hz", "20", "slowlog-max-len", "5") == "OK"
    assert get1(r, "maxmemory") == "1048576"
    assert get1(r, "hz") == "20" and get1(r, "slowlog-max-len") == "5"


def test_config_set_nul_byte_refused(server):
    out = server.raw(b"*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$10\r\nmasterauth\r\n$3\r\na\x00b\r\n")
    assert out.startswith(b"-ERR CONFIG SET failed (possibly related to argument 'masterauth')")
    assert server.client(decode_responses=True).config_get("masterauth") == {"masterauth": ""}


def test_requirepass_set_at_run_time_not_logged(make_server):
    s = make_server(args=["--loglevel", "debug"])
    r = s.client(decode_responses=True)
    r.execute_command("CONFIG", "SET", "requirepass", "sw0rdfish-secret", "masterauth", "other-secret")
    with pytest.raises(redis.AuthenticationError):
        s.client().ping()
    assert s.client(password="sw0rdfish-secret").ping()
    r.execute_command("CONFIG", "SET", "requirepass", "")
    log = s.read_log()
    assert "sw0rdfish" not in log and "other-secret" not in log


def test_dir_protected_unless_enabled(make_server, tmp):
    s = make_server(args=["--enable-protected-configs", "local"])
    r = s.client(decode_responses=True)
    assert r.execute_command("CONFIG", "SET", "dir", tmp) == "OK"
    assert get1(r, "dir") == os.path.realpath(tmp)
    assert err_of(r, "CONFIG", "SET", "dir", "/nonexistent-dir") == \
        "CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"
    assert get1(r, "dir") == os.path.realpath(tmp)
    r.execute_command("CONFIG", "SET", "dir", s.dir)
    assert r.execute_command("CONFIG", "SET", "dbfilename", "other.rdb") == "OK"
    assert err_of(r, "CONFIG", "SET", "dbfilename", "a/b.rdb") == \
        "CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"


# ---------------------------------------------------------------- RESETSTAT / HELP


def test_config_resetstat_and_help(server):
    r = server.client(decode_responses=True)
    assert r.execute_command("CONFIG", "RESETSTAT") == "OK"
    assert err_of(r, "CONFIG", "RESETSTAT", "x") == "wrong number of arguments for 'config|resetstat' command"
    assert err_of(r, "CONFIG", "HELP", "x") == "wrong number of arguments for 'config|help' command"
    assert err_of(r, "CONFIG", "REWRITE", "x") == "wrong number of arguments for 'config|rewrite' command"
    lines = r.execute_command("CONFIG", "HELP")
    assert lines[0] == "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "REWRITE" in lines and lines[-1] == "    Prints this help."
    assert len(lines) == 11
    assert server.raw(b"CONFIG HELP\r\n").startswith(b"*11\r\n+CONFIG <subcommand>")


def test_rewrite_without_config_file(server):
    r = server.client()
    with pytest.raises(redis.ResponseError, match="^The server is running without a config file$"):
        r.config_rewrite()


# ---------------------------------------------------------------- REWRITE

ORIGINAL = """# Warden test configuration
# keep this comment

hash-max-ziplist-entries 100
slave-read-only yes
save 900 1
save 300 10


save 60 10000
maxmemory 1000000
dbfilename "x.rdb"
bind * -::*
client-output-buffer-limit normal 0 0 0
list-max-ziplist-entries 5
masterauth old-secret
# tail comment
"""


def test_rewrite_round_trip(make_server):
    s = make_server(config_text=ORIGINAL)
    path = os.path.join(s.dir, "warden.conf")
    r = s.client(decode_responses=True)
    r.execute_command("CONFIG", "SET", "hash-max-listpack-entries", "256", "save", "5 5", "maxmemory", "2mb",
                      "notify-keyspace-events", "KEA", "client-output-buffer-limit", "pubsub 1gb 2 3",
                      "maxmemory-clients", "5%", "replica-announce-ip", 'x "y"', "masterauth", "",
                      "loglevel", "warning", "lua-time-limit", "6000")
    assert r.execute_command("CONFIG", "REWRITE") == "OK"
    text = open(path).read()
    lines = text.split("\n")
    # in place, canonical names, comments kept, extra save lines and the unset option gone,
    # unknown directives commented out, runs of blank lines shrunk to one
    assert lines[:16] == ["# Warden test configuration", "# keep this comment", "",
                          "hash-max-listpack-entries 256", "replica-read-only yes", "save 5 5", "",
                          "maxmemory 2mb", 'dbfilename "x.rdb"', "bind 127.0.0.1",
                          "client-output-buffer-limit normal 0 0 0", "# ??? list-max-ziplist-entries 5", "",
                          "# tail comment", "", "# Generated by CONFIG REWRITE"]
    assert "masterauth" not in text
    tail = lines[16:]
    for want in ["loglevel warning", "notify-keyspace-events \"AKE\"", "maxmemory-clients 5%",
                 "client-output-buffer-limit pubsub 1gb 2 3", 'replica-announce-ip "x \\"y\\""',
                 "busy-reply-threshold 6000", "port %d" % s.port, 'dir "%s"' % s.dir,
                 "latency-tracking-info-percentiles 50 99 99.9"]:
        assert want in tail, (want, text)
    assert "hz 10" not in text and "timeout" not in text  # defaults are not added
    assert text.count("# Generated by CONFIG REWRITE") == 1
    # the file settles (Redis reuses the pubsub line for the replica class once); the file
    # mode is kept; no temp file is left
    os.chmod(path, 0o640)
    for _ in range(2):  # (and the final newline becomes one blank line, as in Redis)
        assert r.execute_command("CONFIG", "REWRITE") == "OK"
    text = open(path).read()
    assert text.endswith("client-output-buffer-limit pubsub 1gb 2 3\n\n")
    assert r.execute_command("CONFIG", "REWRITE") == "OK"
    assert open(path).read() == text
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert sorted(os.listdir(s.dir)) == ["server.log", "warden.conf"]
    # restart from the rewritten file: the values come back
    s2 = make_server(config_text=text)
    r2 = s2.client(decode_responses=True)
    assert get1(r2, "hash-max-listpack-entries") == "256"
    assert get1(r2, "save") == "5 5"
    assert get1(r2, "maxmemory") == str(2 * 1024 * 1024)
    assert get1(r2, "notify-keyspace-events") == "AKE"
    assert get1(r2, "maxmemory-clients") == "5%"
    assert get1(r2, "replica-announce-ip") == 'x "y"'
    assert get1(r2, "client-output-buffer-limit") == \
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 1073741824 2 3"
    assert get1(r2, "loglevel") == "warning" and get1(r2, "masterauth") == ""


def test_rewrite_save_empty_and_units(make_server):
    s = make_server(config_text="hz 5")  # no final newline
    r = s.client(decode_responses=True)
    r.execute_command("CONFIG", "SET", "save", "", "proto-max-bulk-len", "1048577", "client-query-buffer-limit", "3gb",
                      "hz", "10", "oom-score-adj-values", "1 2 3", "shutdown-on-sigterm", "nosave now")
    r.config_rewrite()
    text = open(os.path.join(s.dir, "warden.conf")).read()
    assert text.startswith("hz 10\n# Generated by CONFIG REWRITE\n")  # kept in place although default now
    for want in ['save ""', "proto-max-bulk-len 1048577", "client-query-buffer-limit 3gb",
                 "oom-score-adj-values 1 2 3", "shutdown-on-sigterm nosave now"]:
        assert "\n" + want + "\n" in text, (want, text)
    s2 = make_server(config_text=text)
    assert get1(s2.client(decode_responses=True), "save") == ""


def test_rewrite_recreates_deleted_file(make_server):
    s = make_server(config_text="maxmemory 1mb\n")
    path = os.path.join(s.dir, "warden.conf")
    os.unlink(path)
    s.client().config_rewrite()
    text = open(path).read()
    assert text.startswith("# Generated by CONFIG REWRITE\n") and "maxmemory 1mb" in text


def test_rewrite_error_reported(make_server):
    s = make_server(config_text="maxmemory 1mb\n")
    path = os.path.join(s.dir, "warden.conf")
    os.unlink(path)
    os.mkdir(path)  # the rename over it must fail
    with pytest.raises(redis.ResponseError, match="^Rewriting config file: Is a directory$"):
        s.client().config_rewrite()
    os.rmdir(path)
    assert sorted(os.listdir(s.dir)) == ["server.log"]  # no temp file left behind
    assert "CONFIG REWRITE failed: Is a directory" in s.read_log()


def test_rewrite_quotes_binary_strings(make_server):
    s = make_server(config_text="hz 10\n")
    r = s.client()
    value = b'\x01\xff tab\there "q" \\ end'
    r.execute_command("CONFIG", "SET", "masteruser", value)
    r.execute_command("CONFIG", "REWRITE")
    text = open(os.path.join(s.dir, "warden.conf"), "rb").read()
    assert b'masteruser "\\x01\\xff tab\\there \\"q\\" \\\\ end"\n' in text
    s2 = make_server(config_text=text.decode())
    assert s2.client().execute_command("CONFIG", "GET", "masteruser") == [b"masteruser", value]


def test_config_set_hostile_sizes(server):
    r = server.client()
    assert r.execute_command("CONFIG", "GET", "*a" * 20000 + "b") == []
    assert len(r.execute_command("CONFIG", "GET", *(["*"] * 2000))) == 2 * (192 + len(WARDEN_OWN))
    big = b"x" * 200000
    assert r.execute_command("CONFIG", "SET", "masterauth", big) == b"OK"
    assert r.execute_command("CONFIG", "GET", "masterauth") == [b"masterauth", big]
    r.execute_command("CONFIG", "SET", "masterauth", "")
    args = []
    for i in range(1000):
        args += ["hz", str(i)]
    with pytest.raises(redis.ResponseError, match="'hz'\\) - duplicate parameter"):
        r.execute_command("CONFIG", "SET", *args)
    assert r.execute_command("CONFIG", "GET", "hz") == [b"hz", b"10"]


def test_multi_word_option_as_one_command_line_word(make_server):
    # redis-server accepts --save "900 1" and --client-output-buffer-limit "pubsub 1mb 0 0"
    s = make_server(args=["--save", "900 1", "--client-output-buffer-limit", "pubsub 1mb 0 0"])
    c = s.client()
    assert c.config_get("save") == {"save": "900 1"}
    assert c.config_get("client-output-buffer-limit")["client-output-buffer-limit"].endswith("pubsub 1048576 0 0")
