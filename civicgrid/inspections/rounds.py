"""Which sites a round covers, who may inspect in it, and the recurring rounds made from
a template round.

A round's scope is the union of its explicit sites, the active sites in its areas'
subtrees and the active sites of its point types within the campaign's streets.
A round with `repeat_days` is a template: `generate` adds the rounds that should
have started by today, each with the template's scope and inspectors.
"""

import datetime as dt
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.inspections.models import Round, Site


def sites_in_scope(round: Round):
    """The sites the round covers, as one queryset (three small queries to build it)."""
    condition = Q(pk__in=round.sites.values("pk"))
    for path in round.areas.values_list("path", flat=True):
        condition |= Q(is_active=True, area_path__startswith=path)
    streets = list(round.campaign.streets.values_list("path", flat=True))
    if round.point_types and streets:
        within = reduce(or_, (Q(area_path__startswith=path) for path in streets))
        condition |= Q(is_active=True, point_type__in=round.point_types) & within
    return Site.objects.filter(condition)


def may_inspect(round: Round, authz) -> bool:
    """Whether the person may inspect in this round: listed, or the round lists nobody
    (the rule of `Round.objects.open_to`; reads prefetched inspectors when there are)."""
    if not authz.has_perm("inspections.conduct"):
        return False
    if authz.is_superuser:
        return True
    listed = [person.pk for person in round.inspectors.all()]
    return not listed or authz.user.pk in listed


def with_inspections(round: Round, sites: list[Site], authz) -> list[Site]:
    """Mark each of the round's `sites` with its inspection in the round (or None) and
    whether the person may start or resume one there (`can_start`): three queries."""
    found = round.inspections.filter(site__in=[site.pk for site in sites])
    by_site = {i.site_id: i for i in found.select_related("inspector").order_by()}
    conductable = set(
        authz.restrict(
            Site.objects.filter(pk__in=[site.pk for site in sites]), "inspections.conduct"
        ).values_list("pk", flat=True)
    )
    may = may_inspect(round, authz)
    for site in sites:
        site.inspection = by_site.get(site.pk)
        site.can_start = may and site.pk in conductable
    return sites


def period_name(number: int, start: dt.date, end: dt.date) -> str:
    """第3轮（12月7日—12月13日）"""
    return _("第%(n)s轮（%(start)s—%(end)s）") % {
        "n": number,
        "start": _("%(m)s月%(d)s日") % {"m": start.month, "d": start.day},
        "end": _("%(m)s月%(d)s日") % {"m": end.month, "d": end.day},
    }


def generate(today: dt.date | None = None) -> list[Round]:
    """Create every repeat of every template round due by `today`; safe to run twice."""
    today = today or timezone.localdate()
    templates = Round.objects.filter(
        repeat_days__gte=1, template__isnull=True, start__lte=today
    ).select_related("campaign")
    return [made for template in templates for made in repeat(template, today)]


@transaction.atomic
def repeat(template: Round, today: dt.date) -> list[Round]:
    """The missing repeats of one template up to today (never past the campaign's end)."""
    template = Round.objects.select_for_update().select_related("campaign").get(pk=template.pk)
    length = template.end - template.start
    existing = set(template.repeats.values_list("start", flat=True))
    scope = None
    made = []
    for number, start in _periods(template, today):
        if start in existing:
            continue
        end = min(start + length, template.campaign.end)
        if scope is None:
            scope = _scope_of(template)
        made.append(_copy(template, number, start, end, scope))
    return made


def _periods(template: Round, today: dt.date):
    """(number, start) of the 2nd, 3rd… periods that have started by today."""
    last = min(today, template.campaign.end)
    number, start = 2, template.start + dt.timedelta(days=template.repeat_days)
    while start <= last:
        yield number, start
        number, start = number + 1, start + dt.timedelta(days=template.repeat_days)


def _scope_of(template: Round) -> dict:
    return {
        "sites": list(template.sites.values_list("pk", flat=True)),
        "areas": list(template.areas.values_list("pk", flat=True)),
        "inspectors": list(template.inspectors.values_list("pk", flat=True)),
    }


def _copy(template: Round, number: int, start, end, scope: dict) -> Round:
    made = Round.objects.create(
        campaign=template.campaign,
        name=period_name(number, start, end),
        start=start,
        end=end,
        point_types=list(template.point_types),
        template=template,
    )
    made.sites.set(scope["sites"])
    made.areas.set(scope["areas"])
    made.inspectors.set(scope["inspectors"])
    return made
