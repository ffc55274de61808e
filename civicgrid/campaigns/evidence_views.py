"""The 佐证材料 pages: what each indicator needs and how complete it is, uploads by the units
that provide it, review by the 创城办, and all accepted material as one ZIP.

A unit uploads where it holds evidence.upload (its department's or its community's
requirements); a reviewer (evidence.review) accepts a file or returns it with a reason.
"""

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.campaigns import evidence
from civicgrid.campaigns.duties_views import get_campaign, posted
from civicgrid.campaigns.models import Campaign, Evidence, EvidenceRequirement
from civicgrid.campaigns.standards import ordered
from civicgrid.campaigns.work_forms import RequirementForm, ReviewForm, UploadForm
from civicgrid.lib import exports
from civicgrid.lib.pages import is_htmx
from civicgrid.people.authz import authz_for

REQUIREMENT_RELATED = ("campaign__version", "indicator", "department", "area")


@require_GET
def overview(request, pk):
    """Per indicator: the material required and how much is accepted; per unit; in total."""
    authz = authz_for(request)
    campaign = get_campaign(authz, pk)
    requirements = evidence.scoped_requirements(authz, campaign)
    rows = evidence.with_counts(requirements).select_related("indicator", "department", "area")
    per_indicator = evidence.by_indicator(requirements)
    place = {i.pk: n for n, i in enumerate(ordered(campaign.version.indicators.all()))}
    groups: dict[int, dict] = {}
    for row in sorted(rows, key=lambda r: (place.get(r.indicator_id, len(place)), r.pk)):
        group = groups.setdefault(
            row.indicator_id,
            {"indicator": row.indicator, "completeness": per_indicator[row.indicator_id]},
        )
        group.setdefault("requirements", []).append(row)
    context = {
        "campaign": campaign,
        "groups": list(groups.values()),
        "units": evidence.by_unit(requirements),
        "total": evidence.total(requirements),
        "pending": sum(row.pending for row in rows),
        "can_change": authz.may("campaigns.change", campaign),
    }
    return render(request, "evidence/overview.html", context)


@require_http_methods(["GET", "POST"])
def requirement_new(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk, "campaigns.change")
    initial = {"indicator": request.GET.get("indicator")}
    form = RequirementForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        requirement = form.save(commit=False)
        requirement.campaign = campaign
        requirement.save()
        messages.success(request, _("已新增材料要求。"))
        return redirect("work:evidence", campaign.pk)
    context = {"campaign": campaign, "form": form}
    status = 400 if form.errors else 200
    return render(request, "evidence/requirement_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def requirement_edit(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.change")
    requirement = authz.get_object(
        EvidenceRequirement.objects.select_related(*REQUIREMENT_RELATED), "campaigns.change", pk=pk
    )
    campaign = requirement.campaign
    form = RequirementForm(request.POST or None, instance=requirement, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存材料要求。"))
        return redirect("work:requirement", requirement.pk)
    context = {"campaign": campaign, "requirement": requirement, "form": form}
    status = 400 if form.errors else 200
    return render(request, "evidence/requirement_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def requirement_detail(request, pk):
    """One requirement with its files; the providing unit uploads here."""
    authz = authz_for(request)
    requirement = authz.get_object(
        EvidenceRequirement.objects.select_related(*REQUIREMENT_RELATED), "campaigns.view", pk=pk
    )
    can_upload = authz.may("evidence.upload", requirement)
    if request.method == "POST" and not can_upload:
        raise PermissionDenied
    form = UploadForm(posted(request), request.FILES or None) if can_upload else None
    if request.method == "POST" and form.is_valid():
        item = form.save(requirement, request.user)
        messages.success(request, _("已上传“%(name)s”，等待审核。") % {"name": _name(item)})
        return redirect("work:requirement", requirement.pk)
    files = list(requirement.files.select_related("uploaded_by", "reviewed_by"))
    for item in files:
        item.filename = _name(item)
    context = {
        "requirement": requirement,
        "campaign": requirement.campaign,
        "files": files,
        "accepted": sum(f.status == Evidence.Status.ACCEPTED for f in files),
        "form": form,
        "can_review": authz.may("evidence.review", requirement),
        "can_change": authz.may("campaigns.change", requirement),
        "campaign_visible": authz.may("campaigns.view", requirement.campaign),
        "max_mb": settings.EVIDENCE_MAX_MB,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "evidence/requirement.html", context, status=status)


def _name(item: Evidence) -> str:
    return PurePath(item.file.name).name


@require_POST
def review(request, pk):
    authz = authz_for(request)
    authz.require("evidence.review")
    item = authz.get_object(Evidence.objects.all(), "evidence.review", pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        form.apply(item, request.user)
        messages.success(request, _("已审核：%(status)s。") % {"status": item.get_status_display()})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("work:requirement", item.requirement_id)


@require_GET
def download_zip(request, pk):
    """All accepted material the person may see: streamed when small, else built by the worker."""
    authz = authz_for(request)
    campaign = get_campaign(authz, pk)
    items = evidence.accepted_evidence(authz, campaign)
    if not items.exists():
        messages.error(request, _("还没有审核通过的佐证材料，无需下载。"))
        return redirect("work:evidence", campaign.pk)
    if evidence.in_background(items):
        result = evidence.build_zip.enqueue(request.user.pk, campaign.pk)
        return redirect("work:zip-status", result.id)
    response = StreamingHttpResponse(evidence.stream(items), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, evidence.zip_filename(campaign)
    )
    return response


@require_GET
def zip_status(request, result_id):
    result = exports.owned_result(evidence.build_zip, result_id, request.user)
    context = {
        **exports.progress(result),
        "campaign_pk": result.args[1],
        "download": reverse("work:zip-file", args=[result_id]),
    }
    template = "evidence/_zip_status.html" if is_htmx(request) else "evidence/zip_status.html"
    return render(request, template, context)


@require_GET
def zip_file(request, result_id):
    result = exports.owned_result(evidence.build_zip, result_id, request.user)
    campaign = Campaign.objects.get(pk=result.args[1])
    return exports.download_result(result, evidence.zip_filename(campaign))
