"""``qinglian exam serve``: the WSGI app under gunicorn (a production server, several workers).

Django is configured and the schema checked (never migrated: ``exam migrate`` does that) in the
master before the workers fork, so every worker starts ready. Threaded workers (gthread): a worker waiting on the database (a PostgreSQL
round trip, SQLite's write lock) serves other requests meanwhile, and keep-alive connections are
kept (nginx in front keeps its own).
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .wsgi import application

        return application


def serve(host: str, port: int, workers: int, forwarded_allow_ips: str = "127.0.0.1,::1") -> None:
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "backlog": 2048,
            "timeout": 60,
            "graceful_timeout": 10,
            "keepalive": 75,  # phones pause between answers; keep their connections
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "qinglian-exam",
            # X-Forwarded-Proto sets the scheme only from these (the app reads X-Forwarded-For
            # from the same list: settings.FORWARDED_ALLOW_IPS)
            "forwarded_allow_ips": forwarded_allow_ips,
            "limit_request_line": 4094,
        }
    ).run()
