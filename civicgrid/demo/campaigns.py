"""The demo street's campaigns: 文明城市 with 40+ sites and 8 weekly rounds of history
whose failures became cases, and 国家卫生城市 in its first weeks.

Inspections are filled and submitted through `inspections.submission` at past moments,
so their scores and the cases they opened follow the same rules as real work; the cases
then move on through the demo history's replay.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from shapely.geometry import shape

from civicgrid.campaigns import templates
from civicgrid.campaigns.models import Campaign, CampaignKind, PointType, Standard
from civicgrid.demo.history import Replay, work_on
from civicgrid.inspections.models import Inspection, ItemResult, Round, Site
from civicgrid.inspections.submission import checklist, save_item, submit

CIVILIZED, SANITARY = "全国文明城市测评体系（样例）", "国家卫生城市评审标准（样例）"
# Per community: housing estates, back streets, a main road, and street-wide sites.
PER_COMMUNITY = [
    (PointType.RESIDENTIAL, "{c}{n}号小区", 3),
    (PointType.BACK_STREET, "{c}{n}号背街小巷", 2),
    (PointType.MAIN_ROAD, "{c}主干道{n}段", 1),
    (PointType.PUBLIC_TOILET, "{c}公厕{n}", 1),
]
STREET_WIDE = [
    (PointType.FARMERS_MARKET, "{s}农贸市场{n}", 2),
    (PointType.SQUARE, "{s}文化广场{n}", 2),
    (PointType.STREET_OFFICE, "{s}新时代文明实践站", 1),
    (PointType.COMMUNITY_OFFICE, "{s}便民服务中心", 1),
]
WEEKS = 8
PASS, FAIL_SHARE, NA_SHARE = "pass", 0.09, 0.04


def _campaign(name, kind, standard_name, street, start, end) -> Campaign:
    version = Standard.objects.get(name=standard_name).latest
    campaign = Campaign.objects.create(name=name, kind=kind, start=start, end=end, version=version)
    campaign.streets.add(street)
    return campaign


def _point_in(rng, area):
    outline = shape(area.boundary)
    minx, miny, maxx, maxy = outline.bounds
    while True:
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if outline.contains(shape({"type": "Point", "coordinates": [lng, lat]})):
            return lat, lng


def _sites(demo, rng) -> list[Site]:
    street, sites = demo.streets[0], []
    for community in demo.communities:
        grids = [g for g in demo.grids if g.parent_id == community.pk]
        for point_type, pattern, count in PER_COMMUNITY:
            for n in range(1, count + 1):
                grid = rng.choice(grids)
                lat, lng = _point_in(rng, grid)
                sites.append(
                    Site(
                        name=pattern.format(c=community.name, n=n),
                        point_type=point_type,
                        area=grid,
                        lat=lat,
                        lng=lng,
                        address=f"{grid.name}内",
                    )
                )
    for point_type, pattern, count in STREET_WIDE:
        for n in range(1, count + 1):
            grid = rng.choice(demo.grids)
            lat, lng = _point_in(rng, grid)
            sites.append(
                Site(
                    name=pattern.format(s=street.name, n=n if count > 1 else ""),
                    point_type=point_type,
                    area=grid,
                    lat=lat,
                    lng=lng,
                    address=f"{grid.name}内",
                )
            )
    for site in sites:
        site.area_path = site.area.path
    return Site.objects.bulk_create(sites)


def _verdict(rng, item) -> tuple[str, int]:
    roll = rng.random()
    if roll < FAIL_SHARE:
        return "fail", rng.randint(1, 3) if item.deduction_per_count is not None else 0
    if roll < FAIL_SHARE + NA_SHARE:
        return "na", 0
    return PASS, 0


def _inspect(replay, round_, site, inspector, moment, now):
    inspection = Inspection.objects.create(
        round=round_, site=site, inspector=inspector, started_at=moment
    )
    for item in checklist(inspection):
        verdict, count = _verdict(replay.rng, item)
        note = "现场发现问题，已拍照留存" if verdict == "fail" else ""
        save_item(
            inspection,
            item,
            verdict,
            count,
            note,
            photos=[replay.photo()] if verdict == "fail" else [],
        )
    ItemResult.objects.filter(inspection=inspection).update(updated_at=moment)
    for case in submit(inspection, at=moment + dt.timedelta(minutes=40)):
        work_on(replay, case, case.dispatched_at, now)
    return inspection


def _rounds(replay, campaign, sites, weeks, now, share=0.5):
    """`weeks` weekly rounds ending last week; each inspects about `share` of the sites."""
    inspectors = [replay.demo.people["duban1"], replay.demo.people["duban2"]]
    this_monday = timezone.localdate(now) - dt.timedelta(days=timezone.localdate(now).weekday())
    tz = timezone.get_current_timezone()
    made = []
    for n in range(weeks):
        monday = this_monday - dt.timedelta(weeks=weeks - n)
        round_ = Round.objects.create(
            campaign=campaign,
            name=f"第{n + 1}轮（{monday:%m月%d日}—{monday + dt.timedelta(days=6):%m月%d日}）",
            start=monday,
            end=monday + dt.timedelta(days=6),
        )
        round_.inspectors.set(inspectors)
        chosen = replay.rng.sample(sites, max(1, int(len(sites) * share)))
        round_.sites.set(chosen)
        for k, site in enumerate(chosen):
            day = monday + dt.timedelta(days=1 + k % 3)
            moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=tz) + dt.timedelta(
                minutes=25 * (k // 3)
            )
            _inspect(replay, round_, site, inspectors[k % 2], moment, now)
        made.append(round_)
    return made


def _current_round(replay, campaign, sites, number, now) -> Round:
    """This week's round, open for the inspectors, repeating weekly from here on."""
    monday = timezone.localdate(now) - dt.timedelta(days=timezone.localdate(now).weekday())
    current = Round.objects.create(
        campaign=campaign,
        name=f"第{number}轮（{monday:%m月%d日}起，每周）",
        start=monday,
        end=monday + dt.timedelta(days=6),
        repeat_days=7,
    )
    current.sites.set(sites)
    current.inspectors.set([replay.demo.people["duban1"], replay.demo.people["duban2"]])
    return current


@transaction.atomic
def add_campaigns(demo, now=None, seed=2026, weeks=WEEKS) -> list[Campaign]:
    """Both campaigns with their sites and round history; nothing if they already exist."""
    if Campaign.objects.exists():
        return []
    templates.load_samples()
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(seed)
    replay = Replay(demo, rng)
    street = demo.streets[0]
    civilized = _campaign(
        "创建全国文明城市",
        CampaignKind.CIVILIZED,
        CIVILIZED,
        street,
        today - dt.timedelta(days=180),
        today + dt.timedelta(days=550),
    )
    sanitary = _campaign(
        "创建国家卫生城市",
        CampaignKind.SANITARY,
        SANITARY,
        street,
        today - dt.timedelta(days=14),
        today + dt.timedelta(days=700),
    )
    sites = _sites(demo, rng)
    _rounds(replay, civilized, sites, weeks, now)
    _current_round(replay, civilized, sites, weeks + 1, now)
    _rounds(replay, sanitary, sites, 1, now, share=0.3)
    return [civilized, sanitary]
