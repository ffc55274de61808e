"""A fixed-window counter in the cache: at most `limit` hits per `window` seconds per key.

    if not ratelimit.hit(f"report-ip:{client_ip(request)}", 20, 3600):
        return too_many(...)

Windows are aligned on multiples of `window` since the epoch, so a burst at the end of
one window and the start of the next may pass up to twice `limit`: cheap and good
enough against floods, not a quota. The cache must be shared by every server (the
database cache and Redis are; see docs/configuration.md). Keys are hashed, so a phone
number used as a key is not written to the cache in clear.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def hit(key: str, limit: int, window: int) -> bool:
    """Count one hit on `key`; False once there have been more than `limit` in this window."""
    now = int(time.time())
    bucket = now // window
    name = "ratelimit:" + hashlib.sha256(f"{key}|{window}|{bucket}".encode()).hexdigest()
    ttl = window - now % window + 1
    if cache.add(name, 1, ttl):
        return limit >= 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: this hit opens the window again
        cache.set(name, 1, ttl)
        count = 1
    return count <= limit


def retry_after(window: int) -> int:
    """Seconds until the current window of that length ends."""
    return window - int(time.time()) % window


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the header CLIENT_IP_HEADER names behind a proxy.

    For X-Forwarded-For the last address is taken: the one our own proxy added.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        meta = "HTTP_" + header.upper().replace("-", "_")
        value = request.META.get(meta, "").split(",")[-1].strip()
        if value:
            return value
    return request.META.get("REMOTE_ADDR", "")
