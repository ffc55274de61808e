"""The case workflow as data: every step, who may take it, what it needs, where it leads.

Steps map onto the seven national steps (信息收集 → 立案 → 派遣 → 处置 → 反馈 →
核查结案 → 综合评价). `take` applies one step atomically: it locks the case row,
checks the state, the person's permission in scope and the step's requirements,
changes the case and appends one CaseEvent. Two people acting at once: the
second finds the state or version changed and gets a Conflict.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.cases import deadlines, responsibility
from civicgrid.cases.models import (
    WITH_HANDLER,
    Case,
    CaseEvent,
    CasePhoto,
    Closure,
    Pending,
    State,
)


class Conflict(Exception):
    """Someone else changed the case first; nothing was done."""

    def __init__(self, message=None):
        super().__init__(message or _("该案件已被他人处理，请刷新页面后重试。"))


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    perm: str
    sources: frozenset
    target: str | None  # None: the effect decides (approving a request)
    needs: frozenset = field(default_factory=frozenset)
    national: int = 0  # which of the seven national steps
    pending: bool = False  # only while a request waits for approval
    public: bool = True  # shown on the resident's timeline
    when: Callable[[Case], bool] | None = None  # a further condition on the case


def _s(*states):
    return frozenset(states)


HANDLING = frozenset(WITH_HANDLER)
STEPS: dict[str, Step] = {
    step.action: step
    for step in [
        Step(
            "register",
            gettext_lazy("立案"),
            "cases.register",
            _s(State.REPORTED),
            State.REGISTERED,
            national=2,
        ),
        Step(
            "reject",
            gettext_lazy("不予立案"),
            "cases.register",
            _s(State.REPORTED),
            State.REJECTED,
            _s("reason"),
            2,
        ),
        Step(
            "merge",
            gettext_lazy("合并为重复案件"),
            "cases.register",
            _s(State.REPORTED, State.REGISTERED),
            State.MERGED,
            _s("duplicate_of"),
            2,
        ),
        Step(
            "dispatch",
            gettext_lazy("派遣"),
            "cases.dispatch",
            _s(State.REGISTERED),
            State.DISPATCHED,
            _s("unit"),
            3,
        ),
        Step(
            "accept",
            gettext_lazy("受理"),
            "cases.handle",
            _s(State.DISPATCHED),
            State.IN_PROGRESS,
            national=4,
        ),
        Step(
            "handle",
            gettext_lazy("处置反馈"),
            "cases.handle",
            HANDLING,
            State.HANDLED,
            _s("after_photo"),
            5,
        ),
        Step(
            "request_return",
            gettext_lazy("申请退回"),
            "cases.handle",
            HANDLING,
            None,
            _s("reason"),
            4,
            public=False,
        ),
        Step(
            "request_extension",
            gettext_lazy("申请延期"),
            "cases.handle",
            HANDLING,
            None,
            _s("reason", "deadline"),
            4,
            public=False,
        ),
        Step(
            "request_suspension",
            gettext_lazy("申请缓办"),
            "cases.handle",
            HANDLING,
            None,
            _s("reason"),
            4,
            public=False,
        ),
        Step(
            "approve",
            gettext_lazy("批准申请"),
            "cases.approve",
            HANDLING,
            None,
            national=4,
            pending=True,
        ),
        Step(
            "deny",
            gettext_lazy("驳回申请"),
            "cases.approve",
            HANDLING,
            None,
            _s("reason"),
            4,
            pending=True,
            public=False,
        ),
        Step(
            "resume",
            gettext_lazy("恢复处置"),
            "cases.approve",
            _s(State.SUSPENDED),
            State.IN_PROGRESS,
            national=4,
        ),
        Step(
            "verify_pass",
            gettext_lazy("核查通过，结案"),
            "cases.verify",
            _s(State.HANDLED),
            State.CLOSED,
            national=6,
        ),
        Step(
            "verify_fail",
            gettext_lazy("核查不通过，返工"),
            "cases.verify",
            _s(State.HANDLED),
            State.REWORK,
            _s("reason"),
            6,
        ),
        Step(
            "reopen",
            gettext_lazy("重新核查（不满意回访）"),
            "cases.approve",
            _s(State.CLOSED),
            State.REWORK,
            _s("reason"),
            7,
        ),
        Step(
            "explain_rating",
            gettext_lazy("回访说明（不返工）"),
            "cases.approve",
            _s(State.CLOSED),
            State.CLOSED,
            _s("reason"),
            7,
            when=lambda case: case.awaits_rating_review(),
        ),
        Step(
            "close_special",
            gettext_lazy("特殊结案"),
            "cases.close",
            _s(State.REGISTERED, *WITH_HANDLER, State.SUSPENDED, State.HANDLED),
            State.CLOSED,
            _s("reason", "closure"),
            6,
        ),
    ]
}
REQUESTS = {
    "request_return": Pending.RETURN,
    "request_extension": Pending.EXTENSION,
    "request_suspension": Pending.SUSPENSION,
}


def can_take(step: Step, case: Case) -> bool:
    """Whether the case's state allows the step (not who may take it)."""
    if case.state not in step.sources:
        return False
    if step.pending:
        return bool(case.pending)
    if step.action in REQUESTS:
        return not case.pending
    return step.when is None or step.when(case)


def available_steps(case: Case, authz) -> list[Step]:
    """The steps this person may take on this case now, in table order."""
    perms_here = {perm for perm in {s.perm for s in STEPS.values()} if authz.may(perm, case)}
    return [s for s in STEPS.values() if s.perm in perms_here and can_take(s, case)]


def take(
    case: Case,
    action: str,
    authz,
    *,
    version: int | None = None,
    note: str = "",
    photos=(),
    at=None,
    **details,
) -> CaseEvent:
    """Apply one step to a case, atomically, and record it in the case's history.

    `at` lets an integration or the demo generator replay a step that happened
    earlier; people's own actions always happen now.
    """
    step = STEPS.get(action)
    if step is None:
        raise ValidationError(_("未知的操作：%(action)s") % {"action": action})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
        if version is not None and locked.version != version:
            raise Conflict()
        if not can_take(step, locked):
            raise Conflict(
                _("案件当前状态为“%(state)s”，不能%(step)s。")
                % {"state": locked.get_state_display(), "step": step.label}
            )
        if not authz.may(step.perm, locked):
            raise PermissionDenied(_("您无权对该案件执行“%(step)s”。") % {"step": step.label})
        _check_needs(step, note, photos, details)
        from_state, now = locked.state, at or timezone.now()
        data = EFFECTS[action](locked, now, note=note, **details) or {}
        if step.target is not None:
            locked.state = step.target
        locked.version += 1
        locked.save()
        event = record(
            locked, action, authz.user, from_state, note, data, public=step.public, at=now
        )
        _attach(locked, event, photos, action)
    case.refresh_from_db()
    return event


def record(case, action, by, from_state, note="", data=None, public=True, at=None) -> CaseEvent:
    """Append one event to the case's history (also used by the periodic job)."""
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        by=by if by and by.is_authenticated else None,
        at=at or timezone.now(),
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=data or {},
        public=public,
    )
    from civicgrid.cases import notify

    notify.event_recorded(event.pk)
    return event


def _check_needs(step: Step, note, photos, details) -> None:
    errors = {}
    if "reason" in step.needs and not note.strip():
        errors["note"] = _("请填写理由。")
    if "after_photo" in step.needs and not photos:
        errors["photos"] = _("处置反馈须上传至少一张处置后照片。")
    if "deadline" in step.needs and not details.get("deadline"):
        errors["deadline"] = _("请填写申请的新期限。")
    if "duplicate_of" in step.needs and not details.get("duplicate_of"):
        errors["duplicate_of"] = _("请指定重复的案件。")
    if "closure" in step.needs and details.get("closure") not in (
        Closure.SPECIAL,
        Closure.ERRONEOUS,
    ):
        errors["closure"] = _("请选择结案类型（特殊结案或差错结案）。")
    if errors:
        raise ValidationError(errors)


PHOTO_KIND = {
    "handle": CasePhoto.Kind.AFTER,
    "verify_pass": CasePhoto.Kind.VERIFY,
    "verify_fail": CasePhoto.Kind.VERIFY,
}


def _attach(case, event, photos, action) -> None:
    kind = PHOTO_KIND.get(action, CasePhoto.Kind.BEFORE)
    for upload in photos:
        # Taken with the step: a replayed step (the demo's history) keeps its own time.
        CasePhoto.objects.create(
            case=case, event=event, kind=kind, image=upload, uploaded_at=event.at
        )


# Effects: what each step changes beyond the state. Each returns the event's details.


def _register(case, now, **rest):
    case.registered_at = now
    rule = responsibility.resolve(case)
    responsibility.propose(case, rule)
    return {"rule": rule.pk if rule else None, "responsible": str(case.responsible or "")}


def _reject(case, now, **rest):
    case.closed_at = now


def _merge(case, now, duplicate_of=None, **rest):
    survivor = Case.objects.filter(number=getattr(duplicate_of, "number", duplicate_of)).first()
    if survivor is None or survivor.pk == case.pk or not survivor.is_open:
        raise ValidationError({"duplicate_of": _("请指定一个仍在办理中的其他案件。")})
    case.duplicate_of, case.closed_at = survivor, now
    case.reports.update(case=survivor, joined=True)
    return {"duplicate_of": survivor.number}


def _dispatch(case, now, note="", department=None, area=None, role=None, **rest):
    responsibility.assign(case, department=department, area=area, role=role, note=note)
    case.dispatched_at = now
    case.deadline = deadlines.deadline_for(case.category, now)
    case.remind_at = deadlines.remind_at(now, case.deadline)
    return {
        "responsible": str(case.responsible),
        "deadline": case.deadline.isoformat(),
        "override": case.override_reason,
    }


def _handle(case, now, **rest):
    case.handled_at = now
    case.handled_on_time = case.deadline is None or now <= case.deadline


def _request(kind):
    def effect(case, now, deadline=None, **rest):
        case.pending = kind
        case.pending_deadline = deadline if kind == Pending.EXTENSION else None
        if deadline and case.deadline and deadline <= case.deadline:
            raise ValidationError({"deadline": _("新期限应晚于当前期限。")})
        return {"deadline": deadline.isoformat() if deadline else None}

    return effect


def _approve(case, now, **rest):
    kind, case.pending = case.pending, ""
    if kind == Pending.RETURN:
        case.state = State.REGISTERED
        responsibility.clear(case)
        case.dispatched_at = case.deadline = case.remind_at = None
    elif kind == Pending.EXTENSION:
        case.deadline, case.is_overdue = case.pending_deadline, False
        case.reminded = case.chased = False
        case.remind_at = deadlines.remind_at(case.dispatched_at, case.deadline)
    elif kind == Pending.SUSPENSION:
        case.state, case.suspended_at = State.SUSPENDED, now
        case.remaining_hours = deadlines.remaining_hours(now, case.deadline)
    case.pending_deadline = None
    return {"approved": kind}


def _deny(case, now, **rest):
    kind, case.pending, case.pending_deadline = case.pending, "", None
    return {"denied": kind}


def _resume(case, now, **rest):
    case.deadline = deadlines.after_hours(now, case.remaining_hours or 0)
    case.remind_at = deadlines.remind_at(case.dispatched_at, case.deadline)
    case.suspended_at = case.remaining_hours = None
    case.is_overdue = False
    return {"deadline": case.deadline.isoformat()}


def _close(closure_for):
    def effect(case, now, closure=None, **rest):
        case.closed_at = now
        case.closure = closure or closure_for(case, now)
        return {"closure": case.closure}

    return effect


def _on_time_closure(case, now):
    """Overdue if the handler finished late (or never did, in time): verification time is not theirs."""
    finished = case.handled_at or now
    late = case.deadline is not None and finished > case.deadline
    return Closure.OVERDUE if case.is_overdue or late else Closure.NORMAL


def _verify_fail(case, now, **rest):
    case.rework_count += 1
    case.handled_at = None
    case.handled_on_time = None


def _reopen(case, now, **rest):
    if case.closure in (Closure.ERRONEOUS, Closure.SPECIAL) or case.responsible is None:
        raise ValidationError(_("该案件不是经处置结案的，不能重新核查。"))
    case.closed_at, case.closure = None, ""
    case.rework_count += 1
    case.handled_at = case.handled_on_time = None


EFFECTS = {
    "register": _register,
    "reject": _reject,
    "merge": _merge,
    "dispatch": _dispatch,
    "accept": lambda case, now, **_: None,
    "handle": _handle,
    "request_return": _request(Pending.RETURN),
    "request_extension": _request(Pending.EXTENSION),
    "request_suspension": _request(Pending.SUSPENSION),
    "approve": _approve,
    "deny": _deny,
    "resume": _resume,
    "verify_pass": _close(_on_time_closure),
    "verify_fail": _verify_fail,
    "close_special": _close(_on_time_closure),
    "reopen": _reopen,
    "explain_rating": lambda case, now, **_: None,
}


def matrix_markdown() -> str:
    """The transition table with the roles that hold each step's permission (for docs/workflow.md)."""
    from civicgrid.people.authz import PERMISSIONS
    from civicgrid.people.models import Role

    header = "| 操作 | 国家流程步骤 | 从状态 | 到状态 | 需要 | 角色（在其范围内） |"
    lines = [header, "|---|---|---|---|---|---|"]
    for step in STEPS.values():
        roles = "、".join(
            str(Role(r).label) for r, perms in PERMISSIONS.items() if step.perm in perms
        )
        sources = "、".join(str(State(s).label) for s in sorted(step.sources))
        target = str(State(step.target).label) if step.target else "视申请而定"
        needs = "、".join(sorted(step.needs)) or "—"
        lines.append(
            f"| {step.label}（{step.action}） | {step.national} | {sources} | {target} | {needs} | {roles} |"
        )
    return "\n".join(lines) + "\n"
