"""The browser's side: one GET at a time over loopback with a user's session cookie, the answer checked for a real
body, the time taken from opening the connection to the last byte."""
from __future__ import annotations

import http.client
import statistics
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from devtools.bench import Result

HOST = "127.0.0.1"
# A page that answers 200 with less than this is an error page or an empty shell, not the page being measured.
MIN_BYTES = {"ics": 200, "export": 2000}
DEFAULT_MIN_BYTES = 2000


def get(port: int, path: str, cookies: dict[str, str] | None, timeout: float,
        accept: str = "text/html,application/xhtml+xml,*/*"):
    """(status, headers, body, ms). A fresh connection each time: gunicorn's sync workers close it after each
    answer anyway, so a browser pays the connection too. Redirects are not followed."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Accept": accept, "Accept-Encoding": "identity",
                   "User-Agent": "bench_http"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, response.getheaders(), body, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def update_jar(jar: dict[str, str], headers) -> None:
    """Keep what the server sets, as a browser does (the session's expiry is pushed forward now and then)."""
    for name, value in headers:
        if name.lower() != "set-cookie":
            continue
        cookie = SimpleCookie()
        try:
            cookie.load(value)
        except CookieError:
            continue  # a cookie the standard library cannot parse: a browser might keep it, this run has no use for it
        for key, morsel in cookie.items():
            if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                jar.pop(key, None)
            else:
                jar[key] = morsel.value


def body_problem(key: str, status: int, headers, body: bytes) -> str | None:
    if status != 200:
        location = {name.lower(): value for name, value in headers}.get("location", "")
        return f"HTTP {status}" + (f" -> {location}" if location else "")
    minimum = MIN_BYTES.get(key, DEFAULT_MIN_BYTES)
    if len(body) < minimum:
        return f"body of {len(body)} bytes (< {minimum})"
    if key == "ics" and not (body.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in body):
        return "not an iCalendar feed with events"
    if key == "export" and not body.startswith(b"PK"):
        return "not an xlsx (zip) file"
    if key not in ("ics", "export") and b"</html>" not in body[-2000:].lower():
        return "not a complete HTML page"
    return None


@dataclass
class HttpResult(Result):
    bytes: int | None = None
    other_cpu: float | None = None  # cores used by other processes while this page was measured

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.times_ms) if self.times_ms else None


def measure(result: HttpResult, port: int, jar: dict[str, str], *, requests: int, warmup: int,
            timeout: float) -> HttpResult:
    """Warm-up, then `requests` timed GETs one after the other (latency, not throughput); the first answer that is
    not a real page ends the page with an error state."""
    try:
        sizes = []
        for number in range(warmup + requests):
            status, headers, body, elapsed = get(port, result.url, jar, timeout)
            update_jar(jar, headers)
            problem = body_problem(result.key, status, headers, body)
            if problem:
                where = "warm-up" if number < warmup else f"after {len(result.times_ms)} requests"
                result.state = f"error ({where}): {problem}"
                return result
            if number >= warmup:
                result.times_ms.append(elapsed)
                sizes.append(len(body))
        result.bytes = int(statistics.median(sizes)) if sizes else None
    except (OSError, http.client.HTTPException) as error:
        result.state = f"error: {type(error).__name__}: {str(error)[:120]}"
    return result
