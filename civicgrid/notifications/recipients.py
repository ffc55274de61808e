"""Who is concerned by a case event: the table of audiences per action, resolved to people.

An audience is either a role in a scope (the responsible unit, the dispatchers
whose area holds the case, ...) or one person (the reporter, the one who asked
for approval). Role audiences are resolved in one query over the current role
assignments; subscriptions then decide through which channels each role hears.
Personal audiences are always told in the app.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Level
from civicgrid.cases.models import CaseEvent
from civicgrid.people.models import Role, RoleAssignment

RESPONSIBLE = "responsible"  # the unit that answers for the case
DISPATCHERS = "dispatchers"  # 派遣员 whose area holds the case
SUPERVISORS = "supervisors"  # 督导员 whose area holds the case, to verify
ESCALATION = "escalation"  # the level an overdue case climbed to
REPORTER = "reporter"  # the staff member who reported the case
REQUESTER = "requester"  # who asked for the return, extension or suspension

# Who hears of each action. Actions not listed (relocate, ...) tell nobody.
AUDIENCES: dict[str, tuple[str, ...]] = {
    "report": (DISPATCHERS,),
    "join": (DISPATCHERS,),
    "register": (REPORTER,),
    "reject": (REPORTER,),
    "merge": (REPORTER,),
    "dispatch": (RESPONSIBLE, REPORTER),
    "accept": (REPORTER,),
    "handle": (SUPERVISORS, DISPATCHERS, REPORTER),
    "request_return": (DISPATCHERS,),
    "request_extension": (DISPATCHERS,),
    "request_suspension": (DISPATCHERS,),
    "approve": (RESPONSIBLE, REQUESTER, REPORTER),
    "deny": (RESPONSIBLE, REQUESTER),
    "resume": (RESPONSIBLE, REPORTER),
    "verify_pass": (RESPONSIBLE, REPORTER),
    "verify_fail": (RESPONSIBLE, REPORTER),
    "close_special": (RESPONSIBLE, REPORTER),
    "reopen": (RESPONSIBLE, REPORTER),
    "explain_rating": (REPORTER,),
    "remind": (RESPONSIBLE,),
    "chase": (RESPONSIBLE,),
    "escalate": (RESPONSIBLE, ESCALATION),
}
CLOSING = {"verify_pass", "close_special"}

# Labels of the actions that are not workflow steps (the steps carry their own).
LABELS = {
    "report": _("新上报"),
    "join": _("重复上报并入"),
    "remind": _("期限提醒"),
    "chase": _("超期催办"),
    "escalate": _("升级督办"),
}
ESCALATION_ROLES = {1: Role.COMMUNITY, 2: Role.ADMIN, 3: Role.LEADER}


def action_label(action: str) -> str:
    from civicgrid.cases.workflow import STEPS

    step = STEPS.get(action)
    return str(step.label if step else LABELS.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    return [(action, f"{action_label(action)}（{action}）") for action in AUDIENCES]


def roles_told(action: str) -> set[str]:
    """The roles an action may concern (for the default subscriptions)."""
    roles = set()
    for audience in AUDIENCES.get(action, ()):
        if audience == RESPONSIBLE:
            roles |= {Role.HANDLER, Role.COMMUNITY, Role.GRID_WORKER}
        elif audience == DISPATCHERS:
            roles.add(Role.ADMIN)
        elif audience == SUPERVISORS:
            roles.add(Role.SUPERVISOR)
        elif audience == ESCALATION:
            roles |= set(ESCALATION_ROLES.values())
    return roles


@dataclass
class Concerned:
    by_role: dict[str, set] = field(default_factory=dict)  # role → users
    personal: set = field(default_factory=set)  # told in the app whatever the subscriptions

    def of(self, role: str) -> set:
        return self.by_role.get(role, set())


def _covering(path: str) -> list[int]:
    """Ids of the areas whose subtree holds `path`: its ancestors and itself."""
    return [int(part) for part in path.split("/") if part]


def _responsible(case) -> Q | None:
    if case.responsible_department_id:
        return Q(role=Role.HANDLER, department_id=case.responsible_department_id)
    if case.responsible_area_id and case.responsible_role:
        return Q(role=case.responsible_role, area_id__in=_covering(case.responsible_path))
    return None


def _in_area(role: str, case, **more) -> Q | None:
    ids = _covering(case.area_path)
    return Q(role=role, area_id__in=ids, **more) if ids else None


def _escalation(event) -> Q | None:
    level = event.data.get("level")
    case = event.case
    if level == 1:
        return _in_area(Role.COMMUNITY, case, area__level=Level.COMMUNITY)
    if level in (2, 3):
        return _in_area(ESCALATION_ROLES[level], case, area__level__lte=Level.STREET)
    return None


def _role_condition(audience: str, event) -> Q | None:
    case = event.case
    if audience == RESPONSIBLE:
        return _responsible(case)
    if audience == DISPATCHERS:
        return _in_area(Role.ADMIN, case)
    if audience == SUPERVISORS:
        return _in_area(Role.SUPERVISOR, case)
    if audience == ESCALATION:
        return _escalation(event)
    return None


def _requester(event):
    request = (
        CaseEvent.objects.filter(
            case_id=event.case_id, action__startswith="request_", pk__lt=event.pk
        )
        .select_related("by")
        .order_by("-pk")
        .first()
    )
    return request.by if request else None


def concerned(event) -> Concerned:
    """The people an event concerns, by the role they hold in it; the actor is left out."""
    audiences = AUDIENCES.get(event.action, ())
    result = Concerned()
    conditions = [c for a in audiences if (c := _role_condition(a, event)) is not None]
    if conditions:
        rows = (
            RoleAssignment.objects.current()
            .filter(reduce(or_, conditions), user__is_active=True)
            .select_related("user")
        )
        for row in rows:
            result.by_role.setdefault(row.role, set()).add(row.user)
    if REPORTER in audiences and event.from_state != event.to_state:
        result.personal.add(event.case.reported_by)
    if REQUESTER in audiences:
        result.personal.add(_requester(event))
    result.personal = {u for u in result.personal if u is not None and u.is_active}
    for users in [result.personal, *result.by_role.values()]:
        users.discard(event.by)
    return result
