"""Smoke: the server starts, answers redis-py and redis-cli, and stops cleanly."""


def test_ping_get_set(r):
    assert r.ping() is True
    assert r.set("smoke:a", "1") is True
    assert r.get("smoke:a") == b"1"


def test_redis_cli(server):
    assert server.cli("PING").strip() == "PONG"
    assert server.cli("SET", "smoke:cli", "v").strip() == "OK"
    assert server.cli("GET", "smoke:cli").strip() == "v"


def test_unknown_command(r):
    import redis
    try:
        r.execute_command("NOSUCHCMD", "a", "b")
        assert False
    except redis.ResponseError as e:
        assert str(e) == "unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' "
