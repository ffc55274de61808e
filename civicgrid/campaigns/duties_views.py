"""The 责任分解表 of a campaign: who leads each indicator, who co-operates, who answers for it;
edited line by line or in Excel. And /work/, where a person finds their campaign work.

As everywhere, lacking the permission anywhere is 403, a campaign outside the person's
scopes is 404, and one they may see but not change is 403 for changes.
"""

from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from civicgrid.campaigns import duties_transfer, evidence
from civicgrid.campaigns.models import Campaign, EvidenceRequirement, WorkTask
from civicgrid.campaigns.schedule import answerable_tasks, with_latest_note
from civicgrid.campaigns.standards import ordered
from civicgrid.campaigns.work_forms import DutyForm
from civicgrid.lib.spreadsheets import import_page, xlsx_response
from civicgrid.people.authz import authz_for

CAMPAIGN_RELATED = ("version__standard",)
HOME_TASKS = 50


def posted(request):
    """The form data of a POST, even an empty one (an emptied line is a valid edit)."""
    return request.POST if request.method == "POST" else None


def get_campaign(authz, pk: int, perm: str = "campaigns.view") -> Campaign:
    """The campaign for a work page: 403 without `perm` anywhere, 404 outside one's scopes."""
    authz.require(perm)
    return authz.get_object(Campaign.objects.select_related(*CAMPAIGN_RELATED), perm, pk=pk)


@require_GET
def work_home(request):
    """The campaigns one may see, one's open tasks and the material one is yet to provide."""
    authz = authz_for(request)
    campaigns = Campaign.objects.filter(pk__in=Campaign.objects.restrict(authz).values("pk"))
    tasks = with_latest_note(answerable_tasks(authz).exclude(status=WorkTask.Status.DONE))
    providing = authz.restrict(EvidenceRequirement.objects.all(), "evidence.upload")
    requirements = evidence.with_counts(
        EvidenceRequirement.objects.filter(pk__in=providing.values("pk")).exclude(
            campaign__status=Campaign.Status.FINISHED
        )
    ).select_related("campaign", "indicator", "department", "area")
    context = {
        "campaigns": campaigns.exclude(status=Campaign.Status.FINISHED),
        "tasks": tasks.select_related("campaign", "indicator", "owner", "department")[:HOME_TASKS],
        "requirements": requirements.filter(accepted__lt=F("quantity")),
    }
    return render(request, "duties/home.html", context)


@require_GET
def duty_table(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk)
    duties = duties_transfer.duties_by_indicator(campaign)
    rows = [(i, duties.get(i.pk)) for i in ordered(campaign.version.indicators.all())]
    context = {
        "campaign": campaign,
        "rows": rows,
        "assigned": len(duties),
        "can_change": authz.may("campaigns.change", campaign),
    }
    return render(request, "duties/table.html", context)


@require_http_methods(["GET", "POST"])
def duty_edit(request, pk, indicator_pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk, "campaigns.change")
    indicator = get_object_or_404(campaign.version.indicators, pk=indicator_pk)
    duty = campaign.duties.filter(indicator=indicator).first()
    form = DutyForm(posted(request), instance=duty, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        _save_or_clear(form, campaign, indicator)
        messages.success(request, _("已保存 %(indicator)s 的责任分工。") % {"indicator": indicator})
        return redirect(reverse("work:duties", args=[campaign.pk]) + f"#i{indicator.pk}")
    context = {"campaign": campaign, "indicator": indicator, "form": form}
    return render(request, "duties/edit.html", context, status=400 if form.errors else 200)


def _save_or_clear(form: DutyForm, campaign: Campaign, indicator) -> None:
    """An emptied line is removed, so the table shows the indicator as unassigned."""
    if not any(form.cleaned_data.get(name) for name in form.Meta.fields):
        if form.instance.pk:
            form.instance.delete()
        return
    duty = form.save(commit=False)
    duty.campaign, duty.indicator = campaign, indicator
    duty.save()
    form.save_m2m()


@require_GET
def duties_export(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk)
    return xlsx_response(
        _("%(campaign)s-责任分解表.xlsx") % {"campaign": campaign.name},
        _("责任分解表"),
        duties_transfer.HEADERS,
        duties_transfer.export_rows(campaign),
    )


@require_http_methods(["GET", "POST"])
def duties_import(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk, "campaigns.change")

    def load(upload):
        rows, errors = duties_transfer.parse(upload, campaign)
        if errors:
            return errors, ""
        saved, cleared = duties_transfer.apply(rows, campaign)
        return [], _("已导入 %(rows)s 行：保存 %(saved)s 条责任分工，清空 %(cleared)s 条。") % {
            "rows": len(rows),
            "saved": saved,
            "cleared": cleared,
        }

    context = {"campaign": campaign, "headers": duties_transfer.HEADERS}
    done = reverse("work:duties", args=[campaign.pk])
    return import_page(request, "duties/import.html", context, load, done)
