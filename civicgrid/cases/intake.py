"""How a report becomes a case: numbered, located, its reporter kept apart, its duplicates offered."""

import math
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civicgrid.areas.locate import locate
from civicgrid.cases.models import (
    OPEN,
    Case,
    CaseEvent,
    CasePhoto,
    CaseSequence,
    Report,
    Source,
)
from civicgrid.cases.workflow import record

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1, lng1, lat2, lng2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearby_open(category, lat, lng, now=None, queryset=None) -> list[Case]:
    """Open cases of the same category within the category's radius and window, nearest first."""
    if lat is None or lng is None:
        return []
    now = now or timezone.now()
    radius = category.duplicate_radius_m
    dlat = radius / 111_000
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = (queryset if queryset is not None else Case.objects).filter(
        category=category,
        state__in=OPEN,
        lat__range=(lat - dlat, lat + dlat),
        lng__range=(lng - dlng, lng + dlng),
        created_at__gte=now - timedelta(days=category.duplicate_window_days),
    )
    found = [(distance_m(lat, lng, c.lat, c.lng), c) for c in candidates]
    return [case for d, case in sorted(found, key=lambda pair: pair[0]) if d <= radius]


# Residents copy tracking codes by hand: no 0/O, 1/I/L look-alikes, no punctuation.
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(10))


@transaction.atomic(savepoint=False)  # all or nothing, in the caller's transaction if any
def report(
    *,
    category,
    description,
    lat=None,
    lng=None,
    area=None,
    address="",
    source=Source.PATROL,
    by=None,
    photos=(),
    name="",
    phone="",
    anonymous=False,
    severity=None,
    public=False,
    at=None,
) -> Case:
    """Create a case in state 待立案 with its first report and before-photos.

    `area` is what `locate(lat, lng)` gave when a form's check has located the point
    already; without it the point is located here. The case comes back with
    `first_report`, the Report just made (its token is the reporter's tracking code).
    """
    now = at or timezone.now()
    if area is None and lat is not None and lng is not None:
        area = locate(lat, lng)
    case = Case.objects.create(
        number=CaseSequence.next_number(timezone.localtime(now).year),
        source=source,
        category=category,
        description=description.strip(),
        lat=lat,
        lng=lng,
        address=address.strip(),
        grid=area,
        area_path=area.path if area else "",
        reported_by=by if by and by.is_authenticated else None,
        created_at=now,
        severity=severity or category.severity,
        is_public=public,
    )
    case.first_report = Report.objects.create(
        case=case,
        user=case.reported_by,
        name=name,
        phone=phone,
        anonymous=anonymous,
        token=new_token(),
        created_at=now,
    )
    event = record(
        case, "report", case.reported_by, "", description.strip(), {"source": source}, at=now
    )
    for upload in photos:
        CasePhoto.objects.create(
            case=case, event=event, kind=CasePhoto.Kind.BEFORE, image=upload, uploaded_at=event.at
        )
    return case


@transaction.atomic
def join(case: Case, *, by=None, name="", phone="", anonymous=False, note="") -> Report:
    """A reporter joins an open case ("me too") instead of opening a second one."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    joined = Report.objects.create(
        case=locked,
        user=by if by and by.is_authenticated else None,
        name=name,
        phone=phone,
        anonymous=anonymous,
        token=new_token(),
        joined=True,
    )
    record(locked, "join", joined.user, locked.state, note, {"reports": locked.reports.count()})
    return joined


def relocate(case: Case, grid, by, at=None) -> CaseEvent:
    """Correct the area a case lies in; the change is in the history like every other."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        before = locked.grid.code if locked.grid else ""
        locked.grid, locked.area_path = grid, grid.path
        locked.version += 1
        locked.save()
        return record(
            locked,
            "relocate",
            by,
            locked.state,
            "",
            {"from": before, "to": grid.code},
            public=False,
            at=at,
        )
