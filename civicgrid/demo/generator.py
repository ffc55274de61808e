"""One deterministic generator for the demo street, the tests and the benchmarks.

`build(Size())` makes the demo street (5 communities, 25 grids, ~30 people);
`build(CITY)` makes a city of 100 streets and 10^4 grids for benchmarks. The
same seed always gives the same territory, codes, people and phone numbers.
"""

import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from shapely.geometry import Polygon, mapping
from shapely.ops import unary_union

from civicgrid.areas.models import Area, Department, Level
from civicgrid.people.models import Role, RoleAssignment, User

DEMO_PASSWORD = "civicgrid"
ORIGIN = (35.2157, 113.2418)  # 焦作市山阳区, WGS-84
CELL_DEG = 0.004  # about 400 m: a grid of a few hundred households
CITY_CODE, CITY_NAME = "410800", "焦作市"
DISTRICTS = [
    ("410811", "山阳区"),
    ("410802", "解放区"),
    ("410803", "中站区"),
    ("410804", "马村区"),
    ("410821", "修武县"),
    ("410822", "博爱县"),
    ("410823", "武陟县"),
    ("410825", "温县"),
    ("410882", "沁阳市"),
    ("410883", "孟州市"),
]
STREET_NAMES = [
    "新城街道",
    "百间房街道",
    "东方红街道",
    "焦东街道",
    "光亚街道",
    "太行街道",
    "艺新街道",
    "定和街道",
]
COMMUNITY_NAMES = [
    "幸福社区",
    "和平社区",
    "光明社区",
    "团结社区",
    "东方村",
    "建设社区",
    "春晖社区",
    "民主社区",
    "友谊社区",
    "南王庄村",
    "朝阳社区",
    "新华社区",
]
DEPARTMENTS = [
    ("CG", "城管执法中队", Department.Kind.DEPARTMENT),
    ("HW", "环卫所", Department.Kind.DEPARTMENT),
    ("SJ", "市场监管所", Department.Kind.DEPARTMENT),
    ("JJ", "交警中队", Department.Kind.DEPARTMENT),
    ("ZJ", "住建办", Department.Kind.DEPARTMENT),
    ("HJ", "环境卫生专线", Department.Kind.TASK_FORCE),
    ("JT", "交通秩序专线", Department.Kind.TASK_FORCE),
    ("CK", "窗口单位专线", Department.Kind.TASK_FORCE),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass(frozen=True)
class Size:
    streets: int = 1
    communities: int = 5
    grids: int = 5
    people: bool = True
    zone: bool = True  # put the first two communities of each street in a 工作区


CITY = Size(streets=100, communities=20, grids=5, people=False, zone=False)


@dataclass
class Demo:
    """Handles on what was built, for tests and the command's summary."""

    city: Area = None
    streets: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    grids: list[Area] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def community(self, n: int) -> Area:
        return self.communities[n]

    def grid(self, community: int, n: int) -> Area:
        prefix = self.communities[community].code
        return [g for g in self.grids if g.code.startswith(prefix)][n]


def _layout(n: int) -> tuple[int, int]:
    cols = math.ceil(math.sqrt(n))
    return cols, math.ceil(n / cols)


class Territory:
    """A jittered lattice per street: neighbours share vertices, so polygons never overlap."""

    def __init__(self, rng: random.Random, size: Size):
        self.rng, self.size = rng, size
        self.comm_cols, self.comm_rows = _layout(size.communities)
        self.grid_cols, self.grid_rows = _layout(size.grids)
        self.cols = self.comm_cols * self.grid_cols
        self.rows = self.comm_rows * self.grid_rows
        street_cols, _ = _layout(size.streets)
        self.street_cols = street_cols

    def street_cells(self, index: int) -> dict[tuple[int, int], Polygon]:
        sx, sy = index % self.street_cols, index // self.street_cols
        lat0 = ORIGIN[0] - sy * (self.rows + 1) * CELL_DEG
        lng0 = ORIGIN[1] + sx * (self.cols + 1) * CELL_DEG * 1.2
        points = {}
        for r in range(self.rows + 1):
            for c in range(self.cols + 1):
                inner = 0 < r < self.rows and 0 < c < self.cols
                jitter = (
                    (lambda: self.rng.uniform(-0.22, 0.22) * CELL_DEG) if inner else (lambda: 0.0)
                )
                points[r, c] = (
                    lng0 + c * CELL_DEG * 1.2 + jitter(),
                    lat0 - r * CELL_DEG + jitter(),
                )
        return {
            (r, c): Polygon(
                [points[r, c], points[r, c + 1], points[r + 1, c + 1], points[r + 1, c]]
            )
            for r in range(self.rows)
            for c in range(self.cols)
        }

    def community_grids(self, cells, slot: int) -> list[Polygon]:
        """The grids of community `slot`, numbered north→south by row, west→east in a row."""
        cr, cc = slot // self.comm_cols, slot % self.comm_cols
        mine = [
            cells[cr * self.grid_rows + r, cc * self.grid_cols + c]
            for r in range(self.grid_rows)
            for c in range(self.grid_cols)
        ]
        grids = mine[: self.size.grids]
        if len(mine) > self.size.grids:  # leftover cells join the last grid
            grids[-1] = unary_union([grids[-1], *mine[self.size.grids :]])
        return grids


def _bulk(areas: list[Area]) -> list[Area]:
    for area in areas:
        area._store_footprint()
    created = Area.objects.bulk_create(areas)
    for area in created:
        area.path = (area.parent.path if area.parent else "") + f"{area.pk}/"
    Area.objects.bulk_update(created, ["path"])
    return created


def _geo(shape) -> dict:
    return mapping(shape.buffer(0) if not shape.is_valid else shape)


@transaction.atomic
def build(size: Size = Size(), seed: int = 2026) -> Demo:
    """Build the territory (and, for the demo size, its people) in one transaction."""
    rng = random.Random(seed)
    demo = Demo()
    land = Territory(rng, size)
    demo.city = _bulk([Area(level=Level.CITY, code=CITY_CODE, name=CITY_NAME)])[0]
    n_districts = 1 if size.streets <= 10 else len(DISTRICTS)
    districts = _bulk(
        [
            Area(level=Level.DISTRICT, code=c, name=n, parent=demo.city)
            for c, n in DISTRICTS[:n_districts]
        ]
    )
    street_rows, community_rows, grid_rows, zones = [], [], [], {}
    for s in range(size.streets):
        district = districts[s % n_districts]
        cells = land.street_cells(s)
        street_grids = [land.community_grids(cells, slot) for slot in range(size.communities)]
        outline = unary_union([g for grids in street_grids for g in grids])
        street = Area(
            level=Level.STREET,
            parent=district,
            code=f"{district.code}{s // n_districts + 1:03d}",
            name=_street_name(s),
            boundary=_geo(outline),
            population=0,
            households=0,
        )
        street_rows.append((street, street_grids))
    streets = _bulk([row[0] for row in street_rows])
    if size.zone:
        zones = {
            st.pk: _bulk(
                [Area(level=Level.ZONE, parent=st, code=f"{st.code}Z01", name="东片工作区")]
            )[0]
            for st in streets
        }
    for street, (_, street_grids) in zip(streets, street_rows, strict=True):
        for n, grids in enumerate(street_grids):
            parent = zones[street.pk] if zones and n < 2 else street
            households = [rng.randint(280, 520) for _ in grids]
            community = Area(
                level=Level.COMMUNITY,
                parent=parent,
                code=f"{street.code}{n + 1:03d}",
                name=_community_name(n),
                is_village="村" in _community_name(n),
                boundary=_geo(unary_union(grids)),
                households=sum(households),
            )
            community.population = int(community.households * 2.7)
            community_rows.append((community, grids, households))
    communities = _bulk([row[0] for row in community_rows])
    for community, (_, grids, households) in zip(communities, community_rows, strict=True):
        for g, (shape, hh) in enumerate(zip(grids, households, strict=True)):
            grid_rows.append(
                Area(
                    level=Level.GRID,
                    parent=community,
                    code=f"{community.code}{g + 1:03d}",
                    name=f"{community.name}第{g + 1}网格",
                    boundary=_geo(shape),
                    households=hh,
                    population=int(hh * 2.7),
                )
            )
    demo.streets, demo.communities, demo.grids = streets, communities, _bulk(grid_rows)
    _sum_street_figures(streets)
    demo.departments = _departments(streets[0])
    for street in streets[1:]:
        _departments(street)
    if size.people:
        _people(demo, rng)
    return demo


def _street_name(n: int) -> str:
    base = STREET_NAMES[n % len(STREET_NAMES)]
    return base if n < len(STREET_NAMES) else f"{base}{n // len(STREET_NAMES) + 1}"


def _community_name(n: int) -> str:
    base = COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)]
    return (
        base
        if n < len(COMMUNITY_NAMES)
        else f"{base[:-2]}{n // len(COMMUNITY_NAMES) + 1}{base[-2:]}"
    )


def _sum_street_figures(streets):
    for street in streets:
        communities = Area.objects.filter(path__startswith=street.path, level=Level.COMMUNITY)
        street.households = sum(c.households or 0 for c in communities)
        street.population = sum(c.population or 0 for c in communities)
    Area.objects.bulk_update(streets, ["households", "population"])


def _departments(street: Area) -> dict[str, Department]:
    rows = [
        Department(code=f"{street.code}-{code}", name=name, kind=kind, street=street)
        for code, name, kind in DEPARTMENTS
    ]
    return {d.code.split("-")[-1]: d for d in Department.objects.bulk_create(rows)}


class _People:
    """Creates the demo's people with one shared password hash (hashing is slow on purpose)."""

    def __init__(self, demo: Demo, rng: random.Random):
        self.demo, self.rng = demo, rng
        self.password = make_password(DEMO_PASSWORD)
        self.count = 0

    def add(self, username: str, label: str, *roles, superuser=False) -> User:
        self.count += 1
        name = (
            self.rng.choice(SURNAMES)
            + self.rng.choice(GIVEN)
            + (self.rng.choice(GIVEN) if self.count % 3 else "")
        )
        user = User.objects.create(
            username=username,
            name=name,
            phone=f"1380000{self.count:04d}",
            password=self.password,
            is_demo=True,
            is_superuser=superuser,
            is_staff=superuser,
        )
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, **role) for role in roles])
        self.demo.people[username] = user
        self.demo.logins.append((username, label))
        return user


def _people(demo: Demo, rng: random.Random) -> None:
    street, depts = demo.streets[0], demo.departments
    add = _People(demo, rng).add
    add("admin", "系统管理员（街道创城办）", {"role": Role.ADMIN, "area": street}, superuser=True)
    add("paiqian", "派遣员（街道）", {"role": Role.ADMIN, "area": street, "title": "派遣员"})
    add(
        "lingdao",
        "领导（街道，只读）",
        {"role": Role.LEADER, "area": street, "title": "分管副主任"},
    )
    add("duban1", "督导员（街道）", {"role": Role.SUPERVISOR, "area": street})
    add("duban2", "督导员（街道）", {"role": Role.SUPERVISOR, "area": street})
    communities = [c for c in demo.communities if c.path.startswith(street.path)]
    for n, community in enumerate(communities, start=1):
        add(
            f"shequ{n}",
            f"社区工作人员（{community.name}）",
            {"role": Role.COMMUNITY, "area": community},
        )
    grids = [g for g in demo.grids if g.path.startswith(street.path)]
    for n, pair in enumerate(_pairs(grids), start=1):
        add(
            f"wangge{n:02d}",
            "网格员（" + "、".join(g.name for g in pair) + "）",
            *[{"role": Role.GRID_WORKER, "area": g} for g in pair],
        )
    handlers = [
        ("CG", "chengguan"),
        ("HW", "huanwei"),
        ("SJ", "shijian"),
        ("JJ", "jiaojing"),
        ("ZJ", "zhujian"),
        ("HJ", "zhuanxian"),
        ("JT", "jiaotong"),
    ]
    for code, login in handlers:
        add(
            login,
            f"部门处置人员（{depts[code].name}）",
            {"role": Role.HANDLER, "department": depts[code]},
        )
    add(
        "zhang",
        f"网格员（{grids[2].name}）兼包片干部（{communities[1].name}）",
        {"role": Role.GRID_WORKER, "area": grids[2]},
        {"role": Role.COMMUNITY, "area": communities[1], "title": "包片干部"},
    )


def _pairs(grids: list[Area]) -> list[list[Area]]:
    """Two grids per grid worker; an odd one out joins the last pair."""
    chunks = [grids[i : i + 2] for i in range(0, len(grids), 2)]
    if len(chunks) > 1 and len(chunks[-1]) == 1:
        last = chunks.pop()
        chunks[-1] = chunks[-1] + last
    return chunks
