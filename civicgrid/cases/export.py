"""The 问题清单 as an Excel file: small lists at once, large ones built by the background worker."""

from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from civicgrid.areas.models import Level
from civicgrid.cases.models import OPEN, Case, Closure
from civicgrid.lib import exports
from civicgrid.lib.spreadsheets import workbook_bytes

# Above this many rows the file is built in the background and the person waits on a page.
DIRECT_LIMIT = 2_000
RELATED = ("category", "grid__parent", "responsible_department", "responsible_area")


def headers() -> list[str]:
    return [
        _("案件编号"),
        _("上报时间"),
        _("地点"),
        _("社区"),
        _("网格"),
        _("类别"),
        _("问题描述"),
        _("责任单位"),
        _("处置期限"),
        _("状态"),
        _("结案时间"),
        _("是否超期"),
    ]


def title() -> str:
    return _("问题清单")


def filename() -> str:
    return _("问题清单-%(at)s.xlsx") % {"at": timezone.localtime().strftime("%Y%m%d-%H%M")}


def community_and_grid(case: Case) -> tuple[str, str]:
    """The names of the community and the grid a case lies in (either may be empty)."""
    area = case.grid
    if area is None:
        return "", ""
    if area.level == Level.GRID:
        return (area.parent.name if area.parent_id else ""), area.name
    return (area.name if area.level == Level.COMMUNITY else ""), ""


def is_late(case: Case, now=None) -> bool:
    """Overdue now, or closed late, or past its deadline before the sweep noticed."""
    if case.is_overdue or case.closure == Closure.OVERDUE:
        return True
    now = now or timezone.now()
    return case.state in OPEN and case.deadline is not None and case.deadline < now


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def rows(cases):
    now = timezone.now()
    for case in cases.select_related(*RELATED).iterator(chunk_size=500):
        community, grid = community_and_grid(case)
        yield [
            case.number,
            local(case.created_at),
            case.address,
            community,
            grid,
            f"{case.category.code} {case.category.name}",
            case.description,
            str(case.responsible or ""),
            local(case.deadline),
            case.get_state_display(),
            local(case.closed_at),
            _("是") if is_late(case, now) else _("否"),
        ]


def workbook(cases) -> bytes:
    return workbook_bytes(title(), headers(), rows(cases))


def in_background(cases) -> bool:
    """Whether to leave the file to the worker: more rows than a request should build
    (a bounded count), and a task backend that can tell when it is done."""
    if not build_export.get_backend().supports_get_result:
        return False
    return cases.order_by()[: DIRECT_LIMIT + 1].count() > DIRECT_LIMIT


@task()
def build_export(user_id: int, query: dict[str, list[str]]) -> str:
    """Build the person's filtered 问题清单 under MEDIA_ROOT/exports/; returns the file's name."""
    from civicgrid.cases.filters import CaseFilter
    from civicgrid.people.authz import Authz
    from civicgrid.people.models import User

    params = QueryDict(mutable=True)
    for key, values in query.items():
        params.setlist(key, values)
    cases = CaseFilter(params, Authz(User.objects.get(pk=user_id))).cases()
    return exports.save(ContentFile(workbook(cases)), ".xlsx")
