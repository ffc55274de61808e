"""The units and people who can answer for a campaign's work: the departments and task
forces serving its streets, the streets and their communities, the people working there."""

from functools import reduce
from operator import or_

from django.db.models import Q

from civicgrid.areas.models import Area, Department, Level
from civicgrid.campaigns.models import Campaign
from civicgrid.people.models import User

AREA_LEVELS = (Level.STREET, Level.COMMUNITY)


def _paths(campaign: Campaign) -> list[str]:
    return list(campaign.streets.values_list("path", flat=True))


def _under(field: str, paths: list[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths), Q(pk__in=[]))


def departments(campaign: Campaign):
    return Department.objects.filter(street__in=campaign.streets.all(), is_active=True).order_by(
        "kind", "code"
    )


def areas(campaign: Campaign):
    """The campaign's streets and their communities and villages."""
    return Area.objects.filter(_under("path", _paths(campaign)), level__in=AREA_LEVELS).order_by(
        "path"
    )


def people(campaign: Campaign):
    """Everyone holding a role in the campaign's streets, through an area or a department."""
    paths = _paths(campaign)
    matches = User.objects.filter(
        _under("assignments__area__path", paths)
        | _under("assignments__department__street__path", paths)
    )
    return User.objects.filter(pk__in=matches.values("pk"), is_active=True).order_by("username")
