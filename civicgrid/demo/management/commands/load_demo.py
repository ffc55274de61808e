from django.core.management.base import BaseCommand

from civicgrid.areas.locate import forget_locator
from civicgrid.areas.models import Area
from civicgrid.demo.generator import CITY, CITY_CODE, DEMO_PASSWORD, Size, build
from civicgrid.people.models import User


class Command(BaseCommand):
    help = "生成演示街道（已存在时不重复生成），并列出演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["street", "city"], default="street")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, size, seed, **options):
        if Area.objects.filter(code=CITY_CODE).exists():
            self.stdout.write("演示数据已存在，未重复生成。")
        else:
            demo = build(CITY if size == "city" else Size(), seed=seed)
            forget_locator()
            self.stdout.write(
                f"已生成演示数据：{len(demo.streets)} 个街道，{len(demo.communities)} 个社区，"
                f"{len(demo.grids)} 个网格，{len(demo.people)} 个演示账号。"
            )
        self.print_logins()

    def print_logins(self):
        people = User.objects.filter(is_demo=True).prefetch_related(
            "assignments__area", "assignments__department"
        )
        if not people:
            return
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for person in people.order_by("pk"):
            roles = "；".join(f"{a.get_role_display()}·{a.scope}" for a in person.assignments.all())
            flag = "（系统管理员）" if person.is_superuser else ""
            self.stdout.write(f"  {person.username:<12} {person.name}{flag}  {roles}")
