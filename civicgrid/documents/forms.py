from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.campaigns.models import Campaign
from civicgrid.documents.models import NEED_PERIOD, Kind
from civicgrid.scoring.models import Period

DATE = forms.DateInput(attrs={"type": "date"})


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.campaign.name} · {obj.name}"


class DocumentForm(forms.Form):
    """What to generate: the kind, the campaign, and a published period or dates."""

    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Kind.choices)
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("创建项目"), queryset=Campaign.objects.none(), empty_label=None
    )
    period = PeriodChoiceField(
        label=gettext_lazy("考核周期"),
        queryset=Period.objects.none(),
        required=False,
        help_text=gettext_lazy("督导通报、工作汇报和排名表采用所选周期已发布的成绩。"),
    )
    start = forms.DateField(label=gettext_lazy("开始日期"), required=False, widget=DATE)
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("仅问题清单：按上报日期，含当日；不填则取所选周期的起止日期。"),
    )

    def __init__(self, *args, authz, **kwargs):
        super().__init__(*args, **kwargs)
        self.authz = authz
        campaigns = Campaign.objects.restrict(authz, "documents.generate")
        self.fields["campaign"].queryset = campaigns
        self.fields["period"].queryset = (
            Period.objects.filter(campaign__in=campaigns, status=Period.Status.PUBLISHED)
            .select_related("campaign")
            .order_by("campaign__name", "-start", "kind")
        )

    def clean(self):
        data = super().clean()
        kind, campaign, period = data.get("kind"), data.get("campaign"), data.get("period")
        if kind is None or campaign is None:
            return data
        if period is not None and period.campaign_id != campaign.pk:
            self.add_error("period", _("所选周期不属于该创建项目，请重新选择。"))
            return data
        if kind in NEED_PERIOD and period is None:
            self.add_error("period", _("请选择一个已发布的考核周期。"))
        if kind == Kind.CASES:
            self._clean_dates(data, period)
        data["street"] = self.authz.restrict(campaign.streets.all(), "documents.generate").first()
        if data["street"] is None:
            raise forms.ValidationError(_("您不能为该创建项目覆盖的街道生成文书。"))
        return data

    def _clean_dates(self, data, period) -> None:
        start, end = data.get("start"), data.get("end")
        if period is not None:
            start, end = start or period.start, end or period.end
        if not start or not end:
            self.add_error("end", _("请填写开始和结束日期，或选择一个考核周期。"))
        elif end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        data["start"], data["end"] = start, end

    def issue_kwargs(self) -> dict:
        """The arguments of tasks.issue: a period only where figures come from it, dates only
        for the 问题清单."""
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "street": data["street"],
            "campaign": data["campaign"],
            "period": data["period"] if kind in NEED_PERIOD else None,
            "start": data["start"] if kind == Kind.CASES else None,
            "end": data["end"] if kind == Kind.CASES else None,
        }
