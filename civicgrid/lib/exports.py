"""Files built in the background for one person to download (an Excel list, a ZIP of
evidence): kept under MEDIA_ROOT/exports/ for a day, then cleared away by the next export.

Their names are random and only the task's owner is told them; nothing else links to them,
so after a day they are litter. Clearing them as each new one is saved needs no job of its
own and keeps the folder as small as the day's exports.
"""

import secrets
from datetime import timedelta

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

EXPORT_DIR = "exports"
KEEP = timedelta(days=1)


def save(content, suffix: str) -> str:
    """Store a finished export under a random name; returns the name."""
    clear_old()
    return default_storage.save(f"{EXPORT_DIR}/{secrets.token_urlsafe(16)}{suffix}", content)


def clear_old(now=None) -> int:
    """Delete exports older than KEEP; returns how many went."""
    cutoff = (now or timezone.now()) - KEEP
    try:
        _folders, files = default_storage.listdir(EXPORT_DIR)
    except FileNotFoundError:
        return 0
    old = [
        f"{EXPORT_DIR}/{name}"
        for name in files
        if default_storage.get_modified_time(f"{EXPORT_DIR}/{name}") < cutoff
    ]
    for name in old:
        default_storage.delete(name)
    return len(old)


def download(name: str, filename: str) -> FileResponse:
    """The export as an attachment; 404 once it has been cleared away."""
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename)


def owned_result(task, result_id: str, user):
    """The background result of `task` asked for by `user` (the task's first argument):
    404 for an unknown id, another task's result, or another person's."""
    try:
        result = task.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404 from None
    if result.args[0] != user.pk:
        raise Http404
    return result


def progress(result) -> dict:
    """What a waiting page shows of a result."""
    return {
        "result": result,
        "ready": result.status == TaskResultStatus.SUCCESSFUL,
        "failed": result.status == TaskResultStatus.FAILED,
    }


def download_result(result, filename: str) -> FileResponse:
    """The finished export as an attachment; 404 while it is not ready, or once cleared."""
    if result.status != TaskResultStatus.SUCCESSFUL:
        raise Http404
    return download(result.return_value, filename)
