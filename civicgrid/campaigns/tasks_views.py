"""The 工作进度表 pages: a campaign's work tasks with owner, unit, due date, status and notes.

The 创城办 (campaigns.change) sets tasks; whoever answers for a task (schedule.may_update)
adds progress notes, which are never edited, and moves its status and progress.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from civicgrid.campaigns.duties_views import get_campaign
from civicgrid.campaigns.models import Campaign, WorkTask
from civicgrid.campaigns.schedule import (
    answerable_tasks,
    may_update,
    overdue,
    with_latest_note,
)
from civicgrid.campaigns.work_forms import ProgressForm, TaskForm
from civicgrid.lib.spreadsheets import xlsx_response
from civicgrid.people.authz import authz_for

TASK_RELATED = ("campaign", "indicator", "owner", "department")
EXPORT_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("工作任务"),
    gettext_lazy("指标编号"),
    gettext_lazy("指标名称"),
    gettext_lazy("负责人"),
    gettext_lazy("责任单位"),
    gettext_lazy("完成时限"),
    gettext_lazy("状态"),
    gettext_lazy("进度（%）"),
    gettext_lazy("完成时间"),
    gettext_lazy("最新进展"),
    gettext_lazy("是否逾期"),
]


def _filtered(tasks, params):
    """The list's filters: ?status=, ?overdue=1, ?indicator=."""
    if params.get("status") in WorkTask.Status.values:
        tasks = tasks.filter(status=params["status"])
    if params.get("overdue"):
        tasks = overdue(tasks)
    if params.get("indicator", "").isdigit():
        tasks = tasks.filter(indicator_id=params["indicator"])
    return tasks


def campaign_tasks(authz, campaign: Campaign, params):
    visible = authz.restrict(campaign.tasks.all(), "campaigns.view")
    tasks = WorkTask.objects.filter(pk__in=visible.values("pk"))
    return with_latest_note(_filtered(tasks, params)).select_related(*TASK_RELATED)


@require_GET
def task_list(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk)
    tasks = list(campaign_tasks(authz, campaign, request.GET))
    context = {
        "campaign": campaign,
        "tasks": tasks,
        "filters": request.GET,
        "statuses": WorkTask.Status.choices,
        "query": request.GET.urlencode(),
        "can_change": authz.may("campaigns.change", campaign),
    }
    return render(request, "duties/task_list.html", context)


@require_GET
def my_tasks(request):
    authz = authz_for(request)
    tasks = _filtered(answerable_tasks(authz), request.GET)
    context = {
        "tasks": with_latest_note(tasks).select_related(*TASK_RELATED)[:500],
        "filters": request.GET,
        "statuses": WorkTask.Status.choices,
    }
    return render(request, "duties/my_tasks.html", context)


@require_GET
def tasks_export(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk)
    rows = export_rows(campaign_tasks(authz, campaign, request.GET))
    filename = _("%(campaign)s-工作进度表.xlsx") % {"campaign": campaign.name}
    return xlsx_response(filename, _("工作进度表"), [str(h) for h in EXPORT_HEADERS], rows)


def export_rows(tasks):
    for number, task in enumerate(tasks, start=1):
        yield [
            number,
            task.title,
            task.indicator.code if task.indicator_id else "",
            task.indicator.title if task.indicator_id else "",
            str(task.owner),
            task.department.name if task.department_id else "",
            task.due,
            task.get_status_display(),
            task.progress,
            timezone.localtime(task.done_at).strftime("%Y-%m-%d %H:%M") if task.done_at else "",
            task.latest_note or "",
            _("是") if task.is_overdue else _("否"),
        ]


@require_http_methods(["GET", "POST"])
def task_detail(request, pk):
    """A task with its notes; the people who answer for it add a note here."""
    authz = authz_for(request)
    task = authz.get_object(WorkTask.objects.select_related(*TASK_RELATED), "campaigns.view", pk=pk)
    can_update = may_update(authz, task)
    if request.method == "POST" and not can_update:
        raise PermissionDenied
    form = ProgressForm(request.POST or None, task=task) if can_update else None
    if request.method == "POST" and form.is_valid():
        form.apply(task, request.user)
        messages.success(request, _("已记录工作进展。"))
        return redirect("work:task", task.pk)
    context = {
        "task": task,
        "notes": task.notes.select_related("by"),
        "form": form,
        "can_change": authz.may("campaigns.change", task),
        "campaign_visible": authz.may("campaigns.view", task.campaign),
    }
    return render(
        request, "duties/task_detail.html", context, status=400 if form and form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def task_new(request, pk):
    authz = authz_for(request)
    campaign = get_campaign(authz, pk, "campaigns.change")
    form = TaskForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        task = form.save(commit=False)
        task.campaign = campaign
        task.save()
        messages.success(request, _("已新增工作任务：%(title)s") % {"title": task.title})
        return redirect("work:tasks", campaign.pk)
    context = {"campaign": campaign, "form": form}
    return render(request, "duties/task_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    authz = authz_for(request)
    authz.require("campaigns.change")
    task = authz.get_object(WorkTask.objects.select_related("campaign"), "campaigns.change", pk=pk)
    form = TaskForm(request.POST or None, instance=task, campaign=task.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存工作任务。"))
        return redirect("work:task", task.pk)
    context = {"campaign": task.campaign, "task": task, "form": form}
    return render(request, "duties/task_form.html", context, status=400 if form.errors else 200)
