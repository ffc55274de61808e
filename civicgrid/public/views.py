"""The residents' channel: report a problem, follow it with a tracking code, rate the result.

Every page here but the staff list is open without login and shows nobody's identity:
no reporter's name or phone (not even masked), no staff name. Submissions are limited
per client address and per phone (lib.ratelimit) and refused silently when the
honeypot field is filled in.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.areas.models import Level
from civicgrid.areas.views import map_settings
from civicgrid.cases import intake
from civicgrid.cases.models import (
    OPEN,
    WITH_HANDLER,
    Case,
    CaseEvent,
    CasePhoto,
    Rating,
    Report,
    Satisfaction,
    Source,
    State,
)
from civicgrid.cases.tasks import thumbnail_bytes
from civicgrid.categories.models import Category
from civicgrid.lib import ratelimit
from civicgrid.people.authz import authz_for
from civicgrid.public import categories, timeline
from civicgrid.public.forms import HONEYPOT, ContactForm, LookupForm, RatingForm, ReportForm
from civicgrid.public.satisfaction import satisfaction, unsatisfied

MAP_LIMIT = 500  # the most recent public cases on the map
NEARBY_LIMIT = 5
FIGURE_DAYS = 90  # the 满意率 shown is over the ratings of this many days
COORDINATE_DIGITS = 4  # ~10 m: enough to find the spot, not the doorstep


# Report ---------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def report(request):
    """The report form; a POST with `join` adds the resident to an open case instead."""
    if request.method == "GET":
        return _report_page(request, ReportForm())
    if request.POST.get(HONEYPOT):
        return HttpResponseBadRequest(_("提交失败。"))
    ip = "public-ip:" + ratelimit.client_ip(request)
    if not ratelimit.hit(ip, settings.PUBLIC_RATE_PER_IP, settings.PUBLIC_RATE_IP_WINDOW):
        return _too_many(request, settings.PUBLIC_RATE_IP_WINDOW)
    if request.POST.get("join"):
        return _join(request, request.POST["join"])
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, form)
    if not _phone_allowed(form):
        return _too_many(request, settings.PUBLIC_RATE_PHONE_WINDOW)
    return _tracking(_create(form).first_report)


def _create(form) -> Case:
    data = form.cleaned_data
    return intake.report(
        category=data["category"],
        description=data["description"],
        lat=data["lat"],
        lng=data["lng"],
        area=data["area"],
        address=data["address"],
        source=Source.RESIDENT,
        photos=data["photos"],
        **form.contact(),
    )


def _report_page(request, form, status=None, error=None):
    chosen = form["category"].value()
    common = categories.common_categories()
    extra = _chosen_category(chosen, common)
    context = {
        "form": form,
        "common": common + extra,
        "chosen": str(chosen or ""),
        "map": map_settings(),
        "honeypot": HONEYPOT,
        "error": error,
    }
    return render(request, "public/report.html", context, status=status or _status(form))


def _chosen_category(value, common) -> list[Category]:
    """A category found by search and chosen stays on the form when it comes back with errors."""
    if not value or not str(value).isdigit() or any(str(c.pk) == str(value) for c in common):
        return []
    return list(Category.objects.for_residents().filter(pk=int(value)))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _join(request, number: str):
    """我也遇到了: the resident joins an open public case with their own tracking code."""
    form = ContactForm(request.POST)
    case = Case.objects.public().filter(number=number, state__in=OPEN).first()
    if case is None:
        error = _("这个问题已办结或无法并入，请直接提交您的反映。")
    elif not form.is_valid():
        error = next(iter(form.errors.values()))[0]
    else:
        if not _phone_allowed(form):
            return _too_many(request, settings.PUBLIC_RATE_PHONE_WINDOW)
        return _tracking(intake.join(case, **form.contact()))
    again = ReportForm(initial=request.POST.dict())
    return _report_page(request, again, status=400, error=error)


def _phone_allowed(form) -> bool:
    phone = form.cleaned_data.get("phone")
    if not phone:
        return True
    return ratelimit.hit(
        "public-phone:" + phone,
        settings.PUBLIC_RATE_PER_PHONE,
        settings.PUBLIC_RATE_PHONE_WINDOW,
    )


def _too_many(request, window: int):
    wait = ratelimit.retry_after(window)
    response = render(
        request, "public/too_many.html", {"minutes": max(1, round(wait / 60))}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def _tracking(report_row: Report):
    return redirect(reverse("public:track", args=[report_row.token]) + "?new=1")


@login_not_required
@require_GET
def category_search(request):
    """Categories open to residents matching ?q=, for the search box of the report form."""
    found = categories.search(request.GET.get("q", ""))
    return JsonResponse({"results": found}, json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
def nearby(request):
    """Open public cases of the category near the point: the resident may join one."""
    category = Category.objects.for_residents().filter(pk=_int(request.GET.get("category")))
    try:
        lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
    except (KeyError, ValueError):
        return JsonResponse({"cases": []})
    found = []
    if category:
        public = Case.objects.public().select_related("category")
        found = intake.nearby_open(category[0], lat, lng, queryset=public)[:NEARBY_LIMIT]
    cases = [
        {
            **_public_facts(case),
            "distance_m": round(intake.distance_m(lat, lng, case.lat, case.lng)),
        }
        for case in found
    ]
    return JsonResponse({"cases": cases}, json_dumps_params={"ensure_ascii": False})


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _public_facts(case: Case) -> dict:
    """What anyone may know of a public case: no words, no people."""
    return {
        "number": case.number,
        "category": case.category.name,
        "state": case.state,
        "state_label": timeline.state_label(case.state),
        "date": timezone.localtime(case.created_at).date().isoformat(),
    }


# Track and rate -------------------------------------------------------------------------


def _report_for(token: str) -> Report:
    return get_object_or_404(
        Report.objects.select_related("case__category", "case__grid"), token=token
    )


@login_not_required
@never_cache
@require_GET
def lookup(request):
    """The tracking-code box: a code leads to its page."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        if Report.objects.filter(token=form.cleaned_data["code"]).exists():
            return redirect("public:track", form.cleaned_data["code"])
        form.add_error("code", _("没有找到这个查询码，请核对后重新输入。"))
    return render(request, "public/lookup.html", {"form": form}, status=_status(form))


@login_not_required
@never_cache
@require_GET
def track(request, token):
    row = _report_for(token)
    return _track_page(request, row, RatingForm())


def _track_page(request, row: Report, rating_form, status=200):
    case = row.case
    rating = Rating.objects.filter(report=row).first()
    after = case.photos.filter(kind=CasePhoto.Kind.AFTER).order_by("uploaded_at", "pk")
    context = {
        "report": row,
        "case": case,
        "state_label": timeline.state_label(case.state),
        "closed": case.state == State.CLOSED,
        "told": row.told_of_closure and case.state == State.CLOSED,
        "expected": case.deadline if case.state in WITH_HANDLER else None,
        "own_words": not row.joined,
        "entries": timeline.entries(case),
        "after_photos": [p.pk for p in after],
        "rating": rating,
        "rating_form": rating_form if case.state == State.CLOSED and rating is None else None,
        "new": request.GET.get("new") == "1",
        "figure": _street_figure(case),
        "figure_days": FIGURE_DAYS,
    }
    return render(request, "public/track.html", context, status=status)


def _street_figure(case: Case):
    """The 满意率 of the case's street over the last FIGURE_DAYS days."""
    ratings = Rating.objects.filter(created_at__gte=timezone.now() - timedelta(days=FIGURE_DAYS))
    street = case.grid.ancestor_at(Level.STREET) if case.grid_id else None
    if street is not None:
        ratings = ratings.filter(case__area_path__startswith=street.path)
    return satisfaction(ratings)


@login_not_required
@require_POST
def rate(request, token):
    """Once per report, after closure: the resident's verdict (回访评价)."""
    row = _report_for(token)
    if row.case.state != State.CLOSED:
        return _track_page(request, row, None, status=409)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _track_page(request, row, form, status=400)
    try:
        with transaction.atomic():
            Rating.objects.create(case=row.case, report=row, **form.cleaned_data)
    except IntegrityError:  # rated already, perhaps from a second tab
        return _track_page(request, row, None, status=409)
    return redirect("public:track", token)


@login_not_required
@require_GET
def photo(request, token, photo_id):
    """An after-photo of the reporter's case: the metadata-free thumbnail, never the original."""
    row = _report_for(token)
    found = CasePhoto.objects.filter(
        pk=photo_id, case_id=row.case_id, kind=CasePhoto.Kind.AFTER
    ).first()
    if found is None:
        raise Http404
    return _thumbnail(found, "private")


@login_not_required
@require_GET
def case_photo(request, number):
    """The latest after-photo of a public case, for anyone (Open311's media_url links here):
    the street's own photo of the place put right, as a metadata-free thumbnail."""
    found = (
        CasePhoto.objects.filter(
            case__in=Case.objects.public().filter(number=number), kind=CasePhoto.Kind.AFTER
        )
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    if found is None:
        raise Http404
    return _thumbnail(found, "public")


def _thumbnail(found: CasePhoto, cache: str):
    if found.thumbnail:
        response = FileResponse(found.thumbnail.open("rb"), content_type="image/jpeg")
    else:  # the worker has not made it yet
        with found.image.open("rb") as source:
            response = HttpResponse(thumbnail_bytes(source), content_type="image/jpeg")
    response["Cache-Control"] = f"{cache}, max-age=86400"
    return response


# Map ------------------------------------------------------------------------------------


@login_not_required
@require_GET
def case_map(request):
    return render(request, "public/map.html", {"map": map_settings()})


@login_not_required
@require_GET
def map_json(request):
    """The most recent public cases with a position, rounded to ~10 m; nothing about anyone."""
    rows = (
        Case.objects.public()
        .filter(lat__isnull=False, lng__isnull=False)
        .select_related("category")
        .order_by("-created_at", "-id")[:MAP_LIMIT]
    )
    cases = [
        {
            **_public_facts(case),
            "lat": round(case.lat, COORDINATE_DIGITS),
            "lng": round(case.lng, COORDINATE_DIGITS),
        }
        for case in rows
    ]
    response = JsonResponse(
        {"cases": cases, "limit": MAP_LIMIT, "truncated": len(cases) == MAP_LIMIT},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


# Staff ----------------------------------------------------------------------------------


@require_GET
def staff_unsatisfied(request):
    """Unsatisfied ratings on cases the dispatcher may approve steps on, to reopen or explain."""
    authz = authz_for(request)
    authz.require("cases.approve")
    in_scope = Rating.objects.filter(case__in=Case.objects.restrict(authz, "cases.approve"))
    recent = in_scope.filter(created_at__gte=timezone.now() - timedelta(days=FIGURE_DAYS))
    show_all = request.GET.get("all") == "1"
    reopened = CaseEvent.objects.filter(
        case=OuterRef("case"), action="reopen", at__gte=OuterRef("created_at")
    )
    explained = CaseEvent.objects.filter(
        case=OuterRef("case"), action="explain_rating", at__gte=OuterRef("created_at")
    )
    rows = (
        unsatisfied(in_scope)
        .annotate(reopened=Exists(reopened), explained=Exists(explained))
        .select_related("case__category")
        .order_by("-created_at")
    )
    if not show_all:  # still to review: closed, neither reopened nor explained since
        rows = rows.filter(case__state=State.CLOSED, reopened=False, explained=False)
    context = {
        "ratings": list(rows[:200]),
        "figure": satisfaction(recent),
        "figure_days": FIGURE_DAYS,
        "show_all": show_all,
        "threshold_label": _threshold_label(),
    }
    return render(request, "public/staff_unsatisfied.html", context)


def _threshold_label() -> str:
    level = settings.SATISFIED_MIN_LEVEL
    return str(Satisfaction(level).label) if level in Satisfaction.values else str(level)
