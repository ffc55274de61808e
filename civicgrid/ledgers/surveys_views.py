"""The survey pages (问卷调查).

Staff (surveys.view to read, surveys.change to edit; 403 without the permission, 404 for a
survey outside the person's scopes): the list, the questionnaire editor, the results with
their Excel export, the QR code and a poster to print.

Residents (no login): the answering page /s/<slug>/, light enough for a weak connection
(no script, the residents' channel's inline CSS). One answer per person, as the survey says:
- device: a signed cookie holding a random id, kept DEVICE_MAX_AGE, set when an answer is
  saved; clearing the browser's cookies defeats it, as any check without an account would;
- phone: the resident types their number; only an HMAC of it keyed with SECRET_KEY (and
  salted with the survey) is kept, so equal numbers match and no number is stored;
- none: not checked.
A full community quota and a closed survey are said politely and nothing is saved.
Submissions are limited per client address (SURVEY_RATE_PER_IP per SURVEY_RATE_WINDOW).
"""

import secrets
from io import BytesIO
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.areas.models import Area, Level
from civicgrid.ledgers import survey_results
from civicgrid.ledgers.models import Question, Response, Survey
from civicgrid.ledgers.survey_forms import (
    AnswerForm,
    QuestionForm,
    ResultsFilter,
    SurveyForm,
    has_answers,
)
from civicgrid.lib import ratelimit
from civicgrid.lib.spreadsheets import XLSX
from civicgrid.people.authz import authz_for

DEVICE_COOKIE = "civicgrid_survey_device"
DEVICE_SALT = "civicgrid.surveys.device"
DEVICE_MAX_AGE = 400 * 86400  # the longest a browser keeps a cookie
PHONE_SALT = "civicgrid.surveys.phone"
TEXT_ANSWERS_SHOWN = 300
ALREADY, FULL = "already", "full"  # why an answer was not saved
# The QR code: medium error correction survives a crease or a smudge on a printed poster.
QR_ERROR = "m"
QR_SVG = {"kind": "svg", "scale": 10, "border": 4}


# Staff: list and editor ------------------------------------------------------------------


def _streets(authz):
    return authz.restrict(Area.objects.filter(level=Level.STREET), "surveys.change").order_by(
        "code"
    )


@require_GET
def survey_list(request):
    authz = authz_for(request)
    authz.require("surveys.view")
    surveys = (
        authz.restrict(Survey.objects.all(), "surveys.view")
        .select_related("street", "campaign")
        .annotate(answered=Count("responses"))
    )
    context = {"surveys": surveys, "can_change": authz.has_perm("surveys.change")}
    return render(request, "surveys/list.html", context)


@require_http_methods(["GET", "POST"])
def survey_new(request):
    authz = authz_for(request)
    authz.require("surveys.change")
    form = SurveyForm(request.POST or None, streets=_streets(authz))
    if request.method == "POST" and form.is_valid():
        survey = form.save()
        messages.success(request, _("问卷已建立，请添加题目。"))
        return redirect("surveys:edit", survey.pk)
    return render(
        request, "surveys/survey_form.html", {"form": form}, status=_status(form, request)
    )


@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.select_related("street"), "surveys.change", pk=pk)
    form = SurveyForm(request.POST or None, instance=survey, streets=_streets(authz))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("问卷设置已保存。"))
        return redirect("surveys:edit", survey.pk)
    context = {
        "form": form,
        "survey": survey,
        "questions": survey.questions.all(),
        "public_url": public_url(survey),
    }
    return render(request, "surveys/survey_form.html", context, status=_status(form, request))


def _status(form, request) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _next_order(survey: Survey) -> int:
    last = survey.questions.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@require_http_methods(["GET", "POST"])
def question_new(request, pk):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.all(), "surveys.change", pk=pk)
    question = Question(survey=survey, order=_next_order(survey))
    return _question_page(request, survey, question)


@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_id):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.all(), "surveys.change", pk=pk)
    question = get_object_or_404(survey.questions, pk=question_id)
    return _question_page(request, survey, question)


def _question_page(request, survey, question):
    answered = has_answers(question)
    form = QuestionForm(request.POST or None, instance=question, answered=answered)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("题目已保存。"))
        return redirect(reverse("surveys:edit", args=[survey.pk]) + "#questions")
    context = {"form": form, "survey": survey, "question": question, "answered": answered}
    return render(request, "surveys/question_form.html", context, status=_status(form, request))


@require_POST
def question_delete(request, pk, question_id):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.all(), "surveys.change", pk=pk)
    question = get_object_or_404(survey.questions, pk=question_id)
    question.delete()
    messages.success(request, _("题目“%(text)s”已删除。") % {"text": question.text})
    return redirect(reverse("surveys:edit", args=[survey.pk]) + "#questions")


# Staff: results, export, QR code ---------------------------------------------------------


@require_GET
def survey_results_page(request, pk):
    authz = authz_for(request)
    survey = authz.get_object(
        Survey.objects.select_related("street", "campaign"), "surveys.view", pk=pk
    )
    form = ResultsFilter(request.GET or None, survey=survey)
    found = survey_results.results(survey, **form.narrowing())
    figures = found.question_figures()
    for one in figures:
        one.shown_texts = list(reversed(one.texts))[:TEXT_ANSWERS_SHOWN]
    query = request.GET.urlencode()
    context = {
        "survey": survey,
        "form": form,
        "total": found.total,
        "communities": found.by_community(),
        "weeks": found.by_week(),
        "figures": figures,
        "text_limit": TEXT_ANSWERS_SHOWN,
        "can_change": authz.may("surveys.change", survey),
        "public_url": public_url(survey),
        "export_url": reverse("surveys:export", args=[survey.pk]) + (f"?{query}" if query else ""),
    }
    return render(request, "surveys/results.html", context)


@require_GET
def survey_export(request, pk):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.select_related("street"), "surveys.view", pk=pk)
    form = ResultsFilter(request.GET or None, survey=survey)
    found = survey_results.results(survey, **form.narrowing())
    response = HttpResponse(survey_results.workbook(found), content_type=XLSX)
    filename = quote(_("%(title)s-答卷.xlsx") % {"title": survey.title})
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def public_url(survey: Survey) -> str:
    """The answering page's full address, as printed: SITE_ROOT, not the staff's own host."""
    return settings.SITE_ROOT.rstrip("/") + reverse("surveys_public:answer", args=[survey.slug])


def qr_svg(url: str) -> bytes:
    out = BytesIO()
    segno.make(url, error=QR_ERROR).save(out, **QR_SVG)
    return out.getvalue()


@require_GET
def survey_qr(request, pk):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.all(), "surveys.view", pk=pk)
    response = HttpResponse(qr_svg(public_url(survey)), content_type="image/svg+xml")
    response["Content-Disposition"] = f"inline; filename=survey-{survey.pk}-qr.svg"
    return response


@require_GET
def survey_poster(request, pk):
    authz = authz_for(request)
    survey = authz.get_object(Survey.objects.select_related("street"), "surveys.view", pk=pk)
    context = {"survey": survey, "public_url": public_url(survey)}
    return render(request, "surveys/poster.html", context)


# Residents: the answering page -----------------------------------------------------------


def _notice(request, survey, title, message, status=200):
    context = {"survey": survey, "title": title, "message": message, "warn": status >= 400}
    return render(request, "surveys/notice.html", context, status=status)


def _closed(request, survey, status):
    return _notice(
        request,
        survey,
        _("问卷已结束"),
        _("这份问卷已停止收集，感谢您的关注。"),
        status,
    )


def _already(request, survey, status):
    return _notice(
        request,
        survey,
        _("您已经填写过这份问卷"),
        _("每人只需填写一次，感谢您的参与！"),
        status,
    )


def _device(request) -> str | None:
    return request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
    )


def phone_hash(survey: Survey, phone: str) -> str:
    """The keyed hash kept instead of the number (HMAC-SHA256 with SECRET_KEY)."""
    return salted_hmac(PHONE_SALT, f"{survey.pk}:{phone}", algorithm="sha256").hexdigest()


def _full_communities(survey: Survey) -> set[int]:
    quotas = survey.quotas or {}
    if not quotas:
        return set()
    counted = dict(
        Response.objects.filter(survey=survey, community__code__in=list(quotas))
        .values_list("community__code")
        .annotate(n=Count("pk"))
    )
    codes = [code for code, n in quotas.items() if counted.get(code, 0) >= n]
    return set(Area.objects.filter(code__in=codes).values_list("pk", flat=True))


def _answer_form(request, survey, data=None) -> AnswerForm:
    questions = list(survey.questions.all())
    return AnswerForm(data, survey=survey, questions=questions, full=_full_communities(survey))


def _answer_page(request, survey, form, status=200):
    return render(request, "surveys/answer.html", {"survey": survey, "form": form}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, slug):
    survey = get_object_or_404(Survey.objects.select_related("street"), slug=slug)
    posted = request.method == "POST"
    if not survey.is_open:
        return _closed(request, survey, 409 if posted else 200)
    device = _device(request) if survey.one_per == Survey.OnePer.DEVICE else None
    if device and Response.objects.filter(survey=survey, device=device).exists():
        return _already(request, survey, 409 if posted else 200)
    if not posted:
        return _answer_page(request, survey, _answer_form(request, survey))
    return _submit(request, survey, device)


def _submit(request, survey, device):
    window = settings.SURVEY_RATE_WINDOW
    limit = settings.SURVEY_RATE_PER_IP
    if not ratelimit.hit("survey-ip:" + ratelimit.client_ip(request), limit, window):
        return _too_many(request, survey, window)
    form = _answer_form(request, survey, request.POST)
    if not form.is_valid():
        return _answer_page(request, survey, form, status=400)
    if survey.one_per == Survey.OnePer.DEVICE:
        device = device or secrets.token_hex(16)
    refused = _save(survey, form, device or "")
    if refused == ALREADY:
        return _already(request, survey, 409)
    if refused == FULL:
        return _quota_full(request, survey, form.cleaned_data["community"])
    response = redirect("surveys_public:thanks", survey.slug)
    if device:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device,
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            path=reverse("surveys_public:answer", args=[survey.slug]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _save(survey: Survey, form: AnswerForm, device: str) -> str | None:
    """Keep the answers unless the person has answered (ALREADY) or the community is FULL.

    The survey row is locked (PostgreSQL; SQLite's IMMEDIATE transactions queue writers),
    so two answers at once cannot both take the last place of a quota.
    """
    community = form.cleaned_data["community"]
    phone = form.cleaned_data.get("phone")
    digest = phone_hash(survey, phone) if phone else ""
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        previous = Response.objects.filter(survey=survey)
        if (device and previous.filter(device=device).exists()) or (
            digest and previous.filter(phone_hash=digest).exists()
        ):
            return ALREADY
        quota = (survey.quotas or {}).get(community.code)
        if quota and previous.filter(community=community).count() >= quota:
            return FULL
        Response.objects.create(
            survey=survey,
            community=community,
            device=device,
            phone_hash=digest,
            answers=form.answers(),
        )
    return None


def _quota_full(request, survey, community):
    message = _(
        "感谢您的参与！%(community)s的问卷份数已经收满，这次的答卷不再保存。"
        "如有意见建议，欢迎联系社区居委会。"
    ) % {"community": community.name}
    return _notice(request, survey, _("本社区的问卷已收满"), message, 409)


def _too_many(request, survey, window: int):
    wait = ratelimit.retry_after(window)
    message = _("同一网络在短时间内提交的问卷过多，请约 %(minutes)s 分钟后再试。") % {
        "minutes": max(1, round(wait / 60))
    }
    response = _notice(request, survey, _("提交太频繁了"), message, 429)
    response["Retry-After"] = str(wait)
    return response


@login_not_required
@require_GET
def thanks(request, slug):
    survey = get_object_or_404(Survey.objects.select_related("street"), slug=slug)
    return _notice(
        request,
        survey,
        _("提交成功，感谢您的参与！"),
        _("您的意见将帮助我们把社区建设得更好。"),
    )
