from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicgrid.campaigns.schedule import work_queues as task_queues
from civicgrid.cases.filters import QUEUE_CAP
from civicgrid.cases.filters import work_queues as case_queues
from civicgrid.lib.spreadsheets import SpreadsheetUploadForm, xlsx_response
from civicgrid.people import transfer
from civicgrid.people.authz import authz_for
from civicgrid.people.forms import ThrottledLoginForm
from civicgrid.people.models import RoleAssignment, User
from civicgrid.worktime.calendar import calendar_warning


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True


def home(request):
    authz = authz_for(request)
    context = {
        "grants": authz.grants,
        "queues": work_queues(authz),
        "queue_cap": QUEUE_CAP,
        "calendar_warning": calendar_warning() if authz.has_perm("calendar.change") else None,
    }
    return render(request, "people/home.html", context)


def work_queues(authz) -> list[tuple[str, int, str]]:
    """The person's queues: (label, count, link to the pre-filtered list)."""
    return case_queues(authz) + task_queues(authz)


def people_list(request):
    authz = authz_for(request)
    authz.require("people.view")
    people = User.objects.restrict(authz).prefetch_related(
        "assignments__area", "assignments__department"
    )
    return render(
        request,
        "people/list.html",
        {"people": people, "can_change": authz.has_perm("people.change")},
    )


def _assignments_in_scope(authz):
    users = User.objects.restrict(authz).values("pk")
    return (
        RoleAssignment.objects.filter(user__in=users)
        .select_related("user", "area", "department")
        .order_by("user__username", "role")
    )


def people_export(request):
    authz = authz_for(request)
    authz.require("people.view")
    rows = transfer.export_rows(_assignments_in_scope(authz))
    return xlsx_response(_("人员与角色.xlsx"), _("人员与角色"), transfer.HEADERS, rows)


def people_import(request):
    authz = authz_for(request)
    authz.require("people.change")
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        rows, errors = transfer.parse(form.cleaned_data["file"], authz)
        if not errors:
            counts = transfer.apply(rows)
            messages.success(
                request,
                _("已导入 %(people)s 人，新增角色 %(created)s 个，结束角色 %(ended)s 个。")
                % counts,
            )
            return redirect("people:list")
    return render(
        request,
        "people/import.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )
