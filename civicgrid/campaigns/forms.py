from decimal import Decimal

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.areas.models import Area
from civicgrid.areas.models import Level as AreaLevel
from civicgrid.campaigns import standards, transfer
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    Indicator,
    PointType,
    Standard,
    StandardVersion,
)
from civicgrid.categories.models import Category

FILE_TYPES = (".yaml", ".yml", ".xlsx")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}（{obj.get_kind_display()}）"


INDICATOR_FIELDS = [
    "parent",
    "code",
    "title",
    "criteria",
    "points",
    "method",
    "point_types",
    "deduction_per_count",
    "negative",
    "negative_value",
    "category",
    "order",
]


class IndicatorForm(forms.Form):
    """One indicator of a version. Not a ModelForm: the change may land in a new version
    (`standards.target`), so `apply` writes it onto whichever indicator that is. The checks
    are `standards.problems`, the same as the imports'."""

    def __init__(self, data=None, *, version: StandardVersion, depth: int, indicator=None):
        initial = model_to_dict(indicator, INDICATOR_FIELDS) if indicator else {}
        super().__init__(data, initial=initial)
        self.version, self.depth, self.indicator = version, depth, indicator
        self.fields.update(
            fields_for_model(
                Indicator,
                INDICATOR_FIELDS,
                labels={"order": _("排序"), "parent": _("上级指标")},
                widgets={"criteria": forms.Textarea(attrs={"rows": 3})},
                field_classes={"category": CategoryChoiceField},
                error_messages={
                    name: {"invalid": _("%(label)s应为数字。") % {"label": label}}
                    for name, label in NUMBERS.items()
                },
            )
        )
        self.fields["point_types"] = forms.MultipleChoiceField(
            label=_("适用点位类型"),
            choices=PointType.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("不选表示适用于所有点位类型。"),
        )
        self.fields["code"].error_messages["required"] = _("请填写编号。")
        self.fields["title"].error_messages["required"] = _("请填写名称。")
        for name in ("points", "order"):
            self.fields[name].required = False
        self._limit_to_level()

    def _limit_to_level(self):
        if self.depth == Indicator.Level.PROJECT:
            del self.fields["parent"]
        else:
            parent = self.fields["parent"]
            parent.queryset = self.version.indicators.filter(depth=self.depth - 1).order_by(
                "order", "pk"
            )
            parent.required, parent.empty_label = True, None
            parent.error_messages["required"] = _("请选择上级指标。")
        if self.depth != Indicator.Level.ITEM:
            for name in ("deduction_per_count", "negative", "negative_value", "category"):
                del self.fields[name]
        else:
            category = self.fields["category"]
            category.queryset = Category.objects.active().order_by("kind", "code")
            category.empty_label = _("不指定（不合格时归入“创建测评问题”）")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = self.version.indicators.filter(code=code)
        if self.indicator is not None:
            taken = taken.exclude(pk=self.indicator.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("本版本中已有编号为“%(code)s”的指标，编号不能重复。") % {"code": code}
            )
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("points") is None and "points" not in self.errors:
            cleaned["points"] = Decimal(0)
        values = {name: cleaned.get(name) for name in self.fields if name != "parent"}
        draft = Indicator(version=self.version, depth=self.depth, **values)
        draft.point_types = cleaned.get("point_types") or []
        for name, message in standards.problems(draft, cleaned.get("parent")).items():
            if name not in self.fields:
                self.add_error(None, message)
            elif name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def apply(self, indicator: Indicator, target: standards.Target) -> Indicator:
        """Write the form onto `indicator` (in the target version); the parent follows by code."""
        for name in self.fields:
            setattr(indicator, name, self.cleaned_data[name])
        indicator.parent = target.counterpart(self.cleaned_data.get("parent"))
        if self.cleaned_data["order"] is None:
            indicator.order = standards.next_order(target.version, indicator.parent)
        return indicator


NUMBERS = {
    "points": gettext_lazy("分值"),
    "deduction_per_count": gettext_lazy("每处扣分"),
    "negative_value": gettext_lazy("负面清单扣分/封顶比例"),
    "order": gettext_lazy("排序"),
}


class StreetField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        sample = _("（样例）") if obj.standard.is_sample else ""
        return f"{obj.standard.name}{sample} v{obj.number}"


class CampaignForm(forms.ModelForm):
    """A campaign's name, kind, period, status and streets; its version is chosen at creation
    and changed later only by re-pinning."""

    class Meta:
        model = Campaign
        fields = ["name", "kind", "start", "end", "status", "streets", "version"]
        field_classes = {"streets": StreetField, "version": VersionChoiceField}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "streets": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "name": {"required": gettext_lazy("请填写名称。")},
            "start": {"required": gettext_lazy("请填写开始日期。")},
            "end": {"required": gettext_lazy("请填写结束日期。")},
            "streets": {"required": gettext_lazy("请至少选择一个街道。")},
            "version": {"required": gettext_lazy("请选择测评体系版本。")},
        }

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.mine = authz.restrict(Area.objects.filter(level=AreaLevel.STREET), "campaigns.change")
        self.fields["streets"].queryset = self.mine.order_by("code")
        if self.instance.pk:
            del self.fields["version"]
            self.others = list(self.instance.streets.exclude(pk__in=self.mine.values("pk")))
        else:
            self.others = []
            self.fields["version"].queryset = StandardVersion.objects.select_related(
                "standard"
            ).order_by("standard__name", "-number")
            self.fields["version"].empty_label = _("请选择")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        # Streets outside the editor's scope are not theirs to take off.
        self.instance.streets.add(*self.others)


class RepinForm(forms.Form):
    version = VersionChoiceField(
        StandardVersion.objects.none(),
        label=gettext_lazy("改用版本"),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("请选择同一测评体系的其他版本。")},
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (
            campaign.version.standard.versions.exclude(pk=campaign.version_id)
            .select_related("standard")
            .order_by("-number")
        )


class StandardFileField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and not upload.name.lower().endswith(FILE_TYPES):
            raise forms.ValidationError(_("请上传 .yaml 或 .xlsx 文件。"))
        if upload and upload.size > transfer.MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        return upload


def read_standard_file(upload) -> transfer.Parsed:
    """A YAML or Excel upload, parsed and checked; raises TransferError."""
    if upload.name.lower().endswith(".xlsx"):
        return transfer.read_excel(upload)
    return transfer.read_yaml(upload.read())


class StandardForm(forms.Form):
    """A new standard, empty or from a file; a YAML file may supply the name and kind."""

    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=[("", "—"), *CampaignKind.choices], required=False
    )
    note = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    file = StandardFileField(
        label=gettext_lazy("从文件导入（可选）"),
        required=False,
        help_text=gettext_lazy("YAML 或 Excel（.xlsx）文件；不选文件则新建一个空的测评体系。"),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        self.parsed = transfer.Parsed([])
        if upload:
            try:
                self.parsed = read_standard_file(upload)
            except transfer.TransferError as error:
                self.import_errors = error.errors
                raise forms.ValidationError(_("文件有错误，未导入任何内容。")) from None
        parsed = self.parsed
        parsed.name = cleaned.get("name") or parsed.name
        parsed.kind = cleaned.get("kind") or parsed.kind
        parsed.note = cleaned.get("note") or parsed.note
        if not parsed.name:
            self.add_error("name", _("请填写名称。"))
        elif Standard.objects.filter(name=parsed.name).exists():
            self.add_error("name", _("已有同名的测评体系；要导入新版本，请在该体系的页面导入。"))
        if not parsed.kind:
            self.add_error("kind", _("请选择类型。"))
        return cleaned

    import_errors: list[str] = []


class VersionImportForm(forms.Form):
    file = StandardFileField(label=gettext_lazy("YAML 或 Excel（.xlsx）文件"))
    note = forms.CharField(label=gettext_lazy("修订说明"), max_length=200, required=False)

    import_errors: list[str] = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file"):
            try:
                self.parsed = read_standard_file(cleaned["file"])
            except transfer.TransferError as error:
                self.import_errors = error.errors
                raise forms.ValidationError(_("文件有错误，未导入任何内容。")) from None
        return cleaned
