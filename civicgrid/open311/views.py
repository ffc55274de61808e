"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests and tokens.

Every endpoint answers in XML or JSON after its extension, and errors in the spec's
list of {code, description}. Nothing here needs a login; only POST requests needs an
api_key (see docs/open311.md).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Max
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civicgrid.cases.models import Report
from civicgrid.categories.models import Category
from civicgrid.open311 import definitions, listing, submission
from civicgrid.open311.formats import CONTENT_TYPES, Open311Error, errors, render, w3c
from civicgrid.open311.models import ApiClient

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Changes when what services and definitions look like changes (the categories' own
# edits don't move it: Category keeps no modification time).
CHANGESET = "2025-06-01"


def endpoint(*methods):
    """An Open311 view: no login, no CSRF, its format checked and its errors rendered."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, fmt, **kwargs):
            if fmt not in CONTENT_TYPES:
                return errors(
                    404, [_("不支持 .%(fmt)s 格式，请用 .xml 或 .json。") % {"fmt": fmt}], "xml"
                )
            if request.method not in (*methods, "HEAD"):
                return errors(405, [_("此接口不支持 %(m)s 请求。") % {"m": request.method}], fmt)
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return errors(error.status, error.descriptions, fmt)

        return csrf_exempt(login_not_required(wrapper))

    return decorate


def changeset() -> str:
    """When the services last changed: the newest change to the catalogue."""
    latest = Category.objects.aggregate(at=Max("updated_at"))["at"]
    return w3c(latest) if latest else CHANGESET


@endpoint("GET")
def discovery(request, fmt):
    changed = changeset()
    document = {
        "changeset": changed,
        "contact": _("街道网格化管理中心：%(site)s") % {"site": settings.SITE_ROOT},
        "key_service": _(
            "api_key 由街道系统管理员在后台「Open311 客户端」中创建，请与网格化管理中心联系。"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": settings.SITE_ROOT.rstrip("/") + "/open311/v2",
                "changeset": changed,
                "type": "test" if settings.DEBUG else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render("discovery", document, fmt)


@endpoint("GET")
def services(request, fmt):
    categories = definitions.offered().order_by("kind", "code")
    return render("services", [definitions.as_service(c) for c in categories], fmt)


@endpoint("GET")
def service_definition(request, code, fmt):
    category = definitions.category_for(code)
    return render("service_definition", definitions.as_definition(category), fmt)


@endpoint("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return create_request(request, fmt)
    cases = listing.search(_client(request.GET, required=False), request.GET)
    return render("service_requests", [listing.as_request(case) for case in cases], fmt)


def create_request(request, fmt):
    client = _client(request.POST, required=True)
    case, report, submitted = submission.submit(client, request.POST)
    answer = {
        "service_request_id": case.number,
        "token": report.token,
        "service_notice": definitions.service_notice(case.category),
        "account_id": submitted.account_id or None,
    }
    return render("service_requests", [answer], fmt)


@endpoint("GET")
def request_detail(request, number, fmt):
    case = listing.lookup(_client(request.GET, required=False), number)
    return render("service_requests", [listing.as_request(case)], fmt)


@endpoint("GET")
def token(request, token, fmt):
    report = Report.objects.filter(token=token).select_related("case").first()
    if report is None:
        raise Open311Error(404, _("没有这个 token（查询码），请核对后重试。"))
    answer = {"service_request_id": report.case.number, "token": report.token}
    return render("service_requests", [answer], fmt)


@csrf_exempt
@login_not_required
def not_found(request, path=""):
    return errors(404, [_("没有这个接口，请从 discovery.xml 查看可用地址。")], "xml")


def _client(params, required: bool) -> ApiClient | None:
    """The client application named by api_key: needed to submit, optional to read."""
    key = (params.get("api_key") or "").strip()
    if not key and not required:
        return None
    client = ApiClient.authenticate(key)
    if client is None:
        raise Open311Error(403, _("api_key 缺失、无效或已吊销；请向街道申请有效的 api_key。"))
    return client
