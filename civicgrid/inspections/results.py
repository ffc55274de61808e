"""A round's results: per site, per community, per point type, and the items most often failed.

A community's figure is the average of its sites' percentages weighted by point
type (POINT_TYPE_WEIGHTS). Everything is computed from the submitted inspections
in three queries, however many sites the round has.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import PointType
from civicgrid.inspections.models import Inspection, ItemResult

# How much one site of a type counts in its community's average. All 1.0 for now;
# to be configurable per campaign later (DOMAIN.md §5: weights differ by city).
POINT_TYPE_WEIGHTS: dict[str, Decimal] = {value: Decimal("1.0") for value in PointType.values}
WORST_ITEMS = 10
CENT = Decimal("0.01")


def weight(point_type: str) -> Decimal:
    return POINT_TYPE_WEIGHTS.get(point_type, Decimal("1.0"))


@dataclass
class SiteResult:
    inspection: Inspection
    community: Area | None

    @property
    def site(self):
        return self.inspection.site

    @property
    def weight(self) -> Decimal:
        return weight(self.site.point_type)


@dataclass
class Group:
    """Sites of one community or one point type, and their (weighted) average percentage."""

    key: object
    label: str
    sites: list[SiteResult] = field(default_factory=list)
    weighted: bool = True

    @property
    def average(self) -> Decimal | None:
        scored = [s for s in self.sites if s.inspection.percentage is not None]
        if not scored:
            return None
        weights = [s.weight if self.weighted else Decimal(1) for s in scored]
        if not sum(weights):
            return None
        total = sum(w * s.inspection.percentage for w, s in zip(weights, scored, strict=True))
        return (total / sum(weights)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ItemFailures:
    code: str
    title: str
    content: str
    failures: int
    checked: int

    @property
    def rate(self) -> Decimal:
        return (Decimal(self.failures) * 100 / self.checked).quantize(CENT, ROUND_HALF_UP)


@dataclass
class RoundResults:
    sites: list[SiteResult]
    communities: list[Group]
    point_types: list[Group]
    worst_items: list[ItemFailures]

    @property
    def average(self) -> Decimal | None:
        return Group(None, "", self.sites).average


def round_results(inspections) -> RoundResults:
    """Results of the submitted inspections among `inspections` (one round's, in scope)."""
    submitted = inspections.filter(status=Inspection.Status.SUBMITTED)
    rows = list(
        submitted.select_related("site__area", "inspector").order_by(
            F("percentage").desc(nulls_last=True), "site__name"
        )
    )
    communities = _communities(rows)
    sites = [SiteResult(i, communities.get(i.site.area_path)) for i in rows]
    return RoundResults(
        sites=sites,
        communities=_by_community(sites),
        point_types=_by_point_type(sites),
        worst_items=worst_items(submitted),
    )


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.split("/") if part]


def _communities(rows) -> dict[str, Area]:
    """The community each site's area path lies in (a site right under a street has none)."""
    paths = {i.site.area_path for i in rows}
    ids = {pk for path in paths for pk in _path_ids(path)}
    found = {a.pk: a for a in Area.objects.filter(pk__in=ids, level=Level.COMMUNITY)}
    return {
        path: next((found[pk] for pk in _path_ids(path) if pk in found), None) for path in paths
    }


def _by_community(sites) -> list[Group]:
    groups: dict[int | None, Group] = {}
    for row in sites:
        key = row.community.pk if row.community else None
        label = row.community.name if row.community else ""
        groups.setdefault(key, Group(key, label)).sites.append(row)
    return _ranked(groups.values())


def _by_point_type(sites) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in sites:
        kind = row.site.point_type
        groups.setdefault(kind, Group(kind, row.site.get_point_type_display(), weighted=False))
        groups[kind].sites.append(row)
    return _ranked(groups.values())


def _ranked(groups) -> list[Group]:
    return sorted(groups, key=lambda g: (g.average is None, -(g.average or 0), g.label))


def worst_items(inspections, limit: int = WORST_ITEMS) -> list[ItemFailures]:
    """The items failed most often, with how many times each was checked (N/A not counted)."""
    counts = (
        ItemResult.objects.filter(inspection__in=inspections.values("pk"))
        .exclude(verdict=ItemResult.Verdict.NA)
        .values("indicator__code", "indicator__title", "indicator__parent__title")
        .annotate(
            failures=Count("pk", filter=Q(verdict=ItemResult.Verdict.FAIL)),
            checked=Count("pk"),
        )
        .filter(failures__gt=0)
        .order_by("-failures", "indicator__code")[:limit]
    )
    return [
        ItemFailures(
            row["indicator__code"],
            row["indicator__title"],
            row["indicator__parent__title"] or "",
            row["failures"],
            row["checked"],
        )
        for row in counts
    ]


def trend(inspections) -> list[tuple[Inspection, Decimal | None]]:
    """Each submitted inspection, oldest first, with the change from the one before."""
    rows, before = [], None
    for inspection in inspections:
        change = None
        if before is not None and inspection.percentage is not None:
            change = inspection.percentage - before
        rows.append((inspection, change))
        before = inspection.percentage if inspection.percentage is not None else before
    return rows
