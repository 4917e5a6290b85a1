"""The exam service under test: a content root with an online exam, real ``qinglian exam serve``
processes on free loopback ports, and a PostgreSQL cluster of our own (Debian's ``postgresql``
package: ``initdb`` into a temporary folder, a Unix socket there, never the system's 5432)."""

from __future__ import annotations

import contextlib
import csv
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.conftest import MINI, copy_root

QINGLIAN = str(Path(sys.executable).with_name("qinglian"))
ONLINE = """
online:
  start: 2020-01-01 08:00
  end: 2099-01-01 08:00
  minutes: 30
  show_score: true
  show_explanations: true
  url: http://exam.example.local/
"""
DEPARTMENTS = ("骨科", "药剂科", "心内科")
ROSTER = [(str(1001 + i), f"考生{i + 1:02d}", DEPARTMENTS[i % 3]) for i in range(24)]
PG_USER = "postgres"  # Debian's account of the postgresql package


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [QINGLIAN, *args], input=stdin, capture_output=True, text=True, timeout=120, env=_env()
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"qinglian {' '.join(args)} → {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINGLIAN_", "DJANGO_"))}
    env["QINGLIAN_SECRET_KEY"] = "test-secret-key-shared-by-every-server-of-this-run"
    return env


def write_roster(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["工号", "姓名", "科室"])
        w.writerows(rows)
    return path


def read_codes(folder: Path) -> dict[str, str]:
    with (folder / "codes.csv").open(encoding="utf-8-sig", newline="") as f:
        return {r["工号"]: r["考试码"] for r in csv.DictReader(f)}


def exam_root(tmp: Path, online: str = ONLINE) -> Path:
    root = copy_root(MINI, tmp / "root")
    exam = root / "site_config" / "exams" / "test-exam.yml"
    exam.write_text(exam.read_text(encoding="utf-8") + online, encoding="utf-8")
    return root


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def start_server(
    root: Path,
    db: str,
    workers: int = 2,
    port: int | None = None,
    args: tuple[str, ...] = (),
    env: dict | None = None,
) -> Server:
    port = port or free_port()
    log = root / f"serve-{port}.log"
    proc = subprocess.Popen(
        [
            QINGLIAN,
            "--root",
            str(root),
            "exam",
            "serve",
            "--db",
            db,
            "--addr",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *args,
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**_env(), **(env or {})},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exam serve exited {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return Server(url, proc, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"exam serve did not answer within 60 s:\n{log.read_text()}")


@dataclass
class Sitting:
    root: Path
    db: str
    codes: dict[str, str]
    servers: list[Server] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.servers[0].url


class Candidate:
    """A phone: its own cookies, the CSRF token from /api/csrf on every POST/PUT."""

    def __init__(self, url: str):
        self.client = httpx.Client(base_url=url, timeout=20)
        self.token = self.client.get("/api/csrf").json()["token"]

    def post(self, path, body=None, **kw):
        return self.client.post(path, json=body, headers={"X-CSRF-Token": self.token}, **kw)

    def put(self, no, answer):
        return self.client.put(
            f"/api/answers/{no}", json={"answer": answer}, headers={"X-CSRF-Token": self.token}
        )

    def login(self, staff_id, code):
        return self.post("/api/login", {"工号": staff_id, "code": code})

    def paper(self):
        return self.client.get("/api/paper")


def open_sitting(tmp: Path, db: str | None = None) -> Sitting:
    root = exam_root(tmp)
    roster = write_roster(tmp / "roster.csv", ROSTER)
    args = [
        "--root",
        str(root),
        "exam",
        "open",
        str(root / "site_config/exams/test-exam.yml"),
        "--roster",
        str(roster),
    ]
    if db:
        args += ["--db", db]
    run(*args)
    db = db or f"sqlite:///{root / 'private' / 'exam.sqlite3'}"
    return Sitting(root, db, read_codes(root / "private" / "test-exam"))


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise AssertionError(
            "找不到 initdb：请安装 Debian 的 postgresql 软件包（apt-get install -y postgresql）"
        )
    return found[-1].parent


def _as_user() -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as Debian's ``postgres``
    account (the postgresql package makes it); otherwise as this user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        raise AssertionError(
            f"没有 {PG_USER} 账户：请安装 Debian 的 postgresql 软件包（apt-get install -y postgresql）"
        ) from None
    return ["runuser", "-u", PG_USER, "--"]


@contextlib.contextmanager
def pg_cluster(base: Path):
    """Start a PostgreSQL cluster; yields ``database(name) -> URL``; stops it after.

    In ``base`` when this user runs it; as root, in a folder of the ``postgres`` account's own
    made in the system's temporary folder (which every account reaches), removed after —
    nothing else on the host changes."""
    bindir = _pg_bin()
    prefix = _as_user()
    own = None
    if prefix:
        own = Path(tempfile.mkdtemp(prefix="qinglian-pg-"))
        shutil.chown(own, PG_USER, PG_USER)
        base = own
    try:
        with _pg_running(bindir, base, prefix) as database:
            yield database
    finally:
        if own is not None:
            shutil.rmtree(own, ignore_errors=True)


@contextlib.contextmanager
def _pg_running(bindir: Path, base: Path, prefix: list[str]):
    data, sock = base / "data", base / "sock"
    subprocess.run([*prefix, "mkdir", str(sock)], check=True)
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = base / "pg.log"
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {sock} -c listen_addresses='' -c fsync=on -c max_connections=300",
            "start",
        ],
        check=True,
        capture_output=True,
    )

    def database(name: str) -> str:
        subprocess.run(
            [str(bindir / "createdb"), "-h", str(sock), "-p", str(port), "-U", "postgres", name],
            check=True,
            capture_output=True,
        )
        return f"postgresql://postgres@/{name}?host={sock}&port={port}"

    try:
        yield database
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """A PostgreSQL cluster of the test run's own: yields a database URL factory."""
    with pg_cluster(tmp_path_factory.mktemp("pg")) as database:
        yield database


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def sitting(request, tmp_path_factory):
    """A sitting of 24 people on SQLite or PostgreSQL, with one exam serve on it (per module:
    each test uses its own people)."""
    db = None
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "postgres":
        db = request.getfixturevalue("postgres")(f"{request.module.__name__.rsplit('.', 1)[-1]}")
    s = open_sitting(tmp, db)
    s.servers.append(start_server(s.root, s.db))
    yield s
    for server in s.servers:
        server.stop()


def execute_sql(db: str, statement: str) -> None:
    """Run one statement on the sitting's database directly (as an admin would, or time does)."""
    if db.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(db.removeprefix("sqlite://"))) as con:
            con.execute(statement)
            con.commit()
        return
    import psycopg

    parts = urlsplit(db)
    query = dict(parse_qsl(parts.query))
    with psycopg.connect(
        dbname=parts.path.lstrip("/"), user=parts.username, host=query["host"], port=query["port"]
    ) as con:
        con.execute(statement)
