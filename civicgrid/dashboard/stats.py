"""Case statistics for the dashboard: computed by `refresh`, read by the views.

`refresh(now)` recomputes the daily counts (CaseDay) of the last few days and of every
day since the previous refresh (so it catches up after downtime), the figures of each
area now (AreaNow) and the recurring-problem spots (Hotspot). It writes only the rows
that changed and is safe to run twice. Each table is filled from a handful of GROUP BY
queries over indexed case columns, rolled up the area tree in Python.

What the counts mean (local dates, Asia/Shanghai):
    新增 reported       cases reported (created) that day
    结案 closed         cases closed (已结案) that day
    超期 overdue        cases whose deadline fell that day and passed without their being
                        handled in time (not 不予立案, 已合并 or 缓办); a day is final once over
    办理中 open         cases now in an open state (待立案 … 待核查), by state
    已超期 overdue now  open cases flagged overdue by the sweep (the list's 仅看超期)
    结案率, 按期结案率   this month so far, as scoring defines them (scoring/compute.py):
                        closed / due and closed normally / due, over the cases due from
                        the first of the month to the end of today
Days outside the recomputed window keep their counts: `refresh_stats --rebuild` redoes
them all (e.g. after cases were moved between grids).
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum, TextField
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Level
from civicgrid.cases.models import OPEN, Case, State
from civicgrid.categories.models import Category
from civicgrid.dashboard import hotspots
from civicgrid.dashboard.models import AreaNow, CaseDay, Hotspot, Refresh
from civicgrid.inspections.models import Inspection
from civicgrid.inspections.results import round_results
from civicgrid.scoring.compute import NOT_DUE, case_conditions, case_sets, ratio

RECENT_DAYS = 3
DAY = dt.timedelta(days=1)
BATCH = 1000
DAY_COUNTS = ("reported", "closed", "overdue")
NOW_COUNTS = (
    "open",
    "overdue",
    "states",
    "reported_today",
    "reported_week",
    "closed_week",
    "due_month",
    "closed_month",
    "closed_on_time_month",
)


@dataclass
class RefreshResult:
    first: dt.date
    last: dt.date
    days_changed: int
    areas_changed: int
    hotspots: int

    def __str__(self):
        return _(
            "已统计 %(first)s 至 %(last)s：每日统计更新 %(days)s 行，区域统计更新 %(areas)s 行，"
            "顽疾点位 %(spots)s 处"
        ) % {
            "first": self.first,
            "last": self.last,
            "days": self.days_changed,
            "areas": self.areas_changed,
            "spots": self.hotspots,
        }


class Tree:
    """Every area's level and path, to roll a count up from the located area."""

    def __init__(self):
        rows = Area.objects.values_list("pk", "level", "path")
        self.areas = {pk: (level, path) for pk, level, path in rows}
        self._above: dict[int, list[tuple[int, int]]] = {}

    def path(self, pk) -> str:
        return self.areas[pk][1]

    def above(self, pk) -> list[tuple[int, int]]:
        """(id, level) of the area and every area above it, top first."""
        if pk not in self._above:
            path = self.areas[pk][1] if pk in self.areas else ""
            ids = [int(part) for part in path.split("/") if part]
            self._above[pk] = [(i, self.areas[i][0]) for i in ids if i in self.areas]
        return self._above[pk]

    def community_of(self, pk) -> int | None:
        """The community the area lies in, or the area itself when it lies above communities."""
        chain = self.above(pk)
        for area_id, level in chain:
            if level == Level.COMMUNITY:
                return area_id
        return chain[-1][0] if chain else None


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def missed_deadline(now) -> Q:
    """Cases whose deadline has passed without their being handled in time."""
    return (
        Q(deadline__lte=now)
        & ~Q(state__in=NOT_DUE)
        & ~Q(handled_on_time=True)
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=F("deadline")))
    )


def refresh(now=None, days: int = RECENT_DAYS, rebuild: bool = False) -> RefreshResult:
    """Bring the statistics up to `now`; see the module's docstring."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _lock()
        first = _first_day(state, today, days, rebuild)
        tree = Tree()
        days_changed = _sync_days(first, today, now, tree)
        areas_changed = _sync_now(today, now, tree)
        spots = hotspots.refresh(now, tree)
        state.refreshed_at, state.through = now, today
        state.save()
    return RefreshResult(first, today, days_changed, areas_changed, spots)


def _lock() -> Refresh:
    """The one Refresh row, locked: two refreshes at once take turns."""
    Refresh.objects.get_or_create(
        pk=1, defaults={"refreshed_at": timezone.now(), "through": dt.date.min}
    )
    return Refresh.objects.select_for_update().get(pk=1)


def _first_day(state: Refresh, today: dt.date, days: int, rebuild: bool) -> dt.date:
    first = today - (max(days, 1) - 1) * DAY
    if state.through == dt.date.min or rebuild:
        earliest = Case.objects.aggregate(at=Min("created_at"))["at"]
        stored = CaseDay.objects.aggregate(day=Min("day"))["day"]
        days = [first, stored, timezone.localdate(earliest) if earliest else None]
        return min(day for day in days if day is not None)
    return min(first, state.through)


# --- daily counts ------------------------------------------------------------------------------


def day_counts(first: dt.date, last: dt.date, now, tree: Tree) -> dict[tuple, tuple]:
    """{(day, area id, category id or None): (reported, closed, overdue)} from `first` to `last`."""
    start, end = local_midnight(first), local_midnight(last + DAY)
    located = Case.objects.exclude(grid=None).order_by()
    sets = [
        ("created_at", located.filter(created_at__gte=start, created_at__lt=end)),
        ("closed_at", located.filter(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)),
        ("deadline", located.filter(missed_deadline(now), deadline__gte=start, deadline__lt=end)),
    ]
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for column, (moment, cases) in enumerate(sets):
        rows = (
            cases.annotate(day=TruncDate(moment))
            .values("day", "grid_id", "category_id")
            .annotate(n=Count("pk"))
            .values_list("day", "grid_id", "category_id", "n")
        )
        for day, grid_id, category_id, n in rows:
            for area_id, level in tree.above(grid_id):
                counts[day, area_id, None][column] += n
                if level <= Level.COMMUNITY:
                    counts[day, area_id, category_id][column] += n
    return {key: tuple(values) for key, values in counts.items()}


def _sync_days(first: dt.date, last: dt.date, now, tree: Tree) -> int:
    found = day_counts(first, last, now, tree)
    stored = {
        (day, area_id, category_id): (pk, (reported, closed, overdue))
        for pk, day, area_id, category_id, reported, closed, overdue in CaseDay.objects.filter(
            day__gte=first, day__lte=last
        ).values_list("pk", "day", "area_id", "category_id", *DAY_COUNTS)
    }

    def build(key, values, pk):
        day, area_id, category_id = key
        return CaseDay(
            pk=pk,
            day=day,
            area_id=area_id,
            area_path=tree.path(area_id),
            category_id=category_id,
            **dict(zip(DAY_COUNTS, values, strict=True)),
        )

    return _sync(CaseDay, stored, found, build, DAY_COUNTS)


# --- figures now -------------------------------------------------------------------------------


def now_counts(today: dt.date, now, tree: Tree) -> dict[int, dict]:
    """{area id: its AreaNow figures} for every area with any of them."""
    found: dict[int, dict] = defaultdict(_empty_now)

    def add(grid_id, **counts):
        for area_id, _level in tree.above(grid_id):
            figures = found[area_id]
            for name, n in counts.items():
                figures[name] += n

    cases = Case.objects.exclude(grid=None).order_by()
    for grid_id, state, overdue, n in (
        cases.filter(state__in=OPEN)
        .values("grid_id", "state", "is_overdue")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "state", "is_overdue", "n")
    ):
        add(grid_id, open=n, overdue=n if overdue else 0)
        for area_id, _level in tree.above(grid_id):
            found[area_id]["states"][state] += n
    for grid_id, counts in _recent(cases, today):
        add(grid_id, **counts)
    for grid_id, counts in _month(cases, today):
        add(grid_id, **counts)
    return {
        pk: {**figures, "states": dict(sorted(figures["states"].items()))}
        for pk, figures in found.items()
    }


def _empty_now() -> dict:
    return {name: (Counter() if name == "states" else 0) for name in NOW_COUNTS}


def week_start(today: dt.date) -> dt.date:
    return today - today.weekday() * DAY


def _recent(cases, today: dt.date):
    monday, midnight = local_midnight(week_start(today)), local_midnight(today)
    reported = (
        cases.filter(created_at__gte=monday)
        .values("grid_id")
        .annotate(
            reported_week=Count("pk"),
            reported_today=Count("pk", filter=Q(created_at__gte=midnight)),
        )
    )
    closed = (
        cases.filter(state=State.CLOSED, closed_at__gte=monday)
        .values("grid_id")
        .annotate(closed_week=Count("pk"))
    )
    for row in [*reported, *closed]:
        yield row.pop("grid_id"), row


def month_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(today.replace(day=1)), local_midnight(today + DAY)


def _month(cases, today: dt.date):
    """Due, closed and closed-on-time counts of the month so far, as scoring counts them."""
    start, end = month_bounds(today)
    conditions = case_conditions(end)
    names = {"due_month": "due", "closed_month": "closed", "closed_on_time_month": "closed_on_time"}
    due = case_sets(cases, start, end)["due"]
    rows = due.values("grid_id").annotate(
        **{
            mine: Count("pk", filter=conditions[theirs][1] or None)
            for mine, theirs in names.items()
        }
    )
    for row in rows:
        yield row.pop("grid_id"), row


def _sync_now(today: dt.date, now, tree: Tree) -> int:
    found = {
        pk: tuple(figures[name] for name in NOW_COUNTS)
        for pk, figures in now_counts(today, now, tree).items()
    }
    stored = {
        row[0]: (row[0], row[1:]) for row in AreaNow.objects.values_list("area_id", *NOW_COUNTS)
    }

    def build(area_id, values, pk):
        return AreaNow(
            area_id=area_id,
            area_path=tree.path(area_id),
            **dict(zip(NOW_COUNTS, values, strict=True)),
        )

    return _sync(AreaNow, stored, found, build, NOW_COUNTS)


def _sync(model, stored: dict, found: dict, build, fields) -> int:
    """Make the rows in `stored` ({key: (pk, values)}) equal `found` ({key: values})."""
    stale = [pk for key, (pk, _values) in stored.items() if key not in found]
    new = [build(key, values, None) for key, values in found.items() if key not in stored]
    changed = [
        build(key, values, stored[key][0])
        for key, values in found.items()
        if key in stored and stored[key][1] != values
    ]
    for start in range(0, len(stale), BATCH):
        model.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, list(fields), batch_size=BATCH)
    return len(stale) + len(new) + len(changed)


# --- reading -----------------------------------------------------------------------------------

PERM = "dashboard.view"
MAX_AREAS = 60
# Where "by area" looks below each kind of top area: the level a leader there compares.
BELOW = {
    Level.CITY: Level.DISTRICT,
    Level.DISTRICT: Level.STREET,
    Level.STREET: Level.COMMUNITY,
    Level.ZONE: Level.COMMUNITY,
    Level.COMMUNITY: Level.GRID,
}


class Scope:
    """The areas one person's dashboard covers: the top areas of their dashboard.view grants.

    Every read goes through `restrict`, which applies the authorization module and keeps
    to these areas, and figures are summed over the top areas only, so nothing counts twice.
    """

    def __init__(self, authz):
        self.authz = authz
        if authz.is_superuser:
            areas = Area.objects.filter(parent=None)
        else:
            paths = {g.area_path or g.street_path for g in authz.grants if PERM in g.permissions}
            paths.discard(None)
            tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
            areas = authz.restrict(Area.objects.filter(path__in=tops), PERM)
        self.roots = list(areas.order_by("path"))

    @property
    def single(self) -> Area | None:
        return self.roots[0] if len(self.roots) == 1 else None

    def inside(self, field: str = "area_path") -> Q:
        return reduce(
            or_, (Q(**{f"{field}__startswith": root.path}) for root in self.roots), Q(pk__in=[])
        )

    def restrict(self, queryset, field: str = "area_path"):
        return self.authz.restrict(queryset, PERM).filter(self.inside(field))


@dataclass
class Figures:
    """The key figures of a dashboard, summed over its top areas."""

    open: int = 0
    overdue: int = 0
    reported_today: int = 0
    reported_week: int = 0
    closed_week: int = 0
    due_month: int = 0
    closed_month: int = 0
    closed_on_time_month: int = 0
    states: Counter = field(default_factory=Counter)

    @property
    def closure_rate(self):
        return ratio(self.closed_month, self.due_month)

    @property
    def ontime_closure_rate(self):
        return ratio(self.closed_on_time_month, self.due_month)


def figures(scope: Scope) -> Figures:
    found = Figures()
    rows = scope.restrict(AreaNow.objects.filter(area__in=scope.roots))
    for row in rows:
        for name in NOW_COUNTS:
            if name == "states":
                found.states.update(row.states)
            else:
                setattr(found, name, getattr(found, name) + getattr(row, name))
    return found


def last_refresh() -> Refresh | None:
    return Refresh.objects.filter(pk=1).first()


def trend(scope: Scope, first: dt.date, last: dt.date) -> dict[str, list]:
    """Per day from `first` to `last`: cases reported, closed, and past their deadline."""
    rows = (
        scope.restrict(CaseDay.objects.filter(area__in=scope.roots, category=None))
        .filter(day__gte=first, day__lte=last)
        .values("day")
        .annotate(**{name: Sum(name) for name in DAY_COUNTS})
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    days = [first + n * DAY for n in range((last - first).days + 1)]
    series = {name: [by_day.get(d, {}).get(name) or 0 for d in days] for name in DAY_COUNTS}
    return {"days": [d.isoformat() for d in days], **series}


def by_category(scope: Scope, first: dt.date, limit: int = 10) -> list[dict]:
    """The categories with the most cases reported since `first`, most first.

    Summed per category id first, then named: the join never meets the day rows.
    """
    rows = list(
        scope.restrict(CaseDay.objects.filter(area__in=scope.roots, category__isnull=False))
        .filter(day__gte=first)
        .values("category_id")
        .annotate(reported=Sum("reported"))
        .filter(reported__gt=0)
        .order_by("-reported", "category_id")[:limit]
    )
    names = Category.objects.in_bulk([row["category_id"] for row in rows])
    return [
        {"category": names[row["category_id"]], "reported": row["reported"]}
        for row in rows
        if row["category_id"] in names
    ]


def sub_areas(scope: Scope) -> list[Area]:
    """The areas one level below each top area that a leader there compares."""
    below = Q(pk__in=[])
    for root in scope.roots:
        if root.level in BELOW:
            below |= Q(path__startswith=root.path, level=BELOW[root.level])
    return list(scope.restrict(Area.objects.filter(below), "path").order_by("path")[:MAX_AREAS])


def by_area(scope: Scope, first: dt.date) -> list[dict]:
    """Per sub-area: cases reported since `first`, and open now."""
    areas = sub_areas(scope)
    ids = [area.pk for area in areas]
    reported = dict(
        scope.restrict(CaseDay.objects.filter(area__in=ids, category=None))
        .filter(day__gte=first)
        .values("area")
        .annotate(n=Sum("reported"))
        .values_list("area", "n")
        .order_by()
    )
    open_now = dict(
        scope.restrict(AreaNow.objects.filter(area__in=ids)).values_list("area_id", "open")
    )
    return [
        {
            "area": area,
            "reported": reported.get(area.pk) or 0,
            "open": open_now.get(area.pk) or 0,
        }
        for area in areas
    ]


def density_level(scope: Scope) -> int:
    """Grids, unless the dashboard spans a whole city: then its communities."""
    return (
        Level.GRID if all(root.level >= Level.DISTRICT for root in scope.roots) else Level.COMMUNITY
    )


def density(scope: Scope) -> list[tuple]:
    """(code, name, outline as GeoJSON text, open cases now) of each grid (or community)."""
    level = density_level(scope)
    areas = list(
        scope.restrict(Area.objects.filter(level=level).exclude(boundary=None), "path")
        .order_by("path")
        .values_list("pk", "code", "name", Cast("boundary", TextField()))
    )
    ids = [row[0] for row in areas]
    open_now = dict(
        scope.restrict(AreaNow.objects.filter(area__in=ids)).values_list("area_id", "open")
    )
    return [(code, name, outline, open_now.get(pk, 0)) for pk, code, name, outline in areas]


def open_cases(scope: Scope, limit: int) -> list[tuple]:
    """(number, state, category name, lat, lng) of the newest open cases with a position."""
    cases = Case.objects.filter(state__in=OPEN, lat__isnull=False, lng__isnull=False)
    return list(
        scope.restrict(cases)
        .order_by("-created_at", "-id")
        .values_list("number", "state", "category__name", "lat", "lng")[:limit]
    )


def hotspot_list(scope: Scope, limit: int) -> list[Hotspot]:
    rows = Hotspot.objects.select_related("category", "area")
    return list(scope.restrict(rows)[:limit])


def latest_inspections(scope: Scope):
    """(round, its results per community) of the latest round inspected in scope, or None."""
    submitted = scope.restrict(
        Inspection.objects.filter(status=Inspection.Status.SUBMITTED), "site_path"
    )
    latest = submitted.select_related("round").order_by("-submitted_at", "-pk").first()
    if latest is None:
        return None
    return latest.round, round_results(submitted.filter(round=latest.round_id)).communities
