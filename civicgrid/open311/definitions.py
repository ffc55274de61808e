"""What the API offers: the categories open to residents as Open311 services, and the
attributes every service asks for (defined here and nowhere else).

A service_code is "<kind>-<code>" (matter-06010, component-01001, local-91001): the
directory's components and matters share 5-digit codes, so the code alone is ambiguous.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.cases.models import Severity
from civicgrid.categories.models import Category
from civicgrid.open311.formats import Open311Error

LANDMARK_MAX = 50


@dataclass(frozen=True)
class Attribute:
    """One extra question of a service definition, and how an answer to it is checked."""

    code: str
    datatype: str
    description: str
    order: int
    required: bool = False
    values: tuple = ()
    datatype_description: str = ""
    max_length: int = 0

    def as_document(self) -> dict:
        document = {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": str(self.datatype_description) or None,
            "order": self.order,
            "description": str(self.description),
        }
        if self.values:
            document["values"] = [{"key": key, "name": str(name)} for key, name in self.values]
        return document

    def clean(self, answers: list[str]) -> str:
        """The one accepted answer, or Open311Error(400) saying what is wrong."""
        answers = [answer.strip() for answer in answers if answer.strip()]
        if len(answers) > 1:
            raise Open311Error(400, _("附加信息 %(code)s 只能填一个值。") % {"code": self.code})
        answer = answers[0] if answers else ""
        if self.values and answer and answer not in dict(self.values):
            keys = "、".join(key for key, _name in self.values)
            raise Open311Error(
                400,
                _("附加信息 %(code)s 的值应为 %(keys)s 之一。") % {"code": self.code, "keys": keys},
            )
        if self.max_length and len(answer) > self.max_length:
            raise Open311Error(
                400,
                _("附加信息 %(code)s 不能超过 %(n)s 个字。")
                % {"code": self.code, "n": self.max_length},
            )
        if self.required and not answer:
            raise Open311Error(400, _("请填写附加信息 %(code)s。") % {"code": self.code})
        return answer


ATTRIBUTES = (
    Attribute(
        "severity",
        "singlevaluelist",
        gettext_lazy("问题的严重程度；不填时按该类问题的默认程度处理，立案时由工作人员核定。"),
        order=1,
        values=tuple(Severity.choices),
    ),
    Attribute(
        "landmark",
        "string",
        gettext_lazy("附近的地标，帮助工作人员找到现场，如“人民公园东门”。"),
        order=2,
        datatype_description=gettext_lazy("不超过 50 个字"),
        max_length=LANDMARK_MAX,
    ),
)


def service_code(category: Category) -> str:
    return f"{category.kind}-{category.code}"


def offered():
    """The categories a resident may report through Open311."""
    return Category.objects.for_residents()


def category_for(code: str) -> Category:
    """The category behind a service_code; Open311Error(404) when none is offered."""
    kind, _sep, number = (code or "").strip().partition("-")
    category = offered().filter(kind=kind, code=number).first()
    if category is None:
        raise Open311Error(404, _("没有代码为 %(code)s 的服务类型。") % {"code": code})
    return category


def as_service(category: Category) -> dict:
    return {
        "service_code": service_code(category),
        "service_name": category.name,
        "description": category.case_threshold or None,
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": ", ".join(category.keyword_list) or None,
        "group": category.major_name,
    }


def as_definition(category: Category) -> dict:
    return {
        "service_code": service_code(category),
        "attributes": [attribute.as_document() for attribute in ATTRIBUTES],
    }


def service_notice(category: Category) -> str:
    """What happens next, in the words a resident reads."""
    value, unit = category.time_limit
    return _(
        "已收到，街道核实立案后将派遣责任单位处置；此类问题的处置时限为派遣后 %(value)s 个%(unit)s。"
    ) % {"value": value, "unit": Category.Unit(unit).label}
