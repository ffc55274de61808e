"""A year of ledgers for the demo street: entries of every ready type, targets in each
state, and the 门前三包 shop register with pledges and a few linked cases.

`demo_ledgers(demo, campaign=None, today=None)` is deterministic for a given `today`
(seeded; the entries are dated backwards from it). Call it once, on a fresh demo street,
after the case history if the shops are to have cases linked. The targets it sets:
- 健康教育讲座每年不少于 12 场 (street, yearly): met;
- 宣传栏每 2 个月更新一次 (community 0, every 2 months from the anchor): renewed in every
  past period, not yet in the current one, so behind;
- 宣传单每季度不少于 600 份 (each community, quarterly sums): communities 3 and 4 hand out
  far fewer and are behind;
- 志愿服务每月不少于 100 小时 (street, monthly sums).
"""

import datetime as dt
import random
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from civicgrid.areas.models import Area, Level
from civicgrid.cases.models import Case
from civicgrid.ledgers import ledger_types as ready
from civicgrid.ledgers import targets
from civicgrid.ledgers.models import EntryChange, LedgerEntry, Pledge, Shop, Target

SEED = 2026
YEAR = dt.timedelta(days=365)
ROADS = ["建设路", "人民路", "解放路", "民主路", "塔南路", "丰收路"]
SHOP_KINDS = [
    "便利店",
    "家常菜馆",
    "理发店",
    "大药房",
    "五金店",
    "水果店",
    "早餐店",
    "烟酒店",
    "花店",
    "茶叶店",
    "干洗店",
    "手机维修",
    "面馆",
    "母婴店",
    "文具店",
]
SHOP_NAMES = "福顺鑫隆和记金源永兴宏达佳美康宁惠民万家"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"
PLEDGE_SCOPES = [
    "门前至人行道外沿",
    "门前 5 米范围",
    "店门两侧各 3 米至人行道外沿",
]
SHOP_MATTERS = ("09006", "06036", "07001", "06010")  # 占道经营, 乱堆杂物, 小广告, 暴露垃圾
LECTURE_TOPICS = [
    "高血压的预防与管理",
    "合理膳食与健康",
    "控烟与健康",
    "夏季传染病预防",
    "老年人防跌倒",
    "心理健康",
    "糖尿病自我管理",
    "儿童口腔保健",
    "科学健身",
    "病媒生物防制",
]
SPEAKERS = [
    "社区卫生服务中心 李医生",
    "区疾控中心 王主任",
    "市人民医院 赵医生",
    "街道卫生院 陈医生",
]
BOARD_CONTENTS = ["健康生活方式", "传染病防治", "爱国卫生运动", "控烟知识", "食品安全"]
VOLUNTEER_ACTIVITIES = ["清洁家园", "文明交通劝导", "关爱空巢老人", "垃圾分类宣传", "义诊服务"]
TRAININGS = ["网格员业务培训", "创城知识培训", "垃圾分类培训", "消防安全培训"]
FACILITIES = {
    "科技": ["社区科普活动室", "青少年科技馆"],
    "教育": ["实验小学", "第二中学", "阳光幼儿园", "社区老年学校"],
    "文化": ["社区文化活动中心", "农家书屋", "街道综合文化站"],
    "卫生": ["社区卫生服务中心", "卫生服务站", "社区药房"],
    "体育": ["全民健身广场", "社区健身路径", "篮球场"],
}


@dataclass
class DemoLedgers:
    """What was made, for the loader's summary and for tests."""

    types: dict
    entries: int
    shops: list
    pledges: int
    targets: dict


class Builder:
    """Entries made in memory and saved in bulk, each with the first line of its history."""

    def __init__(self, demo, rng: random.Random, today: dt.date):
        self.demo, self.rng, self.today = demo, rng, today
        self.street = demo.streets[0]
        self.communities = [c for c in demo.communities if c.path.startswith(self.street.path)]
        self.grids = [g for g in demo.grids if g.path.startswith(self.street.path)]
        self.rows: list[LedgerEntry] = []

    def recorder(self, area: Area):
        """Community staff for their community's grids; the dispatcher for the street."""
        people = self.demo.people
        if area.level == Level.STREET or not people:
            return people.get("paiqian") or next(iter(people.values()))
        community = area if area.level == Level.COMMUNITY else area.parent
        number = self.communities.index(community) + 1 if community in self.communities else 1
        return people.get(f"shequ{number}") or people.get("paiqian")

    def add(self, ledger, area: Area, day: dt.date, **values) -> None:
        if day > self.today:
            return
        values = {key: value for key, value in values.items() if value not in (None, "")}
        self.rows.append(
            LedgerEntry(
                ledger=ledger,
                area=area,
                area_path=area.path,
                date=day,
                values=values,
                created_by=self.recorder(area),
                created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30))),
            )
        )

    def days(self, every: int, start: dt.date | None = None, spread: int = 2):
        """Days from `start` (a year ago) to today, about `every` days apart."""
        day = start or self.today - YEAR
        while day <= self.today:
            yield day
            day += dt.timedelta(days=max(1, every + self.rng.randint(-spread, spread)))

    def save(self) -> int:
        created = LedgerEntry.objects.bulk_create(self.rows, batch_size=500)
        EntryChange.objects.bulk_create(
            [
                EntryChange(entry=e, by=e.created_by, at=e.created_at, before={}, after=_after(e))
                for e in created
            ],
            batch_size=500,
        )
        count = len(created)
        self.rows = []
        return count


def _after(entry: LedgerEntry) -> dict:
    return {
        "area": entry.area.code,
        "date": entry.date.isoformat(),
        "values": entry.values,
        "files": {},
    }


@transaction.atomic
def demo_ledgers(demo, campaign=None, today: dt.date | None = None) -> DemoLedgers:
    """Ledgers, targets and shops for `demo.streets[0]` over the year up to `today`."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    build = Builder(demo, rng, today)
    types = {t.code: t for t in ready.load_ledger_types(build.street, campaign)}
    anchor = _anchor(campaign, today)
    made = _targets(build, types, campaign, anchor)
    _publicity(build, types[ready.PUBLICITY])
    _lectures(build, types[ready.LECTURES])
    _boards(build, types[ready.BOARDS], made["boards"])
    _everyday(build, types)
    count = build.save()
    count += _top_up_lectures(build, types[ready.LECTURES], made["lectures"])
    shops = _shops(build)
    pledges = _pledges(build, shops)
    _link_cases(build, shops)
    return DemoLedgers(types, count, shops, pledges, made)


def _anchor(campaign, today: dt.date) -> dt.date:
    if campaign is not None and campaign.start <= today:
        return campaign.start
    return targets.first_of_month(today, -11)


# --- entries ---------------------------------------------------------------------------------


def _publicity(build: Builder, ledger) -> None:
    """Weekly publicity in communities 0–2; communities 3 and 4 fall behind."""
    for n, community in enumerate(build.communities):
        keen = n < 3
        for day in build.days(7 if keen else 16):
            build.add(
                ledger,
                community,
                day,
                banners=build.rng.randint(1, 4),
                slogans=build.rng.randint(0, 6),
                flyers=build.rng.randint(80, 130) if keen else build.rng.randint(20, 50),
                blackboards=1 if day.day <= 7 else None,
                led=build.rng.randint(0, 3) or None,
                theme=build.rng.choice(["创建文明城市", "垃圾分类", "文明交通", "健康知识"]),
            )


def _lecture(build: Builder, ledger, day: dt.date) -> None:
    community = build.rng.choice(build.communities)
    build.add(
        ledger,
        community,
        day,
        title=build.rng.choice(LECTURE_TOPICS),
        speaker=build.rng.choice(SPEAKERS),
        attendees=build.rng.randint(25, 80),
        place=f"{community.name}活动室",
    )


def _lectures(build: Builder, ledger) -> None:
    for day in build.days(30, spread=5):
        _lecture(build, ledger, day)


def _top_up_lectures(build: Builder, ledger, target) -> int:
    """Lectures in the current year until the yearly target is met."""
    added = 0
    while targets.progress(target, build.today, build.today).status != targets.MET:
        start, _end = targets.period_containing(target, build.today)
        span = max((build.today - start).days, 0)
        _lecture(build, ledger, start + dt.timedelta(days=build.rng.randint(0, span)))
        added += build.save()
    return added


def _boards(build: Builder, ledger, target) -> None:
    """One renewal in each past two-month period; none yet in the current one."""
    current = targets.period_containing(target, build.today)
    for start, end in targets.periods(target, target.anchor, build.today):
        if (start, end) == current:
            continue
        day = start + dt.timedelta(days=build.rng.randint(3, 20))
        build.add(
            ledger,
            target.area,
            min(day, end),
            size=3.6,
            content=build.rng.choice(BOARD_CONTENTS),
        )


def _everyday(build: Builder, types) -> None:
    rng = build.rng
    for day in build.days(6):
        build.add(
            types[ready.VOLUNTEERS],
            rng.choice(build.communities),
            day,
            title=rng.choice(VOLUNTEER_ACTIVITIES),
            volunteers=rng.randint(8, 30),
            hours=rng.choice([2, 3, 4]) * rng.randint(8, 20),
        )
    for day in build.days(3, spread=1):
        build.add(
            types[ready.VISITS],
            rng.choice(build.grids),
            day,
            kind=rng.choice(["入户走访", "入户走访", "来访接待", "电话回访"]),
            people=rng.randint(1, 12),
            matter=rng.choice(["反映楼道堆物", "咨询低保政策", "反映噪音扰民", "", ""]),
        )
    _disputes(build, types[ready.DISPUTES])
    for day in build.days(30, spread=4):
        build.add(
            types[ready.TRAININGS],
            build.street,
            day,
            title=rng.choice(TRAININGS),
            trainees=rng.randint(20, 60),
            hours=rng.choice([2, 3, 4]),
        )
    for day in build.days(90, spread=10):
        build.add(
            types[ready.EMPLOYMENT],
            build.street,
            day,
            title="春风行动招聘会" if day.month <= 4 else "就业援助月招聘会",
            places=rng.randint(150, 400),
            households=rng.randint(5, 20),
            employed=rng.randint(10, 60),
        )
    _resources(build, types[ready.RESOURCES])


def _disputes(build: Builder, ledger) -> None:
    rng = build.rng
    for day in build.days(10, spread=4):
        outcome = rng.choice(["已化解", "已化解", "已化解", "调处中"])
        build.add(
            ledger,
            rng.choice(build.grids),
            day,
            kind=rng.choice(ready.DISPUTE_KINDS),
            parties="、".join(rng.choice(SURNAMES) + rng.choice("伟芳敏静强磊军洋") for _ in "ab"),
            summary=rng.choice(["楼上漏水", "停车位争执", "宠物扰邻", "工资拖欠", "宅基地边界"]),
            outcome=outcome,
            settled_at=rng.choice(["网格", "网格", "社区", "街道"])
            if outcome == "已化解"
            else None,
        )


def _resources(build: Builder, ledger) -> None:
    day = build.today - YEAR + dt.timedelta(days=14)
    for n, (category, names) in enumerate(FACILITIES.items()):
        for m, name in enumerate(names):
            community = build.communities[(n + m) % len(build.communities)]
            build.add(
                ledger,
                community,
                day,
                category=category,
                name=f"{community.name[:2]}{name}",
                address=f"{build.rng.choice(ROADS)}{build.rng.randint(1, 300)}号",
            )


# --- targets ---------------------------------------------------------------------------------


def _targets(build: Builder, types, campaign, anchor: dt.date) -> dict:
    def target(name, **fields):
        return Target.objects.create(name=name, campaign=campaign, anchor=anchor, **fields)

    made = {
        "lectures": target(
            "健康教育讲座每年不少于 12 场",
            area=build.street,
            metric=Target.Metric.COUNT,
            ledger=types[ready.LECTURES],
            period=Target.Period.YEAR,
            threshold=12,
            unit="场",
        ),
        "boards": target(
            f"{build.communities[0].name}宣传栏每 2 个月更新一次",
            area=build.communities[0],
            metric=Target.Metric.COUNT,
            ledger=types[ready.BOARDS],
            period=Target.Period.EVERY_N_MONTHS,
            every_months=2,
            threshold=1,
            unit="期",
        ),
        "volunteer_hours": target(
            "志愿服务每月不少于 100 小时",
            area=build.street,
            metric=Target.Metric.SUM,
            ledger=types[ready.VOLUNTEERS],
            field_key="hours",
            period=Target.Period.MONTH,
            threshold=100,
            unit="小时",
        ),
    }
    for community in build.communities:
        made[f"flyers-{community.code}"] = target(
            f"{community.name}宣传单每季度不少于 600 份",
            area=community,
            metric=Target.Metric.SUM,
            ledger=types[ready.PUBLICITY],
            field_key="flyers",
            period=Target.Period.QUARTER,
            threshold=600,
            unit="份",
        )
    return made


# --- 门前三包 -----------------------------------------------------------------------------------


def _shops(build: Builder) -> list[Shop]:
    rng, shops = build.rng, []
    for n in range(30):
        grid = build.grids[n % len(build.grids)]
        name = rng.choice(SHOP_NAMES) + rng.choice(SHOP_NAMES) + SHOP_KINDS[n % len(SHOP_KINDS)]
        shops.append(
            Shop(
                name=name,
                address=f"{ROADS[n % len(ROADS)]}{10 + n * 7}号",
                licence=f"92410811MA{rng.randint(10**7, 10**8 - 1)}",
                contact=rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
                phone=f"139{rng.randint(10**7, 10**8 - 1)}",
                area=grid,
                area_path=grid.path,
                lat=_jitter(rng, grid.centre_lat),
                lng=_jitter(rng, grid.centre_lng),
            )
        )
    return Shop.objects.bulk_create(shops)


def _jitter(rng, value):
    return None if value is None else round(value + rng.uniform(-0.0012, 0.0012), 6)


def _letter() -> bytes:
    image = Image.new("RGB", (360, 480), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for y in range(90, 400, 28):
        draw.line([40, y, 320, y], fill=(120, 120, 120), width=2)
    draw.ellipse([230, 380, 310, 460], outline=(190, 30, 30), width=5)
    out = BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _pledges(build: Builder, shops: list[Shop]) -> int:
    """Most shops have signed; the first few keep a photo of the signed letter."""
    rng, letter, count = build.rng, _letter(), 0
    for n, shop in enumerate(shops):
        if n % 6 == 5:
            continue  # about one shop in six has not signed yet
        pledge = Pledge(
            shop=shop,
            signed_on=build.today - dt.timedelta(days=rng.randint(20, 330)),
            scope=rng.choice(PLEDGE_SCOPES),
            recorded_by=build.recorder(shop.area),
        )
        if n < 8:
            pledge.photo.save("pledge.jpg", ContentFile(letter), save=False)
        pledge.save()
        count += 1
    return count


def _link_cases(build: Builder, shops: list[Shop]) -> None:
    """A few cases of street-front matters linked to a shop in the same grid."""
    by_grid = {}
    for shop in shops:
        by_grid.setdefault(shop.area_id, shop)
    cases = Case.objects.filter(
        grid_id__in=list(by_grid), category__code__in=SHOP_MATTERS
    ).order_by("created_at", "pk")[:6]
    for case in cases:
        by_grid[case.grid_id].cases.add(case)
