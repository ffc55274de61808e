"""What is known at a site (点位): its latest score, the score history of its submitted
inspections and the open cases inspections found there. The site pages, the inspection
form and the API read them here, restricted the same way."""

from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from civicgrid.cases.models import OPEN, Case
from civicgrid.inspections import results
from civicgrid.inspections.models import Inspection, Site

HISTORY_LENGTH = 20


def latest_percentage() -> Subquery:
    """The percentage of a site's latest submitted inspection (annotate a site queryset)."""
    latest = Inspection.objects.filter(
        site=OuterRef("pk"), status=Inspection.Status.SUBMITTED
    ).order_by("-submitted_at")
    return Subquery(latest.values("percentage")[:1])


def score_history(site: Site, authz) -> list[tuple[Inspection, Decimal | None]]:
    """The latest submitted inspections the person may view, newest first, each with the
    change from the one before."""
    submitted = (
        authz.restrict(site.inspections.all(), "inspections.view")
        .filter(status=Inspection.Status.SUBMITTED)
        .select_related("round", "inspector")
        .order_by("-submitted_at")[:HISTORY_LENGTH]
    )
    return list(reversed(results.trend(reversed(list(submitted)))))


def open_cases(site: Site, authz, exclude: Inspection | None = None):
    """The open cases inspections opened at the site (failed items and extra problems) that
    the person may view, oldest first; `exclude` leaves out those of one inspection."""
    found = Case.objects.filter(
        Q(inspection_item__inspection__site=site) | Q(found_in_inspections__site=site)
    ).filter(state__in=OPEN)
    if exclude is not None:
        found = found.exclude(found_in_inspections=exclude).exclude(
            inspection_item__inspection=exclude
        )
    visible = Case.objects.filter(pk__in=found.values("pk")).restrict(authz)
    return visible.order_by("created_at", "pk")
