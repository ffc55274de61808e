"""The OpenAPI 3.1 document, built from the operation table and the shapes the views answer
with, and the readable page /api/v1/docs renders from that same document."""

import copy

from django.utils.translation import gettext as _

from civicgrid.api.errors import ERROR, STATUSES
from civicgrid.api.operations import JSON, MULTIPART, OPERATIONS, Operation

BASE = "/api/v1"
TAGS = {
    "auth": "令牌与当前人员",
    "cases": "案件（问题清单）",
    "areas": "区域",
    "categories": "问题类别",
    "departments": "部门",
    "campaigns": "创建项目与测评指标",
    "sites": "检查点位",
    "inspections": "督查轮次与实地检查",
    "scoring": "考核排名（已发布的周期）",
    "ledgers": "台账",
    "meta": "接口文档",
}
BINARY = {"type": "string", "format": "binary"}


def document() -> dict:
    from civicgrid.api import views  # noqa: F401  (declares the operations)

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "civicgrid API",
            "version": "1.0.0",
            "description": _(
                "网格化管理平台的数据接口。用 POST /auth/token 以账号密码换取令牌，"
                "之后在每个请求中带上 Authorization: Bearer <令牌>。令牌代表您本人："
                "能看到、能做的与您在页面上完全相同。所有错误都是同一格式："
                '{"error": {"code": …, "message": 中文说明, "fields": {字段: [说明]}}}。'
            ),
        },
        "servers": [{"url": BASE}],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": _("POST /auth/token 换取的令牌"),
                }
            },
        },
    }


def _shapes():
    yield ERROR
    for op in OPERATIONS:
        if op.response is not None:
            yield op.response
        if op.body is not None:
            yield op.body.shape


def _components() -> dict:
    found = {}
    for root in _shapes():
        for shape in root.shapes():
            found.setdefault(shape.name, shape.component())
    return dict(sorted(found.items()))


def _operation(op: Operation) -> dict:
    result = {
        "operationId": op.view.__name__,
        "summary": str(op.summary),
        "tags": [op.tag],
        "responses": _responses(op),
    }
    if op.description:
        result["description"] = str(op.description)
    if op.params:
        result["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required,
                "description": str(p.field.description),
                "schema": p.field.schema(),
            }
            for p in op.params
        ]
    if op.body is not None:
        result["requestBody"] = {"required": True, "content": _body_content(op.body)}
    if op.public:
        result["security"] = []
    return result


def _body_content(body) -> dict:
    content = {}
    for media_type in body.media_types:
        if media_type == JSON:
            content[JSON] = {"schema": body.shape.ref()}
        elif media_type == MULTIPART:
            schema = copy.deepcopy(body.shape.component())
            for name in body.files:
                schema["properties"][name] = {"type": "array", "items": BINARY}
            content[MULTIPART] = {"schema": schema}
    return content


def _responses(op: Operation) -> dict:
    success = {"description": _("成功")}
    if op.response is not None:
        success["content"] = {JSON: {"schema": op.response.ref()}}
    elif op.binary:
        success["content"] = {
            op.binary: {"schema": BINARY if "image" in op.binary else {"type": "string"}}
        }
    elif op.status != 204:
        success["content"] = {JSON: {"schema": {"type": "object"}}}
    responses = {str(op.status): success}
    for status in op.statuses[1:]:
        if status in op.also:
            responses[str(status)] = success
            continue
        responses[str(status)] = {
            "description": str(STATUSES[status][1]),
            "content": {JSON: {"schema": ERROR.ref()}},
        }
        if status == 401:
            responses["401"]["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
            }
    return responses


# The readable page


def docs_context() -> dict:
    doc = document()
    operations = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            operations.append(_readable(path, method, op))
    tags = [
        (tag["name"], tag["description"], [op for op in operations if op["tag"] == tag["name"]])
        for tag in doc["tags"]
    ]
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "fields": _fields(schema),
        }
        for name, schema in doc["components"]["schemas"].items()
    ]
    return {"info": doc["info"], "base": BASE, "tags": tags, "schemas": schemas}


def _readable(path, method, op) -> dict:
    body = []
    for media_type, content in op.get("requestBody", {}).get("content", {}).items():
        body.append((media_type, type_label(content["schema"]), _fields(content["schema"])))
    return {
        "id": op["operationId"],
        "method": method.upper(),
        "path": path,
        "tag": op["tags"][0],
        "summary": op["summary"],
        "description": op.get("description", ""),
        "public": op.get("security") == [],
        "params": [
            {
                "name": p["name"],
                "in": p["in"],
                "required": p["required"],
                "type": type_label(p["schema"]),
                "description": p["description"],
            }
            for p in op.get("parameters", [])
        ],
        "body": body,
        "responses": [
            (status, response["description"], _response_type(response))
            for status, response in op["responses"].items()
        ],
    }


def _response_type(response) -> str:
    content = response.get("content", {})
    return ", ".join(f"{media}: {type_label(c['schema'])}" for media, c in content.items())


def _fields(schema) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_label(field),
            "required": name in required,
            "description": field.get("description", ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def type_label(schema: dict) -> str:
    """A short human reading of a JSON schema: "Case", "string | null", "array of Photo"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_label(s) for s in schema["anyOf"])
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {type_label(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(repr(v) if v == "" else str(v) for v in schema["enum"])
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    if kind == "object" and "properties" not in schema:
        return "object"
    return kind or "any"
