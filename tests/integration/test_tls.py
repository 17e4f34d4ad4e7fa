"""TLS (src/net/tls.c): redis-py with ssl=True and redis-cli --tls, client certificates
(required / optional / not asked), protocol versions, plaintext on the TLS port,
handshake deadline, certificate reload by CONFIG SET, login by certificate CN, session
resumption, TLS-only servers, the non-loopback warning, and the network limits over TLS.
Certificates are made for the module with the openssl command-line tool."""
import os
import socket
import ssl
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import SLOW, Server, free_port
from respwire import wait_for


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certs():
    d = tempfile.mkdtemp(prefix="warden-tls-")

    def ca(name):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                "-days", "2", "-subj", "/CN=%s" % name, cwd=d)

    def cert(name, cn, ca_name, server=False, passphrase=None):
        key_args = ["-nodes"] if passphrase is None else ["-passout", "pass:" + passphrase]
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", *key_args, "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=%s" % cn, cwd=d)
        ext = []
        if server:
            with open(os.path.join(d, name + ".ext"), "w") as f:
                f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
            ext = ["-extfile", name + ".ext"]
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca_name + ".crt", "-CAkey", ca_name + ".key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "2", *ext, cwd=d)

    ca("ca")
    ca("ca2")
    ca("rogue")
    cert("server", "localhost", "ca", server=True)
    cert("server2", "localhost", "ca2", server=True)
    cert("locked", "localhost", "ca", server=True, passphrase="s3cret")
    cert("alice", "alice", "ca")
    cert("nobody", "nobody", "ca")
    cert("mallory", "alice", "rogue")  # right name, wrong issuer
    return {k: os.path.join(d, k) for k in ("ca", "ca2", "rogue", "server", "server2", "locked", "alice",
                                             "nobody", "mallory")} | {"dir": d}


def tls_args(certs, tls_port, auth="yes", server="server", extra=()):
    return ["--tls-port", str(tls_port), "--tls-cert-file", certs[server] + ".crt",
            "--tls-key-file", certs[server] + ".key", "--tls-ca-cert-file", certs["ca"] + ".crt",
            "--tls-auth-clients", auth] + list(extra)


def context(certs, client="alice", ca="ca", minv=None, maxv=None):
    ctx = ssl.create_default_context(cafile=certs[ca] + ".crt")
    if client:
        ctx.load_cert_chain(certs[client] + ".crt", certs[client] + ".key")
    if minv:
        ctx.minimum_version = minv
    if maxv:
        ctx.maximum_version = maxv
    return ctx


def tls_connect(port, ctx, timeout=5.0, session=None):
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
    try:
        return ctx.wrap_socket(raw, server_hostname="localhost", session=session)
    except Exception:
        raw.close()
        raise


def tls_ping(port, ctx):
    with tls_connect(port, ctx) as s:
        s.sendall(b"PING\r\n")
        return s.recv(100)


def handshake_fails(port, ctx):
    """True when the server refuses the handshake (TLS 1.3 may report it only at the
    first read, after the client thinks the handshake is done)."""
    try:
        with tls_connect(port, ctx) as s:
            s.sendall(b"PING\r\n")
            return s.recv(100) == b""
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        return True


@pytest.fixture
def tls_server(make_server, certs):
    """make_server with a TLS port next to the plaintext one (the plaintext port is what
    the fixture's readiness probe uses)."""
    def make(auth="yes", extra=(), server="server"):
        port = free_port()
        s = make_server(tls_args(certs, port, auth, server, extra))
        s.tls_port = port
        return s
    return make


def rpy(s, certs, client="alice", **kw):
    kw.setdefault("socket_timeout", 10 * SLOW)
    args = dict(host="localhost", port=s.tls_port, ssl=True, ssl_ca_certs=certs["ca"] + ".crt")
    if client:
        args.update(ssl_certfile=certs[client] + ".crt", ssl_keyfile=certs[client] + ".key")
    args.update(kw)
    return redis.Redis(**args)


def info_stat(s, field):
    return s.client().info("stats")[field]


# ---------------------------------------------------------------- clients


def test_redis_py_over_tls(tls_server, certs):
    s = tls_server()
    r = rpy(s, certs)
    assert r.ping() is True
    r.set("k", "v")
    assert r.get("k") == b"v"
    # big values cross many TLS records both ways; a pipeline leaves records half-read
    big = os.urandom(3 << 20)
    r.set("big", big)
    assert r.get("big") == big
    p = r.pipeline(transaction=False)
    for i in range(200):
        p.set("p%d" % i, "x" * 1000)
        p.get("p%d" % i)
    out = p.execute()
    assert out[1::2] == [b"x" * 1000] * 200
    # the plaintext port serves the same data
    assert s.client().get("k") == b"v"


def test_redis_cli_over_tls(tls_server, certs):
    s = tls_server()
    base = ["redis-cli", "-h", "127.0.0.1", "-p", str(s.tls_port), "--tls", "--cacert", certs["ca"] + ".crt",
            "--cert", certs["alice"] + ".crt", "--key", certs["alice"] + ".key"]
    out = subprocess.run(base + ["SET", "cli", "hello"], capture_output=True, text=True, timeout=30 * SLOW)
    assert out.stdout.strip() == "OK", out.stderr
    out = subprocess.run(base + ["GET", "cli"], capture_output=True, text=True, timeout=30 * SLOW)
    assert out.stdout.strip() == "hello"
    # without a client certificate the server refuses (tls-auth-clients yes)
    out = subprocess.run(base[:7] + ["PING"], capture_output=True, text=True, timeout=30 * SLOW)
    assert out.stdout.strip() != "PONG"


# ---------------------------------------------------------------- client certificates


def test_client_certificate_required(tls_server, certs):
    s = tls_server("yes")
    assert tls_ping(s.tls_port, context(certs)) == b"+PONG\r\n"
    assert handshake_fails(s.tls_port, context(certs, client=None))
    assert handshake_fails(s.tls_port, context(certs, client="mallory"))
    assert wait_for(lambda: info_stat(s, "tls_handshake_failures") >= 2, 3)


def test_client_certificate_optional(tls_server, certs):
    s = tls_server("optional")
    assert tls_ping(s.tls_port, context(certs, client=None)) == b"+PONG\r\n"
    assert tls_ping(s.tls_port, context(certs)) == b"+PONG\r\n"
    assert handshake_fails(s.tls_port, context(certs, client="mallory"))  # a bad one is still refused


def test_client_certificate_not_asked(tls_server, certs):
    s = tls_server("no")
    assert tls_ping(s.tls_port, context(certs, client=None)) == b"+PONG\r\n"
    r = rpy(s, certs, client=None)
    assert r.ping() is True


def test_ca_needed_when_clients_authenticate(make_server, certs):
    port = free_port()
    args = ["--tls-port", str(port), "--tls-cert-file", certs["server"] + ".crt", "--tls-key-file",
            certs["server"] + ".key"]
    with pytest.raises(RuntimeError) as e:
        make_server(args)  # tls-auth-clients defaults to yes
    assert "tls-ca-cert-file or tls-ca-cert-dir" in str(e.value)
    s = make_server(args + ["--tls-auth-clients", "no"])
    assert tls_ping(port, context(certs, client=None)) == b"+PONG\r\n"
    s.stop()


# ---------------------------------------------------------------- protocols


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated")
def test_tls11_refused_tls12_and_13_accepted(tls_server, certs):
    s = tls_server()
    old = context(certs)
    old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        old.set_ciphers("ALL:@SECLEVEL=0")  # let the client even try
    except ssl.SSLError:
        pass
    assert handshake_fails(s.tls_port, old)
    for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        with tls_connect(s.tls_port, context(certs, minv=v, maxv=v)) as c:
            assert c.version() == {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[v]
            c.sendall(b"PING\r\n")
            assert c.recv(100) == b"+PONG\r\n"


def test_tls_protocols_option(tls_server, certs, make_server):
    s = tls_server(extra=["--tls-protocols", "TLSv1.3"])
    assert handshake_fails(s.tls_port, context(certs, maxv=ssl.TLSVersion.TLSv1_2))
    assert tls_ping(s.tls_port, context(certs, minv=ssl.TLSVersion.TLSv1_3)) == b"+PONG\r\n"
    r = s.client()
    assert r.config_get("tls-protocols") == {"tls-protocols": "TLSv1.3"}
    for bad, why in (("TLSv1.1", "TLS protocol TLSv1.1 is not allowed"), ("TLSv1", "TLS protocol TLSv1 is not"),
                     ("SSLv3", "Invalid tls-protocols specified: SSLv3")):
        with pytest.raises(redis.ResponseError) as e:
            r.config_set("tls-protocols", bad)
        assert why in str(e.value)
    r.config_set("tls-protocols", "TLSv1.2 TLSv1.3")
    assert tls_ping(s.tls_port, context(certs, maxv=ssl.TLSVersion.TLSv1_2)) == b"+PONG\r\n"
    with pytest.raises(RuntimeError) as e:
        make_server(tls_args(certs, free_port(), extra=["--tls-protocols", "TLSv1.1 TLSv1.2"]))
    assert "TLS protocol TLSv1.1 is not allowed" in str(e.value)


def test_ciphersuites_and_ciphers(tls_server, certs):
    s = tls_server(extra=["--tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256",
                          "--tls-ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256", "--tls-prefer-server-ciphers", "yes"])
    with tls_connect(s.tls_port, context(certs, minv=ssl.TLSVersion.TLSv1_3)) as c:
        assert c.cipher()[0] == "TLS_CHACHA20_POLY1305_SHA256"
    with tls_connect(s.tls_port, context(certs, maxv=ssl.TLSVersion.TLSv1_2)) as c:
        assert c.cipher()[0] == "ECDHE-ECDSA-AES128-GCM-SHA256"
    with pytest.raises(redis.ResponseError, match="Unable to update TLS configuration"):
        s.client().config_set("tls-ciphers", "NO-SUCH-CIPHER")


# ---------------------------------------------------------------- hostile clients


def test_plaintext_on_tls_port_refused(tls_server, certs):
    s = tls_server()
    with socket.create_connection(("127.0.0.1", s.tls_port), timeout=5 * SLOW) as c:
        c.sendall(b"PING\r\n*1\r\n$4\r\nPING\r\n")
        data = b""
        try:
            while True:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        assert b"PONG" not in data
    assert tls_ping(s.tls_port, context(certs)) == b"+PONG\r\n"
    assert wait_for(lambda: info_stat(s, "tls_handshake_failures") >= 1, 3)


def test_handshake_deadline(tls_server, certs):
    s = tls_server(extra=["--tls-handshake-timeout", "1"])
    silent = socket.create_connection(("127.0.0.1", s.tls_port))
    partial = socket.create_connection(("127.0.0.1", s.tls_port))
    partial.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # the start of a ClientHello
    t0 = time.time()
    for c in (silent, partial):
        c.settimeout(4 * SLOW)
        try:
            assert c.recv(100) == b""
        except ConnectionResetError:
            pass
        c.close()
    assert 0.8 < time.time() - t0 < 4 * SLOW
    assert wait_for(lambda: info_stat(s, "tls_handshake_timeouts") == 2, 3)
    # a client that completes its handshake is not affected
    with tls_connect(s.tls_port, context(certs)) as c:
        time.sleep(1.3)
        c.sendall(b"PING\r\n")
        assert c.recv(100) == b"+PONG\r\n"


def test_limits_hold_over_tls(tls_server, certs):
    s = tls_server(extra=["--client-request-timeout", "1", "--client-output-buffer-limit", "normal", "1mb", "0",
                          "0"])
    r = s.client()
    r.set("big", b"b" * (256 << 10))
    # slowloris over TLS: an incomplete request is cut at the deadline
    with tls_connect(s.tls_port, context(certs)) as c:
        c.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbi")
        c.settimeout(4 * SLOW)
        try:
            assert c.recv(100) == b""
        except (ConnectionResetError, ssl.SSLError):
            pass
    # a greedy reader over TLS is cut off at the output limit
    c = tls_connect(s.tls_port, context(certs))
    c.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 100)  # 25 MB of replies
    time.sleep(0.5)
    got = 0
    c.settimeout(5 * SLOW)
    try:
        while True:
            chunk = c.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
    except (ConnectionResetError, ssl.SSLError):
        pass
    c.close()
    assert got < 12 << 20
    assert "overcoming of output buffer limits" in s.read_log()
    # the per-address cap counts TLS connections too (r holds one plaintext connection)
    r.config_set("maxclients-per-ip", "5")
    assert wait_for(lambda: r.info("clients")["connected_clients"] == 1, 5)  # the closes above are done
    held = [tls_connect(s.tls_port, context(certs)) for _ in range(4)]
    for h in held:
        h.sendall(b"PING\r\n")
        assert h.recv(100) == b"+PONG\r\n"
    assert handshake_fails(s.tls_port, context(certs))
    for h in held:
        h.close()
    assert wait_for(lambda: not handshake_fails(s.tls_port, context(certs)), 3)
    assert r.get("big") == b"b" * (256 << 10)


# ---------------------------------------------------------------- reload, login, sessions


def test_certificate_reload(tls_server, certs):
    s = tls_server()
    r = s.client()
    old_conn = rpy(s, certs)
    assert old_conn.set("a", "1")
    r.config_set("tls-cert-file", certs["server2"] + ".crt", "tls-key-file", certs["server2"] + ".key")
    assert r.config_get("tls-cert-file") == {"tls-cert-file": certs["server2"] + ".crt"}
    # new connections get the new certificate (issued by ca2)
    assert handshake_fails(s.tls_port, context(certs, ca="ca"))
    assert tls_ping(s.tls_port, context(certs, ca="ca2")) == b"+PONG\r\n"
    # the open connection goes on
    assert old_conn.get("a") == b"1"
    # a broken certificate is refused and changes nothing
    with pytest.raises(redis.ResponseError) as e:
        r.config_set("tls-cert-file", certs["dir"] + "/missing.crt")
    assert "Unable to update TLS configuration" in str(e.value)
    assert r.config_get("tls-cert-file") == {"tls-cert-file": certs["server2"] + ".crt"}
    # a key that does not match the certificate is refused too
    with pytest.raises(redis.ResponseError, match="does not match"):
        r.config_set("tls-cert-file", certs["server"] + ".crt")
    assert tls_ping(s.tls_port, context(certs, ca="ca2")) == b"+PONG\r\n"


def test_login_by_certificate_cn(tls_server, certs):
    s = tls_server(extra=["--tls-auth-clients-user", "CN", "--requirepass", "pw"])
    r = s.client(password="pw")
    r.execute_command("ACL", "SETUSER", "alice", "on", ">x", "~*", "+@all")
    a = rpy(s, certs, client="alice")
    assert a.execute_command("ACL", "WHOAMI") == b"alice"  # no AUTH needed
    # a CN that is no user gets no login
    n = rpy(s, certs, client="nobody")
    with pytest.raises(redis.AuthenticationError):
        n.ping()
    # a disabled user gets no login
    r.execute_command("ACL", "SETUSER", "alice", "off")
    with pytest.raises(redis.AuthenticationError):
        rpy(s, certs, client="alice").ping()
    # off: the certificate proves nothing about the user
    r.execute_command("ACL", "SETUSER", "alice", "on")
    r.config_set("tls-auth-clients-user", "off")
    with pytest.raises(redis.AuthenticationError):
        rpy(s, certs, client="alice").ping()
    assert r.config_get("tls-auth-clients-user") == {"tls-auth-clients-user": "off"}


def test_session_resumption(tls_server, certs):
    s = tls_server()
    ctx = context(certs, maxv=ssl.TLSVersion.TLSv1_2)
    with tls_connect(s.tls_port, ctx) as c:
        c.sendall(b"PING\r\n")
        assert c.recv(100) == b"+PONG\r\n"
        sess = c.session
    with tls_connect(s.tls_port, ctx, session=sess) as c:
        assert c.session_reused
    s.client().config_set("tls-session-caching", "no")
    with tls_connect(s.tls_port, ctx) as c:
        c.sendall(b"PING\r\n")
        assert c.recv(100) == b"+PONG\r\n"
        sess = c.session
    with tls_connect(s.tls_port, ctx, session=sess) as c:
        assert not c.session_reused


def test_encrypted_private_key(make_server, certs):
    port = free_port()
    base = ["--tls-port", str(port), "--tls-cert-file", certs["locked"] + ".crt", "--tls-key-file",
            certs["locked"] + ".key", "--tls-auth-clients", "no"]
    with pytest.raises(RuntimeError) as e:
        make_server(base + ["--tls-key-file-pass", "wrong"])
    assert "Failed to load private key" in str(e.value)
    assert "wrong" not in str(e.value).split("Failed to load")[1]  # the password is never logged
    make_server(base + ["--tls-key-file-pass", "s3cret"])
    assert tls_ping(port, context(certs, client=None)) == b"+PONG\r\n"


# ---------------------------------------------------------------- listeners


class TlsOnlyServer(Server):
    """`port 0` + tls-port: nothing listens in plaintext; readiness is probed over TLS."""

    def __init__(self, certs, args):
        self.tls_port = free_port()
        self.ctx = context(certs)
        super().__init__(tls_args(certs, self.tls_port) + ["--port", "0"] + list(args))

    def _wait_ready(self):
        deadline = time.time() + 10 * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited at start:\n" + self.read_log())
            try:
                if tls_ping(self.tls_port, self.ctx) == b"+PONG\r\n":
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start:\n" + self.read_log())


def test_tls_only_server(certs):
    s = TlsOnlyServer(certs, [])
    try:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
        r = rpy(s, certs)
        r.set("only", "tls")
        assert r.get("only") == b"tls"
        assert "Ready to accept connections tls" in s.read_log()
        with pytest.raises(redis.ResponseError, match="changing it at run time"):
            r.config_set("tls-port", str(free_port()))
    finally:
        assert s.stop() == 0
        s.check_clean()


def test_warning_when_listening_on_network_without_tls(make_server, certs):
    s = make_server(["--bind", "0.0.0.0", "--requirepass", "pw"])
    assert "WARNING: listening on 0.0.0.0:%d without TLS" % s.port in s.read_log(), s.read_log()
    quiet = make_server()  # 127.0.0.1
    assert "without TLS" not in quiet.read_log(), quiet.read_log()
    tls = TlsOnlyServer(certs, ["--bind", "0.0.0.0"])
    try:
        assert "without TLS" not in tls.read_log(), tls.read_log()
    finally:
        assert tls.stop() == 0
        tls.check_clean()


def test_memcache_over_tls(make_server, certs):
    """memcached-tls-port serves the memcache protocol over TLS with the same certificates
    and client-certificate rules; a pymemcache client with a TLS context works."""
    from pymemcache.client.base import Client
    mport = free_port()
    s = make_server(args=["--memcached-tls-port", str(mport), "--tls-cert-file", certs["server"] + ".crt",
                          "--tls-key-file", certs["server"] + ".key", "--tls-ca-cert-file", certs["ca"] + ".crt",
                          "--tls-auth-clients", "yes"])
    m = Client(("127.0.0.1", mport), tls_context=context(certs), timeout=5 * SLOW, connect_timeout=5 * SLOW)
    assert m.set("tlskey", b"v1") is True
    assert m.get("tlskey") == b"v1"
    m.close()
    assert s.client().get("tlskey") == b"v1"  # same keyspace as RESP
    # no client certificate: refused when tls-auth-clients is yes
    assert handshake_fails(mport, context(certs, client=None))
    # plaintext on the TLS memcache port gets nothing useful back
    with socket.create_connection(("127.0.0.1", mport), timeout=5 * SLOW) as raw:
        raw.sendall(b"version\r\n")
        try:
            data = raw.recv(100)
        except OSError:
            data = b""
        assert not data.startswith(b"VERSION")
