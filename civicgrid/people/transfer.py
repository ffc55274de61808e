"""People and their role assignments to and from Excel (one row per assignment)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Department
from civicgrid.lib.spreadsheets import SheetRows, read_sheet
from civicgrid.people.models import DEPARTMENT_ROLES, Role, RoleAssignment, User, phone_validator

HEADERS = [
    "用户名",
    "姓名",
    "手机号",
    "角色",
    "区域编码",
    "部门编码",
    "职务",
    "起始日期",
    "结束日期",
]
ROLE_BY_LABEL = {str(label): value for value, label in Role.choices} | {v: v for v in Role.values}


def export_rows(assignments):
    for a in assignments:
        yield [
            a.user.username,
            a.user.name,
            a.user.phone or "",
            a.get_role_display(),
            a.area.code if a.area_id else "",
            a.department.code if a.department_id else "",
            a.title,
            a.valid_from.isoformat() if a.valid_from else "",
            a.valid_to.isoformat() if a.valid_to else "",
        ]


@dataclass
class Row:
    username: str
    name: str
    phone: str | None
    role: str
    area: Area | None
    department: Department | None
    title: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def _date(value, sheet: SheetRows, number: int, header: str):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        sheet.error(
            number,
            _("%(col)s“%(value)s”不是日期（应为 2026-01-31）。") % {"col": header, "value": value},
        )


def parse(upload, authz) -> tuple[list[Row], list[str]]:
    """Validate every row; return the rows, or the errors that stop the whole import."""
    sheet = read_sheet(upload, ["用户名", "角色"])
    areas = {a.code: a for a in authz.restrict(Area.objects.all(), "people.change")}
    departments = {d.code: d for d in authz.restrict(Department.objects.all(), "people.change")}
    rows = [_parse_row(number, raw, sheet, areas, departments) for number, raw in sheet.rows]
    return [r for r in rows if r is not None], sheet.errors


def _parse_row(number, raw, sheet, areas, departments) -> Row | None:
    errors_before = len(sheet.errors)
    username = str(raw.get("用户名") or "")
    role = ROLE_BY_LABEL.get(str(raw.get("角色") or ""))
    phone = str(raw.get("手机号") or "") or None
    area_code, dept_code = str(raw.get("区域编码") or ""), str(raw.get("部门编码") or "")
    if not username:
        sheet.error(number, _("用户名不能为空。"))
    if role is None:
        sheet.error(number, _("角色“%(value)s”不存在。") % {"value": raw.get("角色")})
    if phone:
        try:
            phone_validator(phone)
        except ValidationError:
            sheet.error(number, _("手机号“%(value)s”格式不正确。") % {"value": phone})
        if User.objects.filter(phone=phone).exclude(username=username).exists():
            sheet.error(number, _("手机号“%(value)s”已被其他人员使用。") % {"value": phone})
    area = areas.get(area_code) if area_code else None
    department = departments.get(dept_code) if dept_code else None
    if area_code and area is None:
        sheet.error(
            number, _("区域编码“%(code)s”不存在或不在您的管辖范围内。") % {"code": area_code}
        )
    if dept_code and department is None:
        sheet.error(
            number, _("部门编码“%(code)s”不存在或不在您的管辖范围内。") % {"code": dept_code}
        )
    if role and not (area_code or dept_code):
        sheet.error(number, _("请填写区域编码或部门编码。"))
    if (
        role in DEPARTMENT_ROLES
        and area_code
        or (role and role not in DEPARTMENT_ROLES and dept_code)
    ):
        sheet.error(number, _("部门处置人员填部门编码，其他角色填区域编码。"))
    valid_from = _date(raw.get("起始日期"), sheet, number, "起始日期")
    valid_to = _date(raw.get("结束日期"), sheet, number, "结束日期")
    if valid_from and valid_to and valid_to < valid_from:
        sheet.error(number, _("结束日期不能早于起始日期。"))
    if len(sheet.errors) > errors_before:
        return None
    return Row(
        username,
        str(raw.get("姓名") or ""),
        phone,
        role,
        area,
        department,
        str(raw.get("职务") or ""),
        valid_from,
        valid_to,
    )


@transaction.atomic
def apply(rows: list[Row]) -> dict:
    """Create or update people; assignments left out of the file for them are ended, not deleted."""
    counts = {"people": 0, "created": 0, "ended": 0}
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    by_user: dict[str, list[Row]] = {}
    for row in rows:
        by_user.setdefault(row.username, []).append(row)
    for username, user_rows in by_user.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
        first = user_rows[0]
        user.name = first.name or user.name
        user.phone = first.phone or user.phone
        user.save()
        counts["people"] += 1
        kept = set()
        for row in user_rows:
            assignment, made = RoleAssignment.objects.update_or_create(
                user=user,
                role=row.role,
                area=row.area,
                department=row.department,
                defaults={
                    "title": row.title,
                    "valid_from": row.valid_from,
                    "valid_to": row.valid_to,
                },
            )
            kept.add(assignment.pk)
            counts["created"] += made
        stale = RoleAssignment.objects.current().filter(user=user).exclude(pk__in=kept)
        counts["ended"] += stale.update(valid_to=yesterday)
    return counts
