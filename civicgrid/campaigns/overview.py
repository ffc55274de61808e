"""The campaign overview's figures (创建项目概览): what the person may see of the evidence,
work tasks and cases of a campaign, per indicator and in total, and the latest round's
scores by community. The overview page and the API read them here; each figure is one
aggregate query, however large the campaign.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns import evidence, standards
from civicgrid.campaigns.evidence import Completeness
from civicgrid.campaigns.models import (
    Campaign,
    EvidenceRequirement,
    Indicator,
    IndicatorDuty,
    WorkTask,
)
from civicgrid.cases.models import OPEN, Case
from civicgrid.inspections.models import Inspection, ItemResult, Round

TASK_COUNTS = ("total", "todo", "doing", "done", "overdue")


@dataclass
class CommunityScore:
    area: Area | None  # None: sites that lie in no community
    sites: int
    average: Decimal


@dataclass
class Figures:
    """The overview's totals, and what they are summed from (for `indicator_rows`)."""

    evidence: dict  # required, accepted, percent (None when nothing is required), missing
    tasks: dict  # TASK_COUNTS
    cases: dict  # open, overdue
    scores: dict | None  # latest_scores
    left_behind: int
    newer: int  # versions of the standard newer than the pinned one
    evidence_by_indicator: dict[int, Completeness]
    tasks_by_indicator: list[dict]


def figures(campaign: Campaign, authz) -> Figures:
    tasks = list(_tasks(campaign, authz))
    per_indicator = evidence.by_indicator(evidence.scoped_requirements(authz, campaign))
    cases = campaign_cases(campaign, authz)
    return Figures(
        evidence=_evidence_total(per_indicator),
        tasks={key: sum(row[key] for row in tasks) for key in TASK_COUNTS},
        cases=cases.aggregate(
            open=Count("pk", filter=Q(state__in=OPEN)), overdue=Count("pk", filter=overdue())
        ),
        scores=latest_scores(campaign, authz),
        left_behind=_left_behind(campaign),
        newer=campaign.version.standard.versions.filter(number__gt=campaign.version.number).count(),
        evidence_by_indicator=per_indicator,
        tasks_by_indicator=tasks,
    )


def _evidence_total(per_indicator: dict[int, Completeness]) -> dict:
    """The material in total (evidence.total, summed by indicator) and how many indicators
    still lack some."""
    total = Completeness(
        sum(c.required for c in per_indicator.values()),
        sum(c.accepted for c in per_indicator.values()),
    )
    return {
        "required": total.required,
        "accepted": total.accepted,
        "percent": total.percent if total.required else None,
        "missing": sum(1 for c in per_indicator.values() if not c.complete),
    }


def _scoped(authz, model, **filters):
    """`model` rows matching `filters` that the person may view, without the join's repeats."""
    rows = model.objects.filter(**filters)
    return rows.filter(pk__in=authz.restrict(rows, "campaigns.view").values("pk"))


@dataclass
class IndicatorRow:
    indicator: Indicator
    duty: IndicatorDuty | None = None
    required: int = 0
    accepted: int = 0
    tasks: int = 0
    tasks_done: int = 0
    tasks_overdue: int = 0
    cases_open: int = 0
    cases_overdue: int = 0


def indicator_rows(campaign: Campaign, authz, counted: Figures) -> list[IndicatorRow]:
    """The pinned version's indicators with what the person may see of each."""
    rows = [IndicatorRow(item) for item in standards.tree(campaign.version)]
    by_id = {row.indicator.pk: row for row in rows}
    by_code = {row.indicator.code: row for row in rows}
    duties = _scoped(authz, IndicatorDuty, campaign=campaign).select_related(
        "lead", "lead_area", "person"
    )
    for duty in duties.prefetch_related("partners"):
        if duty.indicator_id in by_id:
            by_id[duty.indicator_id].duty = duty
    for indicator_id, completeness in counted.evidence_by_indicator.items():
        if (target := by_id.get(indicator_id)) is not None:
            target.required, target.accepted = completeness.required, completeness.accepted
    for row in counted.tasks_by_indicator:
        if (target := by_id.get(row["indicator_id"])) is not None:
            target.tasks, target.tasks_done = row["total"], row["done"]
            target.tasks_overdue = row["overdue"]
    for row in _item_cases(campaign, authz):
        if (target := by_code.get(row["indicator__code"])) is not None:
            target.cases_open += row["open"]
            target.cases_overdue += row["overdue"]
    return rows


def _tasks(campaign, authz):
    done = Q(status=WorkTask.Status.DONE)
    late = ~done & Q(due__lt=timezone.localdate())
    return (
        _scoped(authz, WorkTask, campaign=campaign)
        .order_by()
        .values("indicator_id")
        .annotate(
            total=Count("pk"),
            todo=Count("pk", filter=Q(status=WorkTask.Status.TODO)),
            doing=Count("pk", filter=Q(status=WorkTask.Status.DOING)),
            done=Count("pk", filter=done),
            overdue=Count("pk", filter=late),
        )
    )


def overdue(prefix: str = "") -> Q:
    """Open and past its deadline, whether or not the overdue sweep has marked it yet."""
    late = Q(**{f"{prefix}is_overdue": True}) | Q(**{f"{prefix}deadline__lt": timezone.now()})
    return Q(**{f"{prefix}state__in": OPEN}) & late


def campaign_cases(campaign, authz):
    """Cases opened from this campaign's inspections: failed items and extra problems found."""
    from_items = ItemResult.objects.filter(inspection__round__campaign=campaign).values("case_id")
    extra = Inspection.extra_cases.through.objects.filter(inspection__round__campaign=campaign)
    cases = Case.objects.restrict(authz).filter(
        Q(pk__in=from_items) | Q(pk__in=extra.values("case_id"))
    )
    return cases.order_by("deadline", "pk")


def _item_cases(campaign, authz):
    """Open and overdue cases per indicator code (a result may be on an older version)."""
    visible = Case.objects.restrict(authz).values("pk")
    return (
        ItemResult.objects.filter(inspection__round__campaign=campaign, case__in=visible)
        .order_by()
        .values("indicator__code")
        .annotate(
            open=Count("pk", filter=Q(case__state__in=OPEN)),
            overdue=Count("pk", filter=overdue("case__")),
        )
    )


def _left_behind(campaign) -> int:
    """Duties and evidence requirements still on indicators of another version."""
    duties = IndicatorDuty.objects.filter(campaign=campaign).exclude(
        indicator__version=campaign.version_id
    )
    requirements = EvidenceRequirement.objects.filter(campaign=campaign).exclude(
        indicator__version=campaign.version_id
    )
    return duties.count() + requirements.count()


def latest_scores(campaign, authz) -> dict | None:
    """The latest round with submitted inspections: each community's average percentage."""
    submitted = Inspection.objects.filter(
        round__campaign=campaign, status=Inspection.Status.SUBMITTED, percentage__isnull=False
    )
    inspections = authz.restrict(submitted, "inspections.view")
    latest = (
        Round.objects.filter(pk__in=inspections.values("round_id"))
        .order_by("-start", "-pk")
        .first()
    )
    if latest is None:
        return None
    by_path = (
        inspections.filter(round=latest)
        .order_by()
        .values("site_path")
        .annotate(total=Sum("percentage"), n=Count("pk"))
    )
    sums: dict[int | None, list] = defaultdict(lambda: [Decimal(0), 0])
    paths = list(by_path)
    ids = {int(part) for row in paths for part in row["site_path"].split("/") if part}
    communities = Area.objects.filter(pk__in=ids, level=Level.COMMUNITY).in_bulk()
    for row in paths:
        ids_on_path = [int(part) for part in row["site_path"].split("/") if part]
        community = next((pk for pk in ids_on_path if pk in communities), None)
        sums[community][0] += row["total"]
        sums[community][1] += row["n"]
    scores = [
        CommunityScore(communities.get(pk), n, (total / n).quantize(Decimal("0.01"), ROUND_HALF_UP))
        for pk, (total, n) in sums.items()
    ]
    scores.sort(key=lambda s: (-s.average, s.area.name if s.area else ""))
    return {"round": latest, "communities": scores}
