from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicgrid.areas.locate import forget_locator
from civicgrid.areas.models import Area
from civicgrid.campaigns.demo_work import demo_work
from civicgrid.cases.rules_demo import demo_rules
from civicgrid.categories.models import Category
from civicgrid.demo.campaigns import add_campaigns
from civicgrid.demo.generator import CITY, CITY_CODE, DEMO_PASSWORD, Size, build
from civicgrid.demo.history import add_history
from civicgrid.documents.demo_documents import demo_documents
from civicgrid.ledgers.demo_ledgers import demo_ledgers
from civicgrid.ledgers.demo_surveys import demo_surveys
from civicgrid.people.models import User
from civicgrid.scoring.demo_scores import demo_scores


class Command(BaseCommand):
    help = "生成演示街道（已存在时不重复生成），并列出演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["street", "city"], default="street")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--days", type=int, default=90, help="案件历史的天数（0 表示不生成案件）"
        )

    def handle(self, *args, size, seed, days, **options):
        if Area.objects.filter(code=CITY_CODE).exists():
            self.stdout.write("演示数据已存在，未重复生成。")
        else:
            if not Category.objects.exists():
                call_command("load_categories", "--with-defaults", stdout=self.stdout)
            call_command("load_subscriptions", stdout=self.stdout)
            demo = build(CITY if size == "city" else Size(), seed=seed)
            forget_locator()
            self.stdout.write(
                f"已生成演示数据：{len(demo.streets)} 个街道，{len(demo.communities)} 个社区，"
                f"{len(demo.grids)} 个网格，{len(demo.people)} 个演示账号。"
            )
            if size == "street":
                self.street_work(demo, seed, days)
        self.print_logins()

    def street_work(self, demo, seed, days):
        rules = demo_rules(demo.streets[0], demo.departments)
        cases = add_history(demo, days=days, seed=seed)
        self.stdout.write(f"责任清单 {len(rules)} 条；近 {days} 天案件 {cases} 件。")
        if not days:
            return
        campaigns = add_campaigns(demo, seed=seed)
        civilized = campaigns[0]
        work = demo_work(civilized, demo, seed=seed)
        self.stdout.write(
            f"创建项目 {len(campaigns)} 个，点位与督查轮次已生成；责任分解 {work.duties} 条，"
            f"工作任务 {work.tasks} 项，佐证材料要求 {work.requirements} 项、已上传 {work.files} 份。"
        )
        ledgers = demo_ledgers(demo, campaign=civilized)
        self.stdout.write(
            f"台账 {len(ledgers.types)} 类 {ledgers.entries} 条，目标 {len(ledgers.targets)} 个，"
            f"门前三包商户 {len(ledgers.shops)} 家、责任书 {ledgers.pledges} 份。"
        )
        survey = demo_surveys(demo, campaign=civilized, seed=seed)
        periods = demo_scores(civilized, by=demo.people["paiqian"])
        documents = demo_documents(civilized, by=demo.people["paiqian"])
        call_command("refresh_stats", "--rebuild", stdout=self.stdout)
        self.stdout.write(
            f"问卷“{survey.title}”已生成；考核周期 {len(periods)} 个已计算；"
            f"督导通报和工作汇报 {len(documents)} 份已生成。"
        )

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
