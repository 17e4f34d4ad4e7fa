"""Encryption at rest: AES-256-GCM container under RDB snapshots and AOF files. Key
file checks, no plaintext on disk, tampering (altered, truncated, reordered, swapped,
extended chunks) refused at load with a clear error, key rotation, migration from
plaintext, and build/warden-check (verify, decrypt)."""
import base64
import os
import shutil
import signal
import struct
import subprocess
import tempfile

import pytest

from conftest import ROOT, SLOW, Server
from test_rdb import CHECK_RDB, REDIS_SERVER, RedisServer, client, start_fail, wait_for

CHECK = os.path.join(ROOT, "build", "warden-check")
SECRET = b"TOP-SECRET-VALUE-1234567890"


@pytest.fixture
def datadir():
    d = tempfile.mkdtemp(prefix="warden-enc-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def make_key(d, name="key", form="raw", mode=0o600):
    raw = os.urandom(32)
    path = os.path.join(d, name)
    data = {"raw": raw, "hex": raw.hex().encode() + b"\n", "b64": base64.b64encode(raw) + b"\n"}[form]
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def enc_args(d, key, *extra):
    return ["--dir", d, "--save", "", "--encryption-key-file", key] + list(extra)


def no_plaintext(d):
    for root, _, files in os.walk(d):
        for n in files:
            if n.endswith(".log") or n.startswith("key") or n.endswith(".manifest"):
                continue
            with open(os.path.join(root, n), "rb") as f:
                data = f.read()
            assert SECRET not in data, n
            assert SECRET[:12] not in data, n


def fill(c, big=False):
    c.set("secret", SECRET)
    c.rpush("list", SECRET, "x")
    c.hset("hash", "f", SECRET)
    if big:
        for i in range(30):
            c.set("big%d" % i, os.urandom(8000).hex())


def wcheck(*args):
    out = subprocess.run([CHECK] + list(args), capture_output=True, timeout=60)
    return out.returncode, out.stdout.decode(errors="replace") + out.stderr.decode(errors="replace"), out.stdout


@pytest.mark.parametrize("form", ["raw", "hex", "b64"])
def test_key_forms_and_encrypted_rdb_round_trip(datadir, make_server, form):
    key = make_key(datadir, form=form)
    s = make_server(args=enc_args(datadir, key))
    c = client(s)
    fill(c)
    assert c.execute_command("SAVE") == b"OK"
    path = os.path.join(datadir, "dump.rdb")
    with open(path, "rb") as f:
        head = f.read(40)
    assert head[:8] == b"WRDNENC1" and head[8] == 1 and head[9] == 1
    assert os.stat(path).st_mode & 0o777 == 0o600
    no_plaintext(datadir)
    assert "Encryption at rest is on" in s.read_log()
    s.stop()
    s2 = make_server(args=enc_args(datadir, key))
    c2 = client(s2)
    assert c2.get("secret") == SECRET and c2.lrange("list", 0, -1) == [SECRET, b"x"]


@pytest.mark.parametrize("problem", ["mode", "size", "missing", "symlink", "old-without-key"])
def test_key_file_checks(datadir, problem):
    key = make_key(datadir)
    extra = []
    expect = ""
    if problem == "mode":
        os.chmod(key, 0o640)
        expect = "is accessible by group or others (mode 640): chmod 600 it"
    elif problem == "size":
        with open(key, "wb") as f:
            f.write(b"tooshort")
        expect = "must hold a 32-byte key"
    elif problem == "missing":
        key = os.path.join(datadir, "nope")
        expect = "can't open the encryption key file"
    elif problem == "symlink":
        link = os.path.join(datadir, "link")
        os.symlink(key, link)
        key = link
        expect = "can't open the encryption key file"
    else:
        rc, out = start_fail(datadir, extra=["--encryption-old-key-files", key])
        assert rc == 1 and "encryption-old-key-files needs encryption-key-file" in out, out
        return
    rc, out = start_fail(datadir, extra=["--encryption-key-file", key] + extra)
    assert rc == 1 and expect in out, out


def _saved(datadir, make_server, key, big=False):
    s = make_server(args=enc_args(datadir, key))
    fill(client(s), big)
    client(s).execute_command("SAVE")
    s.stop()
    path = os.path.join(datadir, "dump.rdb")
    with open(path, "rb") as f:
        return path, f.read()


def _chunks(data):
    """Offsets and sizes of the container's chunks."""
    at, out = 40, []
    while at < len(data):
        n = struct.unpack("<I", data[at:at + 4])[0]
        size = 4 + 1 + 12 + n + 16
        out.append((at, size))
        at += size
    return out


@pytest.mark.parametrize("tamper", ["flip", "truncate", "drop-end", "swap", "repeat", "append", "other-file",
                                    "header"])
def test_tampering_is_detected(datadir, make_server, tamper):
    key = make_key(datadir)
    path, data = _saved(datadir, make_server, key, big=True)
    chunks = _chunks(data)
    assert len(chunks) >= 4  # several 64 KiB chunks, then the end marker
    (a0, s0), (a1, s1) = chunks[0], chunks[1]
    if tamper == "flip":
        bad = bytearray(data)
        bad[a1 + 100] ^= 1
        bad = bytes(bad)
    elif tamper == "truncate":
        bad = data[:a1 + 50]
    elif tamper == "drop-end":
        last = chunks[-1]
        bad = data[:last[0]]
    elif tamper == "swap":
        bad = data[:a0] + data[a1:a1 + s1] + data[a0:a0 + s0] + data[a1 + s1:]
    elif tamper == "repeat":
        bad = data[:a1] + data[a0:a0 + s0] + data[a1:]
    elif tamper == "append":
        bad = data + data[a0:a0 + s0]
    elif tamper == "other-file":
        client_dir = tempfile.mkdtemp(dir=datadir)
        _, other = _saved(client_dir, make_server, key, big=True)
        oc = _chunks(other)
        bad = data[:a0] + other[oc[0][0]:oc[0][0] + oc[0][1]] + data[a1:]
    else:
        bad = data[:8] + b"\x02" + data[9:]
    with open(path, "wb") as f:
        f.write(bad)
    rc, out = start_fail(datadir, extra=["--encryption-key-file", key])
    assert rc == 1 and "Fatal error loading the DB" in out, out
    assert any(m in out for m in ("failed authentication", "truncated", "end marker",
                                  "unsupported encrypted container", "after its end marker")), out
    for marker in ("AddressSanitizer", "runtime error", "LeakSanitizer"):
        assert marker not in out, out
    rc, out, _ = wcheck("--key-file", key, path)
    assert rc == 1 and "INVALID" in out, out


def test_key_rotation(datadir, make_server):
    old = make_key(datadir, "key-old")
    new = make_key(datadir, "key-new")
    path, data = _saved(datadir, make_server, old)
    old_id = data[16:24]
    # the new key alone cannot read the old file
    rc, out = start_fail(datadir, extra=["--encryption-key-file", new])
    assert rc == 1 and "not among the configured keys" in out, out
    s = make_server(args=enc_args(datadir, new, "--encryption-old-key-files", old))
    c = client(s)
    assert c.get("secret") == SECRET
    c.execute_command("SAVE")
    with open(path, "rb") as f:
        new_id = f.read(24)[16:24]
    assert new_id != old_id
    s.stop()
    s2 = make_server(args=enc_args(datadir, new))
    assert client(s2).get("secret") == SECRET


def test_plaintext_migrates_and_encrypted_needs_key(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    fill(client(s))
    client(s).execute_command("SAVE")
    s.stop()
    key = make_key(datadir)
    s2 = make_server(args=enc_args(datadir, key))  # a plaintext file still loads
    c = client(s2)
    assert c.get("secret") == SECRET
    c.execute_command("SAVE")
    s2.stop()
    no_plaintext(datadir)
    rc, out = start_fail(datadir)  # no key: refused, with the key id named
    assert rc == 1 and "encrypted with key id" in out, out


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_warden_check_verify_and_decrypt(datadir, make_server):
    key = make_key(datadir)
    path, _ = _saved(datadir, make_server, key)
    rc, out, _ = wcheck("--key-file", key, path)
    assert rc == 0 and "OK (encrypted): RDB, 3 keys" in out, out
    rc, out, _ = wcheck(path)
    assert rc == 1 and "not among the configured keys" in out
    rc, out, plain = wcheck("--key-file", key, "--decrypt", path)
    assert rc == 0 and plain.startswith(b"REDIS0010")
    pdir = tempfile.mkdtemp(dir=datadir)
    with open(os.path.join(pdir, "dump.rdb"), "wb") as f:
        f.write(plain)
    out = subprocess.run([CHECK_RDB, os.path.join(pdir, "dump.rdb")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
    rs = RedisServer(pdir)
    try:
        assert rs.c.get("secret") == SECRET
    finally:
        rs.stop()
    rc, out, _ = wcheck("--bogus")
    assert rc == 2


def test_encrypted_aof(datadir, make_server):
    key = make_key(datadir)
    args = enc_args(datadir, key, "--appendonly", "yes", "--appendfsync", "always")
    s = Server(args=args)
    c = client(s)
    fill(c)
    c.execute_command("BGREWRITEAOF")
    assert wait_for(lambda: c.info("persistence")["aof_rewrites"] == 1)
    for i in range(50):
        c.set("after%d" % i, SECRET)
    os.kill(s.proc.pid, signal.SIGKILL)
    s.proc.wait()
    s.log.close()
    no_plaintext(datadir)
    adir = os.path.join(datadir, "appendonlydir")
    for n in os.listdir(adir):
        assert os.stat(os.path.join(adir, n)).st_mode & 0o777 == 0o600
        if not n.endswith(".manifest"):
            with open(os.path.join(adir, n), "rb") as f:
                assert f.read(8) == b"WRDNENC1", n
    rc, out, _ = wcheck("--key-file", key, os.path.join(adir, "appendonly.aof.manifest"))
    assert rc == 0 and "All files are valid" in out, out
    s2 = make_server(args=args)
    c2 = client(s2)
    assert c2.get("secret") == SECRET and c2.get("after49") == SECRET
    c2.set("more", "1")  # appended to the same encrypted incr file
    s2.stop()
    # a torn last chunk: loaded up to the last complete one (aof-load-truncated yes)
    incr = [n for n in os.listdir(adir) if n.endswith(".incr.aof")][0]
    ipath = os.path.join(adir, incr)
    with open(ipath, "rb") as f:
        data = f.read()
    with open(ipath, "wb") as f:
        f.write(data[:-5])
    s3 = make_server(args=args)
    c3 = client(s3)
    assert c3.get("after49") == SECRET and c3.get("more") is None
    assert "Truncating the AOF" in s3.read_log()
    s3.stop()
    # a chunk altered in the middle: refused
    with open(ipath, "rb") as f:
        data = bytearray(f.read())
    data[60] ^= 0x10
    with open(ipath, "wb") as f:
        f.write(bytes(data))
    rc, out = start_fail(datadir, extra=["--appendonly", "yes", "--encryption-key-file", key])
    assert rc == 1 and "failed authentication" in out, out
