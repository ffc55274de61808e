"""The scoring pages: a campaign's periods, a period's ranking tables with trends, computing
in the background, publishing (which freezes the figures), the Excel table, and the cases,
ratings and inspection items behind every figure.

A period is seen by everyone working in its campaign's streets; its rows are narrowed to
the person's scopes (a community's staff see their community and its grids).
"""

from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.campaigns.models import Campaign, PointType
from civicgrid.cases import export
from civicgrid.cases.filters import page_of
from civicgrid.cases.models import Case
from civicgrid.inspections.models import Inspection, ItemResult
from civicgrid.lib.pages import is_htmx
from civicgrid.lib.spreadsheets import XLSX
from civicgrid.people.authz import authz_for
from civicgrid.scoring import drilldown, ranking, tasks
from civicgrid.scoring.compute import cents, publish
from civicgrid.scoring.forms import PeriodForm, PublishForm
from civicgrid.scoring.models import Period, Scheme, Score, Unit

CASE_RELATED = ("category", "grid__parent", "responsible_department", "responsible_area")


def _periods(authz):
    return Period.objects.restrict(authz).select_related("campaign")


def _period(request, pk, perm="scoring.view"):
    """(authz, period): 404 outside the person's scopes, 403 without `perm` on it."""
    authz = authz_for(request)
    authz.require("scoring.view")
    period = get_object_or_404(_periods(authz), pk=pk)
    if perm != "scoring.view" and not authz.may(perm, period):
        raise PermissionDenied
    return authz, period


def _scores(authz):
    return Score.objects.restrict(authz)


def _score(request, pk):
    authz = authz_for(request)
    authz.require("scoring.view")
    score = get_object_or_404(_scores(authz).select_related("period__campaign"), pk=pk)
    return authz, score


def _campaigns(authz):
    """Campaigns with a period the person sees, or whose periods they may create."""
    with_periods = _periods(authz).values("campaign_id")
    changeable = Campaign.objects.restrict(authz, "scoring.change").values("pk")
    return Campaign.objects.filter(Q(pk__in=with_periods) | Q(pk__in=changeable))


def _chosen(campaigns, value):
    """The campaign asked for, else the first running one, else the newest."""
    if value and value.isdigit() and (found := campaigns.filter(pk=value).first()):
        return found
    return campaigns.filter(status=Campaign.Status.ACTIVE).first() or campaigns.first()


# --- periods -----------------------------------------------------------------------------


@require_GET
def period_list(request):
    authz = authz_for(request)
    authz.require("scoring.view")
    campaigns = _campaigns(authz)
    campaign = _chosen(campaigns, request.GET.get("campaign"))
    rows = list(_periods(authz).filter(campaign=campaign).order_by("-start", "kind", "pk"))
    for period in rows:
        period.state = tasks.state(period)
    context = {
        "campaigns": campaigns,
        "campaign": campaign,
        "periods": rows,
        "can_change": campaign is not None and authz.may("scoring.change", campaign),
    }
    return render(request, "scoring/period_list.html", context)


@require_http_methods(["GET", "POST"])
def period_create(request):
    authz = authz_for(request)
    authz.require("scoring.change")
    campaigns = Campaign.objects.restrict(authz, "scoring.change")
    initial = {"campaign": _chosen(campaigns, request.GET.get("campaign")), "kind": "week"}
    data = request.POST if request.method == "POST" else None
    form = PeriodForm(data, campaigns=campaigns, initial=initial)
    if request.method == "POST" and form.is_valid():
        period = form.save()
        messages.success(request, _("已新建周期“%(name)s”。") % {"name": period.name})
        return redirect(period)
    return render(request, "scoring/period_form.html", {"form": form})


@require_GET
def ranking_filter(request):
    """The ranking filters' form lands here: the campaign and period chosen, then the page."""
    authz = authz_for(request)
    authz.require("scoring.view")
    campaign = _chosen(_campaigns(authz), request.GET.get("campaign"))
    periods = _periods(authz).filter(campaign=campaign)
    value = request.GET.get("period", "")
    period = (periods.filter(pk=value).first() if value.isdigit() else None) or periods.first()
    if period is None:
        return redirect(reverse("scoring:periods") + f"?campaign={campaign.pk if campaign else ''}")
    params = request.GET.copy()
    for key in ("campaign", "period"):
        params.pop(key, None)
    query = params.urlencode()
    return redirect(period.get_absolute_url() + (f"?{query}" if query else ""))


@require_GET
def period_detail(request, pk):
    """The ranking tables of one period, one kind of unit at a time."""
    authz, period = _period(request, pk)
    visible = _scores(authz)
    scores = visible.filter(period=period)
    tabs = ranking.tabs(scores)
    unit = ranking.chosen_unit(tabs, request.GET.get("unit"))
    shown = scores.filter(unit=unit)
    communities = (
        list(scores.filter(unit=Unit.COMMUNITY).order_by("name")) if unit == Unit.GRID else []
    )
    community = next(
        (c for c in communities if str(c.area_id) == request.GET.get("community")), None
    )
    if community is not None:
        shown = shown.filter(area_path__startswith=community.area_path)
    rows = ranking.rows(shown)
    context = {
        **_period_context(authz, period),
        "tabs": [(u, Unit(u).label) for u in tabs],
        "unit": unit,
        "communities": communities,
        "community": community,
        "rows": rows,
        "ratios": ranking.RATIOS,
        "trends": ranking.trends(period, [r.score for r in rows], visible),
        "campaigns": _campaigns(authz),
        "campaign_periods": _periods(authz).filter(campaign=period.campaign_id),
    }
    return render(request, "scoring/period_detail.html", context)


def _period_context(authz, period) -> dict:
    return {
        "period": period,
        "state": tasks.state(period),
        "States": tasks.State,
        "can_change": authz.may("scoring.change", period),
    }


@require_GET
def period_state(request, pk):
    """The state badge, polled while computing; the page reloads once the figures are in."""
    authz, period = _period(request, pk)
    context = _period_context(authz, period)
    response = render(request, "scoring/_state.html", context)
    if (
        request.GET.get("was") == tasks.State.COMPUTING
        and context["state"] != tasks.State.COMPUTING
    ):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def period_compute(request, pk):
    _authz, period = _period(request, pk, "scoring.change")
    if period.is_published:
        messages.error(request, _("该周期已发布，成绩已冻结，不能重新计算。"))
        return redirect(period)
    tasks.start(period)
    if tasks.state(period) == tasks.State.COMPUTING:
        messages.info(request, _("已开始计算，完成后本页会自动刷新。"))
    else:
        messages.success(request, _("已计算完成。"))
    return redirect(period)


@require_http_methods(["GET", "POST"])
def period_publish(request, pk):
    """Confirm, then freeze the period's figures; optionally show them on the public page."""
    authz, period = _period(request, pk, "scoring.change")
    state = tasks.state(period)
    if state == tasks.State.PUBLISHED:
        messages.info(request, _("该周期已发布。"))
        return redirect(period)
    if state != tasks.State.COMPUTED:
        messages.error(request, _("请先计算该周期的成绩，计算完成后再发布。"))
        return redirect(period)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        publish(period, request.user)
        if form.cleaned_data["public"]:
            Period.objects.filter(pk=period.pk).update(public=True)
        messages.success(request, _("已发布，成绩已冻结。"))
        return redirect(period)
    context = {**_period_context(authz, period), "form": form, "count": period.scores.count()}
    return render(request, "scoring/period_publish.html", context)


@require_POST
def period_public(request, pk):
    """Show or hide a published period on the public page."""
    _authz, period = _period(request, pk, "scoring.change")
    if not period.is_published:
        messages.error(request, _("只有已发布的周期才能公示，请先发布。"))
        return redirect(period)
    shown = request.POST.get("public") == "1"
    Period.objects.filter(pk=period.pk).update(public=shown)
    messages.success(request, _("已在公示页面展示。") if shown else _("已从公示页面撤下。"))
    return redirect(period)


@require_GET
def period_export(request, pk):
    authz, period = _period(request, pk)
    by_unit: dict[str, list[Score]] = {}
    for score in _scores(authz).filter(period=period):
        by_unit.setdefault(score.unit, []).append(score)
    response = HttpResponse(ranking.workbook(by_unit), content_type=XLSX)
    name = quote(ranking.filename(period))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


# --- one unit's figures and what lies behind them ------------------------------------------


@require_GET
def score_detail(request, pk):
    """One unit's figures, each count linked to what it counted, and its trend."""
    authz, score = _score(request, pk)
    figures = [
        (metric, label, score.counts.get(metric, 0))
        for metric, label in ranking.COUNT_LABELS.items()
    ]
    context = {
        **_period_context(authz, score.period),
        "score": score,
        "row": ranking.row(score),
        "figures": figures,
        "weights": _weights(score),
        "trends": ranking.trends(score.period, [score], _scores(authz)),
    }
    return render(request, "scoring/score_detail.html", context)


def _weights(score) -> list[tuple[str, Decimal]]:
    scheme = Scheme.of(score.period.campaign_id)
    return [(label, w) for _metric, label, w in ranking.weights(scheme, score.unit)]


@require_GET
def score_behind(request, pk, metric):
    """The cases, ratings or inspection items behind one figure of a score."""
    authz, score = _score(request, pk)
    if metric not in drilldown.METRICS:
        raise Http404
    if metric == drilldown.INSPECTION:
        return _inspections_behind(request, authz, score)
    if metric in drilldown.RATING_METRICS:
        return _ratings_behind(request, authz, score, metric)
    behind = drilldown.cases_behind(score, metric)
    visible = behind.filter(pk__in=Case.objects.restrict(authz).values("pk"))
    rows, cursor = page_of(visible.select_related(*CASE_RELATED), request.GET.get("after"))
    now = timezone.now()
    for case in rows:
        case.community_name, case.grid_name = export.community_and_grid(case)
        case.late = export.is_late(case, now)
    context = {
        **_behind_context(authz, score, metric, behind.count(), visible.count()),
        "cases": rows,
        "first_page": not request.GET.get("after"),
        "more": f"{request.path}?after={cursor}" if cursor else None,
    }
    template = "cases/_rows.html" if is_htmx(request) else "scoring/behind_cases.html"
    return render(request, template, context)


def _behind_context(authz, score, metric, total, shown) -> dict:
    return {
        **_period_context(authz, score.period),
        "score": score,
        "metric": metric,
        "label": drilldown.METRICS[metric],
        "recorded": score.counts.get(metric),
        "total": total,
        "hidden": total - shown,
    }


def _ratings_behind(request, authz, score, metric):
    behind = drilldown.ratings_behind(score, metric)
    visible = behind.filter(case__in=Case.objects.restrict(authz).values("pk"))
    context = {
        **_behind_context(authz, score, metric, behind.count(), visible.count()),
        "ratings": visible.select_related("case").order_by("-created_at", "-pk")[:500],
    }
    return render(request, "scoring/behind_ratings.html", context)


def _inspections_behind(request, authz, score):
    behind = drilldown.inspections_behind(score)
    visible = authz.restrict(behind, "inspections.view").select_related("site", "round")
    scheme = Scheme.of(score.period.campaign_id)
    weights = {t: Decimal(str(w)) for t, w in (scheme.point_type_weights or {}).items()}
    inspections = list(visible.order_by("site__name", "submitted_at"))
    items = (
        ItemResult.objects.filter(inspection__in=[i.pk for i in inspections])
        .select_related("indicator", "case")
        .order_by("inspection_id", "indicator__code")
    )
    by_inspection: dict[int, list[ItemResult]] = {}
    for item in items:
        by_inspection.setdefault(item.inspection_id, []).append(item)
    for inspection in inspections:
        inspection.weight = weights.get(inspection.site.point_type, Decimal(1))
        inspection.items = by_inspection.get(inspection.pk, [])
        inspection.point_type_label = PointType(inspection.site.point_type).label
    total = behind.count()
    context = {
        **_behind_context(authz, score, drilldown.INSPECTION, total, len(inspections)),
        "recorded": score.rates.get("inspection"),
        "inspections": inspections,
        "average": _weighted(inspections) if len(inspections) == total else None,
    }
    return render(request, "scoring/behind_inspections.html", context)


def _weighted(inspections: list[Inspection]) -> Decimal | None:
    """Σ weight × percentage / Σ weight, as compute averages them."""
    weight = sum((i.weight for i in inspections), Decimal(0))
    if not weight:
        return None
    return cents(sum((i.weight * i.percentage for i in inspections), Decimal(0)) / weight)
