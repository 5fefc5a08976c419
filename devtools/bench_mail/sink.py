"""The SMTP server bench_mail sends to: aiosmtpd on 127.0.0.1, counting what it accepts by Message-ID."""
from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections import Counter

from .common import PORTS, BenchError





MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class Sink:
    """An SMTP server on loopback that accepts everything and keeps, per Message-ID, how often it came.

    Light on purpose (it shares the machine with the workers it measures): the Message-ID is read from the
    header bytes, the message is not parsed."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.port = port
        self.counts: Counter[str] = Counter()
        self.sessions = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> Sink:
        # aiosmtpd logs every SMTP command at INFO: thousands of lines, and CPU taken from the workers measured.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        message_id = found.group(1).decode("ascii", "replace") if found else "(none)"
        now = time.monotonic()
        with self._lock:
            self.counts[message_id] += 1
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 2.0.0 Accepted"

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def unique(self) -> int:
        with self._lock:
            return len(self.counts)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise BenchError("no free port in 2600-2699 for the SMTP server")
