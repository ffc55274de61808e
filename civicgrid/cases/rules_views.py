"""The 责任清单 pages: the list in the person's scope, edits with a change log, a try-it box,
and Excel in and out. Who answers is decided in `responsibility`; this module only shows it."""

import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.areas.locate import locate
from civicgrid.areas.models import Area, Department, Level
from civicgrid.cases import responsibility, rules_transfer
from civicgrid.cases.models import Case, ResponsibilityRule
from civicgrid.categories.models import Category
from civicgrid.lib.spreadsheets import SpreadsheetUploadForm, xlsx_response
from civicgrid.people.authz import authz_for
from civicgrid.people.models import Role

CATEGORY_SCOPES = {
    2: gettext_lazy("具体类别"),
    1: gettext_lazy("大类"),
    0: gettext_lazy("全部类别"),
}
HISTORY_LENGTH = 100


def _rules(authz, perm="rules.view"):
    return authz.restrict(ResponsibilityRule.objects.all(), perm).select_related(
        "category", "area", "department"
    )


def precedence(rule: ResponsibilityRule) -> tuple[int, int]:
    """The rule's rank among rules that could apply to one case (`responsibility.specificity`)."""
    return responsibility.specificity(rule, {rule.area_id: rule.area.depth})


def precedence_label(rule: ResponsibilityRule) -> str:
    category, _depth = precedence(rule)
    return f"{CATEGORY_SCOPES[category]} · {rule.area.get_level_display()}"


def major_names() -> dict[tuple[str, str], str]:
    """(kind, major code) → the class name, from the catalogue."""
    rows = Category.objects.values_list("kind", "major_code", "major_name").distinct()
    return {(kind, major): name for kind, major, name in rows}


def category_text(rule: ResponsibilityRule, majors: dict | None = None) -> str:
    """The categories a rule covers: "06010 暴露垃圾", "06 大类 市容环境类" or 全部类别."""
    if rule.category_id:
        return f"{rule.category.code} {rule.category.name}"
    if not rule.major_code:
        return _("全部类别")
    majors = major_names() if majors is None else majors
    kinds = [rule.category_kind] if rule.category_kind else list(Category.Kind)
    name = next((majors[k, rule.major_code] for k in kinds if (k, rule.major_code) in majors), "")
    text = _("%(code)s 大类") % {"code": rule.major_code}
    if rule.category_kind:
        text = f"{Category.Kind(rule.category_kind).label} {text}"
    return f"{text} {name}".strip()


def _list_order(rule: ResponsibilityRule) -> tuple:
    """All categories first, then class by class, the class rule before its categories."""
    if rule.category_id:
        head = (rule.category.kind, rule.category.major_code, rule.category.code)
    else:
        head = (rule.category_kind, rule.major_code, "")
    return (bool(rule.category_id or rule.major_code), *head, rule.area.depth, rule.area.code)


def _area_label(area: Area) -> str:
    indent = "\u3000" * max(0, (area.level - Level.STREET) // 10)
    return f"{indent}{area.name}（{area.get_level_display()} {area.code}）"


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _area_label(obj)


def category_choices(with_classes=True, major_code=None) -> list:
    """The catalogue as grouped choices: "all", each class, then each category in its class.

    `major_code` adds that class for both kinds at once, for a rule stored without a kind."""
    groups: dict[tuple[str, str], list] = {}
    names: dict[tuple[str, str], str] = {}
    for c in Category.objects.order_by("kind", "code").only(
        "pk", "kind", "code", "name", "major_code", "major_name"
    ):
        key = (c.kind, c.major_code)
        names[key] = f"{Category.Kind(c.kind).label} {c.major_code} {c.major_name}"
        groups.setdefault(key, []).append((f"category:{c.pk}", f"{c.code} {c.name}"))
    choices = []
    if with_classes:
        classes = [
            (f"major:{kind}:{major}", _("%(name)s（整个大类）") % {"name": names[kind, major]})
            for kind, major in groups
        ]
        if major_code:
            classes.append(
                (f"major::{major_code}", _("%(code)s 大类（部件和事项）") % {"code": major_code})
            )
        choices = [(_("全部"), [("all", _("全部类别"))]), (_("大类"), classes)]
    return choices + [(names[key], options) for key, options in groups.items()]


def _category_value(rule: ResponsibilityRule) -> str:
    if rule.category_id:
        return f"category:{rule.category_id}"
    if rule.major_code:
        return f"major:{rule.category_kind}:{rule.major_code}"
    return "all"


class RuleForm(forms.ModelForm):
    """One line of the 责任清单; the responsible unit is a department or an area role."""

    categories = forms.ChoiceField(
        label=gettext_lazy("类别"), error_messages={"required": gettext_lazy("请选择类别。")}
    )
    responsible = forms.ChoiceField(
        label=gettext_lazy("责任单位"),
        error_messages={"required": gettext_lazy("请选择责任部门或属地角色。")},
    )

    class Meta:
        model = ResponsibilityRule
        fields = ["area", "note"]
        field_classes = {"area": AreaChoiceField}
        error_messages = {
            "area": {
                "required": gettext_lazy("请选择适用区域。"),
                "invalid_choice": gettext_lazy("该区域不存在或不在您可修改的范围内。"),
            },
            "note": {"max_length": gettext_lazy("备注不能超过 200 字。")},
        }

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = authz.restrict(Area.objects.all(), "rules.change").order_by("path")
        self.fields["area"].queryset = allowed
        areas = allowed.only("pk", "path", "level")
        self.fields["area"].empty_label = _("请选择区域")
        kindless = self.instance.major_code if not self.instance.category_kind else None
        self.fields["categories"].choices = category_choices(major_code=kindless)
        self.fields["responsible"].choices = self._responsible_choices(areas)
        self.order_fields(["categories", "area", "responsible", "note"])
        if self.instance.pk:
            self.initial["categories"] = _category_value(self.instance)
            self.initial["responsible"] = (
                f"department:{self.instance.department_id}"
                if self.instance.department_id
                else f"role:{self.instance.area_role}"
            )

    def _responsible_choices(self, areas) -> list:
        street_ids = {
            pk
            for area in areas
            for pk in [*area.ancestor_ids, area.pk]
            if area.level >= Level.STREET
        }
        departments = Department.objects.filter(
            Q(street_id__in=street_ids, street__level=Level.STREET, is_active=True)
            | Q(pk=self.instance.department_id)
        ).select_related("street")
        by_street: dict[str, list] = {}
        for d in departments.order_by("street__code", "kind", "code"):
            by_street.setdefault(_("%(street)s的部门") % {"street": d.street.name}, []).append(
                (f"department:{d.pk}", d.name)
            )
        roles = [
            (f"role:{Role.COMMUNITY}", _("案件所在社区的社区工作人员（属地）")),
            (f"role:{Role.GRID_WORKER}", _("案件所在网格的网格员")),
        ]
        return [("", _("请选择责任单位")), (_("属地"), roles), *by_street.items()]

    def clean_categories(self):
        value = self.cleaned_data["categories"]
        rule = self.instance
        rule.category, rule.major_code, rule.category_kind = None, "", ""
        kind, _sep, rest = value.partition(":")
        if kind == "category":
            rule.category = Category.objects.get(pk=int(rest))
        elif kind == "major":
            rule.category_kind, rule.major_code = rest.split(":")
        return value

    def clean_responsible(self):
        value = self.cleaned_data["responsible"]
        kind, _sep, rest = value.partition(":")
        self.instance.department = (
            Department.objects.get(pk=int(rest)) if kind == "department" else None
        )
        self.instance.area_role = rest if kind == "role" else ""
        return value

    def clean(self):
        cleaned = super().clean()
        rule, area = self.instance, cleaned.get("area")
        if area is None or self.errors:
            return cleaned
        rule.area = area
        street = rules_transfer.street_of(area)
        if rule.department_id and (
            message := rules_transfer.department_error(rule.department, street)
        ):
            self.add_error("responsible", message)
        existing = rules_transfer.same_key(rule).select_related("area", "department").first()
        if existing is not None:
            raise ValidationError(
                _("%(area)s已有同一类别的条目（%(rule)s），请直接修改那一条。")
                % {"area": area.name, "rule": rules_transfer.summary(existing)}
            )
        return cleaned


def log_change(user, rule: ResponsibilityRule, before=None, deleted=False, via="") -> None:
    """Record who changed which rule and how in Django's admin log (the rules' history).

    The message is the admin's JSON (so the admin shows it too) plus the rule's area, which
    keeps the history in scope after the rule is gone, and the change in words."""
    if deleted:
        flag, detail = DELETION, _("删除：%(rule)s") % {"rule": rules_transfer.summary(rule)}
        message = {
            "deleted": {"name": str(ResponsibilityRule._meta.verbose_name), "object": str(rule)}
        }
    elif before is None:
        flag, detail = ADDITION, _("新增：%(rule)s") % {"rule": rules_transfer.summary(rule)}
        message = {"added": {}}
    else:
        changed = rules_transfer.differences(before, rule)
        flag, detail = CHANGE, "；".join(f"{name}：{old} → {new}" for name, old, new in changed)
        message = {"changed": {"fields": [name for name, _old, _new in changed]}}
    message |= {"area": rule.area_id, "detail": via + detail}
    LogEntry.objects.log_actions(
        user.pk, [rule], flag, change_message=[message], single_object=True
    )


@dataclass
class HistoryEntry:
    entry: LogEntry
    detail: str
    area_id: int | None


def _history_entries(entries) -> list[HistoryEntry]:
    return [HistoryEntry(entry, *_read_message(entry)) for entry in entries]


def _read_message(entry: LogEntry) -> tuple[str, int | None]:
    try:
        message = json.loads(entry.change_message)[0]
        return message["detail"], message["area"]
    except (ValueError, LookupError, TypeError):  # written elsewhere, e.g. in the admin
        return entry.get_change_message(), None


def history_for(authz, entries) -> list[HistoryEntry]:
    """Log entries about rules in areas the person may view, deleted rules included.

    Scope is checked on the rule's area (stored in the message, so it outlives the rule)
    through `restrict`, like everything else."""
    items = _history_entries(entries)
    unplaced = [int(item.entry.object_id) for item in items if item.area_id is None]
    live = dict(ResponsibilityRule.objects.filter(pk__in=unplaced).values_list("pk", "area_id"))
    for item in items:  # edits made in the admin name no area: take the rule's own
        if item.area_id is None:
            item.area_id = live.get(int(item.entry.object_id))
    area_ids = {item.area_id for item in items if item.area_id}
    visible = set(
        authz.restrict(Area.objects.filter(pk__in=area_ids), "rules.view").values_list(
            "pk", flat=True
        )
    )
    return [item for item in items if item.area_id in visible]


def _rule_log():
    content_type = ContentType.objects.get_for_model(ResponsibilityRule)
    return LogEntry.objects.filter(content_type=content_type).select_related("user")


def _for_categories_like(text: str) -> Q:
    """Rules that apply to categories whose code or name contains the text."""
    matched = Category.objects.filter(
        Q(code__startswith=text) | Q(name__icontains=text) | Q(major_name__icontains=text)
    )
    classes = [
        Q(category_kind__in=("", kind), major_code=major)
        for kind, major in matched.values_list("kind", "major_code").distinct()
    ]
    condition = Q(category__in=matched) | Q(category__isnull=True, major_code="")
    for part in classes:
        condition |= Q(category__isnull=True) & part
    return condition if matched.exists() else Q(pk__in=[])


# --- pages ----------------------------------------------------------------------------------


def rule_list(request):
    authz = authz_for(request)
    authz.require("rules.view")
    rules = _rules(authz)
    areas = authz.restrict(Area.objects.filter(level__lte=Level.COMMUNITY), "rules.view")
    area = areas.filter(code=request.GET.get("area", "")).first()
    if area is not None:
        rules = rules.filter(Q(area__path__startswith=area.path) | Q(area_id__in=area.ancestor_ids))
    text = request.GET.get("q", "").strip()
    if text:
        rules = rules.filter(_for_categories_like(text))
    rows = sorted(rules, key=_list_order)
    majors = major_names()
    changeable = set(
        _rules(authz, "rules.change")
        .filter(pk__in=[r.pk for r in rows])
        .values_list("pk", flat=True)
    )
    context = {
        "rows": [
            (rule, category_text(rule, majors), precedence_label(rule), rule.pk in changeable)
            for rule in rows
        ],
        "areas": [(a.code, _area_label(a)) for a in areas.order_by("path")],
        "area": area,
        "q": text,
        "can_change": authz.has_perm("rules.change"),
        "try_form": TryForm(authz=authz),
    }
    return render(request, "rules/list.html", context)


def rule_detail(request, pk):
    authz = authz_for(request)
    rule = authz.get_object(_rules(authz), "rules.view", pk=pk)
    context = {
        "rule": rule,
        "category_text": category_text(rule),
        "precedence": precedence_label(rule),
        "can_change": authz.may("rules.change", rule),
        "history": _history_entries(
            _rule_log().filter(object_id=str(rule.pk)).order_by("-action_time")
        ),
    }
    return render(request, "rules/detail.html", context)


def rule_create(request):
    authz = authz_for(request)
    authz.require("rules.change")
    form = RuleForm(request.POST or None, authz=authz)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            rule = form.save()
            log_change(request.user, rule)
        messages.success(
            request, _("已新增责任清单条目：%(rule)s") % {"rule": rules_transfer.summary(rule)}
        )
        return redirect("rules:list")
    return render(request, "rules/form.html", {"form": form}, status=400 if form.errors else 200)


def rule_edit(request, pk):
    authz = authz_for(request)
    rule = authz.get_object(_rules(authz), "rules.change", pk=pk)
    before = rules_transfer.snapshot(rule)
    form = RuleForm(request.POST or None, instance=rule, authz=authz)
    if request.method == "POST" and form.is_valid():
        if rules_transfer.differences(before, rule):
            with transaction.atomic():
                form.save()
                log_change(request.user, rule, before)
            messages.success(request, _("已修改责任清单条目。"))
        return redirect("rules:detail", pk=rule.pk)
    context = {"form": form, "rule": before, "category_text": category_text(before)}
    return render(request, "rules/form.html", context, status=400 if form.errors else 200)


def rule_delete(request, pk):
    authz = authz_for(request)
    rule = authz.get_object(_rules(authz), "rules.change", pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            log_change(request.user, rule, deleted=True)
            rule.delete()
        messages.success(request, _("已删除责任清单条目。"))
        return redirect("rules:list")
    return render(
        request, "rules/delete.html", {"rule": rule, "category_text": category_text(rule)}
    )


def rule_history(request):
    authz = authz_for(request)
    authz.require("rules.view")
    entries = _rule_log().order_by("-action_time")[: HISTORY_LENGTH * 3]
    return render(
        request, "rules/history.html", {"history": history_for(authz, entries)[:HISTORY_LENGTH]}
    )


# --- try it -----------------------------------------------------------------------------------


class TryForm(forms.Form):
    """A category and a place: a grid, or a point that is located."""

    category = forms.ChoiceField(
        label=gettext_lazy("类别"), error_messages={"required": gettext_lazy("请选择类别。")}
    )
    grid = AreaChoiceField(Area.objects.none(), required=False, label=gettext_lazy("网格"))
    lat = forms.FloatField(required=False, label=gettext_lazy("纬度"))
    lng = forms.FloatField(required=False, label=gettext_lazy("经度"))

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.authz = authz
        self.fields["category"].choices = [("", _("请选择类别")), *category_choices(False)]
        self.fields["grid"].queryset = authz.restrict(
            Area.objects.filter(level=Level.GRID), "rules.view"
        ).order_by("code")
        self.fields["grid"].empty_label = _("或在下方填写坐标")

    def clean_category(self):
        value = self.cleaned_data["category"]
        return Category.objects.select_related("default_department").get(
            pk=int(value.split(":")[1])
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        grid, lat, lng = cleaned.get("grid"), cleaned.get("lat"), cleaned.get("lng")
        if grid is None and (lat is None or lng is None):
            raise ValidationError(_("请选择网格，或填写纬度和经度。"))
        if grid is None:
            cleaned["grid"] = self._locate(lat, lng)
        return cleaned

    def _locate(self, lat, lng) -> Area:
        area = locate(lat, lng)
        if area is None:
            raise ValidationError(_("该坐标不在任何网格、社区或街道内，请检查经纬度。"))
        if not self.authz.may("rules.view", area):
            raise ValidationError(_("该坐标不在您的管辖范围内。"))
        return area


@dataclass
class Trial:
    """What registering a case of `category` at `area` would decide."""

    category: Category
    area: Area
    case: Case
    rule: ResponsibilityRule | None

    @property
    def rule_category(self) -> str:
        return category_text(self.rule) if self.rule else ""

    @property
    def reason(self) -> str:
        if self.rule is not None:
            return _("由责任清单条目决定（%(rank)s）：它是适用于此处的条目中最具体的一条。") % {
                "rank": precedence_label(self.rule)
            }
        if self.case.responsible_department_id:
            return _("没有适用的责任清单条目，由该类别的默认部门负责。")
        return _("没有适用的责任清单条目，属地兜底：由案件所在社区负责。")

    @property
    def responsible(self) -> str:
        if self.case.responsible_department_id:
            return self.case.responsible_department.name
        if self.case.responsible_area_id:
            return f"{self.case.responsible_area.name} · {Role(self.case.responsible_role).label}"
        role = self.rule.area_role if self.rule else Role.COMMUNITY
        return _("无法确定：该位置不在任何%(role)s的负责区域内。") % {"role": Role(role).label}


def trial(category: Category, area: Area) -> Trial:
    """Resolve and propose on an unsaved case, exactly as registration does."""
    case = Case(category=category, grid=area, area_path=area.path)
    rule = responsibility.resolve(case)
    responsibility.propose(case, rule)
    return Trial(category, area, case, rule)


def rule_try(request):
    authz = authz_for(request)
    authz.require("rules.view")
    form = TryForm(request.GET or None, authz=authz)
    result = (
        trial(form.cleaned_data["category"], form.cleaned_data["grid"]) if form.is_valid() else None
    )
    rule_visible = bool(result and result.rule and authz.may("rules.view", result.rule))
    context = {"try_form": form, "result": result, "rule_visible": rule_visible}
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "rules/_try_result.html" if partial else "rules/try.html", context)


# --- Excel ----------------------------------------------------------------------------------


def rules_export(request):
    authz = authz_for(request)
    authz.require("rules.view")
    rules = sorted(_rules(authz), key=_list_order)
    return xlsx_response(
        _("责任清单.xlsx"), _("责任清单"), rules_transfer.HEADERS, rules_transfer.export_rows(rules)
    )


def rules_import(request):
    authz = authz_for(request)
    authz.require("rules.change")
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        rows, errors = rules_transfer.parse(form.cleaned_data["file"], authz)
        if not errors:
            with transaction.atomic():
                changes = rules_transfer.apply(rows)
                for change in changes:
                    log_change(request.user, change.rule, change.before, via=_("Excel 导入："))
            added = sum(change.before is None for change in changes)
            messages.success(
                request,
                _("已导入 %(rows)s 行：新增 %(added)s 条，修改 %(changed)s 条，其余不变。")
                % {"rows": len(rows), "added": added, "changed": len(changes) - added},
            )
            return redirect("rules:list")
    context = {"form": form, "errors": errors, "headers": rules_transfer.HEADERS}
    return render(request, "rules/import.html", context, status=400 if errors else 200)
