"""The ledger forms: a ledger type's fields, the entry form built from them, the list's
filters, shops and pledges, and targets."""

import datetime as dt
import re
from functools import reduce
from operator import or_

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import Campaign
from civicgrid.cases.filters import departments_for
from civicgrid.ledgers import entries
from civicgrid.ledgers.models import (
    FILE_KINDS,
    FieldKind,
    LedgerType,
    Pledge,
    Shop,
    Survey,
    Target,
)
from civicgrid.lib.images import clean_image

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_SEPARATORS = re.compile(r"[、,，;；\n]+")
FIELD_PREFIX = "v_"
ATTACHMENT_ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


def types_for(authz, perm: str = "ledgers.view"):
    """The ledger types of the streets where the person holds `perm`: up the tree from a
    grid worker's grid to its street, down from a district-wide role (as departments_for)."""
    types = LedgerType.objects.select_related("street", "campaign")
    if authz.is_superuser:
        return types
    paths = {g.area_path or g.street_path for g in authz.grants if perm in g.permissions}
    paths.discard(None)
    if not paths:
        return types.none()
    ids = {int(part) for path in paths for part in path.split("/") if part}
    below = reduce(or_, (Q(street__path__startswith=path) for path in paths))
    return types.filter(Q(street_id__in=ids) | below)


def records_in(authz, ledger: LedgerType) -> bool:
    """Whether the person records anywhere in the type's street (a grid worker in a grid)."""
    return types_for(authz, "ledgers.record").filter(pk=ledger.pk).exists()


def ledger_for(authz, pk, perm: str = "ledgers.view") -> LedgerType:
    """A type of the person's streets: 404 outside them, 403 without `perm` there.

    Types are defined for a street and changed by its administrators (ledgers.change on
    the street); everyone who records anywhere in the street records into them."""
    ledger = types_for(authz).filter(pk=pk).first()
    if ledger is None:
        raise Http404
    if perm == "ledgers.change":
        allowed = authz.may(perm, ledger)
    else:
        allowed = perm == "ledgers.view" or records_in(authz, ledger)
    if not allowed:
        raise PermissionDenied
    return ledger


def streets_for(authz, perm: str):
    return authz.restrict(Area.objects.filter(level=Level.STREET), perm).order_by("code")


class AreaChoice(forms.ModelChoiceField):
    """Areas listed as a tree: 社区 › 网格, indented by depth."""

    def label_from_instance(self, obj):
        return "　" * max(obj.level // 10 - 3, 0) + f"{obj.name}（{obj.code}）"


def areas_for(authz, perm: str, street: Area | None = None, lowest=Level.GRID):
    areas = authz.restrict(Area.objects.filter(level__gte=Level.STREET), perm)
    if street is not None:
        areas = areas.filter(path__startswith=street.path)
    return areas.filter(level__lte=lowest).order_by("path")


# --- ledger types ------------------------------------------------------------------------------


class FieldForm(forms.Form):
    """One field of a ledger type, one row of the type editor."""

    label = forms.CharField(label=_("名称"), max_length=40)
    key = forms.CharField(
        label=_("代码"),
        max_length=40,
        help_text=_("小写英文字母、数字和下划线，以字母开头，如 attendees"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "—")] + FieldKind.choices)
    required = forms.BooleanField(label=_("必填"), required=False)
    unit = forms.CharField(label=_("单位"), max_length=10, required=False)
    choices = forms.CharField(
        label=_("选项"), max_length=500, required=False, help_text=_("用顿号或逗号分开")
    )
    masked = forms.BooleanField(label=_("列表中打码"), required=False)

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not KEY.match(key):
            raise ValidationError(_("代码只能用小写英文字母、数字和下划线，以字母开头。"))
        return key

    def clean(self):
        data = super().clean()
        options = [c.strip() for c in CHOICE_SEPARATORS.split(data.get("choices") or "")]
        data["choices"] = [c for c in options if c]
        if data.get("kind") == FieldKind.CHOICE and len(data["choices"]) < 2:
            self.add_error("choices", _("选项字段至少要列出两个选项。"))
        return data

    def definition(self) -> dict:
        data = self.cleaned_data
        field = {
            "key": data["key"],
            "label": data["label"].strip(),
            "kind": data["kind"],
            "required": data["required"],
        }
        if data["kind"] == FieldKind.CHOICE:
            field["choices"] = data["choices"]
        if data["kind"] == FieldKind.NUMBER and data.get("unit"):
            field["unit"] = data["unit"].strip()
        if data["kind"] == FieldKind.TEXT and data.get("masked"):
            field["masked"] = True
        return field


class BaseFieldFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        keys = [f.cleaned_data["key"] for f in self.kept()]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValidationError(
                _("字段代码不能重复：%(keys)s。") % {"keys": "、".join(duplicates)}
            )
        if not keys:
            raise ValidationError(_("台账至少要有一个字段。"))

    def kept(self) -> list[FieldForm]:
        """The filled-in rows not marked for deletion, in the order given."""
        rows = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        last = len(self.forms) + 1
        return sorted(rows, key=lambda f: f.cleaned_data.get("ORDER") or last)

    def definitions(self) -> list[dict]:
        return [f.definition() for f in self.kept()]


FieldFormSet = forms.formset_factory(
    FieldForm, formset=BaseFieldFormSet, extra=3, can_delete=True, can_order=True
)


def field_initial(ledger: LedgerType | None) -> list[dict]:
    if ledger is None:
        return []
    return [
        {**f, "choices": "、".join(f.get("choices") or []), "ORDER": n}
        for n, f in enumerate(ledger.fields, start=1)
    ]


class TypeForm(forms.ModelForm):
    class Meta:
        model = LedgerType
        fields = ["name", "code", "street", "campaign", "description", "is_active"]
        help_texts = {"code": _("英文字母、数字和连字符，在本街道内唯一，如 health-lectures")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets_for(authz, "ledgers.change")
        self.fields["campaign"].queryset = Campaign.objects.restrict(authz)
        self.fields["street"].empty_label = None

    def clean(self):
        data = super().clean()
        campaign, street = data.get("campaign"), data.get("street")
        if campaign and street and not campaign.streets.filter(pk=street.pk).exists():
            self.add_error("campaign", _("该创建项目不覆盖所选街道。"))
        return data


def check_field_changes(ledger: LedgerType, fields: list[dict]) -> list[str]:
    """What an edit of a type's fields may not do once it is in use, in Chinese."""
    errors = []
    new = {f["key"]: f for f in fields}
    if ledger.pk and ledger.entries.exists():
        for old in ledger.fields:
            kept = new.get(old["key"])
            if kept and kept["kind"] != old["kind"]:
                errors.append(
                    _("字段“%(label)s”已有记录，不能改变类型；可以新增一个字段。")
                    % {"label": old.get("label")}
                )
    if ledger.pk:
        for target in ledger.targets.exclude(field_key=""):
            if new.get(target.field_key, {}).get("kind") != FieldKind.NUMBER:
                errors.append(
                    _("目标“%(target)s”合计字段“%(key)s”，该字段须保留为数字字段。")
                    % {"target": target.name, "key": target.field_key}
                )
    return errors


# --- entries -----------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Several files for one field; checked by the entry form against the field's kind."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > entries.MAX_FILES:
            raise ValidationError(_("每项最多上传 %(n)s 个文件。") % {"n": entries.MAX_FILES})
        return files

    def bound_data(self, data, initial):
        return data


def _value_field(field: dict, creating: bool) -> forms.Field:
    label = field.get("label") or field["key"]
    if field.get("unit"):
        label = f"{label}（{field['unit']}）"
    attrs = {"required": True} if field.get("required") else {}
    kind = field["kind"]
    if kind in FILE_KINDS:
        accept = "image/*" if kind == FieldKind.PHOTO else ATTACHMENT_ACCEPT
        attrs = {"accept": accept, "multiple": True} | (attrs if creating else {})
        return UploadsField(label=label, required=False, widget=MultipleFileInput(attrs=attrs))
    if kind == FieldKind.NUMBER:
        widget = forms.NumberInput(attrs=attrs | {"step": "any", "min": 0, "inputmode": "decimal"})
    elif kind == FieldKind.DATE:
        widget = forms.DateInput(attrs=attrs | {"type": "date"})
    elif kind == FieldKind.CHOICE:
        options = [("", "—")] + [(c, c) for c in field.get("choices") or []]
        widget = forms.Select(attrs=attrs, choices=options)
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, strip=False, widget=widget)


class EntryForm(forms.Form):
    """A ledger entry, built from its type's fields, for the phone and the PC alike."""

    area = AreaChoice(label=_("区域"), queryset=Area.objects.none(), empty_label=None)
    date = forms.CharField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    remove = forms.MultipleChoiceField(
        label=_("删除文件"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, ledger: LedgerType, authz, data=None, files=None, entry=None):
        self.ledger, self.entry = ledger, entry
        self.existing = self._existing_files(entry)
        super().__init__(data, files, initial=self._initial(entry))
        self.fields["area"].queryset = areas_for(authz, "ledgers.record", ledger.street)
        for field in ledger.fields:
            self.fields[FIELD_PREFIX + field["key"]] = _value_field(field, entry is None)
        self.fields["remove"].choices = [
            (str(item.pk), item.file.name) for items in self.existing.values() for item in items
        ]

    @staticmethod
    def _existing_files(entry) -> dict:
        found = {}
        for item in entry.files.order_by("pk") if entry else ():
            found.setdefault(item.key, []).append(item)
        return found

    @staticmethod
    def _initial(entry) -> dict:
        if entry is None:
            return {"date": timezone.localdate().isoformat()}
        values = {FIELD_PREFIX + key: value for key, value in entry.values.items()}
        return values | {"area": entry.area_id, "date": entry.date.isoformat()}

    def rows(self):
        """(bound field, field definition, its files) for the template, in the type's order."""
        return [
            (self[FIELD_PREFIX + f["key"]], f, self.existing.get(f["key"], []))
            for f in self.ledger.fields
        ]

    def clean_date(self):
        try:
            return entries.clean_day(self.cleaned_data["date"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def clean(self):
        data = super().clean()
        raw = {f["key"]: data.get(FIELD_PREFIX + f["key"]) for f in self.ledger.fields}
        try:
            data["values"] = entries.clean_values(self.ledger, raw)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                self.add_error(FIELD_PREFIX + key, messages)
        data["files"] = self._clean_files(data)
        if data.get("area") is not None:
            try:
                entries.check_area(self.ledger, data["area"])
            except ValidationError as error:
                self.add_error("area", error)
        return data

    def record(self, by):
        """The new entry, saved with its files and the first line of its history."""
        data = self.cleaned_data
        return entries.record(
            self.ledger, data["area"], data["date"], data["values"], by, data["files"]
        )

    def update(self, by, version: int | None):
        """The entry changed as made at `version` (Conflict if it changed since): the change
        recorded, or None when nothing changed."""
        data = self.cleaned_data
        return entries.update(
            self.entry,
            by,
            area=data["area"],
            day=data["date"],
            values=entries.keep_other_keys(self.entry, data["values"]),
            version=version,
            files=data["files"],
            remove=[int(pk) for pk in data["remove"]],
        )

    def _clean_files(self, data) -> dict:
        cleaned, counts = {}, {}
        removed = {int(pk) for pk in data.get("remove") or []}
        for field in self.ledger.fields:
            if field["kind"] not in FILE_KINDS:
                continue
            key = field["key"]
            try:
                uploads = [
                    entries.clean_file(field, upload, n)
                    for n, upload in enumerate(data.get(FIELD_PREFIX + key) or [], start=1)
                ]
            except ValidationError as error:
                self.add_error(FIELD_PREFIX + key, error)
                continue
            cleaned[key] = uploads
            kept = [item for item in self.existing.get(key, []) if item.pk not in removed]
            counts[key] = len(kept) + len(uploads)
        try:
            entries.check_required_files(self.ledger, counts)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                if not self.has_error(FIELD_PREFIX + key):
                    self.add_error(FIELD_PREFIX + key, messages)
        return cleaned


class EntryFilter(forms.Form):
    """The entry list's GET form: type, area (with its children) and dates."""

    ledger = forms.ModelChoiceField(
        label=_("台账类型"),
        required=False,
        queryset=LedgerType.objects.none(),
        empty_label=_("全部"),
    )
    area = forms.CharField(label=_("区域编码"), required=False, max_length=20)
    start = forms.DateField(
        label=_("日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, authz, entries_queryset):
        super().__init__(data)
        self.authz, self.queryset = authz, entries_queryset
        self.fields["ledger"].queryset = types_for(authz)
        self.area = None

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data

    def entries(self):
        """The person's entries narrowed by every valid filter; an area out of scope is 404."""
        self.is_valid()
        data, rows = self.cleaned_data, self.queryset
        if data.get("ledger"):
            rows = rows.filter(ledger=data["ledger"])
        if code := (self.data.get("area") or "").strip():
            self.area = Area.objects.restrict(self.authz, "ledgers.view").filter(code=code).first()
            if self.area is None:
                raise Http404
            rows = rows.filter(area_path__startswith=self.area.path)
        if data.get("start"):
            rows = rows.filter(date__gte=data["start"])
        if data.get("end"):
            rows = rows.filter(date__lte=data["end"])
        return rows


# --- shops -------------------------------------------------------------------------------------


class ShopForm(forms.ModelForm):
    area = AreaChoice(label=_("区域"), queryset=Area.objects.none())

    class Meta:
        model = Shop
        fields = ["name", "address", "area", "licence", "contact", "phone", "lat", "lng"]

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(authz, "ledgers.record")

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            self.add_error("lng", _("纬度和经度须同时填写或同时留空。"))
        return data


class PledgeForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = ["signed_on", "scope", "photo"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"})}

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("签订日期不能晚于今天。"))
        return day

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return clean_image(upload, name="pledge.jpg")


# --- targets -----------------------------------------------------------------------------------


class TargetForm(forms.ModelForm):
    area = AreaChoice(label=_("区域（含下级）"), queryset=Area.objects.none(), empty_label=None)

    class Meta:
        model = Target
        fields = [
            "name",
            "campaign",
            "area",
            "metric",
            "ledger",
            "field_key",
            "survey",
            "rate_kind",
            "period",
            "every_months",
            "anchor",
            "threshold",
            "unit",
            "department",
        ]
        labels = {"ledger": _("台账类型"), "survey": _("问卷"), "campaign": _("创建项目")}
        widgets = {"anchor": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "anchor": _("从这一天起计数；每 N 个月的周期也从这一天起算"),
            "field_key": _("合计时填数字字段的代码，如 attendees"),
            "threshold": _("每个周期要达到的数；比率填百分数，如 85"),
        }

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(authz, "ledgers.change", lowest=Level.COMMUNITY)
        self.fields["ledger"].queryset = types_for(authz, "ledgers.change")
        self.fields["survey"].queryset = authz.restrict(Survey.objects.all(), "surveys.view")
        self.fields["campaign"].queryset = Campaign.objects.restrict(authz)
        self.fields["department"].queryset = departments_for(authz)
        self.fields["every_months"].widget.attrs.update({"min": 1, "max": 24})

    def clean(self):
        data = super().clean()
        metric, ledger, area = data.get("metric"), data.get("ledger"), data.get("area")
        if metric == Target.Metric.SUM and ledger:
            self._check_field_key(ledger, data.get("field_key"))
        if ledger and area and not area.path.startswith(ledger.street.path):
            self.add_error("area", _("区域须在该台账类型所属的街道内。"))
        if metric == Target.Metric.RATE and (data.get("threshold") or 0) > 100:
            self.add_error("threshold", _("比率目标填 0 到 100 之间的百分数。"))
        every = data.get("every_months")
        if data.get("period") == Target.Period.EVERY_N_MONTHS and every and every > 24:
            self.add_error("every_months", _("N 最多为 24 个月。"))
        return data

    def _check_field_key(self, ledger: LedgerType, key: str | None) -> None:
        keys = [f["key"] for f in ledger.number_fields()]
        if key and key not in keys:
            self.add_error(
                "field_key",
                _("“%(ledger)s”没有代码为 %(key)s 的数字字段（可选：%(keys)s）。")
                % {"ledger": ledger.name, "key": key, "keys": "、".join(keys) or "—"},
            )

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value <= 0:
            raise ValidationError(_("目标值须大于 0。"))
        return value

    def _post_clean(self):
        data = self.cleaned_data
        if data.get("metric") != Target.Metric.SUM:
            data["field_key"] = ""
        if data.get("metric") == Target.Metric.RATE:
            data["ledger"] = None
        else:
            data["survey"], data["rate_kind"] = None, ""
        if data.get("period") != Target.Period.EVERY_N_MONTHS:
            data["every_months"] = None
        super()._post_clean()


def today_or(value) -> dt.date:
    """A date from a query string (?on=2026-03-01), or today when there is none or it is bad."""
    return entries.parse_date(value) or timezone.localdate()
