import time

from django.core.management.base import BaseCommand

from civicgrid.cases.escalation import sweep


class Command(BaseCommand):
    help = "提醒、催办并升级即将到期或已超期的案件（可重复运行，停机后自动补做）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="每隔多少秒运行一次；0 表示只运行一次"
        )

    def handle(self, *args, every, **options):
        while True:
            self.stdout.write(str(sweep()))
            if not every:
                return
            time.sleep(every)
