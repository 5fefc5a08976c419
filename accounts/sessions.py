"""The idle timeout, with the session written at most once a minute.

A session ends SESSION_COOKIE_AGE seconds (SESSION_IDLE_MINUTES) after its last save: the server-side expiry is
"now + age" at each save. SESSION_SAVE_EVERY_REQUEST kept it exact but cost an UPDATE (and its savepoint) on
every page. Here a request marks the session for saving only when the activity it last recorded is at least
REFRESH_SECONDS old, so a session ends between SESSION_IDLE_MINUTES - 1 and SESSION_IDLE_MINUTES minutes after
the last request: the timeout holds within a minute, for one write a minute instead of one per page.

Placed right after SessionMiddleware: its response hook runs before SessionMiddleware's, which does the save.
"""
import time

from django.utils.cache import add_never_cache_headers

# Where the last recorded activity (Unix seconds) is kept, inside the session's own data.
SEEN_KEY = "_portal_seen"
REFRESH_SECONDS = 60


def record_login(sender, request, user, **kwargs):
    """A login is activity: recorded in the session that the login saves anyway (user_logged_in, accounts/apps.py),
    so the first request after it has nothing to write."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SEEN_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no session (an anonymous visitor without one): nothing to keep alive
        seen = session.get(SEEN_KEY)  # loads the session if the request did not (the save would have)
        if session.is_empty():
            return response  # the cookie named a session that has expired or never existed, or was flushed
        now = int(time.time())
        # Saved anyway (a login, a change): record the activity for free. Otherwise only when a minute old.
        if session.modified or not isinstance(seen, int) or now - seen >= REFRESH_SECONDS or seen > now:
            session[SEEN_KEY] = now
        return response


class SignedInNoStoreMiddleware:
    """Nothing a signed-in person was shown stays in the browser's cache: on a shared office computer, the next
    person could otherwise open a task page or a downloaded report from the cache after the first one signed out.
    Every answer to a signed-in request (pages, htmx fragments, downloads, redirects) says `no-store`; pages for
    anonymous visitors (the login page, static files, the calendar feed) are left as they are.

    Placed after AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
