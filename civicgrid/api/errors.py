"""One error format for every answer that is not a success:

    {"error": {"code": "invalid", "message": "请求参数有误。", "fields": {"lat": ["…"]}}}

`code` is a stable English word for programs; `message` is Chinese for people;
`fields` names each request field that was wrong (empty when none was).
"""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.api.fields import Field, Shape, array, string

# status: (code, default message)
STATUSES = {
    400: ("invalid", gettext_lazy("请求参数有误，请按 fields 中的说明修改后重试。")),
    401: ("unauthorized", gettext_lazy("缺少或无效的访问令牌，请先用账号密码换取令牌。")),
    403: ("forbidden", gettext_lazy("您无权执行此操作。")),
    404: ("not_found", gettext_lazy("找不到该对象，或它不在您的管辖范围内。")),
    405: ("method_not_allowed", gettext_lazy("此接口不支持该请求方法。")),
    409: ("conflict", gettext_lazy("该案件已被他人处理，请刷新后重试。")),
    413: ("too_large", gettext_lazy("上传的内容过大。")),
    415: ("unsupported_media_type", gettext_lazy("请以 application/json 提交。")),
    429: ("throttled", gettext_lazy("请求过于频繁，请稍后再试。")),
}

ERROR = Shape(
    "Error",
    gettext_lazy("错误"),
    {
        "error": Field(
            "object",
            shape=Shape(
                "ErrorBody",
                gettext_lazy("错误详情"),
                {
                    "code": string(
                        gettext_lazy("错误代码（英文，供程序判断）"),
                        enum=tuple(sorted({"invalid_login", *(c for c, _m in STATUSES.values())})),
                    ),
                    "message": string(gettext_lazy("中文说明")),
                    "fields": Field(
                        "object",
                        gettext_lazy("出错的字段及其说明；没有时为空对象"),
                        extra={"additionalProperties": array(string()).schema()},
                    ),
                },
            ),
        )
    },
)


class ApiError(Exception):
    """Raised anywhere in a view: answered as the one error format."""

    def __init__(self, status: int, message=None, fields=None, code=None, headers=None):
        self.status = status
        self.code = code or STATUSES[status][0]
        self.message = str(message or STATUSES[status][1])
        self.fields = fields or {}
        self.headers = headers or {}
        super().__init__(self.message)

    @classmethod
    def invalid(cls, fields: dict, message=None) -> "ApiError":
        return cls(400, message, {name: [str(m) for m in msgs] for name, msgs in fields.items()})

    @classmethod
    def from_validation(cls, error: ValidationError, default_field: str = "") -> "ApiError":
        """A Django ValidationError as 400: per field when it has fields."""
        if hasattr(error, "error_dict"):
            return cls.invalid({name or default_field: msgs for name, msgs in error})
        messages = [str(m) for m in error.messages]
        if default_field:
            return cls.invalid({default_field: messages}, messages[0])
        return cls(400, messages[0] if messages else None)

    def response(self) -> JsonResponse:
        body = {"error": {"code": self.code, "message": self.message, "fields": self.fields}}
        response = JsonResponse(body, status=self.status, json_dumps_params={"ensure_ascii": False})
        for name, value in self.headers.items():
            response[name] = value
        return response


def unauthorized(invalid_token: bool) -> ApiError:
    challenge = 'Bearer realm="civicgrid"'
    message = None
    if invalid_token:
        challenge += ', error="invalid_token"'
        message = _("访问令牌无效、已过期或已吊销，请重新换取令牌。")
    return ApiError(401, message, headers={"WWW-Authenticate": challenge})


def form_errors(form) -> ApiError:
    """A bound Django form's errors as 400, field by field ("__all__" for the whole form)."""
    return ApiError.invalid({name: list(errors) for name, errors in form.errors.items()})


def valid(form):
    """The bound form, checked: 400 naming each wrong field unless it is valid."""
    if not form.is_valid():
        raise form_errors(form)
    return form
