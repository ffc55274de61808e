"""The API's own document (OpenAPI) and its readable page."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from civicgrid.api import schema
from civicgrid.api.operations import operation

# The document itself


@operation(
    "GET",
    "/openapi.json",
    summary=gettext_lazy("本接口的 OpenAPI 3.1 文档"),
    tag="meta",
    public=True,
)
def openapi(request):
    return JsonResponse(schema.document(), json_dumps_params={"ensure_ascii": False})


@operation(
    "GET",
    "/docs",
    summary=gettext_lazy("接口说明（网页）"),
    tag="meta",
    public=True,
    binary="text/html",
)
def docs(request):
    return render(request, "api/docs.html", schema.docs_context())
