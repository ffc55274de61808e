from django.core.management.base import BaseCommand

from civicgrid.cases.workflow import matrix_markdown


class Command(BaseCommand):
    help = "以 Markdown 表格打印案件流转表（操作、状态、所需材料、角色）。"

    def handle(self, *args, **options):
        self.stdout.write(matrix_markdown(), ending="")
