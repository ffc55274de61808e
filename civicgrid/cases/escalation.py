"""Reminders, chasing (催办) and escalation of cases running out of time.

`sweep(now)` is idempotent and catches up: a case that crossed several
thresholds while the worker was down gets each missing step once, in order,
each recorded in its history. Levels climb 网格 → 社区 → 街道 → 领导 after the
configured working hours overdue (settings.CASE_ESCALATION_HOURS).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import deadlines
from civicgrid.cases.models import WITH_HANDLER, Case, Escalation
from civicgrid.cases.workflow import record


@dataclass
class SweepResult:
    reminded: int = 0
    chased: int = 0
    escalated: int = 0

    def __str__(self):
        return _("提醒 %(r)s 件，催办 %(c)s 件，升级 %(e)s 件") % {
            "r": self.reminded,
            "c": self.chased,
            "e": self.escalated,
        }


def due_level(overdue_hours: float) -> int:
    """The escalation level a case should have reached after this many working hours overdue."""
    level = Escalation.GRID
    for n, threshold in enumerate(settings.CASE_ESCALATION_HOURS, start=1):
        if overdue_hours >= threshold:
            level = min(n, Escalation.LEADER)
    return level


def sweep(now=None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    active = Case.objects.filter(state__in=WITH_HANDLER, deadline__isnull=False)
    for pk in active.filter(reminded=False, remind_at__lte=now, deadline__gt=now).values_list(
        "pk", flat=True
    ):
        result.reminded += _remind(pk, now)
    for pk in active.filter(deadline__lte=now, escalation__lt=Escalation.LEADER).values_list(
        "pk", flat=True
    ):
        chased, climbed = _chase_and_escalate(pk, now)
        result.chased += chased
        result.escalated += climbed
    return result


@transaction.atomic
def _remind(pk, now) -> int:
    case = Case.objects.select_for_update().get(pk=pk)
    if case.reminded or case.state not in WITH_HANDLER:
        return 0
    case.reminded = True
    case.save(update_fields=["reminded", "updated_at"])
    record(
        case,
        "remind",
        None,
        case.state,
        _("处置期限将至，请尽快处置。"),
        {"deadline": case.deadline.isoformat()},
        public=False,
        at=now,
    )
    return 1


@transaction.atomic
def _chase_and_escalate(pk, now) -> tuple[int, int]:
    case = Case.objects.select_for_update().get(pk=pk)
    if case.state not in WITH_HANDLER or case.deadline is None or case.deadline > now:
        return 0, 0
    chased = 0
    if not case.chased:
        case.chased = case.is_overdue = chased = True
        record(
            case,
            "chase",
            None,
            case.state,
            _("已超过处置期限，予以催办。"),
            {"deadline": case.deadline.isoformat()},
            public=False,
            at=now,
        )
    target = due_level(deadlines.overdue_hours(case.deadline, now))
    climbed = 0
    while case.escalation < target:
        case.escalation += 1
        climbed += 1
        label = Escalation(case.escalation).label
        record(
            case,
            "escalate",
            None,
            case.state,
            _("超期未办结，升级至%(level)s督办。") % {"level": label},
            {"level": case.escalation},
            public=False,
            at=now,
        )
    if chased or climbed:
        case.save(update_fields=["chased", "is_overdue", "escalation", "updated_at"])
    return int(chased), climbed
