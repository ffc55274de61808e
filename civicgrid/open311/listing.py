"""GET requests: which cases the API shows, its filters and limits, and each case's public fields.

Shown to anyone: `Case.objects.public()`, registered cases of categories open to residents,
whatever their source. Shown as well to a client application that passes its api_key: the
cases it submitted itself, in every state, so it can follow a report from 待立案 on. Never
shown: another source's 待立案, rejected or merged cases, nothing about who reported, and
no reporter's photo. media_url is the link the client application published itself, else,
for a public case that has been handled, the public thumbnail of its latest after-photo
(the street's own picture of the place put right, /p/cases/<number>/photo.jpg).
"""

import re
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases.models import FINISHED, OPEN, Case, CaseEvent, CasePhoto, State
from civicgrid.cases.workflow import STEPS
from civicgrid.lib.privacy import mask_phone
from civicgrid.open311.definitions import service_code, service_notice
from civicgrid.open311.formats import Open311Error, w3c

WINDOW = timedelta(days=90)
LIMIT = 1000
STATUSES = {"open": OPEN, "closed": FINISHED}
# The reporter's own words ("report", "me too") are not notes on the status.
REPORTER_ACTIONS = ("report", "join")
# A mobile number typed into a description or note is masked before it goes public.
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def status(case: Case) -> str:
    return "open" if case.state in OPEN else "closed"


def visible(client=None):
    """The cases GET may show: public ones, and those `client` submitted itself."""
    cases = Case.objects.public()
    if client is not None:
        cases = cases | Case.objects.filter(open311__client=client)
    return cases


def lookup(client, number: str) -> Case:
    case = rows(visible(client).filter(number=number))
    if not case:
        raise Open311Error(404, _("没有编号为 %(id)s 的诉求，或它尚未公开。") % {"id": number})
    return case[0]


def search(client, params, now=None) -> list[Case]:
    """The cases GET requests answers with, newest first, at most LIMIT of them."""
    cases = visible(client)
    numbers = _split(params.get("service_request_id"))
    if numbers:  # the spec: service_request_id overrides all other arguments
        return rows(cases.filter(number__in=numbers[:LIMIT]))
    start, end = window(params.get("start_date"), params.get("end_date"), now)
    cases = cases.filter(created_at__gte=start, created_at__lte=end)
    codes = _split(params.get("service_code"))
    if codes:
        cases = cases.filter(_by_codes(codes))
    statuses = _split(params.get("status"))
    if statuses:
        cases = cases.filter(state__in=_states(statuses))
    return rows(cases)


def window(start: str | None, end: str | None, now=None) -> tuple[datetime, datetime]:
    """The requested_datetime range: at most 90 days, the most recent 90 when not given."""
    start, end = parse_w3c(start, "start_date"), parse_w3c(end, "end_date")
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date 早于 start_date，请调换后重试。"))
        if end - start > WINDOW:
            raise Open311Error(400, _("start_date 到 end_date 不能超过 90 天，请分段查询。"))
        return start, end
    if start:
        return start, start + WINDOW
    end = end or now or timezone.now()
    return end - WINDOW, end


def parse_w3c(value: str | None, name: str) -> datetime | None:
    """A W3C datetime from a query; one without an offset is read as local time."""
    if not (value or "").strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(
            400,
            _("%(name)s 应为 W3C 日期时间，如 2025-01-01T00:00:00+08:00。") % {"name": name},
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def rows(cases) -> list[Case]:
    """Fetch cases with everything their documents need: two queries for any number."""
    notes = CaseEvent.objects.filter(case=OuterRef("pk"), public=True).exclude(
        action__in=REPORTER_ACTIONS
    )
    found = list(
        cases.select_related("category")
        .annotate(
            agency=Coalesce(F("responsible_department__name"), F("responsible_area__name")),
            grid_name=F("grid__name"),
            submitted_media=F("open311__media_url"),
            shows_after=Exists(
                CasePhoto.objects.filter(case=OuterRef("pk"), kind=CasePhoto.Kind.AFTER)
            )
            & Q(pk__in=Case.objects.public().values("pk")),
            note_event=Subquery(notes.order_by("-at", "-id").values("pk")[:1]),
        )
        .order_by("-created_at", "-id")[:LIMIT]
    )
    events = CaseEvent.objects.in_bulk([case.note_event for case in found if case.note_event])
    for case in found:
        case.status_event = events.get(case.note_event)
    return found


def as_request(case: Case) -> dict:
    """A case's public face: nothing about the reporter, phone numbers in text masked."""
    closed = case.state == State.CLOSED and case.closed_at
    return {
        "service_request_id": case.number,
        "status": status(case),
        "status_notes": status_notes(case.status_event),
        "service_name": case.category.name,
        "service_code": service_code(case.category),
        "description": _masked(case.description),
        "agency_responsible": case.agency,
        "service_notice": service_notice(case.category) if case.state in OPEN else None,
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.closed_at if closed else case.updated_at),
        "expected_datetime": w3c(case.deadline),
        "address": case.address or case.grid_name,
        "address_id": None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lng,
        "media_url": case.submitted_media or _after_photo(case),
    }


def _after_photo(case: Case) -> str | None:
    if not case.shows_after:
        return None
    return settings.SITE_ROOT.rstrip("/") + reverse("public:case-photo", args=[case.number])


def status_notes(event: CaseEvent | None) -> str | None:
    """The latest public step: its note, or the step's name when it has none."""
    if event is None:
        return None
    step = STEPS.get(event.action)
    return _masked(event.note) or (str(step.label) if step else None)


def _masked(text: str) -> str:
    return MOBILE.sub(lambda match: mask_phone(match.group()), text or "")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _by_codes(codes: list[str]) -> Q:
    pairs = [code.partition("-") for code in codes]
    return reduce(or_, (Q(category__kind=k, category__code=c) for k, _sep, c in pairs))


def _states(statuses: list[str]) -> set[str]:
    unknown = [name for name in statuses if name not in STATUSES]
    if unknown:
        raise Open311Error(400, _("status 只能是 open 或 closed，可用逗号分隔多个。"))
    return set().union(*(STATUSES[name] for name in statuses))
