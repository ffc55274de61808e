"""The table of API operations, and the one wrapper every request goes through.

Each view is declared with `@operation(...)`: its method and path, parameters, request
body and response shape. urls.py serves exactly this table and schema.py documents exactly
it. The wrapper authenticates the bearer token, answers unknown methods with 405, turns
every refusal (Http404, PermissionDenied, Conflict, ValidationError, ApiError) into the one
error format, and dumps what the view returns through the operation's response shape.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from civicgrid.api import auth
from civicgrid.api.errors import ApiError
from civicgrid.api.fields import Field, Shape
from civicgrid.cases.workflow import Conflict
from civicgrid.people.authz import Authz

JSON = "application/json"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Param:
    """A path or query parameter."""

    name: str
    field: Field
    where: str = "query"
    required: bool = False


@dataclass(frozen=True)
class Body:
    """A request body: its shape (JSON Schema), the media types accepted, required fields."""

    shape: Shape
    media_types: tuple[str, ...] = (JSON,)
    required: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # multipart fields holding files


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style, below /api/v1: "/cases/{number}"
    view: Callable
    summary: str
    tag: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    response: Shape | None = None
    status: int = 200
    also: tuple[int, ...] = ()  # other success statuses, answered with the same shape
    errors: tuple[int, ...] = ()
    binary: str = ""  # the media type of a file answer
    public: bool = False  # no token needed
    description: str = ""
    name: str = ""  # the URL's name, for reverse("api:…"); the view's name by default

    @property
    def url_name(self) -> str:
        return self.name or self.view.__name__

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every status this operation may answer, success first."""
        refusals = set(self.errors) | ({400} if self.body or self.query_params else set())
        if self.body is not None:
            refusals |= {415, 413} if self.body.files else {415}
        if not self.public:
            refusals.add(401)
        return (self.status, *self.also, *sorted(refusals))

    @property
    def query_params(self) -> list[Param]:
        return [p for p in self.params if p.where == "query"]


OPERATIONS: list[Operation] = []


def operation(method: str, path: str, **kwargs) -> Callable:
    """Declare a view as one API operation (see Operation for the keywords)."""

    def register(view):
        OPERATIONS.append(Operation(method, path, view, **kwargs))
        return view

    return register


def path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def handler(operations: list[Operation]) -> Callable:
    """The Django view for one path: picks the operation by method, or answers 405."""
    by_method = {op.method: op for op in operations}

    @csrf_exempt
    @login_not_required
    def view(request, **kwargs):
        op = by_method.get(request.method)
        if op is None:
            allow = ", ".join(by_method)
            return ApiError(405, headers={"Allow": allow}).response()
        try:
            return run(op, request, kwargs)
        except ApiError as error:
            return error.response()
        except Http404:
            return ApiError(404).response()
        except PermissionDenied as denied:
            return ApiError(403, str(denied) or None).response()
        except Conflict as conflict:
            return ApiError(409, str(conflict)).response()
        except ValidationError as error:
            return ApiError.from_validation(error).response()
        except RequestDataTooBig:
            return ApiError(413).response()

    return view


def run(op: Operation, request, kwargs) -> HttpResponseBase:
    _refuse_nul(request, kwargs)
    if op.public:
        request.user = AnonymousUser()  # a browser's session counts for nothing here
    else:
        request.api_token = auth.token_from(request)
        request.user = request.api_token.user
    request.authz = Authz(request.user)
    if op.body is not None:
        request.data = _body(request, op.body)
    result = op.view(request, **kwargs)
    if isinstance(result, HttpResponseBase):
        return result
    data = op.response.dump(result, request) if op.response is not None else result
    return JsonResponse(data, status=op.status, json_dumps_params={"ensure_ascii": False})


def _refuse_nul(request, kwargs) -> None:
    """NUL characters fit no field, and PostgreSQL refuses them in queries: 400 here."""
    bad = [name for name, value in kwargs.items() if "\x00" in str(value)]
    bad += [name for name, values in request.GET.lists() if any("\x00" in v for v in values)]
    if bad:
        raise ApiError.invalid({name: ["不能包含空字符（\\x00）。"] for name in bad})


def _body(request, body: Body) -> dict:
    """The request's fields: a JSON object, or multipart fields and files where allowed."""
    content_type = request.content_type or ""
    if content_type == MULTIPART and MULTIPART in body.media_types:
        fields, files = _multipart(request)
        data = {key: fields.get(key) for key in fields}
        for name in body.files:
            data[name] = files.getlist(name)
        return data
    if JSON not in body.media_types:
        raise ApiError(415, "请以 multipart/form-data 提交。")
    if content_type not in ("", JSON) and not content_type.endswith("+json"):
        raise ApiError(415)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "请求体不是有效的 JSON。") from None
    if not isinstance(data, dict):
        raise ApiError(400, "请求体应为 JSON 对象。")
    if _has_nul(data):
        raise ApiError(400, "请求内容不能包含空字符（\\x00）。")
    errors = body.shape.check(data)
    if errors:
        raise ApiError.invalid(errors)
    return data


def _multipart(request):
    """A multipart body's fields and files: Django reads them for POST only, PUT's and
    PATCH's here, kept as request.POST and request.FILES for the view as Django keeps POST's."""
    try:
        if request.method != "POST":
            request._post, request._files = request.parse_file_upload(request.META, request)
        return request.POST, request.FILES
    except MultiPartParserError:
        raise ApiError(400, "multipart/form-data 请求体有误，无法读取。") from None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
