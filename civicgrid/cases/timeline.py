"""How a case's history and reporters are shown to staff: step names, who acted, masked reporters.

Pages, the API and webhooks all show them the same way.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.cases import workflow
from civicgrid.lib.privacy import mask_name, mask_phone

REPORTER_ACTIONS = {"report", "join"}
EVENT_LABELS = {
    "report": gettext_lazy("上报"),
    "join": gettext_lazy("重复上报并入"),
    "relocate": gettext_lazy("更正位置"),
    "remind": gettext_lazy("到期提醒"),
    "chase": gettext_lazy("催办"),
    "escalate": gettext_lazy("升级督办"),
}


def event_label(action: str) -> str:
    step = workflow.STEPS.get(action)
    return str(step.label) if step else str(EVENT_LABELS.get(action, action))


def who(event, full: bool) -> str:
    """Who took a step; a reporter's name is masked like on the facts."""
    if event.by_id is None:
        return _("公众") if event.action in REPORTER_ACTIONS else _("系统")
    if event.action in REPORTER_ACTIONS and not full:
        return mask_name(str(event.by))
    return str(event.by)


def reporters(case, full: bool) -> list[dict]:
    """Who reported the case; names and phones masked unless the person holds cases.reporter."""
    reporters = []
    for report in case.reports.select_related("user").order_by("created_at", "pk"):
        name = report.name or (str(report.user) if report.user_id else "")
        phone = report.phone or (report.user.phone or "" if report.user_id else "")
        if report.anonymous:
            name, phone = _("匿名"), ""
        elif not full:
            name, phone = mask_name(name), mask_phone(phone)
        reporters.append(
            {"name": name, "phone": phone, "joined": report.joined, "at": report.created_at}
        )
    return reporters
