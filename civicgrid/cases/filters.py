"""Which cases a page shows: work queues, the list's filters and keyset pages.

The list, the Excel export, the map and the home page's queues all narrow the
person's cases here, so the same filters always mean the same cases.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department
from civicgrid.cases.models import OPEN, WITH_HANDLER, Case, Source, State
from civicgrid.categories.models import CODE_PATTERN, Category
from civicgrid.lib.keyset import Keyset
from civicgrid.lib.widgets import QuickSelect

NUMBER = re.compile(r"^\d{4}-\d{6,}$")  # six digits, more past a million cases a year
CATEGORY_CODE = re.compile(CODE_PATTERN)
PAGE_SIZE = 50

# Beyond these a date is a typo, and near year 9999 the day after would overflow.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class Queue:
    """One work queue on the home page: the cases waiting for what the person may do."""

    name: str
    label: str
    perm: str
    condition: Q | None  # None: the person's own reports

    def cases(self, authz):
        if self.condition is None:
            return authz.restrict(Case.objects.all(), "cases.view").filter(reported_by=authz.user)
        return authz.restrict(Case.objects.all(), self.perm).filter(self.condition)

    def url(self) -> str:
        return reverse("cases:list") + f"?queue={self.name}"


QUEUES = {
    queue.name: queue
    for queue in [
        Queue("reported", _("待立案"), "cases.register", Q(state=State.REPORTED)),
        Queue("registered", _("待派遣"), "cases.dispatch", Q(state=State.REGISTERED)),
        Queue("handling", _("待处置"), "cases.handle", Q(state__in=WITH_HANDLER)),
        Queue("handled", _("待核查"), "cases.verify", Q(state=State.HANDLED)),
        Queue(
            "pending",
            _("待审批"),
            "cases.approve",
            Q(state__in=WITH_HANDLER) & ~Q(pending=""),
        ),
        Queue("overdue", _("已超期"), "cases.view", Q(is_overdue=True, state__in=OPEN)),
        Queue("mine", _("我上报的"), "cases.report", None),
    ]
}


# Past this many a queue shows "999+": counting a city's hundred thousand open cases on
# every visit to the home page would cost 200 ms of the database, and the exact number
# past a thousand changes nothing for the person reading it.
QUEUE_CAP = 999


def work_queues(authz) -> list[tuple[str, int, str]]:
    """(label, count, list url) of each queue the person has: one query per queue, each
    counting at most QUEUE_CAP + 1 cases."""
    return [
        (queue.label, queue.cases(authz).order_by()[: QUEUE_CAP + 1].count(), queue.url())
        for queue in QUEUES.values()
        if authz.has_perm(queue.perm)
    ]


def departments_for(authz):
    """Departments serving the streets the person works in (for choosing a unit)."""
    departments = Department.objects.filter(is_active=True).select_related("street")
    if authz.is_superuser:
        return departments
    paths = [g.area_path or g.street_path for g in authz.grants]
    ids = {int(part) for path in paths if path for part in path.split("/") if part}
    below = Q(pk__in=[])
    for path in {p for p in paths if p}:
        below |= Q(street__path__startswith=path)
    return departments.filter(Q(street_id__in=ids) | below)


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CaseFilter(forms.Form):
    """The list's GET form. Invalid fields are left out of the filter and shown as errors."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    queue = forms.ChoiceField(label=_("待办"), required=False, widget=QuickSelect)
    state = forms.ChoiceField(label=_("状态"), required=False, widget=QuickSelect)
    category = forms.CharField(label=_("类别代码"), required=False, max_length=20)
    area = forms.CharField(label=_("区域编码"), required=False, max_length=20)
    source = forms.ChoiceField(
        label=_("来源"),
        required=False,
        choices=[("", _("全部"))] + Source.choices,
        widget=QuickSelect,
    )
    unit = DepartmentChoice(
        label=_("责任单位"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("全部"),
        widget=QuickSelect,
    )
    created_from = forms.DateField(
        label=_("上报日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)

    def __init__(self, data, authz):
        super().__init__(data)
        self.authz = authz
        self.fields["queue"].choices = [("", _("全部"))] + [
            (q.name, q.label) for q in QUEUES.values() if authz.has_perm(q.perm)
        ]
        self.fields["state"].choices = [("", _("全部")), ("open", _("办理中"))] + State.choices
        # Only what an option shows: a city has hundreds of departments.
        self.fields["unit"].queryset = departments_for(authz).select_related(None).only("name")
        self.area = None

    def clean_category(self):
        value = self.cleaned_data["category"].strip()
        if not value:
            return []
        if CATEGORY_CODE.match(value):
            ids = list(Category.objects.filter(code=value).values_list("pk", flat=True))
        elif value.isdigit():
            ids = list(Category.objects.filter(pk=int(value)).values_list("pk", flat=True))
        else:
            ids = []
        if not ids:
            raise forms.ValidationError(_("没有代码为 %(code)s 的类别。") % {"code": value})
        return ids

    def clean(self):
        data = super().clean()
        for name in ("created_from", "created_to"):
            if data.get(name) and not EARLIEST <= data[name] <= LATEST:
                self.add_error(name, _("日期应在 2000 年到 2099 年之间。"))
                data.pop(name, None)
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("结束日期不能早于开始日期。"))
        return data

    def cases(self):
        """The person's cases narrowed by every valid filter, newest first.

        An area the person may not see answers 404, as its page would.
        """
        self.is_valid()
        data = self.cleaned_data
        queue = QUEUES.get(data.get("queue") or "")
        cases = (
            queue.cases(self.authz)
            if queue
            else self.authz.restrict(Case.objects.all(), "cases.view")
        )
        return cases.filter(self._conditions(data)).order_by("-created_at", "-id")

    def _conditions(self, data) -> Q:
        q = Q()
        if data.get("state") == "open":
            q &= Q(state__in=OPEN)
        elif data.get("state"):
            q &= Q(state=data["state"])
        if data.get("category"):
            q &= Q(category_id__in=data["category"])
        if code := (self.data.get("area") or "").strip():
            self.area = self._visible_area(code)
            q &= Q(area_path__startswith=self.area.path)
        if data.get("source"):
            q &= Q(source=data["source"])
        if data.get("unit"):
            q &= Q(responsible_department=data["unit"])
        if data.get("created_from"):
            q &= Q(created_at__gte=_start_of(data["created_from"]))
        if data.get("created_to"):
            q &= Q(created_at__lt=_start_of(data["created_to"] + dt.timedelta(days=1)))
        if data.get("overdue"):
            q &= Q(is_overdue=True)
        if text := (data.get("q") or "").strip():
            q &= (
                Q(number=text)
                if NUMBER.match(text)
                else Q(description__icontains=text) | Q(address__icontains=text)
            )
        return q

    def _visible_area(self, code: str) -> Area:
        area = Area.objects.restrict(self.authz).filter(code=code).first()
        if area is None:
            raise Http404
        return area


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Newest first, in pages cut by (created_at, id): no OFFSET, no COUNT(*).
NEWEST = Keyset("-created_at", "-pk", by_ids=True)


def page_of(cases, cursor: str | None, size: int | None = None) -> tuple[list[Case], str | None]:
    """One page and the cursor of the next one (None on the last page)."""
    return NEWEST.page(cases, cursor, size or PAGE_SIZE)
