"""What documents read: a published period's Score rows for one street, never recomputed,
and the records behind them (cases, photos, inspections) under the same definitions as
scoring/compute.py, so the names and photos in a document are those of its figures.

Only published periods are read: their Score rows are frozen, so a document generated
again from the same period states the same figures.
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Level
from civicgrid.cases.models import Case, CasePhoto
from civicgrid.scoring import ranking
from civicgrid.scoring.compute import (
    bounds,
    campaign_cases,
    case_conditions,
    case_sets,
    period_inspections,
)
from civicgrid.scoring.models import Period, Score, Unit

CASE_RELATED = ("category", "grid__parent", "responsible_department", "responsible_area")


class GenerationError(Exception):
    """Something the person who asked for the document can put right; the message says what."""


def published(period: Period | None) -> Period:
    if period is None:
        raise GenerationError(_("请选择考核周期。"))
    if not period.is_published:
        raise GenerationError(
            _(
                "“%(period)s”尚未发布。通报和汇报只采用已发布周期的成绩，请先在考核排名中发布该周期。"
            )
            % {"period": period.name}
        )
    return period


def street_score(period: Period, street: Area) -> Score:
    score = Score.objects.filter(period=period, unit=Unit.STREET, area=street).first()
    if score is None:
        raise GenerationError(
            _("“%(period)s”没有%(street)s的成绩，请确认该街道属于这个创建项目。")
            % {"period": period.name, "street": street.name}
        )
    return score


def scores(period: Period, street: Area, unit: str) -> list[Score]:
    """The period's rows of one kind of unit in the street, ranked as on the ranking page."""
    rows = Score.objects.filter(period=period, unit=unit, area_path__startswith=street.path)
    return ranking.ordered(rows.select_related("area"))


def count(score: Score, name: str) -> int:
    return score.counts.get(name, 0)


def rate(score: Score, key: str) -> Decimal | None:
    value = score.rates.get(key)
    return None if value is None else Decimal(value)


def overdue(score: Score) -> int:
    """到期未结案: due in the period and not closed by its end."""
    return count(score, "due") - count(score, "closed")


# --- the records behind the figures --------------------------------------------------------


def street_cases(period: Period, street: Area) -> dict[str, QuerySet]:
    """The street's cases registered in the period, and those due in it."""
    start, end = bounds(period)
    return case_sets(campaign_cases([street]), start, end)


def found_cases(period: Period, street: Area) -> list[Case]:
    """发现问题: the cases behind the 立案数, in area order, oldest first."""
    rows = street_cases(period, street)["registered"].select_related(*CASE_RELATED)
    return list(rows.order_by("area_path", "registered_at", "pk"))


def overdue_cases(period: Period, street: Area) -> list[Case]:
    """The cases behind 到期未结案 (应结案数 − 结案数), earliest deadline first."""
    _start, end = bounds(period)
    _set, closed = case_conditions(end)["closed"]
    due = street_cases(period, street)["due"].exclude(closed)
    return list(due.select_related(*CASE_RELATED).order_by("deadline", "pk"))


def community_of(case: Case) -> Area | None:
    grid = case.grid
    if grid is None:
        return None
    if grid.level == Level.GRID:
        return grid.parent
    return grid if grid.level == Level.COMMUNITY else None


def photos(cases: list[Case]) -> dict[int, tuple]:
    """case id → (its first before photo, its last after photo), for the cases with one.
    A bulletin comes out after its period: an after photo taken since shows the result."""
    rows = CasePhoto.objects.filter(
        case__in=[c.pk for c in cases], kind__in=[CasePhoto.Kind.BEFORE, CasePhoto.Kind.AFTER]
    ).order_by("uploaded_at", "pk")
    found: dict[int, list] = {}
    for photo in rows:
        pair = found.setdefault(photo.case_id, [None, None])
        if photo.kind == CasePhoto.Kind.BEFORE and pair[0] is None:
            pair[0] = photo
        elif photo.kind == CasePhoto.Kind.AFTER:
            pair[1] = photo
    return {case_id: tuple(pair) for case_id, pair in found.items()}


def read_photo(photo: CasePhoto | None) -> bytes | None:
    """The photo's file from storage; None if there is none or it cannot be read."""
    if photo is None or not photo.image:
        return None
    try:
        with photo.image.open("rb") as source:
            return source.read()
    except (OSError, ValueError):
        return None


def street_inspections(period: Period, street: Area) -> QuerySet:
    """The inspections behind the inspection score, in the street."""
    start, end = bounds(period)
    inspections = period_inspections(period.campaign, start, end)
    return inspections.filter(site_path__startswith=street.path)
