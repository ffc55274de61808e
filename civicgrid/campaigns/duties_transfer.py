"""The 责任分解表 to and from Excel: one row per indicator of the campaign's standard.

Columns: 指标编号, 指标名称 (written for reading, not read back), 牵头单位编码 (a department
or task force code, or a street or community code), 配合单位编码 (department codes separated
by 、), 责任人 (a user name). A row with no unit and no person clears that indicator's line;
indicators missing from the sheet keep theirs. Every row is checked first: one error anywhere
and nothing is imported.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Department
from civicgrid.campaigns import units
from civicgrid.campaigns.models import Campaign, Indicator, IndicatorDuty
from civicgrid.campaigns.standards import ordered
from civicgrid.lib.spreadsheets import SheetRows, cell_text, read_sheet
from civicgrid.people.models import User

HEADERS = ["指标编号", "指标名称", "牵头单位编码", "配合单位编码", "责任人"]
# 指标名称 may be left out; without any other column an import would clear what it lacks.
REQUIRED = ["指标编号", "牵头单位编码", "配合单位编码", "责任人"]
SEPARATORS = re.compile(r"[、,，;；\s]+")


def duties_by_indicator(campaign: Campaign) -> dict[int, IndicatorDuty]:
    duties = campaign.duties.select_related("lead", "lead_area", "person").prefetch_related(
        "partners"
    )
    return {duty.indicator_id: duty for duty in duties}


def export_rows(campaign: Campaign):
    duties = duties_by_indicator(campaign)
    for indicator in ordered(campaign.version.indicators.all()):
        duty = duties.get(indicator.pk)
        yield [indicator.code, indicator.title, *(_cells(duty) if duty else ["", "", ""])]


def _cells(duty: IndicatorDuty) -> list[str]:
    lead = duty.lead or duty.lead_area
    return [
        lead.code if lead else "",
        "、".join(p.code for p in duty.partners.all()),
        duty.person.username if duty.person_id else "",
    ]


@dataclass
class Row:
    number: int
    indicator: Indicator
    lead: Department | None = None
    lead_area: Area | None = None
    partners: list[Department] = field(default_factory=list)
    person: User | None = None

    @property
    def empty(self) -> bool:
        return not (self.lead or self.lead_area or self.partners or self.person)


class Lookups:
    """The campaign's indicators, units and people, looked up once per import."""

    def __init__(self, campaign: Campaign):
        self.indicators = {i.code: i for i in campaign.version.indicators.all()}
        self.departments = {d.code: d for d in units.departments(campaign)}
        self.areas = {a.code: a for a in units.areas(campaign)}
        self.people = {p.username: p for p in units.people(campaign)}


def parse(upload, campaign: Campaign) -> tuple[list[Row], list[str]]:
    """Validate every row; the lines the sheet describes, or the errors that stop the import."""
    sheet = read_sheet(upload, REQUIRED)
    if sheet.errors:
        return [], sheet.errors
    lookups = Lookups(campaign)
    rows, seen = [], {}
    for number, raw in sheet.rows:
        row = _parse_row(number, raw, sheet, lookups)
        if row is None:
            continue
        if row.indicator.code in seen:
            sheet.error(
                number,
                _("指标编号与第 %(row)s 行重复，每个指标只能有一行。")
                % {"row": seen[row.indicator.code]},
            )
            continue
        seen[row.indicator.code] = number
        rows.append(row)
    if not rows and not sheet.errors:
        sheet.errors.append(_("文件中没有责任分解数据。"))
    return rows, sheet.errors


def _parse_row(number: int, raw: dict, sheet: SheetRows, lookups: Lookups) -> Row | None:
    errors_before = len(sheet.errors)
    code = cell_text(raw, "指标编号")
    indicator = lookups.indicators.get(code)
    if not code:
        sheet.error(number, _("指标编号不能为空。"))
    elif indicator is None:
        sheet.error(number, _("指标编号“%(code)s”不在本项目的测评体系中。") % {"code": code})
    row = Row(number, indicator)
    _lead(row, cell_text(raw, "牵头单位编码"), sheet, lookups)
    _partners(row, cell_text(raw, "配合单位编码"), sheet, lookups)
    _person(row, cell_text(raw, "责任人"), sheet, lookups)
    return row if len(sheet.errors) == errors_before else None


def _lead(row: Row, code: str, sheet: SheetRows, lookups: Lookups) -> None:
    if not code:
        return
    row.lead = lookups.departments.get(code)
    row.lead_area = None if row.lead else lookups.areas.get(code)
    if row.lead is None and row.lead_area is None:
        sheet.error(
            row.number,
            _("牵头单位编码“%(code)s”不是本项目所在街道的部门、专线、街道或社区编码。")
            % {"code": code},
        )


def _partners(row: Row, text: str, sheet: SheetRows, lookups: Lookups) -> None:
    for code in dict.fromkeys(c for c in SEPARATORS.split(text) if c):
        partner = lookups.departments.get(code)
        if partner is None:
            sheet.error(
                row.number,
                _("配合单位编码“%(code)s”不是本项目所在街道的部门或专线编码。") % {"code": code},
            )
        elif partner == row.lead:
            sheet.error(
                row.number, _("“%(name)s”已是牵头单位，不必再列为配合单位。") % {"name": partner}
            )
        else:
            row.partners.append(partner)


def _person(row: Row, username: str, sheet: SheetRows, lookups: Lookups) -> None:
    if not username:
        return
    row.person = lookups.people.get(username)
    if row.person is None:
        sheet.error(
            row.number,
            _("责任人“%(name)s”不存在或不在本项目所在街道工作（请填用户名）。")
            % {"name": username},
        )


@transaction.atomic
def apply(rows: list[Row], campaign: Campaign) -> tuple[int, int]:
    """Write every row's line; (lines saved, lines cleared)."""
    existing = {d.indicator_id: d for d in campaign.duties.all()}
    cleared = [existing[r.indicator.pk].pk for r in rows if r.empty and r.indicator.pk in existing]
    IndicatorDuty.objects.filter(pk__in=cleared).delete()
    kept = [r for r in rows if not r.empty]
    duties = []
    for row in kept:
        duty = existing.get(row.indicator.pk) or IndicatorDuty(
            campaign=campaign, indicator=row.indicator
        )
        duty.lead, duty.lead_area, duty.person = row.lead, row.lead_area, row.person
        duties.append(duty)
    changed = [d for d in duties if d.pk is not None]
    IndicatorDuty.objects.bulk_create([d for d in duties if d.pk is None])
    IndicatorDuty.objects.bulk_update(changed, ["lead", "lead_area", "person"])
    _set_partners(duties, kept)
    return len(kept), len(cleared)


def _set_partners(duties: list[IndicatorDuty], rows: list[Row]) -> None:
    through = IndicatorDuty.partners.through
    through.objects.filter(indicatorduty__in=duties).delete()
    through.objects.bulk_create(
        through(indicatorduty=duty, department=partner)
        for duty, row in zip(duties, rows, strict=True)
        for partner in row.partners
    )
