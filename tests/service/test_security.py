"""What an auditor (等保) and an attacker try, on SQLite and PostgreSQL against real servers:
forwarded headers believed only from trusted proxies, a trainer reading another trainer's
sitting, Host headers, the code key apart from Django's secret, servers that never migrate."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest

from .conftest import QINGLIAN, Candidate, _env, execute_sql, run, start_server

pytestmark = pytest.mark.service
PASSWORD = "ein-langes-Passwort-2026"


def login_from(url, staff_id, code, forwarded=None):
    c = Candidate(url)
    headers = {"X-CSRF-Token": c.token}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return c.client.post("/api/login", json={"工号": staff_id, "code": code}, headers=headers)


def test_forwarded_for_from_a_trusted_proxy_locks_out_one_client_not_the_hospital(sitting):
    server = start_server(sitting.root, sitting.db, env={"QINGLIAN_FAILURES_PER_IP": "3"})
    try:
        for n in range(3):  # one client behind the proxy tries three unknown 工号
            r = login_from(server.url, f"99{n}", "WRONG", forwarded="10.1.1.1")
            assert r.status_code == 401
        locked = login_from(server.url, "1001", sitting.codes["1001"], forwarded="10.1.1.1")
        assert locked.status_code == 429
        # everyone else behind the same proxy (same REMOTE_ADDR) still gets in
        ok = login_from(server.url, "1001", sitting.codes["1001"], forwarded="10.1.1.2")
        assert ok.status_code == 200
    finally:
        server.stop()
        execute_sql(sitting.db, "DELETE FROM exam_throttle")


def test_a_spoofed_forwarded_for_from_a_non_proxy_address_is_ignored(sitting):
    # loopback is NOT a trusted proxy for this server: the test client is a direct client
    server = start_server(
        sitting.root,
        sitting.db,
        args=("--forwarded-allow-ips", "10.255.255.1"),
        env={"QINGLIAN_FAILURES_PER_IP": "3"},
    )
    try:
        for n in range(3):  # a new invented address on every try
            r = login_from(server.url, f"98{n}", "WRONG", forwarded=f"10.2.2.{n}")
            assert r.status_code == 401
        r = login_from(server.url, "1002", sitting.codes["1002"], forwarded="10.2.2.99")
        assert r.status_code == 429  # the lockout follows the real address
    finally:
        server.stop()
        execute_sql(sitting.db, "DELETE FROM exam_throttle")


def trainer(sitting, name, *options) -> httpx.Client:
    run(
        "--root", str(sitting.root), "exam", "admin", name, "--db", sitting.db,
        "--password-stdin", *options, stdin=PASSWORD + "\n",
    )  # fmt: skip
    t = httpx.Client(base_url=sitting.url, timeout=30, follow_redirects=True)
    t.get("/trainer/login/")
    r = t.post(
        "/trainer/login/",
        data={
            "username": name,
            "password": PASSWORD,
            "csrfmiddlewaretoken": t.cookies["csrftoken"],
        },
        headers={"Referer": sitting.url + "/trainer/login/"},
    )
    assert r.status_code == 200 and "考试场次" in r.text
    return t


def test_a_trainer_cannot_read_another_trainers_sitting(sitting):
    outsider = trainer(sitting, "outsider")
    holder = trainer(sitting, "holder", "--sitting", "test-exam")
    boss = trainer(sitting, "boss", "--role", "admin")
    assert "测试考试" not in outsider.get("/trainer/").text
    for path in (
        "/trainer/test-exam/",
        "/trainer/test-exam/progress.json",
        "/trainer/test-exam/files/codes.csv",
        "/trainer/test-exam/files/answers.csv",
        "/trainer/test-exam/files/key.json",
        "/trainer/test-exam/audit",
    ):
        assert outsider.get(path).status_code == 404, path
        assert holder.get(path).status_code == 200, path
        assert boss.get(path).status_code == 200, path
    r = outsider.post(
        "/trainer/test-exam/close",
        data={"confirm": "yes", "csrfmiddlewaretoken": outsider.cookies["csrftoken"]},
        headers={"Referer": sitting.url + "/trainer/"},
    )
    assert r.status_code == 404
    assert "测试考试" in holder.get("/trainer/").text and "测试考试" in boss.get("/trainer/").text
    codes = holder.get("/trainer/test-exam/files/codes.csv").text
    assert sitting.codes["1001"].replace(" ", "") in codes.replace(" ", "")
    # the grant is in the audit log
    assert "holder" in boss.get("/trainer/test-exam/audit").text


def test_host_header_must_be_an_allowed_host(sitting):
    assert httpx.get(sitting.url + "/healthz").status_code == 200
    evil = httpx.get(sitting.url + "/healthz", headers={"Host": "evil.example"})
    assert evil.status_code == 400


def test_rotating_djangos_secret_keeps_every_code(sitting):
    server = start_server(
        sitting.root, sitting.db, env={"QINGLIAN_SECRET_KEY": "a-brand-new-rotated-secret"}
    )
    try:
        assert login_from(server.url, "1005", sitting.codes["1005"]).status_code == 200
        assert login_from(server.url, "1005", "AAAA AAAA").status_code == 401
    finally:
        server.stop()
    key = (sitting.root / "private" / "exam-code.key").read_text().strip()
    assert len(key) >= 40 and key != _env()["QINGLIAN_SECRET_KEY"]


def test_servers_never_migrate_exam_migrate_does(sitting, tmp_path, request):
    if sitting.db.startswith("sqlite"):
        db = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        db = request.getfixturevalue("postgres")("fresh_for_migrate")
    proc = subprocess.run(
        [QINGLIAN, "--root", str(sitting.root), "exam", "serve", "--db", db, "--addr",
         "127.0.0.1:9"],
        capture_output=True, text=True, timeout=60, env=_env(),
    )  # fmt: skip
    assert proc.returncode == 1
    assert "qinglian exam migrate" in proc.stderr and "Traceback" not in proc.stderr
    done = run("--root", str(sitting.root), "exam", "migrate", "--db", db)
    assert "最新" in done.stdout
    server = start_server(sitting.root, db)
    server.stop()


def test_no_private_django_internals():
    source = Path(__file__).resolve().parents[2] / "generator"
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.(as_sql|get_compiler|get_converters|apply_converters)\(", text), (
            path
        )
