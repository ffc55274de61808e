"""Helpers for the working-time tests: moments written as Beijing time."""

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """ "2025-09-30T16:00" as an aware Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
