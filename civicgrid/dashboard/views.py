"""The dashboard (数据看板) for leaders and the campaign office, within the person's scope.

The page shows the key figures, the 顽疾点位 and the latest inspection scores; the
charts and the map fetch their JSON from the endpoints below, and targets behind come
as an htmx partial (each target's progress is one query of its own). Everything reads
the statistics tables of stats.py, never the case history, except the map's newest
open cases (one indexed, limited query).
"""

import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from civicgrid.areas.models import Level
from civicgrid.areas.views import map_settings
from civicgrid.cases.models import State
from civicgrid.cases.views import STATE_COLOURS
from civicgrid.dashboard import stats
from civicgrid.dashboard.stats import PERM, Scope
from civicgrid.ledgers import targets
from civicgrid.ledgers.models import Target
from civicgrid.people.authz import authz_for

TREND_DAYS = (30, 90)
BREAKDOWN_DAYS = 30
TOP_CATEGORIES = 10
MAP_LIMIT = 2_000
HOTSPOTS_SHOWN = 30
TARGETS_CHECKED = 50
LEVEL_LABELS = {
    Level.DISTRICT: gettext_lazy("按区县"),
    Level.STREET: gettext_lazy("按街道"),
    Level.COMMUNITY: gettext_lazy("按社区"),
    Level.GRID: gettext_lazy("按网格"),
}


def _scope(request) -> Scope:
    authz = authz_for(request)
    authz.require(PERM)
    return Scope(authz)


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def cases_url(scope: Scope, **params) -> str:
    """The case list showing the cases behind a figure (narrowed to the one top area)."""
    if scope.single is not None:
        params = {"area": scope.single.code, **params}
    return reverse("cases:list") + "?" + urlencode(params)


@require_GET
def dashboard(request):
    scope = _scope(request)
    today = timezone.localdate()
    numbers = stats.figures(scope)
    legend = [
        (State(state).label, colour, numbers.states.get(state, 0))
        for state, colour in STATE_COLOURS.items()
    ]
    context = {
        "scope": scope,
        "cards": _cards(scope, numbers, today),
        "figures": numbers,
        "refreshed": stats.last_refresh(),
        "hotspots": stats.hotspot_list(scope, HOTSPOTS_SHOWN),
        "hotspot_rule": {
            "count": settings.DASHBOARD_HOTSPOT_COUNT,
            "days": settings.DASHBOARD_HOTSPOT_DAYS,
            "metres": settings.DASHBOARD_HOTSPOT_METRES,
        },
        "inspections": stats.latest_inspections(scope),
        "legend": legend,
        "map": map_settings(),
        "trend_days": TREND_DAYS,
        "breakdown_days": BREAKDOWN_DAYS,
        "labels": {
            "reported": _("新增"),
            "closed": _("结案"),
            "overdue": _("超期（当日到期未按时处置）"),
            "open": _("办理中"),
            "empty": _("暂无数据"),
        },
    }
    return render(request, "dashboard/index.html", context)


def _cards(scope: Scope, numbers: stats.Figures, today: dt.date) -> list[dict]:
    monday = stats.week_start(today)
    return [
        _card("open", _("办理中"), numbers.open, cases_url(scope, state="open")),
        _card(
            "overdue",
            _("已超期"),
            numbers.overdue,
            cases_url(scope, state="open", overdue="on"),
            bad=numbers.overdue > 0,
        ),
        _card(
            "today",
            _("今日新增"),
            numbers.reported_today,
            cases_url(scope, created_from=today, created_to=today),
        ),
        _card("week", _("本周新增"), numbers.reported_week, cases_url(scope, created_from=monday)),
        _card("closed-week", _("本周结案"), numbers.closed_week),
        _card(
            "closure-rate",
            _("本月结案率"),
            _percent(numbers.closure_rate),
            note=_("结案 %(a)s / 应结案 %(b)s")
            % {"a": numbers.closed_month, "b": numbers.due_month},
        ),
        _card(
            "ontime-rate",
            _("本月按期结案率"),
            _percent(numbers.ontime_closure_rate),
            note=_("按期结案 %(a)s / 应结案 %(b)s")
            % {"a": numbers.closed_on_time_month, "b": numbers.due_month},
        ),
    ]


def _card(key, label, value, url=None, note="", bad=False) -> dict:
    return {"key": key, "label": label, "value": value, "url": url, "note": note, "bad": bad}


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


@require_GET
def trends_json(request):
    """New, closed and overdue cases per day over the last 30 (or ?days=90) days."""
    scope = _scope(request)
    days = 90 if request.GET.get("days") == "90" else 30
    today = timezone.localdate()
    found = stats.trend(scope, today - dt.timedelta(days=days - 1), today)
    found["reported_urls"] = [
        cases_url(scope, created_from=day, created_to=day) for day in found["days"]
    ]
    return _json(found)


@require_GET
def breakdown_json(request):
    """Cases reported in the last 30 days by category (top 10) and by area, open now by area."""
    scope = _scope(request)
    first = timezone.localdate() - dt.timedelta(days=BREAKDOWN_DAYS - 1)
    categories = [
        {
            "code": row["category"].code,
            "name": row["category"].name,
            "reported": row["reported"],
            "url": cases_url(scope, category=row["category"].code, created_from=first),
        }
        for row in stats.by_category(scope, first, TOP_CATEGORIES)
    ]
    rows = stats.by_area(scope, first)
    levels = {row["area"].level for row in rows}
    areas = [
        {
            "code": row["area"].code,
            "name": row["area"].name,
            "reported": row["reported"],
            "open": row["open"],
            "reported_url": _area_url(row["area"].code, created_from=first),
            "open_url": _area_url(row["area"].code, state="open"),
        }
        for row in rows
    ]
    label = LEVEL_LABELS.get(levels.pop()) if len(levels) == 1 else _("按下级区域")
    return _json(
        {
            "since": first.isoformat(),
            "categories": categories,
            "areas": areas,
            "areas_label": str(label or ""),
        }
    )


def _area_url(code: str, **params) -> str:
    return reverse("cases:list") + "?" + urlencode({"area": code, **params})


@require_GET
def map_json(request):
    """Open cases by state (the newest MAP_LIMIT with a position) and the 顽疾点位."""
    scope = _scope(request)
    labels = dict(State.choices)
    detail = reverse("cases:detail", args=["0"])[:-2]  # "/cases/": one reverse, not one a case
    cases = [
        {
            "number": number,
            "state_label": str(labels[state]),
            "colour": STATE_COLOURS.get(state, "#616e7c"),
            "category": category,
            "lat": lat,
            "lng": lng,
            "url": f"{detail}{number}/",
        }
        for number, state, category, lat, lng in stats.open_cases(scope, MAP_LIMIT)
    ]
    spots = [
        {
            "lat": spot.lat,
            "lng": spot.lng,
            "category": spot.category.name,
            "count": spot.count,
            "address": spot.address,
        }
        for spot in stats.hotspot_list(scope, HOTSPOTS_SHOWN)
    ]
    return _json(
        {
            "cases": cases,
            "limit": MAP_LIMIT,
            "truncated": len(cases) == MAP_LIMIT,
            "hotspots": spots,
            "hotspot_metres": settings.DASHBOARD_HOTSPOT_METRES,
        }
    )


@require_GET
def areas_geojson(request):
    """Each grid in scope (each community, for a whole city) with its open cases, as GeoJSON.

    The outlines are passed through as the database's text, not parsed and written again:
    a city's 2,000 community outlines are most of the work otherwise.
    """
    scope = _scope(request)
    base = reverse("cases:list")
    features = [
        _feature(outline, {"name": name, "open": n, "url": f"{base}?area={code}&state=open"})
        for code, name, outline, n in stats.density(scope)
    ]
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return HttpResponse(body, content_type="application/geo+json")


def _feature(geometry: str, properties: dict) -> str:
    """One GeoJSON feature around a geometry that is GeoJSON text already."""
    properties = json.dumps(properties, ensure_ascii=False)
    return f'{{"type":"Feature","geometry":{geometry},"properties":{properties}}}'


@require_GET
def targets_partial(request):
    """Targets in scope whose period is behind its expected progress (htmx partial)."""
    scope = _scope(request)
    behind, checked = [], 0
    today = timezone.localdate()
    rows = scope.restrict(
        Target.objects.select_related("area", "ledger", "survey"), "area__path"
    ).order_by("area__path", "name")[:TARGETS_CHECKED]
    for target in rows:
        checked += 1
        progress = targets.progress(target, today, today)
        if progress.status == targets.BEHIND:
            behind.append((target, progress))
    context = {"behind": behind, "checked": checked, "limit": TARGETS_CHECKED}
    return render(request, "dashboard/_targets.html", context)
