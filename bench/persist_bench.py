#!/usr/bin/env python3
"""persist_bench.py — persistence benchmarks, Warden against redis-server (run by
bench/persist-bench.sh; knobs via environment).

1. BGSAVE memory: each server gets KEYS keys (DEBUG POPULATE, VALUE-byte values), then
   a write load (redis-benchmark SET over the same key range) runs while a BGSAVE is
   taken. Memory is sampled every 5 ms as the PSS sum of the server and its children
   (/proc/<pid>/smaps_rollup): PSS counts a page shared by Redis's parent and its fork
   child once, so the peak minus the level before BGSAVE is the real extra memory of
   the snapshot (copy-on-write pages for Redis; pages copied ahead by writers and
   buffers for Warden). Also: how long the snapshot took.
2. SET throughput with appendonly yes, appendfsync always and everysec:
   redis-benchmark -t set, CLIENTS clients, pipeline 1.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARDEN = os.path.join(ROOT, "build", "warden")
KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
CLIENTS = int(os.environ.get("CLIENTS", "50"))
REQUESTS = int(os.environ.get("REQUESTS", "200000"))
ROUNDS = int(os.environ.get("ROUNDS", "2"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(kind, d, extra=()):
    port = free_port()
    if kind == "warden":
        cmd = [WARDEN, "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "",
               "--enable-debug-command", "yes"] + list(extra)
    else:
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "",
               "--enable-debug-command", "yes", "--daemonize", "no"] + list(extra)
    log = open(os.path.join(d, kind + ".log"), "wb")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    c = redis.Redis(port=port, socket_timeout=600)
    for _ in range(200):
        try:
            c.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return p, c, port


def stop(p, c):
    try:
        c.shutdown(nosave=True)
    except redis.RedisError:
        pass
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def pss_kb(pid):
    """PSS of pid and its children, in KiB."""
    total = 0
    pids = [pid]
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                m = re.search(r"^Pss:\s+(\d+) kB", f.read(), re.M)
                if m:
                    total += int(m.group(1))
        except OSError:
            pass
    return total


def bgsave_memory(kind):
    d = tempfile.mkdtemp(prefix="persist-bench-")
    try:
        p, c, port = start(kind, d)
        c.execute_command("DEBUG", "POPULATE", KEYS, "key", VALUE)
        time.sleep(0.5)
        load = subprocess.Popen(["redis-benchmark", "-p", str(port), "-t", "set", "-r", str(KEYS), "-d", str(VALUE),
                                 "-c", "20", "-n", "100000000", "-q"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        base = max(pss_kb(p.pid) for _ in range(20) if time.sleep(0.005) is None)
        peak = base
        t0 = time.time()
        c.bgsave()
        while True:
            peak = max(peak, pss_kb(p.pid))
            info = c.info("persistence")
            if info["rdb_bgsave_in_progress"] == 0 and time.time() - t0 > 0.05:
                break
            time.sleep(0.005)
        took = time.time() - t0
        ok = info["rdb_last_bgsave_status"] == "ok"
        load.send_signal(signal.SIGINT)
        load.wait()
        size = os.path.getsize(os.path.join(d, "dump.rdb")) if os.path.exists(os.path.join(d, "dump.rdb")) else 0
        stop(p, c)
        return {"base_mb": base / 1024, "peak_mb": peak / 1024, "extra_mb": (peak - base) / 1024, "secs": took,
                "ok": ok, "rdb_mb": size / 1e6, "cow": info.get("rdb_last_cow_size", 0) / 1e6}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def set_throughput(kind, fsync):
    d = tempfile.mkdtemp(prefix="persist-bench-")
    try:
        p, c, port = start(kind, d, ["--appendonly", "yes", "--appendfsync", fsync])
        time.sleep(0.3)
        out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-r", "100000", "-d", "16", "-c",
                              str(CLIENTS), "-n", str(REQUESTS), "-q"], capture_output=True, text=True).stdout
        m = re.search(r"SET: ([\d.]+) requests per second", out.replace("\r", "\n"))
        stop(p, c)
        return float(m.group(1)) if m else 0.0
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    have_redis = shutil.which("redis-server") is not None
    kinds = ["warden", "redis"] if have_redis else ["warden"]
    print("# %s, %d cores, %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(),
                                 os.uname().release))
    print("\n## BGSAVE of %d keys (%d-byte values) under a 20-client SET load\n" % (KEYS, VALUE))
    print("| server | PSS before (MB) | peak PSS (MB) | extra during BGSAVE (MB) | snapshot time (s) | RDB (MB) | status |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    results = {}
    for k in kinds:
        best = None
        for _ in range(ROUNDS):
            r = bgsave_memory(k)
            if best is None or r["extra_mb"] > best["extra_mb"]:
                best = r  # report the worst round: peaks are what matters
        results[k] = best
        print("| %s | %.1f | %.1f | %.1f | %.2f | %.1f | %s |" % (k, best["base_mb"], best["peak_mb"], best["extra_mb"],
                                                                  best["secs"], best["rdb_mb"],
                                                                  "ok" if best["ok"] else "err"))
    if have_redis and results["redis"]["extra_mb"] > 0:
        print("\nWarden's extra memory is %.1f%% of Redis's (worst of %d rounds each)." %
              (100.0 * results["warden"]["extra_mb"] / results["redis"]["extra_mb"], ROUNDS))
    print("\n## SET throughput with appendonly yes (%d clients, pipeline 1, %d requests)\n" % (CLIENTS, REQUESTS))
    print("| appendfsync | " + " | ".join("%s req/s" % k for k in kinds) + (" | Warden/Redis |" if have_redis else " |"))
    print("| --- | " + " | ".join("---" for _ in kinds) + (" | --- |" if have_redis else " |"))
    for fsync in ("always", "everysec"):
        vals = {}
        for k in kinds:
            vals[k] = max(set_throughput(k, fsync) for _ in range(ROUNDS))
        row = "| %s | " % fsync + " | ".join("%.0f" % vals[k] for k in kinds)
        if have_redis:
            row += " | %.2f |" % (vals["warden"] / vals["redis"] if vals["redis"] else 0)
        else:
            row += " |"
        print(row)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
