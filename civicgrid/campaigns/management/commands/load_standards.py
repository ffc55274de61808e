"""Load the sample evaluation standards shipped with civicgrid (safe to run again)."""

from django.core.management.base import BaseCommand, CommandError

from civicgrid.campaigns.templates import load_samples
from civicgrid.campaigns.transfer import TransferError


class Command(BaseCommand):
    help = (
        "载入内置的样例测评体系（可重复运行，已有的不会重复创建或覆盖）。须先运行 load_categories。"
    )

    def handle(self, *args, **options):
        try:
            summary = load_samples()
        except TransferError as error:
            raise CommandError(f"样例文件有误，未载入任何一项：\n{error}") from None
        self.stdout.write(str(summary))
