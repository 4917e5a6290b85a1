"""``qinglian exam serve``: the WSGI app under gunicorn (a production server, several workers).

Django is configured and the schema migrated in the master before the workers fork, so every
worker starts ready. Threaded workers (gthread): a worker waiting on the database (a PostgreSQL
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


def serve(host: str, port: int, workers: int) -> None:
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
            "forwarded_allow_ips": "127.0.0.1,::1",
            "limit_request_line": 4094,
        }
    ).run()
