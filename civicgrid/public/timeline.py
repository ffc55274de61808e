"""What a resident is told about a case: plain state names, the public steps, no one's identity.

Only events marked public are shown, with labels written for residents. The reporters'
own words ("report", "join") are never repeated, and every note is scrubbed of the names
and phones of the people on the case (reporters and staff) and of any mobile number.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models import Case, Pending, State
from civicgrid.cases.timeline import REPORTER_ACTIONS
from civicgrid.cases.workflow import STEPS
from civicgrid.people.models import User

STATES = {
    State.REPORTED: _("已收到，待受理"),
    State.REGISTERED: _("已受理"),
    State.REJECTED: _("不予受理"),
    State.MERGED: _("已合并办理"),
    State.DISPATCHED: _("办理中"),
    State.IN_PROGRESS: _("办理中"),
    State.REWORK: _("办理中"),
    State.SUSPENDED: _("暂缓办理"),
    State.HANDLED: _("已处理，待核查"),
    State.CLOSED: _("已办结"),
}
EVENTS = {
    "report": _("收到群众反映"),
    "join": _("又有群众反映了这个问题"),
    "register": _("已受理"),
    "reject": _("不予受理"),
    "merge": _("与同一问题的其他反映合并办理"),
    "dispatch": _("已交办理单位"),
    "accept": _("办理单位已接收，正在处理"),
    "handle": _("办理单位已处理，等待核查"),
    "verify_pass": _("现场核查通过，已办结"),
    "verify_fail": _("现场核查未通过，重新处理"),
    "reopen": _("根据群众评价重新处理"),
    "explain_rating": _("已就您的评价作出说明"),
    "resume": _("恢复办理"),
    "close_special": _("已办结"),
}
APPROVED = {
    Pending.RETURN: _("重新安排办理单位"),
    Pending.EXTENSION: _("办理期限已延长"),
    Pending.SUSPENSION: _("暂缓办理"),
}
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
HIDDEN = "***"


def state_label(state: str) -> str:
    return str(STATES.get(state, _("办理中")))


@dataclass(frozen=True)
class Entry:
    action: str
    label: str
    at: datetime
    note: str


def entries(case: Case) -> list[Entry]:
    """The case's public history, oldest first, in residents' words."""
    events = list(case.events.filter(public=True).order_by("at", "id"))
    hidden = people_on(case)
    return [
        Entry(
            action=event.action,
            label=_label(event),
            at=event.at,
            note="" if event.action in REPORTER_ACTIONS else scrub(event.note, hidden),
        )
        for event in events
    ]


def _label(event) -> str:
    if event.action == "approve":
        return str(APPROVED.get(event.data.get("approved"), _("办理安排已调整")))
    if event.action == "dispatch" and event.data.get("responsible"):
        return str(_("已交由“%(unit)s”办理")) % {"unit": event.data["responsible"]}
    step = STEPS.get(event.action)
    return str(EVENTS.get(event.action) or (step.label if step else _("办理进展")))


def people_on(case: Case) -> set[str]:
    """Names and phones of the case's reporters and of the staff who acted on it."""
    found = set()
    for name, phone, user_name, user_phone in case.reports.values_list(
        "name", "phone", "user__name", "user__phone"
    ):
        found.update([name, phone, user_name, user_phone])
    actors = User.objects.filter(pk__in=case.events.values("by")).values_list("name", "phone")
    for name, phone in actors:
        found.update([name, phone])
    return {value.strip() for value in found if value and len(value.strip()) >= 2}


def scrub(text: str, hidden: set[str]) -> str:
    """`text` with each of `hidden` and every mobile number replaced by ***."""
    for value in sorted(hidden, key=len, reverse=True):
        text = text.replace(value, HIDDEN)
    return MOBILE.sub(HIDDEN, text)
