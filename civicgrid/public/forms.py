"""Forms of the residents' channel: report, "me too", rating, and the tracking-code box."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.locate import locate
from civicgrid.cases.models import Satisfaction
from civicgrid.categories.models import Category
from civicgrid.lib.images import clean_image

MAX_PHOTOS = 3
# A field people never see and bots fill in: any value refuses the submission.
HONEYPOT = "homepage"
PHONE = RegexValidator(
    r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", _("请填写 11 位手机号，或带区号的固定电话。")
)


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos, each read by its content and cleaned (lib.images)."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        return [clean_image(upload) for upload in files]

    def bound_data(self, data, initial):
        return data


class ContactForm(forms.Form):
    """Who the resident is, if they want to say: all of it optional."""

    name = forms.CharField(label=_("称呼"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_phone(self):
        return self.cleaned_data["phone"].replace("-", "").strip()

    def contact(self) -> dict:
        """What is kept of the reporter: nothing at all when they asked to stay anonymous."""
        data = self.cleaned_data
        if data["anonymous"]:
            return {"name": "", "phone": "", "anonymous": True}
        return {"name": data["name"], "phone": data["phone"], "anonymous": False}


class ReportForm(ContactForm):
    """A resident's report: what, where, a photo or two, and optionally who."""

    photos = PhotosField(label=_("照片"), required=False)
    category = forms.ModelChoiceField(
        label=_("问题类别"),
        queryset=Category.objects.for_residents(),
        error_messages={
            "required": _("请选择问题类别。"),
            "invalid_choice": _("这个类别不能由居民直接反映，请重新选择。"),
        },
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请简要描述您看到的问题。")},
    )
    address = forms.CharField(label=_("地址或附近地标"), max_length=200, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lng = forms.FloatField(widget=forms.HiddenInput, required=False)

    field_order = ["photos", "category", "description", "address", "lat", "lng"]

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if lat is None or lng is None:
            self.add_error(None, _("请点“使用当前位置”，或在地图上点选问题的位置。"))
            return data
        try:
            data["area"] = locate(lat, lng)
        except ValidationError:
            data["area"] = None
        if data["area"] is None:
            self.add_error(None, _("这个位置不在本街道的受理范围内，请在地图上重新选点。"))
        return data


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("您对办理结果是否满意？"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意程度。"),
            "invalid_choice": _("请从五个满意程度中选择一个。"),
        },
    )
    comment = forms.CharField(
        label=_("意见或建议（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        error_messages={"required": _("请输入查询码。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()
