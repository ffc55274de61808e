import time

from django.core.management.base import BaseCommand

from civicgrid.dashboard.stats import RECENT_DAYS, refresh


class Command(BaseCommand):
    help = "刷新数据看板的统计（可重复运行；停机后自动补算缺少的日期）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=RECENT_DAYS, help="每次重算最近多少天（含今天）"
        )
        parser.add_argument("--rebuild", action="store_true", help="从第一件案件起全部重算")
        parser.add_argument(
            "--every", type=int, default=0, help="每隔多少秒运行一次；0 表示只运行一次"
        )

    def handle(self, *args, days, rebuild, every, **options):
        while True:
            self.stdout.write(str(refresh(days=days, rebuild=rebuild)))
            if not every:
                return
            rebuild = False
            time.sleep(every)
