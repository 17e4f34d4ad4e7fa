"""Release packaging (docs/releasing.md): `scripts/make-dist.sh` builds a reproducible
source tarball with the dependency manifest, SHA256SUMS and an Ed25519 signature made
with a throwaway key here; `scripts/verify-release.sh` accepts exactly that and refuses
every tampering: a changed tarball, a changed SHA256SUMS, another key's signature, a
missing signature, a path in SHA256SUMS. The binary prints its manifest with
`--version --verbose`. Not repeated in the ASan run (it builds no server)."""
import os
import shutil
import subprocess
import tarfile

import pytest

from conftest import ASAN, ROOT

pytestmark = pytest.mark.skipif(ASAN, reason="packaging is checked once, in the release run")

MAKE_DIST = os.path.join(ROOT, "scripts/make-dist.sh")
VERIFY = os.path.join(ROOT, "scripts/verify-release.sh")


def run(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=120)


def keypair(d, name):
    priv, pub = os.path.join(d, name + ".pem"), os.path.join(d, name + ".pub")
    run("openssl", "genpkey", "-algorithm", "ed25519", "-out", priv)
    run("openssl", "pkey", "-in", priv, "-pubout", "-out", pub)
    return priv, pub


def version():
    for line in open(os.path.join(ROOT, "src/version.h")):
        if line.startswith("#define WARDEN_VERSION "):
            return line.split('"')[1]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    if run("git", "-C", ROOT, "rev-parse", "HEAD", check=False).returncode != 0:
        pytest.skip("not a git checkout")
    d = str(tmp_path_factory.mktemp("release"))
    priv, pub = keypair(d, "release")
    out = os.path.join(d, "dist")
    r = run(MAKE_DIST, out, priv)
    assert "signed with the Ed25519 key" in r.stderr
    return d, out, pub, priv


def verify(out, pub):
    return run(VERIFY, out, pub, check=False)


def copy(out, d, name):
    dst = os.path.join(d, name)
    shutil.copytree(out, dst)
    return dst


def test_release_contents(release):
    _, out, _, _ = release
    tarball = "warden-%s.tar.gz" % version()
    assert sorted(os.listdir(out)) == sorted(["DEPENDENCIES.txt", "SHA256SUMS", "SHA256SUMS.sig", tarball])
    sums = open(os.path.join(out, "SHA256SUMS")).read().split("\n")
    assert [line.split()[1] for line in sums if line] == [tarball, "DEPENDENCIES.txt"]
    assert os.path.getsize(os.path.join(out, "SHA256SUMS.sig")) == 64  # a raw Ed25519 signature
    manifest = open(os.path.join(out, "DEPENDENCIES.txt")).read()
    assert manifest.startswith("Warden %s build manifest\n" % version())
    for pkg in ("libssl-dev", "libjemalloc-dev", "libc6-dev", "make"):
        assert "\n  %s " % pkg in manifest, manifest
    with tarfile.open(os.path.join(out, tarball)) as t:
        names = t.getnames()
        prefix = "warden-%s/" % version()
        assert all(n == prefix[:-1] or n.startswith(prefix) for n in names)
        for f in ("Makefile", "src/server.c", "scripts/verify-release.sh", "DEPENDENCIES.txt"):
            assert prefix + f in names
        assert t.extractfile(prefix + "DEPENDENCIES.txt").read().decode() == manifest


def test_tarball_is_reproducible(release):
    d, out, _, _ = release
    again = os.path.join(d, "again")
    run(MAKE_DIST, again, "--unsigned")
    tarball = "warden-%s.tar.gz" % version()
    assert open(os.path.join(out, tarball), "rb").read() == open(os.path.join(again, tarball), "rb").read()
    assert not os.path.exists(os.path.join(again, "SHA256SUMS.sig"))


def test_verify_accepts_the_release(release):
    _, out, pub, _ = release
    r = verify(out, pub)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK: signature good, 2 file(s) verified")


def test_verify_refuses_a_changed_tarball(release):
    d, out, pub, _ = release
    bad = copy(out, d, "changed-tarball")
    with open(os.path.join(bad, "warden-%s.tar.gz" % version()), "r+b") as f:
        f.seek(100)
        b = f.read(1)
        f.seek(100)
        f.write(bytes([b[0] ^ 1]))
    r = verify(bad, pub)
    assert r.returncode == 1 and "does not match SHA256SUMS" in r.stderr


def test_verify_refuses_a_changed_checksum_list(release):
    d, out, pub, _ = release
    bad = copy(out, d, "changed-sums")
    path = os.path.join(bad, "SHA256SUMS")
    text = open(path).read()
    open(path, "w").write(("0" if text[0] != "0" else "1") + text[1:])
    r = verify(bad, pub)
    assert r.returncode == 1 and "bad signature" in r.stderr


def test_verify_refuses_another_key(release):
    d, out, _, _ = release
    _, other_pub = keypair(d, "other")
    r = verify(out, other_pub)
    assert r.returncode == 1 and "bad signature" in r.stderr


def test_verify_refuses_a_missing_signature(release):
    d, out, pub, _ = release
    bad = copy(out, d, "unsigned")
    os.unlink(os.path.join(bad, "SHA256SUMS.sig"))
    r = verify(bad, pub)
    assert r.returncode == 1 and "SHA256SUMS.sig is missing" in r.stderr


def test_verify_refuses_paths_even_when_signed(release):
    # a signed list naming a file outside the folder is refused all the same
    d, out, pub, priv = release
    bad = copy(out, d, "path")
    sums = os.path.join(bad, "SHA256SUMS")
    with open(sums, "a") as f:
        f.write("%s  ../outside\n" % ("0" * 64))
    run("openssl", "pkeyutl", "-sign", "-inkey", priv, "-rawin", "-in", sums, "-out", sums + ".sig")
    r = verify(bad, pub)
    assert r.returncode == 1 and "outside the release folder" in r.stderr


def test_binary_prints_its_manifest():
    binary = os.path.join(ROOT, "build/warden")
    if not os.path.exists(binary):
        pytest.skip("build/warden is not built")
    plain = run(binary, "--version").stdout
    assert plain.startswith("Warden server v=%s " % version()) and plain.count("\n") == 1
    verbose = run(binary, "--version", "--verbose").stdout
    assert verbose.startswith(plain)
    assert "Warden %s build manifest\n" % version() in verbose
    assert "\npackages:\n" in verbose and "libssl" in verbose
