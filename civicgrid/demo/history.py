"""Ninety days of believable case history for the demo street, replayed through the workflow.

Every case is reported with `intake.report` and moved with `workflow.take`
at past moments, so the demo's history obeys the same transition table,
deadlines and permissions as real work.
"""

import datetime as dt
import random
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from shapely.geometry import Point, shape

from civicgrid.cases import intake, workflow
from civicgrid.cases.escalation import sweep
from civicgrid.cases.models import Case, Rating, Source
from civicgrid.categories.models import Category
from civicgrid.people.authz import Authz
from civicgrid.people.models import RoleAssignment

# Common matters on a street, with how often they turn up.
MATTERS = {
    "06010": 30,
    "06036": 15,
    "07001": 14,
    "09006": 12,
    "09009": 12,
    "06002": 5,
    "06023": 4,
    "01037": 4,
    "03001": 4,
}
SOURCES = {
    Source.PATROL: 50,
    Source.INSPECTION: 15,
    Source.RESIDENT: 15,
    Source.HOTLINE: 10,
    Source.LEADER: 5,
    Source.VIDEO: 5,
}
DESCRIPTIONS = {
    "06010": ["路边堆放生活垃圾约2平方米", "绿化带内有暴露垃圾", "垃圾桶旁散落垃圾未清运"],
    "06036": ["楼道口乱堆杂物", "人行道堆放建材", "小区门口堆放废旧家具"],
    "07001": ["电线杆上张贴小广告", "墙面喷涂办证小广告", "公交站台张贴非法广告"],
    "09006": ["商户占道经营摆放货物", "流动摊贩占道经营", "早餐摊点占用人行道"],
    "09009": ["机动车占用人行道停放", "车辆停放在消防通道", "路口乱停车影响通行"],
}


def _image(color) -> bytes:
    img = Image.new("RGB", (480, 360), color)
    draw = ImageDraw.Draw(img)
    draw.rectangle([140, 110, 340, 250], outline=(255, 255, 255), width=6)
    out = BytesIO()
    img.save(out, "JPEG", quality=70)
    return out.getvalue()


class Replay:
    """Replays one street's cases; holds the actors and their authorisations."""

    def __init__(self, demo, rng: random.Random):
        self.demo, self.rng = demo, rng
        self.categories = {
            c.code: c for c in Category.objects.filter(kind=Category.Kind.MATTER, code__in=MATTERS)
        }
        self.authz = {}
        self.before, self.after = _image((150, 120, 90)), _image((90, 150, 110))
        self.handlers = self._handlers()

    def _handlers(self) -> dict:
        rows = RoleAssignment.objects.current().select_related("user")
        found = {}
        for row in rows:
            key = ("dept", row.department_id) if row.department_id else (row.role, row.area_id)
            found.setdefault(key, row.user)
        return found

    def act(self, user, case, action, at, **details):
        authz = self.authz.setdefault(user.pk, Authz(user))
        return workflow.take(case, action, authz, at=at, **details)

    def photo(self, after=False):
        return SimpleUploadedFile(
            "after.jpg" if after else "before.jpg",
            self.after if after else self.before,
            "image/jpeg",
        )

    def point(self, grid):
        outline = shape(grid.boundary)
        minx, miny, maxx, maxy = outline.bounds
        while True:
            p = Point(self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy))
            if outline.contains(p):
                return p.y, p.x

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def handler_for(self, case):
        if case.responsible_department_id:
            return self.handlers.get(("dept", case.responsible_department_id))
        return self.handlers.get((case.responsible_role, case.responsible_area_id))


@transaction.atomic
def add_history(demo, days: int = 90, per_day: int = 5, seed: int = 2026, now=None) -> int:
    """Report and move `per_day` cases a day over the last `days` days; returns how many."""
    if not Category.objects.exists():
        return 0
    replay = Replay(demo, random.Random(seed))
    now = now or timezone.now()
    start = timezone.localtime(now).replace(
        hour=8, minute=0, second=0, microsecond=0
    ) - dt.timedelta(days=days)
    count = 0
    for day in range(days + 1):
        for _ in range(replay.rng.randint(max(1, per_day - 2), per_day + 2)):
            reported = start + dt.timedelta(days=day, minutes=replay.rng.randint(30, 600))
            if reported >= now:
                continue
            _one_case(replay, reported, now)
            count += 1
    sweep(now)
    return count


def _one_case(replay: Replay, reported, now):
    rng, demo = replay.rng, replay.demo
    code = replay.pick(MATTERS)
    category = replay.categories.get(code) or next(iter(replay.categories.values()))
    grid = rng.choice(demo.grids)
    reporter = rng.choice(
        [u for u in demo.people.values() if u.username.startswith(("wangge", "duban"))]
    )
    source = replay.pick(SOURCES)
    lat, lng = replay.point(grid)
    text = rng.choice(DESCRIPTIONS.get(category.code, [category.name]))
    case = intake.report(
        category=category,
        description=text,
        lat=lat,
        lng=lng,
        address=f"{grid.name}附近",
        source=source,
        by=reporter if source in (Source.PATROL, Source.INSPECTION) else None,
        photos=[replay.photo()],
        name="市民" if source == Source.RESIDENT else "",
        phone=f"139{rng.randint(10000000, 99999999)}" if source == Source.RESIDENT else "",
        at=reported,
    )
    _move(replay, case, reported, now)


def _later(replay, moment, hours_low, hours_high, now):
    moment = moment + dt.timedelta(hours=replay.rng.uniform(hours_low, hours_high))
    return moment if moment < now else None


def _side_path(replay: Replay, case, handler, dispatcher, t, now) -> bool:
    """A few cases wait on a request or stay suspended, so every queue has something true."""
    roll = replay.rng.random()
    if t + dt.timedelta(minutes=30) >= now:
        return False
    if roll < 0.02:
        replay.act(
            handler,
            case,
            "request_suspension",
            t + dt.timedelta(minutes=30),
            note="待产权单位确认后处置",
        )
        if t + dt.timedelta(hours=2) < now:
            replay.act(dispatcher, case, "approve", t + dt.timedelta(hours=2))
        return True
    if roll < 0.035 and t + dt.timedelta(days=10) > now:
        replay.act(
            handler,
            case,
            "request_return",
            t + dt.timedelta(minutes=20),
            note="该问题不属于本单位职责",
        )
        return True
    return False


def _move(replay: Replay, case: Case, t, now):
    rng, dispatcher = replay.rng, replay.demo.people["paiqian"]
    roll = rng.random()
    fresh = now - t < dt.timedelta(days=2)  # the last two days' cases wait at every stage
    if fresh and rng.random() < 0.25 or not (t := _later(replay, t, 0.2, 3, now)):
        return
    if roll < 0.05:
        replay.act(dispatcher, case, "reject", t, note="经核实不属于城市管理问题，不予立案")
        return
    replay.act(dispatcher, case, "register", t)
    if fresh and rng.random() < 0.25 or not (t := _later(replay, t, 0.1, 1, now)):
        return
    replay.act(dispatcher, case, "dispatch", t)
    work_on(replay, case, t, now, fresh)


def work_on(replay: Replay, case: Case, t, now, fresh=False):
    """From dispatch on: the handler accepts, handles (late, now and then), a supervisor verifies."""
    rng, people = replay.rng, replay.demo.people
    dispatcher, supervisor = people["paiqian"], rng.choice([people["duban1"], people["duban2"]])
    handler = replay.handler_for(case)
    if handler is None:
        return
    if rng.random() < 0.03 and t + dt.timedelta(hours=2) < now:
        replay.act(
            handler,
            case,
            "request_extension",
            t + dt.timedelta(hours=1),
            note="需协调多部门",
            deadline=case.deadline + dt.timedelta(days=3),
        )
        t += dt.timedelta(hours=2)
        replay.act(dispatcher, case, "approve", t)
    if fresh and rng.random() < 0.25 or not (t := _later(replay, t, 0.2, 2, now)):
        return
    replay.act(handler, case, "accept", t)
    if _side_path(replay, case, handler, dispatcher, t, now):
        return
    late = rng.random() < 0.15
    done = (
        case.deadline + dt.timedelta(hours=rng.uniform(1, 30))
        if late
        else t + (case.deadline - t) * rng.uniform(0.2, 0.9)
    )
    if done >= now or rng.random() < 0.04:
        return  # still being handled (or quietly stuck, for the overdue list)
    replay.act(handler, case, "handle", done, note="已处置完毕", photos=[replay.photo(after=True)])
    if not (t := _later(replay, done, 1, 20, now)):
        return
    if rng.random() < 0.1:
        replay.act(supervisor, case, "verify_fail", t, note="现场核查仍有问题，返工")
        if not (t := _later(replay, t, 2, 12, now)):
            return
        replay.act(handler, case, "handle", t, note="已返工处置", photos=[replay.photo(after=True)])
        if not (t := _later(replay, t, 1, 10, now)):
            return
    replay.act(supervisor, case, "verify_pass", t)
    _rate(replay, case, t, now)


# 回访: how residents rated their closed cases (非常满意 … 非常不满意).
RATINGS = {5: 40, 4: 35, 3: 15, 2: 7, 1: 3}


def _rate(replay: Replay, case: Case, closed, now) -> None:
    moment = closed + dt.timedelta(hours=replay.rng.uniform(4, 30))
    if case.source != Source.RESIDENT or moment >= now or replay.rng.random() > 0.8:
        return
    level = replay.pick(RATINGS)
    comment = "处理及时，很满意" if level >= 4 else ("还可以" if level == 3 else "问题没有彻底解决")
    Rating.objects.create(
        case=case, report=case.reports.first(), level=level, comment=comment, created_at=moment
    )
