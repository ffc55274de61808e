"""The ready ledger types (预置台账类型) a street starts with, loaded by `load_ledger_types`.

They are ordinary LedgerTypes: once loaded, the street's administrator edits them like any
other. Loading again adds the types still missing and leaves the existing ones as they are
(the street's edits win), so it is safe to run twice.
"""

from django.db import transaction

from civicgrid.ledgers.models import FieldKind, LedgerType


def number(key, label, unit="", required=True) -> dict:
    return {"key": key, "label": label, "kind": FieldKind.NUMBER.value, "required": required} | (
        {"unit": unit} if unit else {}
    )


def text(key, label, required=True, masked=False) -> dict:
    field = {"key": key, "label": label, "kind": FieldKind.TEXT.value, "required": required}
    return field | ({"masked": True} if masked else {})


def choice(key, label, choices, required=True) -> dict:
    return {
        "key": key,
        "label": label,
        "kind": FieldKind.CHOICE.value,
        "required": required,
        "choices": list(choices),
    }


def photo(key="photo", label="现场照片", required=False) -> dict:
    return {"key": key, "label": label, "kind": FieldKind.PHOTO.value, "required": required}


def attachment(key, label, required=False) -> dict:
    return {"key": key, "label": label, "kind": FieldKind.ATTACHMENT.value, "required": required}


PUBLICITY, LECTURES, BOARDS = "publicity", "health-lectures", "board-renewals"
TRAININGS, VOLUNTEERS, VISITS = "trainings", "volunteer-service", "visits"
DISPUTES, RESOURCES, EMPLOYMENT = "disputes", "resources", "employment"

DISPUTE_KINDS = ["邻里纠纷", "家庭婚姻纠纷", "物业纠纷", "劳资纠纷", "土地房屋纠纷", "其他"]
SETTLED_AT = ["网格", "社区", "街道"]
FACILITY_KINDS = ["科技", "教育", "文化", "卫生", "体育"]

# (code, name, description, fields)
READY: list[tuple[str, str, str, list[dict]]] = [
    (
        PUBLICITY,
        "宣传工作",
        "横幅、标语、宣传单、黑板报和 LED 屏的宣传数量，每次活动一条。",
        [
            number("banners", "横幅", "条", required=False),
            number("slogans", "标语", "条", required=False),
            number("flyers", "宣传单", "份", required=False),
            number("blackboards", "黑板报", "期", required=False),
            number("led", "LED 屏信息", "条", required=False),
            text("theme", "宣传主题", required=False),
            photo(),
        ],
    ),
    (
        LECTURES,
        "健康教育讲座",
        "每场讲座一条：主题、主讲人、参加人数，附照片和签到表。",
        [
            text("title", "讲座主题"),
            text("speaker", "主讲人"),
            number("attendees", "参加人数", "人"),
            text("place", "地点", required=False),
            photo(),
            attachment("sign_in", "签到表"),
        ],
    ),
    (
        BOARDS,
        "宣传栏更新",
        "健康教育宣传栏每更新一期一条：面积和内容，附照片。",
        [
            number("size", "面积", "m²"),
            text("content", "更新内容"),
            photo(required=True),
        ],
    ),
    (
        TRAININGS,
        "培训",
        "每期培训一条：主题、对象、人数和学时。",
        [
            text("title", "培训主题"),
            text("audience", "培训对象", required=False),
            number("trainees", "参训人数", "人"),
            number("hours", "学时", "小时", required=False),
            photo(),
        ],
    ),
    (
        VOLUNTEERS,
        "志愿服务",
        "每次志愿服务活动一条：人数和服务时长。",
        [
            text("title", "活动名称"),
            number("volunteers", "志愿者人数", "人"),
            number("hours", "服务时长", "小时"),
            photo(),
        ],
    ),
    (
        VISITS,
        "走访接访",
        "入户走访和来访接待，每次一条。",
        [
            choice("kind", "方式", ["入户走访", "来访接待", "电话回访"]),
            number("people", "人次", "人次"),
            text("matter", "反映事项", required=False),
            text("result", "处理情况", required=False),
        ],
    ),
    (
        DISPUTES,
        "矛盾纠纷排查化解",
        "每起矛盾纠纷一条：类型、当事人（列表中打码）、调处结果和化解层级。",
        [
            choice("kind", "纠纷类型", DISPUTE_KINDS),
            text("parties", "当事人", masked=True),
            text("summary", "纠纷情况", required=False),
            choice("outcome", "调处结果", ["已化解", "调处中", "未化解"]),
            choice("settled_at", "化解层级", SETTLED_AT, required=False),
        ],
    ),
    (
        RESOURCES,
        "辖区资源造册",
        "辖区内科教文卫体资源，每处一条。",
        [
            choice("category", "资源类别", FACILITY_KINDS),
            text("name", "名称"),
            text("address", "地址"),
            text("contact", "联系人", required=False),
        ],
    ),
    (
        EMPLOYMENT,
        "就业援助",
        "招聘会提供的岗位和帮扶的困难家庭，每次活动一条。",
        [
            text("title", "活动名称", required=False),
            number("places", "招聘会岗位", "个", required=False),
            number("households", "帮扶家庭", "户", required=False),
            number("employed", "实现就业", "人", required=False),
        ],
    ),
]


@transaction.atomic
def load_ledger_types(street, campaign=None) -> list[LedgerType]:
    """The ready types of `street` (created where missing, under `campaign` if given)."""
    types = []
    for code, name, description, fields in READY:
        ledger, _created = LedgerType.objects.get_or_create(
            street=street,
            code=code,
            defaults={
                "name": name,
                "description": description,
                "fields": fields,
                "campaign": campaign,
            },
        )
        types.append(ledger)
    return types
