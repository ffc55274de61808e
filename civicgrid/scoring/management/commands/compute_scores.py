"""Compute the scores of draft periods that are running or have ended; safe to run again.

A running period is recomputed on every run. An ended one is computed once after its end;
later changes to its cases wait for someone to press 重新计算 on its page. Published
periods are frozen and never touched.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from civicgrid.scoring.compute import bounds, compute
from civicgrid.scoring.models import Period


class Command(BaseCommand):
    help = "计算进行中和已结束的未发布考核周期的成绩（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只计算该创建项目（编号）的周期")
        parser.add_argument("--today", help="以该日期为今天（YYYY-MM-DD），默认今天")

    def handle(self, *args, campaign=None, today=None, **options):
        today = self._day(today)
        drafts = Period.objects.filter(status=Period.Status.DRAFT, start__lte=today)
        if campaign is not None:
            drafts = drafts.filter(campaign=campaign)
        running = ended = skipped = scores = 0
        for period in drafts.order_by("start", "pk"):
            is_running = period.end >= today
            if not is_running and period.computed_at and period.computed_at >= bounds(period)[1]:
                skipped += 1
                continue
            scores += compute(period)
            running, ended = running + is_running, ended + (not is_running)
        self.stdout.write(
            f"已计算 {running + ended} 个周期（进行中 {running}，已结束 {ended}），"
            f"共 {scores} 条得分；{skipped} 个已结束的周期此前已算过，未重算。"
        )

    @staticmethod
    def _day(text) -> dt.date:
        if not text:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None
