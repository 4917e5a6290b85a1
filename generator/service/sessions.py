"""Django's database sessions, read with a query compiled once (``hot_queries``): every answer
save reads its session, and building that SELECT in the ORM cost more than running it. Writing,
expiry, cycling and deletion are Django's own."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from . import hot_queries


class SessionStore(db.SessionStore):
    def load(self):
        data = None
        if self.session_key is not None:
            data = hot_queries.session_data(self.session_key, timezone.now())
        if data is None:
            self._session_key = None
            return {}
        return self.decode(data)
