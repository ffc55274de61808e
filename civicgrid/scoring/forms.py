from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.scoring import periods
from civicgrid.scoring.models import Period

DATE = forms.DateInput(attrs={"type": "date"})


class PeriodForm(forms.Form):
    """A new period: a week, month or quarter by any day in it, or custom dates."""

    campaign = forms.ModelChoiceField(label=_("创建项目"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("周期"), choices=Period.Kind.choices)
    day = forms.DateField(
        label=_("所在日期"),
        required=False,
        widget=DATE,
        help_text=_("周、月、季度：选其中任意一天。周按自然周（周一至周日）。"),
    )
    start = forms.DateField(label=_("开始日期"), required=False, widget=DATE)
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE)
    name = forms.CharField(
        label=_("名称"), required=False, max_length=100, help_text=_("不填则自动命名")
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns

    def clean(self):
        data = super().clean()
        kind, campaign = data.get("kind"), data.get("campaign")
        if kind is None or campaign is None:
            return data
        if kind == Period.Kind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("自定义周期请填写开始日期和结束日期。"))
            if end < start:
                self.add_error("end", _("结束日期不能早于开始日期。"))
                return data
        else:
            if not data.get("day"):
                self.add_error("day", _("请选择周期内的任意一天。"))
                return data
            start, end = periods.BOUNDS[kind](data["day"])
        if Period.objects.filter(campaign=campaign, kind=kind, start=start).exists():
            raise forms.ValidationError(
                _("该项目已有从 %(start)s 开始的同类周期，请直接打开它。") % {"start": start}
            )
        data["bounds"] = (start, end)
        return data

    def save(self) -> Period:
        data = self.cleaned_data
        start, end = data["bounds"]
        name = data["name"] or periods.default_name(data["kind"], start, end)
        return Period.objects.create(
            campaign=data["campaign"], kind=data["kind"], start=start, end=end, name=name
        )


class PublishForm(forms.Form):
    public = forms.BooleanField(
        label=_("同时在公示页面展示社区排名"), required=False, initial=False
    )
