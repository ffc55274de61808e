"""Placeholder until the working-time clock lands."""


def calendar_warning():
    return None
