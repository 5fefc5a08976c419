"""Which installation this is: a short name that differs between two portals (two databases, or two secret keys)
and is the same in every process of one portal. Message-IDs carry it, so that two installations with the same
SITE_URL (a test copy beside production, two provinces on one address) never send mail under the same ID."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import connection


def installation_id() -> str:
    """PORTAL_INSTALLATION_ID when set; else ten hex digits derived from the secret key and the database's address
    and name (the database a copy is restored into is another installation, unless it is given the same id)."""
    if settings.PORTAL_INSTALLATION_ID:
        return settings.PORTAL_INSTALLATION_ID
    db = connection.settings_dict
    source = "\x1f".join(str(part) for part in (settings.SECRET_KEY, db["ENGINE"], db.get("HOST") or "",
                                                 db.get("PORT") or "", db["NAME"]))
    return hashlib.sha256(source.encode()).hexdigest()[:10]
