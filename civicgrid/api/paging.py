"""Pages of API lists: the `limit` and `after` parameters every list takes, cut by a Keyset."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.api.errors import ApiError
from civicgrid.api.fields import form_fields, integer, string
from civicgrid.api.operations import Param
from civicgrid.lib.keyset import Keyset

MAX_LIMIT = 100
DEFAULT_LIMIT = 50

LIMIT = Param(
    "limit",
    integer(gettext_lazy("每页条数，1–100，默认 50"), extra={"minimum": 1, "maximum": MAX_LIMIT}),
)
AFTER = Param("after", string(gettext_lazy("上一页返回的 next 游标")))
PAGING = (AFTER, LIMIT)


def list_params(filter_form, **kwargs) -> tuple[Param, ...]:
    """A list's query parameters: its filter form's fields (see fields.form_fields), then paging."""
    return (*(Param(name, f) for name, f in form_fields(filter_form, **kwargs).items()), *PAGING)


def limit(request, default: int = DEFAULT_LIMIT) -> int:
    value = request.GET.get("limit", "")
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ApiError.invalid({"limit": [_("请填写 1 到 %(n)s 之间的整数。") % {"n": MAX_LIMIT}]})
    return int(value)


def page(request, rows, keyset: Keyset) -> tuple[list, str | None]:
    """The page of `rows` the request asks for (after, limit), and the next page's cursor."""
    return keyset.page(rows, request.GET.get("after"), limit(request))
