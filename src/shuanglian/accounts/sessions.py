"""The database session store, remembering when the loaded session was due to end.

SessionIdleMiddleware uses that to push the end back at most once a minute, instead of writing
the session on every request (SESSION_SAVE_EVERY_REQUEST).
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    stored_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row
