"""Campaign pages (list, create, edit, overview, re-pin) and the evaluation standard pages (a
version's tree, edits that keep given scores, YAML and Excel in and out).

Standards belong to no area, like the category catalogue: anyone holding "campaigns.view"
reads them and "campaigns.change" edits them; campaigns are scoped by their streets.
"""

import copy
from urllib.parse import quote

from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.campaigns import forms, overview, standards, transfer
from civicgrid.campaigns.models import (
    Campaign,
    Evidence,
    EvidenceRequirement,
    Indicator,
    IndicatorDuty,
    Standard,
    StandardVersion,
    WorkTask,
)
from civicgrid.lib.spreadsheets import xlsx_response
from civicgrid.people.authz import authz_for

OVERDUE_SHOWN = 20


def _campaigns(authz, perm="campaigns.view"):
    return Campaign.objects.restrict(authz, perm).select_related("version__standard")


def _version(pk) -> StandardVersion:
    return get_object_or_404(StandardVersion.objects.select_related("standard"), pk=pk)


# --- campaigns --------------------------------------------------------------------------------


def campaign_list(request):
    authz = authz_for(request)
    authz.require("campaigns.view")
    campaigns = _campaigns(authz).prefetch_related("streets")
    context = {"campaigns": campaigns, "can_change": authz.has_perm("campaigns.change")}
    return render(request, "campaigns/list.html", context)


def campaign_create(request):
    authz = authz_for(request)
    authz.require("campaigns.change")
    form = forms.CampaignForm(request.POST or None, authz=authz)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        messages.success(request, _("已创建“%(name)s”。") % {"name": campaign.name})
        return redirect(campaign)
    return render(
        request, "campaigns/form.html", {"form": form}, status=400 if form.errors else 200
    )


def campaign_edit(request, pk):
    authz = authz_for(request)
    campaign = authz.get_object(_campaigns(authz), "campaigns.change", pk=pk)
    form = forms.CampaignForm(request.POST or None, instance=campaign, authz=authz)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(campaign)
    context = {"form": form, "campaign": campaign}
    return render(request, "campaigns/form.html", context, status=400 if form.errors else 200)


def campaign_repin(request, pk):
    """Move a campaign to another version of its standard, taking what hangs on its indicators."""
    authz = authz_for(request)
    campaign = authz.get_object(_campaigns(authz), "campaigns.change", pk=pk)
    form = forms.RepinForm(request.POST or request.GET or None, campaign=campaign)
    plan = None
    if form.is_bound and form.is_valid():
        version = form.cleaned_data["version"]
        if request.method == "POST":
            plan = standards.repin(campaign, version, request.user)
            messages.success(
                request,
                _("已改用 %(version)s，迁移 %(moved)s 条责任分解、佐证材料要求和工作任务。")
                % {"version": version, "moved": plan.moved},
            )
            return redirect(campaign)
        plan = standards.repin_plan(campaign, version)
    context = {"campaign": campaign, "form": form, "plan": plan}
    return render(request, "campaigns/repin.html", context, status=400 if form.errors else 200)


def campaign_detail(request, pk):
    """The campaign overview: every indicator with its units, evidence, tasks and open cases,
    and the latest round's scores by community (overview.py counts them)."""
    authz = authz_for(request)
    campaign = authz.get_object(_campaigns(authz), "campaigns.view", pk=pk)
    counted = overview.figures(campaign, authz)
    cases = overview.campaign_cases(campaign, authz)
    context = {
        "campaign": campaign,
        "streets": list(campaign.streets.all()),
        "rows": overview.indicator_rows(campaign, authz, counted),
        "evidence": counted.evidence,
        "tasks": counted.tasks,
        "cases": counted.cases,
        "overdue_cases": cases.filter(overview.overdue()).select_related("category")[
            :OVERDUE_SHOWN
        ],
        "scores": counted.scores,
        "left_behind": counted.left_behind,
        "can_change": authz.may("campaigns.change", campaign),
        "newer": counted.newer,
    }
    return render(request, "campaigns/detail.html", context)


# --- standards --------------------------------------------------------------------------------


def standard_list(request):
    authz = authz_for(request)
    authz.require("campaigns.view")
    rows = Standard.objects.annotate(
        n_versions=Count("versions"), latest_number=Max("versions__number")
    ).order_by("is_sample", "name")
    context = {"standards": rows, "can_change": authz.has_perm("campaigns.change")}
    return render(request, "campaigns/standards.html", context)


def standard_create(request):
    authz = authz_for(request)
    authz.require("campaigns.change")
    form = forms.StandardForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            version = transfer.create_standard(form.parsed, by=request.user)
            detail = _("新建，%(n)s 个指标。") % {"n": len(form.parsed.entries)}
            standards.log(request.user, version, ADDITION, detail)
        messages.success(request, _("已新建测评体系“%(name)s”。") % {"name": version.standard})
        return redirect("campaigns:version", pk=version.pk)
    context = {"form": form, "headers": transfer.HEADERS}
    return render(
        request, "campaigns/standard_form.html", context, status=400 if form.errors else 200
    )


def standard_detail(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.view")
    latest = StandardVersion.objects.filter(standard=pk).order_by("-number").first()
    if latest is None:
        raise Http404
    return redirect("campaigns:version", pk=latest.pk)


def standard_import(request, pk):
    """A file becomes the next version of a standard; campaigns stay on the version they pin."""
    authz = authz_for(request)
    authz.require("campaigns.change")
    standard = get_object_or_404(Standard, pk=pk)
    form = forms.VersionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            version = transfer.add_version(
                form.parsed, standard, by=request.user, note=form.cleaned_data["note"]
            )
            detail = _("从文件导入，%(n)s 个指标。") % {"n": len(form.parsed.entries)}
            standards.log(request.user, version, ADDITION, detail)
        messages.success(request, _("已导入为新版本 v%(n)s。") % {"n": version.number})
        return redirect("campaigns:version", pk=version.pk)
    context = {"form": form, "standard": standard, "headers": transfer.HEADERS}
    return render(request, "campaigns/import.html", context, status=400 if form.errors else 200)


def version_detail(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.view")
    version = _version(pk)
    can_change = authz.has_perm("campaigns.change")
    indicators = standards.tree(version)
    for item in indicators:
        item.types_text = standards.point_type_labels(item.point_types)
    context = {
        "version": version,
        "standard": version.standard,
        "indicators": indicators,
        "versions": version.standard.versions.annotate(n_campaigns=Count("campaigns")).order_by(
            "-number"
        ),
        "campaigns": _campaigns(authz).filter(version=version),
        "in_use": version.in_use,
        "locked": can_change and standards.locked(version, authz),
        "can_change": can_change,
        "history": list(standards.history(version)),
    }
    return render(request, "campaigns/version.html", context)


def _export_name(version, suffix) -> str:
    return f"{version.standard.name}-v{version.number}.{suffix}"


def version_yaml(request, pk):
    authz_for(request).require("campaigns.view")
    version = _version(pk)
    response = HttpResponse(transfer.to_yaml(version), content_type="application/yaml")
    name = _export_name(version, "yaml")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def version_xlsx(request, pk):
    authz_for(request).require("campaigns.view")
    version = _version(pk)
    return xlsx_response(
        _export_name(version, "xlsx"),
        version.standard.name,
        transfer.HEADERS,
        transfer.excel_rows(version),
    )


# --- indicators: every edit goes through standards.target ---------------------------------------


def indicator_add(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.change")
    version = _version(pk)
    parent = None
    if parent_pk := request.GET.get("parent"):
        parent = get_object_or_404(version.indicators, pk=parent_pk)
        if parent.depth == Indicator.Level.ITEM:
            raise Http404
    depth = parent.depth + 1 if parent else Indicator.Level.PROJECT
    form = forms.IndicatorForm(request.POST or None, version=version, depth=depth)
    if parent is not None:
        form.initial["parent"] = parent.pk
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            target = standards.target(version, authz, note=_("新增指标"))
            item = form.apply(Indicator(version=target.version, depth=depth), target)
            item.save()
            detail = _("新增：%(item)s") % {"item": item}
            standards.log(request.user, target.version, ADDITION, detail)
        _tell(request, target, _("已新增指标 %(item)s。") % {"item": item})
        return redirect(_anchor(target.version, item))
    context = {"form": form, "version": version, "level": Indicator.Level(depth).label}
    return render(
        request, "campaigns/indicator_form.html", context, status=400 if form.errors else 200
    )


def indicator_edit(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.change")
    indicator = get_object_or_404(Indicator.objects.select_related("version__standard"), pk=pk)
    version = indicator.version
    form = forms.IndicatorForm(
        request.POST or None, version=version, depth=indicator.depth, indicator=indicator
    )
    if request.method == "POST" and form.is_valid():
        before = standards.snapshot(indicator)
        changes = standards.differences(
            before, standards.snapshot(form.apply(copy.copy(indicator), _in_place(version)))
        )
        if not changes:
            messages.info(request, _("没有修改。"))
            return redirect(_anchor(version, indicator))
        with transaction.atomic():
            target = standards.target(
                version, authz, note=_("修改 %(code)s") % {"code": indicator.code}
            )
            item = form.apply(target.counterpart(indicator), target)
            item.save()
            detail = _("修改 %(item)s：%(changes)s") % {"item": item, "changes": "；".join(changes)}
            standards.log(request.user, target.version, CHANGE, detail)
        _tell(request, target, _("已修改指标 %(item)s。") % {"item": item})
        return redirect(_anchor(target.version, item))
    context = {
        "form": form,
        "version": version,
        "indicator": indicator,
        "level": indicator.get_depth_display(),
    }
    return render(
        request, "campaigns/indicator_form.html", context, status=400 if form.errors else 200
    )


def indicator_delete(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.change")
    indicator = get_object_or_404(Indicator.objects.select_related("version__standard"), pk=pk)
    version = indicator.version
    locked = standards.locked(version, authz)
    subtree = _subtree(indicator)
    attached = _attached(subtree) if not locked else {}
    if attached.get("files"):
        messages.error(
            request,
            _("该指标（含下级）已有 %(n)s 份佐证材料，不能删除；请先处理这些材料。")
            % {"n": attached["files"]},
        )
        return redirect(_anchor(version, indicator))
    if request.method == "POST":
        with transaction.atomic():
            target = standards.target(
                version, authz, note=_("删除 %(code)s") % {"code": indicator.code}
            )
            target.counterpart(indicator).delete()
            detail = _("删除：%(item)s（含下级共 %(n)s 个指标）") % {
                "item": indicator,
                "n": len(subtree),
            }
            standards.log(request.user, target.version, DELETION, detail)
        _tell(request, target, _("已删除指标 %(item)s。") % {"item": indicator})
        return redirect("campaigns:version", pk=target.version.pk)
    context = {
        "indicator": indicator,
        "version": version,
        "subtree": subtree,
        "attached": attached,
        "locked": locked,
    }
    return render(request, "campaigns/indicator_delete.html", context)


def _in_place(version) -> standards.Target:
    return standards.Target(version, copied=False)


def _subtree(indicator: Indicator) -> list[int]:
    ids, level = [indicator.pk], [indicator.pk]
    while level:
        level = list(Indicator.objects.filter(parent__in=level).values_list("pk", flat=True))
        ids += level
    return ids


def _attached(ids) -> dict:
    """What a delete in place would take with it."""
    return {
        "duties": IndicatorDuty.objects.filter(indicator__in=ids).count(),
        "requirements": EvidenceRequirement.objects.filter(indicator__in=ids).count(),
        "tasks": WorkTask.objects.filter(indicator__in=ids).count(),
        "files": Evidence.objects.filter(requirement__indicator__in=ids).count(),
    }


def _tell(request, target: standards.Target, done: str) -> None:
    if target.copied:
        messages.warning(request, target.message())
    messages.success(request, done)


def _anchor(version, indicator) -> str:
    return reverse("campaigns:version", args=[version.pk]) + f"#i-{indicator.code}"
