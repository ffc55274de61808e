"""Forms of the campaign work pages: the 责任分解表, the 工作进度表 and the 佐证材料."""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.campaigns import units, uploads
from civicgrid.campaigns.models import (
    Campaign,
    Evidence,
    EvidenceRequirement,
    IndicatorDuty,
    TaskNote,
    WorkTask,
)
from civicgrid.campaigns.standards import ordered


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.title}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.username}）" if obj.name else obj.username


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _one_unit(form, department_field: str, area_field: str, message) -> None:
    """A line answers to a department or to an area, not to both."""
    data = form.cleaned_data
    if data.get(department_field) and data.get(area_field):
        form.add_error(area_field, message)


def indicator_field(campaign: Campaign, required: bool = True) -> IndicatorChoice:
    field = IndicatorChoice(
        queryset=campaign.version.indicators.all(), label=_("测评指标"), required=required
    )
    field.choices = [("", "---------")] + [
        (i.pk, f"{i.code} {i.title}") for i in ordered(field.queryset)
    ]
    return field


class DutyForm(forms.ModelForm):
    """One line of the 责任分解表."""

    class Meta:
        model = IndicatorDuty
        fields = ["lead", "lead_area", "partners", "person"]
        field_classes = {
            "lead": UnitChoice,
            "lead_area": UnitChoice,
            "partners": UnitsChoice,
            "person": PersonChoice,
        }
        widgets = {"partners": forms.CheckboxSelectMultiple}
        labels = {"lead": _("牵头单位（部门/专线）"), "lead_area": _("牵头单位（街道/社区）")}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = units.departments(campaign)
        self.fields["partners"].queryset = units.departments(campaign)
        self.fields["lead_area"].queryset = units.areas(campaign)
        self.fields["person"].queryset = units.people(campaign)

    def clean(self):
        data = super().clean()
        _one_unit(self, "lead", "lead_area", _("牵头单位只能有一个：请在部门和街道/社区中选一个。"))
        if data.get("lead") and data["lead"] in data.get("partners", ()):
            self.add_error("partners", _("牵头单位不必再列为配合单位。"))
        return data


class TaskForm(forms.ModelForm):
    """A line of the 工作进度表 as the 创城办 sets it: what, who, which unit, by when."""

    class Meta:
        model = WorkTask
        fields = ["title", "indicator", "owner", "department", "due"]
        field_classes = {"owner": PersonChoice, "department": UnitChoice}
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}
        error_messages = {"due": {"invalid": _("请按 2026-06-30 的格式填写日期。")}}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = indicator_field(campaign, required=False)
        self.fields["indicator"].label = _("关联指标")
        self.fields["owner"].queryset = units.people(campaign)
        self.fields["department"].queryset = units.departments(campaign)


class ProgressForm(forms.ModelForm):
    """A progress note, with the task's status and progress as they now stand."""

    status = forms.ChoiceField(label=_("状态"), choices=WorkTask.Status.choices)
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100, required=False)

    class Meta:
        model = TaskNote
        fields = ["text", "progress"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("工作进展")}
        error_messages = {"text": {"required": _("请填写工作进展。")}}

    def __init__(self, *args, task: WorkTask, **kwargs):
        super().__init__(
            *args, initial={"status": task.status, "progress": task.progress}, **kwargs
        )

    @transaction.atomic
    def apply(self, task: WorkTask, by) -> TaskNote:
        """Record the note and bring the task to the stated status and progress."""
        note = self.save(commit=False)
        note.task, note.by = task, by
        status = self.cleaned_data["status"]
        if status == WorkTask.Status.DONE:
            note.progress = 100
        if note.progress is not None:
            task.progress = note.progress
        if status != task.status:
            task.done_at = timezone.now() if status == WorkTask.Status.DONE else None
        task.status = status
        note.save()
        task.save(update_fields=["status", "progress", "done_at"])
        return note


class RequirementForm(forms.ModelForm):
    """What material an indicator needs, how many, and which unit provides it."""

    class Meta:
        model = EvidenceRequirement
        fields = ["indicator", "description", "quantity", "department", "area"]
        field_classes = {"department": UnitChoice, "area": UnitChoice}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    quantity = forms.IntegerField(label=_("份数"), min_value=1, max_value=999, initial=1)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = indicator_field(campaign)
        self.fields["department"].queryset = units.departments(campaign)
        self.fields["area"].queryset = units.areas(campaign)

    def clean(self):
        data = super().clean()
        _one_unit(
            self, "department", "area", _("提供单位只能有一个：请在部门和街道/社区中选一个。")
        )
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、Word（.docx）、Excel（.xlsx）或 JPG、PNG 图片"),
        error_messages={"required": _("请选择要上传的文件。")},
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = uploads.check_document(upload)
        return upload

    def save(self, requirement: EvidenceRequirement, by) -> Evidence:
        upload = self.cleaned_data["file"]
        upload.name = uploads.stored_name(upload, self.kind)
        return Evidence.objects.create(
            requirement=requirement, file=upload, note=self.cleaned_data["note"], uploaded_by=by
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Evidence.Status.ACCEPTED, _("通过")), (Evidence.Status.RETURNED, _("退回"))]
    )
    comment = forms.CharField(label=_("审核意见"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Evidence.Status.RETURNED and not data.get("comment"):
            self.add_error("comment", _("退回时请写明原因，以便提供单位补正。"))
        return data

    def apply(self, evidence: Evidence, by) -> None:
        evidence.status = self.cleaned_data["decision"]
        evidence.review_comment = self.cleaned_data["comment"]
        evidence.reviewed_by = by
        evidence.save(update_fields=["status", "review_comment", "reviewed_by"])
