"""The URLs of /api/v1/: exactly the operations declared in views.py, and JSON 404s below."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from civicgrid.api import views  # noqa: F401  (declares the operations)
from civicgrid.api.errors import ApiError
from civicgrid.api.operations import OPERATIONS, handler


def route(api_path: str, params) -> str:
    """ "/cases/{number}/photos/{id}" → "cases/<str:number>/photos/<int:id>"."""
    route = api_path.lstrip("/")
    for param in params:
        if param.where == "path":
            converter = "int" if param.field.type == "integer" else "str"
            route = route.replace("{" + param.name + "}", f"<{converter}:{param.name}>")
    return route


def _grouped():
    by_path: dict[str, list] = {}
    for op in OPERATIONS:
        by_path.setdefault(op.path, []).append(op)
    return by_path.items()


@csrf_exempt
@login_not_required
def not_found(request, rest=""):
    return ApiError(404, "没有这个接口，请查看 /api/v1/docs。").response()


app_name = "api"
urlpatterns = [
    path(route(api_path, ops[0].params), handler(ops), name=ops[0].url_name)
    for api_path, ops in _grouped()
] + [re_path(r"^(?P<rest>.*)$", not_found, name="not_found")]
