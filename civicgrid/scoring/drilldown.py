"""What lies behind each figure of a score: the cases, ratings and inspections it counted.

Built from compute.py's own sets and conditions, narrowed to the score's unit the way
compute rolls figures up: an area's score counts the cases and sites of its subtree
(by their grid's and site's area), a department's the cases it answers for.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civicgrid.inspections.models import ItemResult
from civicgrid.scoring.compute import (
    bounds,
    campaign_cases,
    case_conditions,
    case_sets,
    period_inspections,
    period_ratings,
    rating_conditions,
)
from civicgrid.scoring.models import Score, Unit

# Each figure a page shows, with its name on the page.
CASE_METRICS = {
    "registered": _("立案数"),
    "verified": _("监督举报核实数"),
    "due": _("应结案数"),
    "closed": _("结案数"),
    "closed_on_time": _("按期结案数"),
    "handled_on_time": _("按期处置数"),
    "reworked": _("返工数"),
}
RATING_METRICS = {"rated": _("评价数"), "satisfied": _("满意数")}
INSPECTION = "inspection"
METRICS = {**CASE_METRICS, **RATING_METRICS, INSPECTION: _("检查得分")}


def _unit_cases(score: Score) -> QuerySet:
    cases = campaign_cases(list(score.period.campaign.streets.all()))
    if score.unit == Unit.DEPARTMENT:
        return cases.filter(responsible_department=score.department_id)
    return cases.filter(grid__path__startswith=score.area_path)


def cases_behind(score: Score, metric: str) -> QuerySet:
    """The cases counted in `score.counts[metric]`, with exactly compute's filters."""
    start, end = bounds(score.period)
    within, condition = case_conditions(end)[metric]
    return case_sets(_unit_cases(score), start, end)[within].filter(condition)


def ratings_behind(score: Score, metric: str) -> QuerySet:
    """The ratings counted in `score.counts[metric]` ("rated" or "satisfied")."""
    start, end = bounds(score.period)
    ratings = period_ratings(_unit_cases(score), start, end)
    return ratings.filter(rating_conditions()[metric])


def inspections_behind(score: Score) -> QuerySet:
    """The inspections averaged into the score's inspection figure (areas only)."""
    if score.unit == Unit.DEPARTMENT:
        return period_inspections(score.period.campaign, *bounds(score.period)).none()
    inspections = period_inspections(score.period.campaign, *bounds(score.period))
    return inspections.filter(site__area__path__startswith=score.area_path)


def items_behind(score: Score) -> QuerySet:
    """The checklist items of those inspections: each verdict, its points and its case."""
    return ItemResult.objects.filter(inspection__in=inspections_behind(score))


def count_of(score: Score, metric: str) -> int:
    """How many rows lie behind one count (what the drill-down lists)."""
    if metric in RATING_METRICS:
        return ratings_behind(score, metric).count()
    return cases_behind(score, metric).count()
