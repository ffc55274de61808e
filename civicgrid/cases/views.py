"""The 问题清单 pages: list, export, map, one case with its steps, and the phone report form."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.areas.models import Area, Level
from civicgrid.areas.views import map_settings
from civicgrid.cases import export, intake, timeline, workflow
from civicgrid.cases.filters import CaseFilter, page_of
from civicgrid.cases.forms import ReportForm, StepForm, category_from
from civicgrid.cases.models import OPEN, Case, CasePhoto, State
from civicgrid.lib import exports
from civicgrid.lib.pages import is_htmx, with_query
from civicgrid.lib.spreadsheets import xlsx_response
from civicgrid.people.authz import authz_for

LIST_RELATED = ("category", "grid__parent", "responsible_department", "responsible_area")
# Area outlines are large JSON documents, and a row of a list never draws one.
LIST_DEFERRED = tuple(f"{area}__boundary" for area in ("grid", "grid__parent", "responsible_area"))
MAP_LIMIT = 2_000
# Marker colours by state on the maps; the legend is drawn from the same table.
STATE_COLOURS = {
    State.REPORTED: "#b26a00",
    State.REGISTERED: "#7c3aed",
    State.DISPATCHED: "#1d4ed8",
    State.IN_PROGRESS: "#2563eb",
    State.REWORK: "#b4232a",
    State.SUSPENDED: "#616e7c",
    State.HANDLED: "#2f7d32",
}


@require_GET
def case_list(request):
    authz = authz_for(request)
    form = CaseFilter(request.GET, authz)
    rows, cursor = page_of(listed(form.cases()), request.GET.get("after"))
    _decorate(rows)
    context = {
        "form": form,
        "cases": rows,
        "more": with_query(request, after=cursor) if cursor else None,
        "export_url": with_query(request, path=reverse("cases:export"), after=None),
        "map_url": with_query(request, path=reverse("cases:map"), after=None),
        "can_report": authz.has_perm("cases.report"),
        "first_page": not request.GET.get("after"),
    }
    template = "cases/_rows.html" if is_htmx(request) else "cases/list.html"
    return render(request, template, context)


def listed(cases):
    """Cases with what a row of a list shows, and without what it never does."""
    return cases.select_related(*LIST_RELATED).defer(*LIST_DEFERRED)


def _decorate(cases) -> None:
    now = timezone.now()
    for case in cases:
        case.community_name, case.grid_name = export.community_and_grid(case)
        case.late = export.is_late(case, now)


@require_GET
def export_xlsx(request):
    authz = authz_for(request)
    form = CaseFilter(request.GET, authz)
    cases = form.cases()
    if form.errors:
        return HttpResponse(_("筛选条件有误，请返回列表修改后再导出。"), status=400)
    if not export.in_background(cases):
        return xlsx_response(
            export.filename(), export.title(), export.headers(), export.rows(cases)
        )
    params = {key: request.GET.getlist(key) for key in request.GET if key != "after"}
    result = export.build_export.enqueue(request.user.pk, params)
    return redirect("cases:export-status", result.id)


@require_GET
def export_status(request, result_id):
    result = exports.owned_result(export.build_export, result_id, request.user)
    context = {
        **exports.progress(result),
        "download": reverse("cases:export-file", args=[result_id]),
    }
    template = "cases/_export_status.html" if is_htmx(request) else "cases/export_status.html"
    return render(request, template, context)


@require_GET
def export_file(request, result_id):
    result = exports.owned_result(export.build_export, result_id, request.user)
    return exports.download_result(result, export.filename())


@require_GET
def case_map(request):
    authz = authz_for(request)
    form = CaseFilter(request.GET, authz)
    form.cases()  # an area out of scope answers 404 here too
    legend = [(State(state).label, colour) for state, colour in STATE_COLOURS.items()]
    context = {
        "form": form,
        "map": map_settings(),
        "legend": legend,
        "source": with_query(request, path=reverse("cases:map-json"), after=None),
        "list_url": with_query(request, path=reverse("cases:list"), after=None),
    }
    return render(request, "cases/map.html", context)


@require_GET
def map_json(request):
    """Open cases with a position, newest first, at most MAP_LIMIT; no personal data."""
    cases = (
        CaseFilter(request.GET, authz_for(request))
        .cases()
        .filter(state__in=OPEN, lat__isnull=False, lng__isnull=False)
        .values_list("number", "state", "category__name", "lat", "lng")[:MAP_LIMIT]
    )
    labels = dict(State.choices)
    features = [
        {
            "number": number,
            "state": state,
            "state_label": str(labels[state]),
            "colour": STATE_COLOURS.get(state, "#616e7c"),
            "category": category,
            "lat": lat,
            "lng": lng,
            "url": reverse("cases:detail", args=[number]),
        }
        for number, state, category, lat, lng in cases
    ]
    return JsonResponse(
        {"cases": features, "limit": MAP_LIMIT, "truncated": len(features) == MAP_LIMIT},
        json_dumps_params={"ensure_ascii": False},
    )


DETAIL_RELATED = (
    "category",
    "grid__parent",
    "reported_by",
    "responsible_department",
    "responsible_area",
    "duplicate_of",
)


@require_http_methods(["GET", "POST"])
def detail(request, number):
    authz = authz_for(request)
    case = authz.get_object(
        Case.objects.select_related(*DETAIL_RELATED), "cases.view", number=number
    )
    if request.method == "POST":
        return _take_step(request, authz, case)
    return _render_detail(request, authz, case)


def _take_step(request, authz, case):
    step = workflow.STEPS.get(request.POST.get("action", ""))
    if step is None:
        messages.error(request, _("未知的操作，请刷新页面后重试。"))
        return _render_detail(request, authz, case, status=400)
    if not authz.may(step.perm, case):
        raise PermissionDenied
    form = StepForm(step, case, authz, request.POST, request.FILES)
    if form.is_valid():
        try:
            workflow.take(
                case,
                step.action,
                authz,
                version=_version(request),
                note=form.cleaned_data["note"],
                photos=form.cleaned_data.get("photos", []),
                **form.details(),
            )
        except workflow.Conflict as conflict:
            messages.error(request, str(conflict))
            return _render_detail(request, authz, _fresh(case), status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已完成“%(step)s”。") % {"step": step.label})
            return redirect(case)
    return _render_detail(request, authz, case, bound=form, status=400)


@require_POST
def relocate(request, number):
    """Correct the area a case lies in (the dispatcher's 更正位置), recorded in its history."""
    authz = authz_for(request)
    case = authz.get_object(Case.objects.all(), "cases.register", number=number)
    code = request.POST.get("area", "").strip()
    area = Area.objects.restrict(authz).filter(code=code, level__gte=Level.STREET).first()
    if area is None or not case.is_open:
        messages.error(
            request, _("请填写您管辖范围内的网格、社区或街道编码；已办结的案件不能更正位置。")
        )
        return redirect(case)
    intake.relocate(case, area, request.user)
    messages.success(request, _("已更正位置为 %(area)s。") % {"area": area.name})
    return redirect(case)


def _version(request) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _fresh(case):
    return Case.objects.select_related(*DETAIL_RELATED).get(pk=case.pk)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _render_detail(request, authz, case, bound=None, status=200):
    steps = workflow.available_steps(case, authz)
    forms = [
        bound
        if bound is not None and bound.step.action == step.action
        else StepForm(step, case, authz)
        for step in steps
    ]
    photos = list(case.photos.all())
    events = list(case.events.select_related("by"))
    by_event: dict[int, list[CasePhoto]] = {}
    for photo in photos:
        by_event.setdefault(photo.event_id, []).append(photo)
    full = authz.may("cases.reporter", case)
    for event in events:
        event.photo_list = by_event.get(event.pk, [])
        event.label = timeline.event_label(event.action)
        event.who = timeline.who(event, full)
    community, grid = export.community_and_grid(case)
    context = {
        "case": case,
        "community": community,
        "grid": grid,
        "late": export.is_late(case),
        "reporters": timeline.reporters(case, full),
        "photo_groups": _photo_groups(photos),
        "events": events,
        "forms": forms,
        "map": map_settings(),
        "point": json.dumps([case.lat, case.lng]) if case.lat is not None else "",
        "can_relocate": case.is_open and authz.may("cases.register", case),
    }
    return render(request, "cases/detail.html", context, status=status)


def _photo_groups(photos):
    return [
        (label, [p for p in photos if p.kind == kind])
        for kind, label in CasePhoto.Kind.choices
        if any(p.kind == kind for p in photos)
    ]


def report(request):
    authz = authz_for(request)
    authz.require("cases.report")
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case = form.report(request.user)
        messages.success(request, _("已上报，案件编号 %(number)s。") % {"number": case.number})
        return redirect(case)
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "map": map_settings(),
        "category": getattr(form, "cleaned_data", {}).get("category"),
        "search_url": reverse("categories:search"),
    }
    return render(request, "cases/new.html", context, status=status)


@require_GET
def nearby(request):
    """Open cases like this one close by, that the person may see: join one instead."""
    authz = authz_for(request)
    authz.require("cases.report")
    category = category_from(request.GET.get("category", ""))
    try:
        lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
    except (KeyError, ValueError):
        lat = lng = None
    found = []
    if category is not None and lat is not None:
        visible = Case.objects.restrict(authz).select_related("category")
        found = intake.nearby_open(category, lat, lng, queryset=visible)[:5]
    return render(request, "cases/_nearby.html", {"cases": found})


@require_POST
def join(request, number):
    authz = authz_for(request)
    authz.require("cases.report")
    case = authz.get_object(Case.objects.all(), "cases.view", number=number)
    if not case.is_open:
        messages.error(request, _("案件 %(n)s 已办结，不能再并入，请新建上报。") % {"n": number})
    else:
        intake.join(case, by=request.user, note=request.POST.get("note", "").strip()[:2000])
        messages.success(
            request,
            _("已并入案件 %(n)s，您会和原上报人一样收到办理结果。") % {"n": case.number},
        )
    if is_htmx(request):  # the button sits in the report form: leave it for the case
        return HttpResponse(headers={"HX-Redirect": case.get_absolute_url()})
    return redirect(case)
