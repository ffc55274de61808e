"""Asking for a document and generating it in the background worker.

`issue` files the request in the archive (a bulletin takes its 第N期 number there, at
once and for good) and queues `generate`; the document's own status (queued, running,
done, failed) is what its page shows, whatever the task backend. A failure the person can
put right (GenerationError) is recorded with its Chinese message; any other is recorded
too and raised, so the worker logs its traceback.
"""

import datetime as dt
import secrets
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from civicgrid.documents import bulletin, report, tables
from civicgrid.documents.figures import GenerationError
from civicgrid.documents.models import NUMBERED, Document, DocumentSequence, Kind

BUILDERS: dict[str, Callable[[Document], bytes]] = {
    Kind.BULLETIN: bulletin.build,
    Kind.REPORT: report.build,
    Kind.CASES: tables.cases_workbook,
    Kind.RULES: tables.rules_workbook,
    Kind.RANKING: tables.ranking_workbook,
}


def title_for(kind: str, street, campaign, period, start, end) -> str:
    match kind:
        case Kind.BULLETIN:
            return bulletin.title(campaign, period)
        case Kind.REPORT:
            return report.title(street, campaign, period)
        case Kind.CASES:
            return tables.cases_title(street, start, end)
        case Kind.RULES:
            return tables.rules_title(street)
        case Kind.RANKING:
            return tables.ranking_title(campaign, period)
    raise ValueError(kind)


def parameters(campaign, period, start: dt.date | None, end: dt.date | None) -> dict:
    """What the document was asked for, as the archive shows it."""
    found = {"campaign": campaign.name}
    if period is not None:
        found["period"] = period.name
    if start and end:
        found |= {"start": start.isoformat(), "end": end.isoformat()}
    return found


def issue(
    kind, *, street, campaign, by, period=None, start=None, end=None, background=True
) -> Document:
    """File a document request (numbered if its kind is) and queue its generation, or
    generate it at once (`background=False`, for the demo)."""
    now = timezone.now()
    year = timezone.localdate(now).year
    with transaction.atomic():
        number = DocumentSequence.next_number(street, kind, year) if kind in NUMBERED else None
        document = Document.objects.create(
            kind=kind,
            street=street,
            campaign=campaign,
            period=period,
            year=year,
            number=number,
            title=title_for(kind, street, campaign, period, start, end),
            parameters=parameters(campaign, period, start, end),
            created_by=by,
            created_at=now,
        )
    if background:
        start_generation(document)
    else:
        generate.call(document.pk)
        document.refresh_from_db()
    return document


def start_generation(document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.QUEUED, error="", started_at=None, finished_at=None
    )
    generate.enqueue(document.pk)


def _finish(document: Document, **fields) -> None:
    Document.objects.filter(pk=document.pk).update(finished_at=timezone.now(), **fields)


@task()
def generate(document_id: int) -> str:
    """Build the document's file under MEDIA_ROOT/documents/; returns the file's name."""
    document = Document.objects.select_related("street", "campaign", "period").get(pk=document_id)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING, started_at=timezone.now()
    )
    try:
        content = BUILDERS[document.kind](document)
    except GenerationError as error:
        _finish(document, status=Document.Status.FAILED, error=str(error))
        return ""
    except Exception as error:
        message = _("生成时出现程序错误（%(error)s），请稍后重新生成；仍然失败请联系系统管理员。")
        _finish(
            document,
            status=Document.Status.FAILED,
            error=message % {"error": type(error).__name__},
        )
        raise
    name = f"{secrets.token_urlsafe(12)}.{document.extension}"
    document.file.save(name, ContentFile(content), save=False)
    _finish(document, status=Document.Status.DONE, error="", file=document.file.name)
    return document.file.name
