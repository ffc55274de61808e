"""Forms at the edge of the case workflow: the phone report form and one form per step."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.locate import locate
from civicgrid.areas.models import Department
from civicgrid.cases import intake, responsibility
from civicgrid.cases.models import Case, Closure, Source
from civicgrid.cases.workflow import PHOTO_KIND
from civicgrid.categories.models import CODE_PATTERN, Category
from civicgrid.lib.images import clean_image
from civicgrid.people.models import Role

CODE = re.compile(CODE_PATTERN)
MAX_PHOTOS = 6


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from the camera or the album, each checked to be a real image."""

    def __init__(self, *, capture=True, **kwargs):
        attrs = {"accept": "image/*", "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultiplePhotoInput(attrs=attrs))
        kwargs.setdefault("label", _("照片"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        # Re-encoded without EXIF: staff photos need no GPS or device trail either.
        return [
            clean_image(upload, name=f"photo-{n}.jpg") for n, upload in enumerate(files, start=1)
        ]

    def bound_data(self, data, initial):
        return data


def category_from(value: str) -> Category | None:
    """An active category by its 5-digit code, or by its id (what the search box fills in)."""
    value = (value or "").strip()
    categories = Category.objects.active()
    if CODE.match(value):
        return categories.filter(code=value).order_by("kind").first()
    return categories.filter(pk=int(value)).first() if value.isdigit() else None


class ReportForm(forms.Form):
    """A problem found on patrol, reported from the phone: where, what, and photos."""

    category = forms.CharField(
        label=_("问题类别"),
        widget=forms.HiddenInput,
        error_messages={"required": _("请选择问题类别（可按名称、代码或关键词搜索）。")},
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请简要描述问题。")},
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lng = forms.FloatField(widget=forms.HiddenInput, required=False)
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[c for c in Source.choices if c[0] != Source.RESIDENT],
        initial=Source.PATROL,
    )
    photos = PhotosField(required=False, label=_("现场照片（最多 6 张）"))

    def clean_category(self):
        category = category_from(self.cleaned_data["category"])
        if category is None:
            raise ValidationError(_("没有这个问题类别，请从搜索结果中选择。"))
        return category

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if lat is None or lng is None:
            if "lat" not in self.errors and "lng" not in self.errors:
                self.add_error(None, _("请定位或在地图上点选问题位置。"))
            return data
        try:
            data["area"] = locate(lat, lng)
        except ValidationError as error:
            self.add_error(None, error)
            return data
        if data["area"] is None:
            self.add_error(None, _("该位置不在本平台的网格范围内，请在地图上重新选点。"))
        return data

    def report(self, by):
        """The valid form's case, reported by `by` where the check located it."""
        data = self.cleaned_data
        return intake.report(
            category=data["category"],
            description=data["description"],
            lat=data["lat"],
            lng=data["lng"],
            area=data["area"],
            address=data["address"],
            source=data["source"],
            by=by,
            photos=data.get("photos") or (),
        )


class StepForm(forms.Form):
    """What one workflow step needs from the person, built from the step's `needs`."""

    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, step, case: Case, authz, *args, **kwargs):
        kwargs.setdefault("prefix", step.action)
        super().__init__(*args, **kwargs)
        self.step, self.case, self.authz = step, case, authz
        if "reason" in step.needs:
            self.fields["note"].label = _("理由")
            self.fields["note"].required = True
            self.fields["note"].error_messages["required"] = _("请填写理由。")
        if step.action in PHOTO_KIND:
            self.fields["photos"] = PhotosField(
                required="after_photo" in step.needs,
                label=_("处置后照片") if step.action == "handle" else _("核查照片"),
                error_messages={"required": _("请上传至少一张处置后照片。")},
            )
        if "deadline" in step.needs:
            self.fields["deadline"] = forms.DateTimeField(
                label=_("申请的新期限"),
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            )
        if "duplicate_of" in step.needs:
            self.fields["duplicate_of"] = forms.CharField(
                label=_("重复于案件编号"),
                max_length=20,
                widget=forms.TextInput(attrs={"placeholder": "2026-000001"}),
            )
        if "closure" in step.needs:
            self.fields["closure"] = forms.ChoiceField(
                label=_("结案类型"),
                choices=[
                    (Closure.SPECIAL, Closure.SPECIAL.label),
                    (Closure.ERRONEOUS, Closure.ERRONEOUS.label),
                ],
            )
        if "unit" in step.needs:
            self.units = unit_choices(case)
            self.fields["unit"] = forms.ChoiceField(
                label=_("责任单位"),
                choices=[(key, label) for key, (label, _details) in self.units.items()],
                initial=proposed_unit(case),
            )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise ValidationError(_("新期限应在现在之后。"))
        return deadline

    def clean_duplicate_of(self):
        number = self.cleaned_data["duplicate_of"].strip()
        survivor = Case.objects.restrict(self.authz).filter(number=number).first()
        if survivor is None or survivor.pk == self.case.pk:
            raise ValidationError(_("找不到编号为 %(n)s 的其他案件。") % {"n": number})
        if not survivor.is_open:
            raise ValidationError(_("案件 %(n)s 已办结，不能并入。") % {"n": number})
        return survivor

    def details(self) -> dict:
        """The keyword arguments `workflow.take` needs for this step."""
        data = self.cleaned_data
        details = {k: data[k] for k in ("deadline", "duplicate_of", "closure") if k in data}
        if "unit" in data:
            details.update(self.units[data["unit"]][1])
        return details


def unit_choices(case: Case) -> dict[str, tuple[str, dict]]:
    """Who a case can be dispatched to: the street's departments, or its community or grid."""
    ids = [int(part) for part in case.area_path.split("/") if part]
    choices = {}
    for department in Department.objects.filter(street_id__in=ids, is_active=True):
        choices[f"department-{department.pk}"] = (department.name, {"department": department})
    for role, prefix in ((Role.COMMUNITY, _("社区")), (Role.GRID_WORKER, _("网格"))):
        area = responsibility.area_for_role(case, role)
        if area is not None:
            choices[role] = (f"{prefix}：{area.name}", {"area": area, "role": role})
    return choices


def proposed_unit(case: Case) -> str:
    if case.responsible_department_id:
        return f"department-{case.responsible_department_id}"
    return case.responsible_role or Role.COMMUNITY
