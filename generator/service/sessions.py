"""Django's database sessions with a faster read: every answer save reads its session, and
building that SELECT in the ORM cost about as much CPU as the rest of the save. ``load()`` is
the documented method a session engine provides; a valid session is read with one plain SQL
statement (``hot_queries.session_data``), and anything else (no row, expired) is left to
Django's own ``load()``, which also forgets the unknown key. Writing, expiry, cycling and
deletion are Django's own."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from . import hot_queries


class SessionStore(db.SessionStore):
    def load(self):
        if self.session_key is not None:
            data = hot_queries.session_data(self.session_key, timezone.now())
            if data is not None:
                return self.decode(data)
        return super().load()
