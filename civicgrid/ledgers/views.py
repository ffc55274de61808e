"""The ledger pages (台账): ledger types and their editor, entries with their history and
Excel, the 门前三包 shop register, and targets with their progress.

Every view asks the authorization module: ledgers.view to read, ledgers.record to enter
and edit entries, shops and pledges, ledgers.change to define types and targets. Lacking
the permission anywhere is 403; an object outside the person's scopes is 404.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.areas.models import Area
from civicgrid.campaigns.models import Campaign
from civicgrid.ledgers import entries, shops, targets, transfer
from civicgrid.ledgers.forms import (
    EntryFilter,
    EntryForm,
    FieldFormSet,
    PledgeForm,
    ShopForm,
    TargetForm,
    TypeForm,
    check_field_changes,
    field_initial,
    ledger_for,
    records_in,
    streets_for,
    today_or,
    types_for,
)
from civicgrid.ledgers.ledger_types import load_ledger_types
from civicgrid.ledgers.models import FILE_KINDS, FieldKind, LedgerEntry, LedgerType, Shop, Target
from civicgrid.lib.pages import is_htmx, with_query
from civicgrid.lib.spreadsheets import import_page, xlsx_response
from civicgrid.people.authz import authz_for

PAGE_SIZE = 50
SHOPS_PER_PAGE = 100
HISTORY_PERIODS = 12


def _status(*forms) -> int:
    return 400 if any(f.errors for f in forms) else 200


def _inactive(request, ledger: LedgerType):
    messages.error(request, str(entries.Inactive()))
    return redirect(ledger)


# --- ledger types -----------------------------------------------------------------------------


@require_GET
def index(request):
    authz = authz_for(request)
    authz.require("ledgers.view")
    ledgers = list(types_for(authz).order_by("street__code", "-is_active", "name"))
    year = timezone.localdate().year
    counts = dict(
        authz.restrict(LedgerEntry.objects.filter(date__year=year), "ledgers.view")
        .order_by()
        .values_list("ledger")
        .annotate(n=Count("pk"))
    )
    for ledger in ledgers:
        ledger.this_year = counts.get(ledger.pk, 0)
    context = {
        "ledgers": ledgers,
        "year": year,
        "can_change": authz.has_perm("ledgers.change"),
        "can_record": authz.has_perm("ledgers.record"),
        "streets": streets_for(authz, "ledgers.change"),
    }
    return render(request, "ledgers/index.html", context)


@require_POST
def load_ready(request):
    authz = authz_for(request)
    authz.require("ledgers.change")
    street = streets_for(authz, "ledgers.change").filter(pk=request.POST.get("street") or 0)
    street = street.first()
    if street is None:
        raise Http404
    loaded = load_ledger_types(street)
    messages.success(
        request,
        _("“%(street)s”已有预置台账类型 %(n)s 个；已有的类型保持原样。")
        % {"street": street.name, "n": len(loaded)},
    )
    return redirect("ledgers:index")


@require_GET
def type_detail(request, pk):
    authz = authz_for(request)
    authz.require("ledgers.view")
    ledger = ledger_for(authz, pk)
    context = {
        "ledger": ledger,
        "kinds": dict(FieldKind.choices),
        "can_change": authz.may("ledgers.change", ledger),
        "can_record": records_in(authz, ledger),
        "entries_url": reverse("ledgers:entries") + f"?ledger={ledger.pk}",
    }
    return render(request, "ledgers/type_detail.html", context)


@require_http_methods(["GET", "POST"])
def type_new(request):
    authz = authz_for(request)
    authz.require("ledgers.change")
    return _type_form(request, authz, LedgerType())


@require_http_methods(["GET", "POST"])
def type_edit(request, pk):
    authz = authz_for(request)
    authz.require("ledgers.change")
    ledger = ledger_for(authz, pk, "ledgers.change")
    return _type_form(request, authz, ledger)


def _type_form(request, authz, ledger: LedgerType):
    data = request.POST if request.method == "POST" else None
    form = TypeForm(data, instance=ledger, authz=authz)
    fields = FieldFormSet(data, initial=field_initial(ledger if ledger.pk else None))
    if data is not None and form.is_valid() and fields.is_valid():
        definitions = fields.definitions()
        problems = check_field_changes(ledger, definitions)
        if not problems:
            ledger = form.save(commit=False)
            ledger.fields = definitions
            ledger.save()
            messages.success(request, _("已保存台账类型“%(name)s”。") % {"name": ledger.name})
            return redirect(ledger)
        for problem in problems:
            fields.non_form_errors().append(problem)
    context = {"form": form, "fields": fields, "ledger": ledger if ledger.pk else None}
    status = 400 if data is not None else 200
    return render(request, "ledgers/type_form.html", context, status=status)


# --- entries ----------------------------------------------------------------------------------


def _visible_entries(authz):
    return authz.restrict(LedgerEntry.objects.all(), "ledgers.view")


@require_GET
def entry_list(request):
    authz = authz_for(request)
    authz.require("ledgers.view")
    form = EntryFilter(request.GET, authz, _visible_entries(authz))
    rows = form.entries().select_related(*entries.RELATED)
    found, cursor = entries.PAGES.page(rows, request.GET.get("after"), PAGE_SIZE)
    for entry in found:
        entry.summary = entries.summary(entry)
    ledger = form.cleaned_data.get("ledger")
    context = {
        "form": form,
        "entries": found,
        "ledger": ledger,
        "more": with_query(request, after=cursor) if cursor else None,
        "first_page": not request.GET.get("after"),
        "export_url": ledger
        and with_query(request, path=reverse("ledgers:export", args=[ledger.pk]), after=None),
        "can_record": ledger is not None and records_in(authz, ledger),
    }
    template = "ledgers/_entry_rows.html" if is_htmx(request) else "ledgers/entry_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def entry_new(request, pk):
    authz = authz_for(request)
    authz.require("ledgers.record")
    ledger = ledger_for(authz, pk, "ledgers.record")
    if not ledger.is_active:
        return _inactive(request, ledger)
    form = EntryForm(ledger, authz, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        entry = form.record(request.user)
        messages.success(request, _("已记入“%(ledger)s”。") % {"ledger": ledger.name})
        if "again" in request.POST:
            return redirect("ledgers:entry-new", ledger.pk)
        return redirect("ledgers:entry", entry.pk)
    context = {"form": form, "ledger": ledger}
    return render(request, "ledgers/entry_form.html", context, status=_status(form))


def _entry(authz, pk, perm):
    return authz.get_object(LedgerEntry.objects.select_related(*entries.RELATED), perm, pk=pk)


@require_GET
def entry_detail(request, pk):
    authz = authz_for(request)
    entry = _entry(authz, pk, "ledgers.view")
    full = authz.may("ledgers.record", entry)
    files = list(entry.files.order_by("pk"))
    fields = [
        {
            "field": f,
            "value": entries.shown(f, entry.values.get(f["key"]), full),
            "files": [item for item in files if item.key == f["key"]],
            "is_photo": f["kind"] == FieldKind.PHOTO,
            "is_file": f["kind"] in FILE_KINDS,
        }
        for f in entry.ledger.fields
    ]
    changes = entries.history(entry, full)
    context = {"entry": entry, "fields": fields, "changes": changes, "can_edit": full}
    return render(request, "ledgers/entry_detail.html", context)


@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    authz = authz_for(request)
    entry = _entry(authz, pk, "ledgers.record")
    form = EntryForm(entry.ledger, authz, request.POST or None, request.FILES or None, entry)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            change = form.update(request.user, _version(request))
        except entries.Conflict as conflict:
            messages.error(request, str(conflict))
            return redirect("ledgers:entry", entry.pk)
        messages.success(request, _("已保存修改。") if change else _("没有改动。"))
        return redirect("ledgers:entry", entry.pk)
    if form.errors:
        status = 400
    context = {"form": form, "ledger": entry.ledger, "entry": entry}
    return render(request, "ledgers/entry_form.html", context, status=status)


def _version(request) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@require_GET
def entries_export(request, pk):
    authz = authz_for(request)
    authz.require("ledgers.view")
    ledger = ledger_for(authz, pk)
    form = EntryFilter(request.GET, authz, _visible_entries(authz).filter(ledger=ledger))
    rows = form.entries().select_related("area").order_by("date", "pk")
    full = authz.has_perm("ledgers.record")
    return xlsx_response(
        transfer.filename(ledger),
        ledger.name,
        transfer.headers(ledger),
        transfer.export_rows(ledger, rows, full),
    )


@require_http_methods(["GET", "POST"])
def entries_import(request, pk):
    authz = authz_for(request)
    authz.require("ledgers.record")
    ledger = ledger_for(authz, pk, "ledgers.record")
    if not ledger.is_active:
        return _inactive(request, ledger)

    def load(upload):
        rows, errors = transfer.parse(upload, ledger, authz)
        if errors:
            return errors, ""
        counts = transfer.apply(rows, ledger, request.user)
        return [], _(
            "已导入：新增 %(added)s 条，修改 %(updated)s 条，未变 %(unchanged)s 条。"
        ) % counts

    context = {
        "headers": transfer.headers(ledger),
        "ledger": ledger,
        "files": [f["label"] for f in ledger.fields if f["kind"] in FILE_KINDS],
    }
    done = reverse("ledgers:entries") + f"?ledger={ledger.pk}"
    return import_page(request, "ledgers/entry_import.html", context, load, done)


# --- 门前三包 shops ------------------------------------------------------------------------------


def _shops(request, authz):
    rows = authz.restrict(Shop.objects.all(), "ledgers.view")
    if text := request.GET.get("q", "").strip():
        rows = rows.filter(Q(name__icontains=text) | Q(address__icontains=text))
    if code := request.GET.get("area", "").strip():
        area = Area.objects.restrict(authz, "ledgers.view").filter(code=code).first()
        if area is None:
            raise Http404
        rows = rows.filter(area_path__startswith=area.path)
    return rows


@require_GET
def shop_list(request):
    authz = authz_for(request)
    authz.require("ledgers.view")
    rows = (
        _shops(request, authz)
        .select_related("area")
        .annotate(last_pledge=Max("pledges__signed_on"), linked=Count("cases", distinct=True))
        .order_by("area_path", "name", "pk")
    )
    page = Paginator(rows, SHOPS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "query": params.urlencode(),
        "q": request.GET.get("q", ""),
        "area": request.GET.get("area", ""),
        "can_record": authz.has_perm("ledgers.record"),
        "export_url": with_query(request, path=reverse("ledgers:shops-export"), page=None),
    }
    return render(request, "ledgers/shop_list.html", context)


def _shop(authz, pk, perm):
    return authz.get_object(Shop.objects.select_related("area"), perm, pk=pk)


@require_GET
def shop_detail(request, pk):
    authz = authz_for(request)
    shop = _shop(authz, pk, "ledgers.view")
    return _render_shop(request, authz, shop)


def _render_shop(request, authz, shop, pledge_form=None, status=200):
    cases, hidden = shops.shop_cases(shop, authz)
    context = {
        "shop": shop,
        "pledges": shop.pledges.select_related("recorded_by"),
        "cases": cases,
        "hidden": hidden,
        "can_record": authz.may("ledgers.record", shop),
        "pledge_form": pledge_form or PledgeForm(initial={"signed_on": timezone.localdate()}),
    }
    return render(request, "ledgers/shop_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def shop_new(request):
    authz = authz_for(request)
    authz.require("ledgers.record")
    form = ShopForm(request.POST or None, authz=authz)
    if request.method == "POST" and form.is_valid():
        shop = form.save()
        messages.success(request, _("已登记商户：%(name)s") % {"name": shop.name})
        return redirect("ledgers:shop", shop.pk)
    return render(request, "ledgers/shop_form.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
def shop_edit(request, pk):
    authz = authz_for(request)
    shop = _shop(authz, pk, "ledgers.record")
    form = ShopForm(request.POST or None, instance=shop, authz=authz)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存商户信息。"))
        return redirect("ledgers:shop", shop.pk)
    context = {"form": form, "shop": shop}
    return render(request, "ledgers/shop_form.html", context, status=_status(form))


@require_POST
def pledge_add(request, pk):
    authz = authz_for(request)
    shop = _shop(authz, pk, "ledgers.record")
    form = PledgeForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_shop(request, authz, shop, pledge_form=form, status=400)
    pledge = form.save(commit=False)
    pledge.shop, pledge.recorded_by = shop, request.user
    pledge.save()
    messages.success(request, _("已记录门前三包责任书。"))
    return redirect("ledgers:shop", shop.pk)


@require_POST
def case_link(request, pk):
    authz = authz_for(request)
    shop = _shop(authz, pk, "ledgers.record")
    case = shops.visible_case(authz, request.POST.get("number", ""))
    if case is None:
        messages.error(request, _("没有找到该编号的案件，或您无权查看；编号形如 2026-000123。"))
    else:
        shop.cases.add(case)
        messages.success(request, _("已关联案件 %(number)s。") % {"number": case.number})
    return redirect("ledgers:shop", shop.pk)


@require_POST
def case_unlink(request, pk, number):
    authz = authz_for(request)
    shop = _shop(authz, pk, "ledgers.record")
    case = shops.visible_case(authz, number)
    if case is None:
        raise Http404
    shop.cases.remove(case)
    messages.success(request, _("已取消关联案件 %(number)s。") % {"number": case.number})
    return redirect("ledgers:shop", shop.pk)


@require_GET
def shops_export(request):
    authz = authz_for(request)
    authz.require("ledgers.view")
    rows = shops.export_rows(_shops(request, authz).select_related("area"))
    return xlsx_response(_("门前三包商户.xlsx"), _("门前三包商户"), shops.HEADERS, rows)


@require_http_methods(["GET", "POST"])
def shops_import(request):
    authz = authz_for(request)
    authz.require("ledgers.record")

    def load(upload):
        rows, errors = shops.parse(upload, authz)
        if errors:
            return errors, ""
        added, updated = shops.apply(rows)
        return [], _("已导入 %(rows)s 行：新增 %(added)s 个商户，更新 %(updated)s 个。") % {
            "rows": len(rows),
            "added": added,
            "updated": updated,
        }

    context = {"headers": shops.HEADERS}
    return import_page(request, "ledgers/shop_import.html", context, load, "ledgers:shops")


# --- targets ----------------------------------------------------------------------------------

TARGET_RELATED = ("area", "ledger", "survey", "campaign", "department")


@require_GET
def target_list(request):
    authz = authz_for(request)
    authz.require("ledgers.view")
    rows = authz.restrict(Target.objects.all(), "ledgers.view").select_related(*TARGET_RELATED)
    campaigns = Campaign.objects.restrict(authz, "ledgers.view")
    campaign = campaigns.filter(pk=request.GET.get("campaign") or 0).first()
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    area = None
    if code := request.GET.get("area", "").strip():
        area = Area.objects.restrict(authz, "ledgers.view").filter(code=code).first()
        if area is None:
            raise Http404
        rows = rows.filter(area__path__startswith=area.path)
    today = timezone.localdate()
    found = [(target, targets.progress(target, today, today)) for target in rows]
    context = {
        "targets": found,
        "campaigns": campaigns,
        "campaign": campaign,
        "area": area,
        "today": today,
        "can_change": authz.has_perm("ledgers.change"),
    }
    return render(request, "ledgers/target_list.html", context)


@require_GET
def target_detail(request, pk):
    authz = authz_for(request)
    target = authz.get_object(Target.objects.select_related(*TARGET_RELATED), "ledgers.view", pk=pk)
    today = timezone.localdate()
    day = today_or(request.GET.get("on"))
    current = targets.progress(target, day, today)
    since = targets.add_months(current.start, -HISTORY_PERIODS * _months(target))
    past = targets.history(target, since, current.start - dt.timedelta(days=1), today)
    past = [p for p in past if p.end < current.start][-HISTORY_PERIODS:]
    context = {
        "target": target,
        "progress": current,
        "history": list(reversed(past)),
        "entries_url": _entries_url(target, current),
        "can_change": authz.may("ledgers.change", target),
    }
    return render(request, "ledgers/target_detail.html", context)


def _months(target: Target) -> int:
    return targets.CALENDAR_MONTHS.get(target.period) or target.every_months or 1


def _entries_url(target: Target, progress) -> str | None:
    if target.ledger_id is None:
        return None
    query = f"?ledger={target.ledger_id}&area={target.area.code}"
    return reverse("ledgers:entries") + query + f"&start={progress.start}&end={progress.end}"


@require_http_methods(["GET", "POST"])
def target_new(request):
    authz = authz_for(request)
    authz.require("ledgers.change")
    initial = {"anchor": timezone.localdate().replace(month=1, day=1)}
    form = TargetForm(request.POST or None, authz=authz, initial=initial)
    return _target_form(request, form, None)


@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    authz = authz_for(request)
    target = authz.get_object(Target.objects.all(), "ledgers.change", pk=pk)
    form = TargetForm(request.POST or None, instance=target, authz=authz)
    return _target_form(request, form, target)


def _target_form(request, form, target):
    if request.method == "POST" and form.is_valid():
        target = form.save()
        messages.success(request, _("已保存目标“%(name)s”。") % {"name": target.name})
        return redirect("ledgers:target", target.pk)
    context = {"form": form, "target": target}
    return render(request, "ledgers/target_form.html", context, status=_status(form))
