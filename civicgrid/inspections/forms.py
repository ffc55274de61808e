"""Forms of the inspection pages: sites, rounds, one checklist item, an extra problem, a re-check."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import Campaign, PointType
from civicgrid.cases.filters import DepartmentChoice, departments_for
from civicgrid.cases.forms import PhotosField
from civicgrid.categories.models import Category
from civicgrid.inspections import submission
from civicgrid.inspections.models import ItemResult, Round, Site
from civicgrid.lib.geo import validate_point
from civicgrid.people.models import Role, RoleAssignment, User

MAX_COUNT = 999  # problems counted at one item (the column holds up to 32767)
POINT_TYPE_CHOICES = [("", gettext_lazy("全部类型"))] + PointType.choices


def area_label(area: Area) -> str:
    indent = "\u3000" * max(0, (area.level - Level.STREET) // 10)
    return f"{indent}{area.name}（{area.code}）"


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return area_label(obj)


class AreaMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return area_label(obj)


class SiteFilter(forms.Form):
    """The site list's GET form."""

    q = forms.CharField(label=gettext_lazy("名称或地址"), required=False, max_length=100)
    point_type = forms.ChoiceField(
        label=gettext_lazy("点位类型"), required=False, choices=POINT_TYPE_CHOICES
    )
    area = forms.CharField(label=gettext_lazy("区域编码"), required=False, max_length=20)
    inactive = forms.BooleanField(label=gettext_lazy("含已停用"), required=False)

    def visible_sites(self, authz):
        """The sites the person may view (sites.view), narrowed by the filters."""
        areas = authz.restrict(Area.objects.all(), "sites.view")
        return self.sites(authz.restrict(Site.objects.all(), "sites.view"), areas)

    def sites(self, sites, areas):
        """`sites` narrowed by the valid filters; an unknown or hidden area code matches nothing
        (and leaves `area` None: the API answers 404 for it, as the case list does)."""
        self.is_valid()
        data = self.cleaned_data
        if not data.get("inactive"):
            sites = sites.filter(is_active=True)
        if data.get("point_type"):
            sites = sites.filter(point_type=data["point_type"])
        self.area = None
        if code := (data.get("area") or "").strip():
            self.area = areas.filter(code=code).first()
            sites = (
                sites.filter(area_path__startswith=self.area.path) if self.area else sites.none()
            )
        if text := (data.get("q") or "").strip():
            sites = sites.filter(Q(name__icontains=text) | Q(address__icontains=text))
        return sites


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "point_type", "area", "address", "lat", "lng", "department", "is_active"]
        field_classes = {"area": AreaChoiceField, "department": DepartmentChoice}
        error_messages = {
            "name": {"required": gettext_lazy("请填写点位名称。")},
            "area": {
                "required": gettext_lazy("请选择点位所在的社区或网格。"),
                "invalid_choice": gettext_lazy("该区域不存在或不在您可修改的范围内。"),
            },
        }

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        areas = authz.restrict(Area.objects.filter(level__gte=Level.STREET), "sites.change")
        self.fields["area"].queryset = areas.order_by("path")
        self.fields["department"].queryset = departments_for(authz)
        self.fields["lat"].widget.attrs["step"] = "any"
        self.fields["lng"].widget.attrs["step"] = "any"

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            raise ValidationError(_("纬度和经度须同时填写或同时留空。"))
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError(_("纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。"))
        return data


class RoundForm(forms.ModelForm):
    """A supervision round: its campaign, dates, scope and inspectors."""

    point_types = forms.MultipleChoiceField(
        label=gettext_lazy("点位类型"),
        required=False,
        choices=PointType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("项目覆盖街道内这些类型的全部启用点位"),
    )

    class Meta:
        model = Round
        fields = [
            "campaign",
            "name",
            "start",
            "end",
            "sites",
            "areas",
            "point_types",
            "inspectors",
            "repeat_days",
        ]
        field_classes = {"areas": AreaMultipleChoiceField}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "sites": forms.SelectMultiple(attrs={"size": 8}),
            "areas": forms.SelectMultiple(attrs={"size": 8}),
            "inspectors": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "sites": gettext_lazy("逐个选定的点位"),
            "areas": gettext_lazy("这些区域（含下级）内的全部启用点位"),
        }
        error_messages = {
            "campaign": {"required": gettext_lazy("请选择创建项目。")},
            "name": {"required": gettext_lazy("请填写轮次名称，如 第1轮。")},
            "start": {"required": gettext_lazy("请填写开始日期。")},
            "end": {"required": gettext_lazy("请填写结束日期。")},
        }

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.restrict(authz, "campaigns.change")
        self.fields["sites"].queryset = authz.restrict(
            Site.objects.filter(is_active=True), "sites.view"
        ).select_related("area")
        self.fields["areas"].queryset = authz.restrict(
            Area.objects.filter(level__gte=Level.STREET, level__lte=Level.COMMUNITY), "areas.view"
        ).order_by("path")
        self.fields["inspectors"].queryset = inspectors_for(authz)
        self.fields["repeat_days"].min_value = 1
        self.fields["repeat_days"].widget.attrs["min"] = 1

    def clean(self):
        data = super().clean()
        campaign, start, end = data.get("campaign"), data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        if campaign and start and end and not (campaign.start <= start and end <= campaign.end):
            self.add_error(
                "end",
                _("轮次须在项目期间内（%(start)s 至 %(end)s）。")
                % {"start": campaign.start, "end": campaign.end},
            )
        if not (data.get("sites") or data.get("areas") or data.get("point_types")):
            raise ValidationError(_("请至少选择点位、区域或点位类型之一，确定本轮检查范围。"))
        if campaign:
            self._check_within(campaign, data)
        if data.get("repeat_days") == 0:
            self.add_error("repeat_days", _("重复周期至少为 1 天。"))
        return data

    def _check_within(self, campaign, data) -> None:
        streets = [street.path for street in campaign.streets.all()]
        outside = [
            item.name
            for item in [*(data.get("sites") or []), *(data.get("areas") or [])]
            if not any(
                (item.area_path if isinstance(item, Site) else item.path).startswith(p)
                for p in streets
            )
        ]
        if outside:
            raise ValidationError(
                _("以下点位或区域不在该项目覆盖的街道内：%(names)s。")
                % {"names": "、".join(outside[:10])}
            )


def inspectors_for(authz):
    """People holding a current supervisor or admin role in areas the person can see."""
    areas = authz.restrict(Area.objects.all(), "areas.view").values("pk")
    holders = RoleAssignment.objects.current().filter(
        role__in=[Role.SUPERVISOR, Role.ADMIN], area__in=areas
    )
    return User.objects.filter(pk__in=holders.values("user_id")).order_by("username")


class PositionForm(forms.Form):
    """Where a photo was taken (the phone's GPS): both coordinates, or none."""

    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if lat is not None and lng is not None:
            try:
                validate_point(lat, lng)
            except ValidationError as error:
                self.add_error("lat", error)
                self.add_error("lng", error)
        return data

    def position(self) -> tuple[float | None, float | None]:
        lat, lng = self.cleaned_data.get("lat"), self.cleaned_data.get("lng")
        return (lat, lng) if lat is not None and lng is not None else (None, None)


class ItemForm(PositionForm):
    """One checklist item's verdict, as the inspector taps it."""

    verdict = forms.ChoiceField(
        label=gettext_lazy("结果"),
        choices=ItemResult.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择合格、不合格或不适用。")},
    )
    count = forms.IntegerField(
        label=gettext_lazy("问题处数"), required=False, min_value=0, max_value=MAX_COUNT
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=300,
        error_messages={"max_length": gettext_lazy("说明不能超过 300 字。")},
    )
    photos = PhotosField(required=False, label=gettext_lazy("照片"))
    field_order = ["verdict", "count", "note", "photos", "lat", "lng"]

    def save(self, inspection, item) -> ItemResult:
        """Record the verdict on `item` (submission.save_item decides what is allowed)."""
        data = self.cleaned_data
        lat, lng = self.position()
        return submission.save_item(
            inspection,
            item,
            data["verdict"],
            count=data["count"] or 0,
            note=data["note"],
            photos=data["photos"],
            lat=lat,
            lng=lng,
        )


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ProblemForm(PositionForm):
    """A problem found at the site beyond the checklist: opened as an ordinary case."""

    category = CategoryChoice(
        Category.objects.none(),
        label=gettext_lazy("问题类别"),
        empty_label=gettext_lazy("请选择类别"),
        error_messages={"required": gettext_lazy("请选择问题类别。")},
    )
    description = forms.CharField(
        label=gettext_lazy("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请简要描述问题。")},
    )
    photos = PhotosField(required=False, label=gettext_lazy("现场照片"))
    field_order = ["category", "description", "photos", "lat", "lng"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "problem")
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.active().order_by("kind", "code")

    def save(self, inspection):
        """Open the problem as a case at the site (submission.add_problem)."""
        data = self.cleaned_data
        lat, lng = self.position()
        return submission.add_problem(
            inspection, data["category"], data["description"], data["photos"], lat, lng
        )


class VerifyForm(forms.Form):
    """Re-checking a handled case on the spot: pass closes it, fail sends it back."""

    action = forms.ChoiceField(
        choices=[("verify_pass", gettext_lazy("通过")), ("verify_fail", gettext_lazy("不通过"))]
    )
    note = forms.CharField(label=gettext_lazy("核查意见"), required=False, max_length=2000)
    photos = PhotosField(required=False, label=gettext_lazy("核查照片"))
