"""Remind the people answering for a target that is behind, a few days before its period ends.

Who is reminded: the current members of the target's responsible department (责任单位);
for a target without one, the administrators whose area holds the target's area. Each
person is told once per target and period, in the app: the notification links to the
target's page for that period, and that link is what marks it as sent, so running the
command twice (or every day) tells nobody twice.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.campaigns.models import Campaign
from civicgrid.ledgers import targets
from civicgrid.ledgers.models import Target
from civicgrid.notifications.models import Notification
from civicgrid.people.models import Role, RoleAssignment, User


def responsible_people(target: Target, on: dt.date):
    assignments = RoleAssignment.objects.current(on)
    if target.department_id:
        assignments = assignments.filter(department_id=target.department_id)
    else:
        ancestors = [int(part) for part in target.area.path.split("/") if part]
        assignments = assignments.filter(role=Role.ADMIN, area_id__in=ancestors)
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id"))


def reminder_text(target: Target, progress: targets.Progress, today: dt.date) -> str:
    return _(
        "目标“%(name)s”进度落后：本期（%(start)s 至 %(end)s）已完成 %(value)s，"
        "目标 %(threshold)s%(unit)s，距期末还有 %(days)s 天。"
    ) % {
        "name": target.name,
        "start": progress.start,
        "end": progress.end,
        "value": _number(progress.value),
        "threshold": _number(progress.threshold),
        "unit": target.unit,
        "days": (progress.end - today).days,
    }


def _number(value) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def remind(today: dt.date, days: int) -> tuple[int, int]:
    """(targets behind near their period's end, notifications sent)."""
    behind = sent = 0
    rows = Target.objects.select_related("area", "ledger", "survey", "campaign")
    rows = rows.filter(Q(campaign__isnull=True) | ~Q(campaign__status=Campaign.Status.FINISHED))
    for target in rows:
        progress = targets.progress(target, today, today)
        if progress.status != targets.BEHIND or (progress.end - today).days > days:
            continue
        behind += 1
        url = reverse("ledgers:target", args=[target.pk]) + f"?on={progress.start}"
        text = reminder_text(target, progress, today)
        for person in responsible_people(target, today):
            _notification, created = Notification.objects.get_or_create(
                recipient=person, url=url, case=None, defaults={"text": text}
            )
            sent += created
    return behind, sent


class Command(BaseCommand):
    help = "目标进度落后且本期即将结束时，提醒责任单位（每个目标每期每人只提醒一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="距期末几天内提醒（默认 7）")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="按这一天计算（测试用）")
        parser.add_argument(
            "--every", type=int, default=0, help="每隔多少秒运行一次；0 表示只运行一次"
        )

    def handle(self, *args, days, today=None, every=0, **options):
        while True:
            behind, sent = remind(today or timezone.localdate(), days)
            self.stdout.write(f"进度落后且临近期末的目标 {behind} 个；发出提醒 {sent} 条。")
            if not every:
                return
            time.sleep(every)
