"""Load the GB/T 47678.5-2026 component and matter directory (safe to run again).

Rows are matched by (kind, code): new ones are added, names refreshed, and what an
administrator configured is never overwritten. A file with any bad row loads nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicgrid.categories.catalogue import DIRECTORY, DirectoryError, apply_default_limits, load


class Command(BaseCommand):
    help = "载入 GB/T 47678.5-2026 部件和事项目录（可重复运行，不覆盖管理员的配置）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=DIRECTORY, help="目录 CSV 文件，默认为程序自带的目录。"
        )
        parser.add_argument(
            "--with-defaults",
            action="store_true",
            help="为尚未设置处置时限的常见事项填入本地默认配置。",
        )

    def handle(self, *args, file, with_defaults, **options):
        try:
            summary = str(load(file))
        except DirectoryError as error:
            raise CommandError(f"目录文件有误，未载入任何一项：\n{error}") from None
        if with_defaults:
            summary += f"；按本地默认值配置 {apply_default_limits()} 项"
        self.stdout.write(summary)
