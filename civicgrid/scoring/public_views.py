"""The public ranking page (公示): published periods the street chose to show, no login.

Only each community's rank, name, index, grade and change are shown: no people, no case
counts, nothing that could point at a resident.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from civicgrid.scoring.models import Period, Scheme, Unit
from civicgrid.scoring.ranking import ordered

LISTED = 50


def public_periods():
    return (
        Period.objects.filter(status=Period.Status.PUBLISHED, public=True)
        .select_related("campaign")
        .order_by("-end", "-pk")
    )


def grade_labels(bands) -> list[str]:
    """[("A", 90), …, ("E", 0)] → ["A ≥90", …, "E <40"]."""
    labels = [f"{letter} ≥{floor}" for letter, floor in bands[:-1]]
    if bands:
        letter, floor = bands[-1]
        labels.append(
            f"{letter} <{bands[-2][1]}" if len(bands) > 1 and not floor else f"{letter} ≥{floor}"
        )
    return labels


@login_not_required
@require_GET
def ranking(request, pk=None):
    periods = public_periods()
    period = get_object_or_404(periods, pk=pk) if pk else periods.first()
    rows, bands = [], []
    if period is not None:
        bands = grade_labels(Scheme.of(period.campaign_id).grade_bands())
        scores = period.scores.filter(unit=Unit.COMMUNITY).only(
            "name", "index", "rank", "grade", "change", "period_id", "unit"
        )
        rows = ordered(scores)
    context = {"period": period, "rows": rows, "bands": bands, "periods": periods[:LISTED]}
    return render(request, "scoring/public/ranking.html", context)
