"""The inspection pages: sites (点位), rounds, the phone inspection form and round results.

Every view asks the authorization module: lacking the permission anywhere is 403,
an object outside the person's scopes is 404, as on the case pages.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.areas.models import Area, Level
from civicgrid.areas.views import map_settings
from civicgrid.campaigns.models import Campaign
from civicgrid.cases import workflow
from civicgrid.cases.models import Case, State
from civicgrid.inspections import results, rounds, sites_transfer, submission
from civicgrid.inspections.forms import (
    ItemForm,
    ProblemForm,
    RoundForm,
    SiteFilter,
    SiteForm,
    VerifyForm,
)
from civicgrid.inspections.models import Inspection, ItemResult, Round, Site
from civicgrid.inspections.sites import latest_percentage, open_cases, score_history
from civicgrid.lib.pages import is_htmx
from civicgrid.lib.spreadsheets import import_page, xlsx_response
from civicgrid.people.authz import authz_for

SITES_PER_PAGE = 100
CASE_RELATED = ("category", "responsible_department", "responsible_area")


def _status(form) -> int:
    return 400 if form.errors else 200


# --- sites ------------------------------------------------------------------------------------


@require_GET
def site_list(request):
    authz = authz_for(request)
    authz.require("sites.view")
    form = SiteFilter(request.GET)
    sites = form.visible_sites(authz)
    sites = sites.select_related("area", "department").annotate(latest=latest_percentage())
    page = Paginator(sites, SITES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "can_change": authz.has_perm("sites.change"),
        "areas": authz.restrict(
            Area.objects.filter(level__gte=Level.STREET, level__lte=Level.COMMUNITY), "sites.view"
        ).order_by("path"),
    }
    return render(request, "inspections/site_list.html", context)


@require_GET
def site_detail(request, pk):
    authz = authz_for(request)
    authz.require("sites.view")
    site = authz.get_object(
        Site.objects.select_related("area", "department", "person"), "sites.view", pk=pk
    )
    context = {
        "site": site,
        "history": score_history(site, authz),
        "cases": _open_cases_at(site, authz),
        "map": map_settings(),
        "point": json.dumps([site.lat, site.lng]) if site.lat is not None else "",
        "can_change": authz.may("sites.change", site),
    }
    return render(request, "inspections/site_detail.html", context)


def _open_cases_at(site, authz, exclude=None):
    return list(open_cases(site, authz, exclude).select_related(*CASE_RELATED))


@require_http_methods(["GET", "POST"])
def site_create(request):
    authz = authz_for(request)
    authz.require("sites.change")
    form = SiteForm(request.POST or None, authz=authz)
    if request.method == "POST" and form.is_valid():
        site = form.save()
        messages.success(request, _("已新增点位：%(name)s") % {"name": site.name})
        return redirect(site)
    return render(request, "inspections/site_form.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
def site_edit(request, pk):
    authz = authz_for(request)
    authz.require("sites.change")
    site = authz.get_object(Site.objects.all(), "sites.change", pk=pk)
    form = SiteForm(request.POST or None, instance=site, authz=authz)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存点位。"))
        return redirect(site)
    context = {"form": form, "site": site}
    return render(request, "inspections/site_form.html", context, status=_status(form))


@require_GET
def sites_export(request):
    authz = authz_for(request)
    authz.require("sites.view")
    sites = SiteFilter(request.GET).visible_sites(authz)
    rows = sites_transfer.export_rows(sites.select_related("area", "department"))
    return xlsx_response(_("点位.xlsx"), _("点位"), sites_transfer.HEADERS, rows)


@require_http_methods(["GET", "POST"])
def sites_import(request):
    authz = authz_for(request)
    authz.require("sites.change")

    def load(upload):
        rows, errors = sites_transfer.parse(upload, authz)
        if errors:
            return errors, ""
        added, updated = sites_transfer.apply(rows)
        return [], _("已导入 %(rows)s 行：新增 %(added)s 个点位，更新 %(updated)s 个。") % {
            "rows": len(rows),
            "added": added,
            "updated": updated,
        }

    context = {"headers": sites_transfer.HEADERS}
    return import_page(request, "inspections/site_import.html", context, load, "inspections:sites")


# --- rounds -----------------------------------------------------------------------------------


@require_GET
def round_list(request):
    authz = authz_for(request)
    authz.require("inspections.view")
    campaigns = Campaign.objects.restrict(authz, "inspections.view")
    rows = Round.objects.filter(pk__in=authz.restrict(Round.objects.all(), "inspections.view"))
    campaign = campaigns.filter(pk=request.GET.get("campaign") or 0).first()
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    rows = rows.select_related("campaign", "template").order_by("campaign", "-start", "pk")
    context = {
        "rounds": rows,
        "campaigns": campaigns,
        "campaign": campaign,
        "can_create": authz.has_perm("campaigns.change"),
    }
    return render(request, "inspections/round_list.html", context)


@require_http_methods(["GET", "POST"])
def round_create(request):
    authz = authz_for(request)
    authz.require("campaigns.change")
    initial = {"campaign": request.GET.get("campaign")}
    form = RoundForm(request.POST or None, authz=authz, initial=initial)
    if request.method == "POST" and form.is_valid():
        made = form.save()
        messages.success(request, _("已新建督查轮次：%(name)s") % {"name": made.name})
        return redirect(made)
    return render(request, "inspections/round_form.html", {"form": form}, status=_status(form))


def _round(authz, pk) -> Round:
    authz.require("inspections.view")
    return authz.get_object(
        Round.objects.select_related("campaign", "template"), "inspections.view", pk=pk
    )


@require_GET
def round_detail(request, pk):
    authz = authz_for(request)
    round = _round(authz, pk)
    sites = rounds.with_inspections(
        round,
        list(
            authz.restrict(rounds.sites_in_scope(round), "sites.view")
            .select_related("area")
            .order_by("area_path", "point_type", "name")
        ),
        authz,
    )
    done = sum(1 for s in sites if s.inspection and s.inspection.status == "submitted")
    context = {
        "round": round,
        "sites": sites,
        "done": done,
        "inspectors": list(round.inspectors.all()),
    }
    return render(request, "inspections/round_detail.html", context)


@require_GET
def round_results(request, pk):
    authz = authz_for(request)
    round = _round(authz, pk)
    inspections = authz.restrict(round.inspections.all(), "inspections.view")
    context = {
        "round": round,
        "results": results.round_results(inspections),
        "weights_note": _("社区得分率为各点位得分率按点位类型加权的平均（目前各类型权重均为 1）。"),
    }
    return render(request, "inspections/round_results.html", context)


@require_POST
def start_inspection(request, pk, site_pk):
    """Start (or resume) the inspection of one site of the round, then open its form."""
    authz = authz_for(request)
    round = _round(authz, pk)
    try:
        inspection, _created = submission.start(round, site_pk, authz)
    except submission.Busy as busy:
        messages.error(request, str(busy))
        return redirect(round)
    return redirect(inspection)


# --- the inspection ---------------------------------------------------------------------------

INSPECTION_RELATED = ("round__campaign", "site__area", "inspector")


def _inspection(authz, pk, perm="inspections.view") -> Inspection:
    authz.require(perm)
    return authz.get_object(Inspection.objects.select_related(*INSPECTION_RELATED), perm, pk=pk)


def _own_draft(request, pk) -> Inspection:
    """The person's own inspection, for changing it: someone else's is 403."""
    inspection = _inspection(authz_for(request), pk, "inspections.conduct")
    submission.check_inspector(inspection, request.user)
    return inspection


@require_GET
def inspection_page(request, pk):
    authz = authz_for(request)
    inspection = _inspection(authz, pk)
    if inspection.status == Inspection.Status.SUBMITTED:
        return _render_result(request, inspection)
    return _render_form(request, authz, inspection)


def _checklist_groups(items, saved: dict) -> list:
    """[(project, [(content, [(item, result)])])] in the standard's order."""
    groups: dict = {}
    for item in items:
        content = item.parent
        project = content.parent if content else None
        contents = groups.setdefault(project, {})
        contents.setdefault(content, []).append((item, saved.get(item.pk)))
    return [(project, list(contents.items())) for project, contents in groups.items()]


def _saved_results(inspection) -> dict:
    results = inspection.results.select_related(*(f"case__{name}" for name in CASE_RELATED))
    return {r.indicator_id: r for r in results.prefetch_related("photos")}


def _extra_cases(inspection) -> list:
    return list(inspection.extra_cases.select_related(*CASE_RELATED).order_by("created_at"))


def _render_form(request, authz, inspection, problem_form=None, status=200):
    items = submission.checklist(inspection)
    saved = _saved_results(inspection)
    editable = submission.may_change(inspection, authz)
    previous = _open_cases_at(inspection.site, authz, exclude=inspection) if editable else []
    context = {
        "inspection": inspection,
        "groups": _checklist_groups(items, saved),
        "total": len(items),
        "done": sum(1 for item in items if item.pk in saved),
        "editable": editable,
        "previous": _with_verify_steps(previous, authz),
        "extra_cases": _extra_cases(inspection),
        "problem_form": problem_form or ProblemForm(),
        "verdicts": ItemResult.Verdict.choices,
    }
    return render(request, "inspections/inspection_form.html", context, status=status)


def _with_verify_steps(cases, authz):
    """Mark the handled cases the person may re-check here (one query for all of them)."""
    handled = [case.pk for case in cases if case.state == State.HANDLED]
    verifiable = set(
        Case.objects.filter(pk__in=handled)
        .restrict(authz, "cases.verify")
        .values_list("pk", flat=True)
    )
    for case in cases:
        case.can_verify = case.pk in verifiable
    return cases


def _render_result(request, inspection):
    items = submission.checklist(inspection)
    saved = _saved_results(inspection)
    failed_cases = [saved[i.pk].case for i in items if i.pk in saved and saved[i.pk].case_id]
    context = {
        "inspection": inspection,
        "groups": _checklist_groups(items, saved),
        "cases": failed_cases + _extra_cases(inspection),
    }
    return render(request, "inspections/inspection_result.html", context)


@require_POST
def save_item(request, pk, indicator_pk):
    """Save one item as the inspector goes (htmx); answers with the item's status line."""
    inspection = _own_draft(request, pk)
    item = submission.checklist_item(inspection, indicator_pk)
    if item is None:
        raise Http404
    form = ItemForm(request.POST, request.FILES)
    result, errors = None, []
    if form.is_valid():
        try:
            result = form.save(inspection, item)
        except ValidationError as error:
            errors = error.messages
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    if not is_htmx(request):
        for error in errors:
            messages.error(request, f"{item.code}：{error}")
        return redirect(reverse("inspections:inspection", args=[pk]) + f"#item-{item.pk}")
    if result is not None:
        result = ItemResult.objects.prefetch_related("photos").get(pk=result.pk)
    context = {"item": item, "result": result, "errors": errors, "just_saved": not errors}
    return render(request, "inspections/_item_status.html", context)


@require_POST
def submit(request, pk):
    inspection = _own_draft(request, pk)
    try:
        cases = submission.submit(inspection)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(inspection)
    messages.success(
        request,
        _("已提交：得分 %(score)s / %(max)s（%(pct)s%%），生成 %(n)s 个问题案件。")
        % {
            "score": inspection.score,
            "max": inspection.max_score,
            "pct": inspection.percentage if inspection.percentage is not None else "—",
            "n": len(cases),
        },
    )
    return redirect(inspection)


@require_POST
def add_problem(request, pk):
    """An extra problem at the site, beyond the checklist: an ordinary case, dispatched at once."""
    inspection = _own_draft(request, pk)
    if inspection.status != Inspection.Status.DRAFT:
        raise PermissionDenied(_("该检查已提交，不能再补报问题。"))
    form = ProblemForm(request.POST, request.FILES)
    if not form.is_valid():
        authz = authz_for(request)
        return _render_form(request, authz, inspection, problem_form=form, status=400)
    case = form.save(inspection)
    messages.success(request, _("已另报问题，案件编号 %(n)s。") % {"n": case.number})
    return redirect(reverse("inspections:inspection", args=[pk]) + "#extra-problems")


@require_POST
def verify_case(request, pk, number):
    """Re-check on the spot a case opened at this site by an earlier inspection."""
    authz = authz_for(request)
    inspection = _own_draft(request, pk)
    case = next(
        (
            c
            for c in _open_cases_at(inspection.site, authz, exclude=inspection)
            if c.number == number
        ),
        None,
    )
    if case is None:
        raise Http404
    form = VerifyForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.take(
                case, data["action"], authz, note=data["note"].strip(), photos=data["photos"]
            )
        except (workflow.Conflict, PermissionDenied) as problem:
            error = str(problem)
        except ValidationError as problem:
            error = "；".join(problem.messages)
    else:
        error = "；".join(e for errors in form.errors.values() for e in errors)
    if not is_htmx(request):
        if error:
            messages.error(request, f"{case.number}：{error}")
        else:
            messages.success(request, _("已核查案件 %(n)s。") % {"n": case.number})
        return redirect(reverse("inspections:inspection", args=[pk]) + "#previous-cases")
    case.refresh_from_db()
    case.can_verify = case.state == State.HANDLED and authz.may("cases.verify", case)
    context = {"case": case, "inspection": inspection, "error": error, "done": not error}
    return render(request, "inspections/_previous_case.html", context)
