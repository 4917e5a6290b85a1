"""Load test of the exam service: N candidates at once against a real ``qinglian exam serve`` on
loopback, on SQLite and on PostgreSQL (a cluster of its own, as the tests start it).

Each user reads like a person with a phone (Locust's style: a user with think time): fetch the
CSRF token, log in, load the paper, save 40 answers about 3 s apart (a fast reader), submit.
Users arrive over ``--ramp`` seconds, as staff do at the start of a sitting. Reports errors (any
non-200 or connection failure) and p50/p95/p99 latency of the saves, logins and paper loads.

The server and this client share the machine: keep other work off it while measuring (with
``kernel.sched_autogroup_enabled=1``, as on many desktops and VMs, ``nice`` on another terminal's
work does not help; ``echo 0 > /proc/sys/kernel/sched_autogroup_enabled`` makes it).

Usage: .venv/bin/python bench/exam_load.py [--users 1000] [--workers N] [--db sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import copy_root  # noqa: E402
from tests.service.conftest import (  # noqa: E402
    pg_cluster,
    read_codes,
    run,
    start_server,
    write_roster,
)

ONLINE = """
online:
  start: 2020-01-01 08:00
  end: 2099-01-01 08:00
  minutes: 90
  url: http://exam.example.local/
"""
SAVES = 40


def content(tmp: Path, users: int) -> tuple[Path, Path]:
    root = copy_root(REPO, tmp / "root")
    shutil.rmtree(root / "tests", ignore_errors=True)
    exam = root / "site_config" / "exams" / "2026-annual.yml"
    exam.write_text(exam.read_text(encoding="utf-8") + ONLINE, encoding="utf-8")
    departments = ["骨科", "心内科", "药剂科", "检验科", "护理部", "行政后勤"]
    rows = [(f"{100000 + i}", f"考生{i}", departments[i % len(departments)]) for i in range(users)]
    return root, write_roster(tmp / "roster.csv", rows)


def answer_for(q: dict, rng: random.Random):
    if q["type"] == "single":
        return [rng.choice("ABCD"[: len(q["options"])])]
    if q["type"] == "multiple":
        return sorted(rng.sample("ABCD"[: len(q["options"])], 2))
    if q["type"] == "judge":
        return rng.choice(["对", "错"])
    return "统方"


class Stats:
    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def add(self, kind: str, seconds: float, ok: bool, what: str = "") -> None:
        self.times.setdefault(kind, []).append(seconds)
        if not ok:
            key = f"{kind} {what}"
            self.errors[key] = self.errors.get(key, 0) + 1


class Phone:
    """One candidate's browser: a keep-alive HTTP/1.1 connection with cookies.

    Hand-written on asyncio streams because the client shares the machine with the server it
    measures: httpx spent 2.8 ms of CPU per request here, as much as the server, so the
    measurement was mostly of the client. Like a browser, a request that finds its idle
    keep-alive connection closed by the server is sent again once on a new connection."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body=None, headers=None):
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            lines.append("Content-Type: application/json")
        if method != "GET":
            lines.append(f"Content-Length: {len(payload)}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(raw)
                await self.writer.drain()
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt == 2:
                    raise
                continue
            return await self._response(head)

    async def _response(self, head: bytes) -> tuple[int, dict]:
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        length, close = 0, False
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        data = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, (json.loads(data) if data else {})

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def user(url: str, staff_id: str, code: str, stats: Stats, delay: float, think: float, rng):
    await asyncio.sleep(delay)
    address = urlsplit(url)
    phone = Phone(address.hostname, address.port)

    async def call(kind, method, path, body=None, token=None):
        started = time.perf_counter()
        try:
            headers = {"X-CSRF-Token": token} if token else {}
            status, data = await asyncio.wait_for(
                phone.request(method, path, body, headers), timeout=60
            )
            stats.add(kind, time.perf_counter() - started, status == 200, str(status))
            return data if status == 200 else None
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            phone.close()
            stats.add(kind, time.perf_counter() - started, False, type(exc).__name__)
            return None

    try:
        data = await call("csrf", "GET", "/api/csrf")
        if data is None:
            return
        token = data["token"]
        if (
            await call("login", "POST", "/api/login", {"工号": staff_id, "code": code}, token)
            is None
        ):
            return
        data = await call("paper", "GET", "/api/paper")
        if data is None:
            return
        for q in data["questions"][:SAVES]:
            await asyncio.sleep(think * rng.uniform(0.7, 1.3))
            await call(
                "save", "PUT", f"/api/answers/{q['no']}", {"answer": answer_for(q, rng)}, token
            )
        await call("submit", "POST", "/api/submit", None, token)
    finally:
        phone.close()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


async def load(url: str, codes: dict[str, str], ramp: float, think: float) -> tuple[Stats, float]:
    stats = Stats()
    rng = random.Random(1)
    people = list(codes.items())
    started = time.perf_counter()
    await asyncio.gather(
        *(
            user(url, s, c, stats, ramp * i / len(people), think, random.Random(rng.random()))
            for i, (s, c) in enumerate(people)
        )
    )
    return stats, time.perf_counter() - started


def one(
    db_kind: str, users: int, workers: int, ramp: float, think: float, tmp: Path, database=None
) -> dict:
    root, roster = content(tmp / db_kind, users)
    db = database("load") if database else f"sqlite:///{root / 'private' / 'exam.sqlite3'}"
    t = time.perf_counter()
    run(
        "--root",
        str(root),
        "exam",
        "open",
        str(root / "site_config/exams/2026-annual.yml"),
        "--roster",
        str(roster),
        "--db",
        db,
    )
    opened = time.perf_counter() - t
    codes = {k: v for k, v in read_codes(root / "private" / "2026-annual").items()}
    server = start_server(root, db, workers=workers)
    try:
        client_cpu = _own_cpu()
        stats, seconds = asyncio.run(load(server.url, codes, ramp, think))
        client_cpu = _own_cpu() - client_cpu
    finally:
        server.stop()
    if stats.errors:
        print(f"--- {db_kind}: last lines of the server's log ---")
        print("\n".join(server.log.read_text(errors="replace").splitlines()[-15:]))
    saves = stats.times.get("save", [])
    return {
        "db": db_kind,
        "open_s": opened,
        "seconds": seconds,
        "errors": sum(stats.errors.values()),
        "error_kinds": stats.errors,
        "saves": len(saves),
        "rate": len(saves) / seconds if seconds else 0,
        **{f"{k}_{p}": pct(v, p) for k, v in stats.times.items() for p in (50, 95, 99) if v},
        "save_mean": statistics.mean(saves) * 1000 if saves else 0,
        "client_cpu_ms": client_cpu / max(1, sum(len(v) for v in stats.times.values())) * 1000,
    }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=min(9, (os.cpu_count() or 1) * 2 + 1))
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--ramp", type=float, default=60.0, help="seconds over which users arrive")
    ap.add_argument("--think", type=float, default=3.0, help="seconds between two saves")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = []
    with tempfile.TemporaryDirectory(prefix="qinglian-load-") as tmp:
        tmp = Path(tmp)
        os.chmod(tmp, 0o755)
        if args.db in ("sqlite", "both"):
            results.append(one("sqlite", args.users, args.workers, args.ramp, args.think, tmp))
        if args.db in ("postgres", "both"):
            base = tmp / "pg"
            base.mkdir()
            with pg_cluster(base) as database:
                results.append(
                    one("postgres", args.users, args.workers, args.ramp, args.think, tmp, database)
                )
    print(
        f"{args.users} users, {SAVES} saves each ~{args.think:g} s apart, arriving over {args.ramp:g} s; "
        f"exam serve with {args.workers} gunicorn workers × 4 threads; {os.cpu_count()} CPU cores"
    )
    for r in results:
        print(
            f"{r['db']:>8}: {r['seconds']:.0f} s, {r['saves']} saves ({r['rate']:.0f}/s), errors {r['errors']} {r['error_kinds'] or ''}\n"
            f"          save p50 {r.get('save_50', 0):.0f} ms  p95 {r.get('save_95', 0):.0f} ms  p99 {r.get('save_99', 0):.0f} ms"
            f"   login p95 {r.get('login_95', 0):.0f} ms  paper p95 {r.get('paper_95', 0):.0f} ms  submit p95 {r.get('submit_95', 0):.0f} ms"
            f"   (exam open {r['open_s']:.1f} s; load client CPU {r['client_cpu_ms']:.2f} ms per request)"
        )
    return 0 if all(r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
