"""Create the recurring supervision rounds that are due (idempotent, catches up after a stop)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand

from civicgrid.inspections import rounds


class Command(BaseCommand):
    help = "按重复周期生成到今天为止应有的督查轮次（可重复运行，停机后自动补生成）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="以该日期为今天（YYYY-MM-DD）"
        )
        parser.add_argument(
            "--every", type=int, default=0, help="每隔多少秒运行一次；0 表示只运行一次"
        )

    def handle(self, *args, today=None, every=0, **options):
        while True:
            made = rounds.generate(today)
            self.stdout.write(f"generate_rounds: {len(made)} round(s) created")
            if not every:
                return
            time.sleep(every)
