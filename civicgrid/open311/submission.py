"""POST requests: a submission checked field by field, then made an ordinary case.

The case enters as any 12345/system report does (`intake.report`, source HOTLINE, state
待立案). The reporter's name and phone go to its Report, kept apart and masked as always;
what the case has no field for stays on the ServiceRequest beside it. A media_url is kept
as a link and never fetched.
"""

import math
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.locate import locate
from civicgrid.areas.models import Area
from civicgrid.cases import intake
from civicgrid.cases.models import Case, Report, Source
from civicgrid.open311.definitions import ATTRIBUTES, category_for
from civicgrid.open311.formats import Open311Error
from civicgrid.open311.models import ServiceRequest

ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
DESCRIPTION_MAX = 4000  # the spec's limit
ADDRESS_MAX = Case._meta.get_field("address").max_length
NAME_MAX = Report._meta.get_field("name").max_length
PHONE_MAX = Report._meta.get_field("phone").max_length
ID_MAX = ServiceRequest._meta.get_field("account_id").max_length
URL_MAX = ServiceRequest._meta.get_field("media_url").max_length
check_url = URLValidator(schemes=["http", "https"])


def submit(client, data) -> tuple[Case, Report, ServiceRequest]:
    """Create the case for one POST; Open311Error(400/404) lists everything wrong at once."""
    code = _text(data, "service_code")
    category = category_for(code) if code else None
    fields, problems = {}, []
    if category is None:
        problems.append(_("请提供 service_code（服务类型代码），可从 services 接口查到。"))
    for name, check in CHECKS.items():
        try:
            fields[name] = check(data)
        except Open311Error as error:
            problems.extend(error.descriptions)
    if problems:
        raise Open311Error(400, *problems)
    return _create(client, category, **fields)


def _create(client, category, location, attributes, reporter, description, media_url):
    lat, lng, address, area = location
    address = _with_landmark(address, attributes.get("landmark", ""))
    description = description or category.name
    if media_url:
        description += "\n\n" + _("图片链接：%(url)s") % {"url": media_url}
    with transaction.atomic():
        case = intake.report(
            category=category,
            description=description,
            lat=lat,
            lng=lng,
            area=area,
            address=address,
            source=Source.HOTLINE,
            name=reporter["name"],
            phone=reporter["phone"],
            severity=attributes.get("severity") or None,
        )
        if case.grid is None:  # an address alone: the street answers until staff place it
            intake.relocate(case, client.street, by=None)
        submitted = ServiceRequest.objects.create(
            case=case,
            client=client,
            email=reporter["email"],
            account_id=reporter["account_id"],
            device_id=reporter["device_id"],
            media_url=media_url,
            attributes=attributes,
        )
    return case, case.first_report, submitted


def location(data) -> tuple[float | None, float | None, str, Area | None]:
    """(lat, long, address, the area holding the point): a located point, an address, or both."""
    lat, lng = _text(data, "lat"), _text(data, "long")
    address = _text(data, "address_string")
    if len(address) > ADDRESS_MAX:
        raise Open311Error(400, _("address_string 不能超过 %(n)s 个字。") % {"n": ADDRESS_MAX})
    if not (lat or lng):
        if address:
            return None, None, address, None
        if _text(data, "address_id"):
            raise Open311Error(
                400,
                _(
                    "本平台没有地址库，不能按 address_id 定位；请提供 lat 和 long 或 address_string。"
                ),
            )
        raise Open311Error(400, _("请提供问题位置：lat 和 long，或 address_string。"))
    lat, lng, area = _point(lat, lng)
    return lat, lng, address, area


def _point(lat: str, lng: str) -> tuple[float, float, Area]:
    """The point and the area holding it: its grid, else community, else street (属地兜底)."""
    if not (lat and lng):
        raise Open311Error(400, _("lat 和 long 须同时提供。"))
    try:
        point = float(lat), float(lng)
        area = locate(*point) if all(map(math.isfinite, point)) else None
        if area is None:
            raise ValueError
    except (ValueError, ValidationError):
        raise Open311Error(
            400, _("lat/long 不在本街道的网格范围内，请核对坐标（WGS-84，纬度在前）。")
        ) from None
    return *point, area


def attributes(data) -> dict[str, str]:
    """Answers to the service definition's attributes; codes we don't ask for are ignored."""
    answers = {}
    for key in data:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            answers.setdefault(match.group(1), []).extend(data.getlist(key))
    cleaned = {attr.code: attr.clean(answers.get(attr.code, [])) for attr in ATTRIBUTES}
    return {code: answer for code, answer in cleaned.items() if answer}


def reporter(data) -> dict[str, str]:
    """Who reported, for the Report and the ServiceRequest; none of it is ever published."""
    name = full_name(_text(data, "first_name"), _text(data, "last_name"))
    person = {
        "name": name,
        "phone": _text(data, "phone"),
        "email": _text(data, "email"),
        "account_id": _text(data, "account_id"),
        "device_id": _text(data, "device_id"),
    }
    limits = {"name": NAME_MAX, "phone": PHONE_MAX, "account_id": ID_MAX, "device_id": ID_MAX}
    for field, limit in limits.items():
        if len(person[field]) > limit:
            raise Open311Error(
                400, _("%(field)s 过长，不能超过 %(n)s 个字符。") % {"field": field, "n": limit}
            )
    if person["email"]:
        try:
            validate_email(person["email"])
        except ValidationError:
            raise Open311Error(400, _("email 不是有效的电子邮箱地址。")) from None
    return person


def full_name(first: str, last: str) -> str:
    """张 + 三 → 张三 (family name first); John + Smith → John Smith."""
    if (first + last).isascii():
        return " ".join(part for part in (first, last) if part)
    return last + first


def description(data) -> str:
    text = _text(data, "description")
    if len(text) > DESCRIPTION_MAX:
        raise Open311Error(400, _("description 不能超过 4000 个字。"))
    return text


def media_url(data) -> str:
    url = _text(data, "media_url")
    if not url:
        return ""
    try:
        if len(url) > URL_MAX:
            raise ValidationError("too long")
        check_url(url)
    except ValidationError:
        raise Open311Error(
            400, _("media_url 应为 http 或 https 链接（不超过 1000 个字符）。")
        ) from None
    return url


CHECKS = {
    "location": location,
    "attributes": attributes,
    "reporter": reporter,
    "description": description,
    "media_url": media_url,
}


def _with_landmark(address: str, landmark: str) -> str:
    combined = f"{address}（{landmark}）" if address and landmark else address or landmark
    if len(combined) > ADDRESS_MAX:
        raise Open311Error(
            400, _("address_string 与地标合计不能超过 %(n)s 个字。") % {"n": ADDRESS_MAX}
        )
    return combined


def _text(data, name: str) -> str:
    return (data.get(name) or "").strip()
