"""Demo campaign work: a 责任分解表 over the demo units, a 工作进度表 of twenty tasks (some
done, some under way, a few overdue) and 佐证材料 requirements with part of the files in.

`demo_work(campaign, demo)` works on any standard version: material is required for its
材料审核 items, or for any items when it has none. Running it again adds nothing.
"""

import datetime as dt
import random
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from civicgrid.areas.models import Department
from civicgrid.campaigns.models import (
    Campaign,
    Evidence,
    EvidenceRequirement,
    Indicator,
    IndicatorDuty,
    TaskNote,
    WorkTask,
)
from civicgrid.campaigns.standards import ordered
from civicgrid.lib.spreadsheets import workbook_bytes
from civicgrid.people.models import Role, RoleAssignment

TASKS = [
    "制定创建工作实施方案",
    "召开创建工作动员部署会",
    "建立创建工作台账",
    "主次干道公益广告排查补设",
    "农贸市场环境综合整治",
    "背街小巷路灯排查维修",
    "小区楼道堆物清理",
    "沿街商户门前三包责任书签订",
    "志愿服务活动常态化开展",
    "新时代文明实践站“七有”建设",
    "健康教育讲座（每季度不少于 3 场）",
    "健康教育宣传栏更新（每 2 个月一期）",
    "公共厕所保洁提升",
    "占道经营集中整治",
    "非机动车停放秩序整治",
    "居民文明素养入户宣传",
    "佐证材料收集整理",
    "窗口单位文明服务检查",
    "建筑工地围挡公益广告设置",
    "病媒生物防制集中消杀",
]
# (status, days from today to the due date, notes): done, under way, overdue, not started.
PLAN = (
    [("done", -40 + 6 * n, 2) for n in range(6)]
    + [("doing", 5 + 4 * n, 1 + n % 2) for n in range(6)]
    + [("doing", -3 - 4 * n, 1) for n in range(3)]
    + [("todo", -2, 0)]
    + [("todo", 15 + 7 * n, 0) for n in range(4)]
)
NOTES = [
    "已召开专题会议，明确分工和时间节点。",
    "完成现场排查，建立问题台账，正在逐项整改。",
    "整改已完成过半，剩余点位本周内完成。",
    "已全部完成，照片和台账已整理归档。",
]
MATERIALS = [
    ("工作方案（正式印发文件）", "pdf", 1),
    ("活动照片及签到表", "docx", 3),
    ("工作台账", "xlsx", 2),
]
# The files of each requirement in turn (up to its quantity): complete, returned and sent
# again, partly in, nothing yet…
UPLOADS = [
    ["accepted", "accepted", "accepted"],
    ["returned", "submitted"],
    ["accepted", "submitted"],
    [],
    ["accepted"],
    ["submitted"],
]


@dataclass(frozen=True)
class WorkSummary:
    duties: int
    tasks: int
    requirements: int
    files: int


@transaction.atomic
def demo_work(campaign: Campaign, demo, today: dt.date | None = None, seed: int = 2026):
    """Fill the campaign's work from the demo street's units and people (`demo` as
    `civicgrid.demo.generator.build` returns it); a WorkSummary of what was added."""
    if campaign.tasks.exists() or campaign.duties.exists():
        return WorkSummary(0, 0, 0, 0)
    today = today or timezone.localdate()
    rng = random.Random(seed)
    cast = _Cast(campaign, demo)
    indicators = ordered(campaign.version.indicators.all())
    duties = _duties(campaign, indicators, cast, rng)
    tasks = _tasks(campaign, indicators, duties, cast, today)
    requirements, files = _evidence(campaign, indicators, duties, cast, today)
    return WorkSummary(len(duties), tasks, requirements, files)


class _Cast:
    """Who stands for each unit: its handler or community staff, else the dispatcher."""

    def __init__(self, campaign: Campaign, demo):
        streets = list(campaign.streets.all()) or demo.streets[:1]
        ids = {s.pk for s in streets}
        self.departments = [d for d in demo.departments.values() if d.street_id in ids]
        self.communities = [
            c for c in demo.communities if any(c.path.startswith(s.path) for s in streets)
        ]
        people = RoleAssignment.objects.filter(user__in=list(demo.people.values()))
        self.by_unit = {}
        rows = people.filter(role__in=[Role.HANDLER, Role.COMMUNITY]).select_related("user")
        for row in rows.order_by("pk"):
            key = ("department", row.department_id) if row.department_id else ("area", row.area_id)
            self.by_unit.setdefault(key, row.user)
        self.admin = demo.people.get("paiqian") or next(iter(demo.people.values()))

    def person_for(self, unit):
        if unit is None:
            return self.admin
        key = ("department" if isinstance(unit, Department) else "area", unit.pk)
        return self.by_unit.get(key, self.admin)


def _duties(campaign, indicators, cast, rng) -> dict[int, IndicatorDuty]:
    duties = {}
    for n, indicator in enumerate(indicators):
        duty = IndicatorDuty(campaign=campaign, indicator=indicator)
        if indicator.depth > Indicator.Level.PROJECT and cast.communities and n % 5 == 2:
            duty.lead_area = cast.communities[n % len(cast.communities)]
        elif cast.departments:
            duty.lead = cast.departments[n % len(cast.departments)]
        duty.person = cast.person_for(duty.lead or duty.lead_area)
        duties[indicator.pk] = duty
    IndicatorDuty.objects.bulk_create(duties.values())
    through = IndicatorDuty.partners.through
    links = []
    for duty in duties.values():
        others = [d for d in cast.departments if d != duty.lead]
        for partner in rng.sample(others, min(len(others), rng.randint(1, 2))):
            links.append(through(indicatorduty=duty, department=partner))
    through.objects.bulk_create(links)
    return duties


def _items(indicators) -> list[Indicator]:
    items = [i for i in indicators if i.depth == Indicator.Level.ITEM]
    material = [i for i in items if i.method == Indicator.Method.MATERIAL]
    return material or items or indicators


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _tasks(campaign, indicators, duties, cast, today) -> int:
    items = _items(indicators)
    notes = []
    for n, (title, (status, offset, note_count)) in enumerate(zip(TASKS, PLAN, strict=True)):
        indicator = items[n % len(items)] if items else None
        duty = duties.get(indicator.pk) if indicator else None
        due = today + dt.timedelta(days=offset)
        task = WorkTask.objects.create(
            campaign=campaign,
            indicator=indicator,
            title=title,
            owner=duty.person if duty else cast.admin,
            department=duty.lead if duty else None,
            due=due,
            status=status,
            progress={"done": 100, "doing": 30 + 20 * (n % 3), "todo": 0}[status],
            done_at=_moment(due - dt.timedelta(days=1), 16) if status == "done" else None,
        )
        for k in range(note_count):
            day = min(due, today) - dt.timedelta(days=3 * (note_count - k))
            notes.append(
                TaskNote(
                    task=task,
                    by=task.owner,
                    at=_moment(day, 9 + k),
                    text=NOTES[-1] if status == "done" and k == note_count - 1 else NOTES[k],
                    progress=100 if status == "done" and k == note_count - 1 else task.progress,
                )
            )
    TaskNote.objects.bulk_create(notes)
    return len(TASKS)


def _evidence(campaign, indicators, duties, cast, today) -> tuple[int, int]:
    requirements, files = 0, 0
    for n, indicator in enumerate(_items(indicators)[:12]):
        duty = duties.get(indicator.pk)
        for description, kind, quantity in MATERIALS[: 1 + n % 2]:
            requirement = EvidenceRequirement.objects.create(
                campaign=campaign,
                indicator=indicator,
                description=description,
                quantity=quantity,
                department=duty.lead if duty else None,
                area=duty.lead_area if duty else None,
            )
            uploader = cast.person_for(requirement.department or requirement.area)
            statuses = UPLOADS[requirements % len(UPLOADS)][:quantity]
            for m, status in enumerate(statuses):
                _upload(
                    requirement, kind, status, uploader, cast.admin, today - dt.timedelta(m + 2)
                )
            requirements, files = requirements + 1, files + len(statuses)
    return requirements, files


def _upload(requirement, kind, status, uploader, reviewer, day) -> Evidence:
    name = f"{requirement.indicator.code}-{requirement.description[:12]}-{day:%m%d}.{kind}"
    content = {"pdf": pdf_bytes, "docx": docx_bytes, "xlsx": xlsx_bytes}[kind](name)
    return Evidence.objects.create(
        requirement=requirement,
        file=ContentFile(content, name=name),
        note="演示材料",
        uploaded_by=uploader,
        uploaded_at=_moment(day),
        status=status,
        reviewed_by=reviewer if status != "submitted" else None,
        review_comment="照片不清晰，请补充签到表。" if status == "returned" else "",
    )


# --- small real files --------------------------------------------------------------------------


def pdf_bytes(title: str = "civicgrid") -> bytes:
    """A one-page PDF that readers open: header, four objects, a correct xref and %%EOF."""
    text = "civicgrid demo evidence"
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def docx_bytes(title: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph("活动时间、地点、参加人员及活动内容见下表。（演示材料）")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(title: str) -> bytes:
    rows = [
        ["2026-03-01", "幸福社区", "健康教育讲座", 45],
        ["2026-04-12", "和平社区", "志愿服务", 30],
    ]
    return workbook_bytes("台账", ["日期", "社区", "活动", "参加人数"], rows)
