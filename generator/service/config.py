"""Configuring Django for one ``qinglian exam`` command: database URL, private folder, secret.

``setup(db, private)`` is the only entry point the commands use; settings.py calls
``database_settings`` and ``secret_key`` with what the environment says.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import ConfigError

DEFAULT_DB_NAME = "exam.sqlite3"
SECRET_FILE = "exam-secret.key"  # Django's SECRET_KEY: sessions, CSRF (rotatable, see README)
CODE_KEY_FILE = "exam-code.key"  # the HMAC key of the access codes: kept for a sitting's life
LOOPBACK = "127.0.0.1,::1"


def default_db(private: Path) -> str:
    return f"sqlite:///{(Path(private) / DEFAULT_DB_NAME).resolve()}"


def database_settings(url: str, private: Path) -> dict:
    """A DATABASES entry for ``url``: an SQLite file (WAL, busy timeout) or PostgreSQL."""
    url = url or default_db(private)
    if url.startswith(("postgresql://", "postgres://")):
        return _postgresql(url)
    path = url.removeprefix("sqlite://") if url.startswith("sqlite:///") else url
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(path).resolve()),
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 30,  # seconds a writer waits for the lock (busy timeout)
            "transaction_mode": "IMMEDIATE",
            # WAL: readers never wait for the writer. synchronous=NORMAL: a committed answer is
            # in the WAL file before the 200 goes out, so it survives kill -9 or a crash of the
            # service; only a power cut may lose the last commits. FULL (QINGLIAN_SQLITE_SYNC)
            # fsyncs every commit: measured 4.4 ms per commit here, which caps one SQLite file
            # at ~200 saves/s, below what 1,000 candidates send (~330/s).
            "init_command": "PRAGMA journal_mode=WAL;"
            f"PRAGMA synchronous={_sync()};PRAGMA busy_timeout=30000",
        },
    }


def _sync() -> str:
    mode = os.environ.get("QINGLIAN_SQLITE_SYNC", "NORMAL").upper()
    if mode not in ("NORMAL", "FULL", "EXTRA"):
        raise ConfigError(f"QINGLIAN_SQLITE_SYNC 应为 NORMAL、FULL 或 EXTRA，而不是“{mode}”")
    return mode


def _postgresql(url: str) -> dict:
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", "") or (parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "qinglian",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or options.pop("port", "") or ""),
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def secret_key(private: Path) -> str:
    """QINGLIAN_SECRET_KEY, else the key file in the private folder (created 0600 once)."""
    return _key("QINGLIAN_SECRET_KEY", Path(private) / SECRET_FILE)


def code_key(private: Path) -> str:
    """The access codes' HMAC key: QINGLIAN_CODE_KEY, else ``exam-code.key`` (created once).
    Separate from Django's SECRET_KEY, so rotating that one never voids a printed code."""
    return _key("QINGLIAN_CODE_KEY", Path(private) / CODE_KEY_FILE)


def _key(variable: str, path: Path) -> str:
    if os.environ.get(variable):
        return os.environ[variable]
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def setup(
    db: str | None,
    private: Path,
    https: bool = False,
    migrate: bool = False,
    check_schema: bool = True,
) -> None:
    """Configure Django for this process (once). ``migrate``: bring the schema up to date (only
    ``exam migrate`` and ``exam open`` do); otherwise, with ``check_schema``, refuse to work on
    a database whose schema is behind (servers never migrate: two of them on one PostgreSQL
    would race at a schema change)."""
    private = Path(private).resolve()
    if db:
        os.environ["QINGLIAN_DB"] = db
    os.environ.setdefault("QINGLIAN_DB", default_db(private))
    os.environ["QINGLIAN_PRIVATE"] = str(private)
    if https:
        os.environ["QINGLIAN_HTTPS"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "generator.service.settings")
    url = os.environ["QINGLIAN_DB"]
    if not url.startswith(("postgresql://", "postgres://")):
        Path(database_settings(url, private)["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    if migrate:
        _migrate(url)
    elif check_schema:
        _check_schema(url)


def _migrate(url: str) -> None:
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", verbosity=0, interactive=False)
    except OperationalError as exc:
        raise ConfigError(f"无法连接数据库 {_safe(url)}：{str(exc).strip()}") from None


def _check_schema(url: str) -> None:
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", check_unapplied=True, verbosity=0, interactive=False)
    except SystemExit:
        raise ConfigError(
            f"数据库 {_safe(url)} 还没有建立考试表，或需要升级到本版本的结构：请先运行 "
            "qinglian exam migrate（同样的 --db），再启动服务（多台服务器共用一个库时只需运行一次）"
        ) from None
    except OperationalError as exc:
        raise ConfigError(f"无法连接数据库 {_safe(url)}：{str(exc).strip()}") from None


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
