"""The Excel documents, written by the exports that already exist:

问题清单  cases/export.py's columns, for the street's cases reported between two dates
责任清单  cases/rules_transfer.py's rows: the rules of the street, its areas and those
          above it that apply in it
排名表    scoring/ranking.py's workbook of a published period, one sheet per kind of
          unit, the street's rows only
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import export, rules_transfer
from civicgrid.cases.models import ResponsibilityRule
from civicgrid.cases.rules_views import _list_order as rule_order
from civicgrid.documents.figures import published
from civicgrid.lib.spreadsheets import workbook_bytes
from civicgrid.scoring import ranking
from civicgrid.scoring.compute import campaign_cases
from civicgrid.scoring.models import Score


def dates(document) -> tuple[dt.date, dt.date]:
    parameters = document.parameters
    return dt.date.fromisoformat(parameters["start"]), dt.date.fromisoformat(parameters["end"])


def cases_title(street, start, end) -> str:
    return _("%(street)s问题清单（%(start)s至%(end)s）") % {
        "street": street.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def rules_title(street) -> str:
    return _("%(street)s责任清单") % {"street": street.name}


def ranking_title(campaign, period) -> str:
    return _("%(campaign)s%(period)s考核排名") % {
        "campaign": campaign.name,
        "period": period.name,
    }


def street_cases(street, start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    cases = campaign_cases([street]).filter(created_at__gte=since, created_at__lt=until)
    return cases.order_by("created_at", "pk")


def cases_workbook(document) -> bytes:
    start, end = dates(document)
    return export.workbook(street_cases(document.street, start, end))


def street_rules(street) -> list[ResponsibilityRule]:
    """The rules that apply in the street: set on it, on its areas, or on areas above it."""
    applying = Q(area__path__startswith=street.path) | Q(area_id__in=street.ancestor_ids)
    rules = ResponsibilityRule.objects.filter(applying).select_related(
        "category", "area", "department"
    )
    return sorted(rules, key=rule_order)


def rules_workbook(document) -> bytes:
    rows = rules_transfer.export_rows(street_rules(document.street))
    return workbook_bytes(_("责任清单"), rules_transfer.HEADERS, rows)


def ranking_workbook(document) -> bytes:
    period = published(document.period)
    rows = Score.objects.filter(period=period, area_path__startswith=document.street.path)
    by_unit: dict[str, list[Score]] = {}
    for score in rows:
        by_unit.setdefault(score.unit, []).append(score)
    return ranking.workbook(by_unit)
