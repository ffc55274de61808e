"""The archive of generated documents: list, ask for one, watch it being generated, download.

A document is seen by whoever holds documents.view over its street (administrators,
leaders, supervisors); only administrators (documents.generate) ask for them.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.campaigns.models import Campaign
from civicgrid.documents import tasks
from civicgrid.documents.forms import DocumentForm
from civicgrid.documents.models import Document, Kind
from civicgrid.lib.pages import is_htmx
from civicgrid.people.authz import authz_for

PAGE_SIZE = 50
RELATED = ("street", "campaign", "period", "created_by")


def _documents(authz):
    return authz.restrict(Document.objects.all(), "documents.view").select_related(*RELATED)


def _document(request, pk, perm="documents.view"):
    """(authz, document): 404 outside the person's scopes, 403 without `perm` on it."""
    authz = authz_for(request)
    return authz, authz.get_object(Document.objects.select_related(*RELATED), perm, pk=pk)


@require_GET
def document_list(request):
    authz = authz_for(request)
    authz.require("documents.view")
    documents = _documents(authz)
    kind, campaign = request.GET.get("kind", ""), request.GET.get("campaign", "")
    if kind in Kind.values:
        documents = documents.filter(kind=kind)
    if campaign.isdigit():
        documents = documents.filter(campaign_id=campaign)
    seen = _documents(authz).values("campaign_id")
    context = {
        "page": Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page")),
        "kinds": Kind.choices,
        "kind": kind,
        "campaigns": Campaign.objects.filter(pk__in=seen),
        "campaign": campaign,
        "can_generate": authz.has_perm("documents.generate"),
    }
    return render(request, "documents/list.html", context)


@require_http_methods(["GET", "POST"])
def document_new(request):
    authz = authz_for(request)
    authz.require("documents.generate")
    initial = {
        key: request.GET[key] for key in ("kind", "campaign", "period") if key in request.GET
    }
    form = DocumentForm(request.POST or None, authz=authz, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        document = tasks.issue(kind, by=request.user, **form.issue_kwargs())
        messages.success(request, _("已开始生成“%(title)s”。") % {"title": document})
        return redirect(document)
    return render(request, "documents/new.html", {"form": form})


@require_GET
def document_detail(request, pk):
    authz, document = _document(request, pk)
    context = {
        "document": document,
        "can_generate": authz.may("documents.generate", document),
    }
    template = "documents/_status.html" if is_htmx(request) else "documents/detail.html"
    return render(request, template, context)


@require_POST
def document_retry(request, pk):
    """Generate a failed or stuck document again, under the same number and parameters."""
    _authz, document = _document(request, pk, "documents.generate")
    if not document.may_retry:
        messages.info(request, _("只有生成失败或长时间未完成的文书可以重新生成。"))
        return redirect(document)
    tasks.start_generation(document)
    messages.success(request, _("已重新开始生成。"))
    return redirect(document)


@require_GET
def document_download(request, pk):
    _authz, document = _document(request, pk)
    if document.status != Document.Status.DONE or not document.file:
        raise Http404
    try:
        source = document.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(source, as_attachment=True, filename=document.filename)
