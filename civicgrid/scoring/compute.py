"""Computing a period's scores: aggregate once into Score rows that pages and documents read.

What each count means (all within the period, local dates, end day included):
    立案数 registered        cases registered in the period
    监督举报核实数 verified   of those, reported by residents (公众举报)
    应结案数 due              cases whose deadline falls in the period, less 缓办 (suspended),
                             不予立案 and merged ones: the denominator of the ratios below
    结案数 closed             of the due, closed before the period's end
    按期结案数 closed_on_time of the due, closed as 正常结案
    按期处置数 handled_on_time of the due, handled before their deadline
    返工数 reworked           of the due, sent back at least once
    满意 satisfied / rated    ratings given in the period at or above SATISFIED_MIN_LEVEL
    inspection               site percentages of inspections submitted in the period,
                             averaged with the scheme's point-type weights
A ratio with an empty denominator is None and drops out of the index, whose
remaining weights are scaled up; a unit with no ratio at all has no index and no rank.
Grids, communities and streets are rolled up from per-grid aggregates (a case counts for
its grid and every scored area above it); departments are grouped by the responsible
department. Each query is one GROUP BY over indexed columns, so a city's period takes
seconds. The sets and conditions below are shared with drilldown.py, which lists the
cases, ratings and inspections behind each figure.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Department, Level
from civicgrid.cases.models import Case, Closure, Rating, Source, State
from civicgrid.inspections.models import Inspection
from civicgrid.scoring.models import Period, Scheme, Score, Unit

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
COUNTS = [
    "registered",
    "verified",
    "due",
    "closed",
    "closed_on_time",
    "handled_on_time",
    "reworked",
    "rated",
    "satisfied",
]
UNIT_OF_LEVEL = {Level.GRID: Unit.GRID, Level.COMMUNITY: Unit.COMMUNITY, Level.STREET: Unit.STREET}


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def cents(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part, whole) -> Decimal | None:
    return cents(Decimal(part) * HUNDRED / Decimal(whole)) if whole else None


NOT_DUE = [State.SUSPENDED, State.REJECTED, State.MERGED]


def campaign_cases(streets) -> QuerySet:
    """The cases a campaign scores: those located in its streets."""
    scope = Q()
    for street in streets:
        scope |= Q(area_path__startswith=street.path)
    return Case.objects.filter(scope) if streets else Case.objects.none()


def case_sets(cases, start, end) -> dict[str, QuerySet]:
    """The two sets every case count is taken in: registered in the period, and due in it."""
    return {
        "registered": cases.filter(registered_at__gte=start, registered_at__lt=end),
        "due": cases.filter(deadline__gte=start, deadline__lt=end).exclude(state__in=NOT_DUE),
    }


def case_conditions(end) -> dict[str, tuple[str, Q]]:
    """Each case count: the set it is taken in, and the condition within that set.

    The one definition behind the counts and behind the cases a page drills down to.
    """
    closed = Q(state=State.CLOSED, closed_at__lt=end)
    return {
        "registered": ("registered", Q()),
        "verified": ("registered", Q(source=Source.RESIDENT)),
        "due": ("due", Q()),
        "closed": ("due", closed),
        "closed_on_time": ("due", closed & Q(closure=Closure.NORMAL)),
        "handled_on_time": ("due", Q(handled_on_time=True)),
        "reworked": ("due", Q(rework_count__gt=0)),
    }


def period_ratings(cases, start, end) -> QuerySet:
    return Rating.objects.filter(case__in=cases, created_at__gte=start, created_at__lt=end)


def rating_conditions() -> dict[str, Q]:
    return {"rated": Q(), "satisfied": Q(level__gte=settings.SATISFIED_MIN_LEVEL)}


def _counted(conditions: dict[str, Q]) -> dict:
    return {name: Count("pk", filter=q or None) for name, q in conditions.items()}


def case_counts(cases, start, end, key: str) -> dict:
    """The period's counts per value of `key` (grid_id or responsible_department_id)."""
    found: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    conditions = case_conditions(end)
    queries = [
        (
            rows.values(key).annotate(
                **_counted({n: q for n, (within, q) in conditions.items() if within == name})
            ),
            key,
        )
        for name, rows in case_sets(cases, start, end).items()
    ]
    ratings = period_ratings(cases, start, end).values(f"case__{key}")
    queries.append((ratings.annotate(**_counted(rating_conditions())), f"case__{key}"))
    for rows, column in queries:
        for row in rows:
            target = found[row.pop(column)]
            for name, value in row.items():
                target[name] += value
    return found


def period_inspections(campaign, start, end) -> QuerySet:
    """The inspections behind the inspection score: submitted in the period, with a score."""
    return Inspection.objects.filter(
        round__campaign=campaign,
        status=Inspection.Status.SUBMITTED,
        submitted_at__gte=start,
        submitted_at__lt=end,
        percentage__isnull=False,
    )


def inspection_sums(campaign, start, end) -> dict:
    """Per site area and point type: (sum of percentages, number of sites)."""
    rows = (
        period_inspections(campaign, start, end)
        .values("site__area_id", "site__point_type")
        .annotate(total=Sum("percentage"), n=Count("pk"))
    )
    return {(r["site__area_id"], r["site__point_type"]): (r["total"], r["n"]) for r in rows}


class Tree:
    """The campaign's areas, enough to roll grid figures up to communities and streets."""

    def __init__(self, streets):
        query = Q()
        for street in streets:
            query |= Q(path__startswith=street.path)
        rows = Area.objects.filter(query, level__gte=Level.STREET).values_list(
            "pk", "parent_id", "level", "name", "path"
        )
        self.areas = {pk: (parent, level, name, path) for pk, parent, level, name, path in rows}

    def scored_ancestors(self, area_id):
        """The area and those above it that get a score (grid, community, street; not zones)."""
        while area_id in self.areas:
            parent, level, _name, _path = self.areas[area_id]
            if level in UNIT_OF_LEVEL:
                yield area_id
            area_id = parent


def _rates(counts: dict, inspection=None) -> dict:
    rates = {
        "closure_rate": ratio(counts["closed"], counts["due"]),
        "ontime_closure_rate": ratio(counts["closed_on_time"], counts["due"]),
        "ontime_handling_rate": ratio(counts["handled_on_time"], counts["due"]),
        "rework_rate": ratio(counts["reworked"], counts["due"]),
        "report_rate": ratio(counts["verified"], counts["registered"]),
        "satisfaction": ratio(counts["satisfied"], counts["rated"]),
        "inspection": cents(inspection),
    }
    rates["rework_score"] = None if rates["rework_rate"] is None else HUNDRED - rates["rework_rate"]
    return rates


def composite(rates: dict, weights: dict) -> Decimal | None:
    present = {m: w for m, w in weights.items() if rates.get(m) is not None and w}
    total = sum(present.values())
    if not total:
        return None
    return cents(sum(Decimal(rates[m]) * w for m, w in present.items()) / total)


def rank(scores: list[Score]) -> None:
    """Competition ranking: equal indexes share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted((s for s in scores if s.index is not None), key=lambda s: (-s.index, s.name))
    previous = None
    for position, score in enumerate(ordered, start=1):
        score.rank = previous.rank if previous and previous.index == score.index else position
        previous = score


def grade(index: Decimal | None, bands) -> str:
    if index is None:
        return ""
    return next((letter for letter, floor in bands if index >= floor), bands[-1][0])


@transaction.atomic
def compute(period: Period) -> int:
    """(Re)compute a draft period's scores; a published period never changes."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_published:
        raise ValidationError(_("该周期已发布，成绩已冻结，不能重新计算。"))
    campaign = period.campaign
    scheme, _created = Scheme.objects.get_or_create(campaign=campaign)
    streets = list(campaign.streets.all())
    start, end = bounds(period)
    tree = Tree(streets)
    cases = campaign_cases(streets)
    scores = _area_scores(period, scheme, tree, cases, start, end) + _department_scores(
        period, scheme, streets, cases, start, end
    )
    _finish(period, scheme, scores)
    Score.objects.filter(period=period).delete()
    Score.objects.bulk_create(scores)
    period.computed_at = timezone.now()
    period.save(update_fields=["computed_at"])
    return len(scores)


def _area_scores(period, scheme, tree, cases, start, end) -> list[Score]:
    totals: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for grid_id, counts in case_counts(cases, start, end, "grid_id").items():
        for area_id in tree.scored_ancestors(grid_id):
            for name, value in counts.items():
                totals[area_id][name] += value
    weights = {t: Decimal(str(w)) for t, w in (scheme.point_type_weights or {}).items()}
    sums: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (area_id, point_type), (total, n) in inspection_sums(period.campaign, start, end).items():
        w = weights.get(point_type, Decimal(1))
        for scored in tree.scored_ancestors(area_id):
            sums[scored][0] += w * total
            sums[scored][1] += w * n
    scores = []
    for area_id, (_parent, level, name, path) in tree.areas.items():
        if level not in UNIT_OF_LEVEL:
            continue
        total, n = sums.get(area_id, (0, 0))
        counts = totals[area_id] if area_id in totals else dict.fromkeys(COUNTS, 0)
        rates = _rates(counts, total / n if n else None)
        scores.append(
            Score(
                period=period,
                unit=UNIT_OF_LEVEL[level],
                area_id=area_id,
                name=name,
                area_path=path,
                counts=counts,
                rates=_plain(rates),
            )
        )
    return scores


def _department_scores(period, scheme, streets, cases, start, end) -> list[Score]:
    found = case_counts(cases, start, end, "responsible_department_id")
    most = max((c["registered"] for k, c in found.items() if k), default=0)
    scores = []
    for department in Department.objects.filter(street__in=streets).select_related("street"):
        counts = found.get(department.pk, dict.fromkeys(COUNTS, 0))
        rates = _rates(counts)
        # A department with nothing to do this period is not ranked last: it is not ranked.
        busy = counts["registered"] or counts["due"]
        rates["registered_score"] = ratio(counts["registered"], most) if busy else None
        scores.append(
            Score(
                period=period,
                unit=Unit.DEPARTMENT,
                department=department,
                name=department.name,
                area_path=department.street.path,
                counts=counts,
                rates=_plain(rates),
            )
        )
    return scores


def _plain(rates: dict) -> dict:
    return {k: (None if v is None else str(v)) for k, v in rates.items()}


def _finish(period, scheme, scores) -> None:
    previous = (
        Period.objects.filter(campaign=period.campaign, kind=period.kind, end__lt=period.start)
        .order_by("-end")
        .first()
    )
    before = {}
    if previous is not None:
        for s in Score.objects.filter(period=previous):
            before[(s.unit, s.area_id, s.department_id)] = s.index
    bands = scheme.grade_bands()
    by_unit = defaultdict(list)
    for score in scores:
        rates = {k: (None if v is None else Decimal(v)) for k, v in score.rates.items()}
        score.index = composite(rates, scheme.weights_for(score.unit))
        score.grade = grade(score.index, bands)
        old = before.get((score.unit, score.area_id, score.department_id))
        score.change = score.index - old if score.index is not None and old is not None else None
        by_unit[score.unit].append(score)
    for group in by_unit.values():
        rank(group)


@transaction.atomic
def publish(period: Period, by) -> None:
    """Freeze the period: its scores become the published figures."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_published:
        return
    if period.computed_at is None:
        compute(period)
    Period.objects.filter(pk=period.pk).update(
        status=Period.Status.PUBLISHED, published_at=timezone.now(), published_by=by
    )
