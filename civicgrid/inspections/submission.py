"""Conducting an inspection: start it, save item by item, submit, score, and turn failures
(and extra problems found on the spot) into cases."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.campaigns.models import Indicator
from civicgrid.cases import intake, workflow
from civicgrid.cases.models import Source
from civicgrid.categories.models import Category
from civicgrid.inspections.models import Inspection, ItemPhoto, ItemResult, Round
from civicgrid.inspections.rounds import may_inspect, sites_in_scope
from civicgrid.inspections.scoring import item_score, site_score
from civicgrid.people.authz import Authz

# Where a failed item names no category, its case falls in this local one.
FALLBACK_CATEGORY = {"kind": Category.Kind.LOCAL, "code": "90001"}


class Submitted(ValidationError):
    """The inspection was submitted: its results and problems no longer change."""


class Incomplete(ValidationError):
    """Items of the checklist still have no verdict: nothing was submitted."""

    def __init__(self, missing: list[Indicator]):
        self.missing = missing
        codes = "、".join(item.code for item in missing[:10])
        super().__init__(_("还有 %(n)s 项未检查：%(codes)s") % {"n": len(missing), "codes": codes})


class Busy(Exception):
    """Someone else's inspection of the site in this round is still a draft."""

    def __init__(self, inspection: Inspection):
        self.inspection = inspection
        super().__init__(
            _("%(who)s 正在检查该点位，请勿重复检查。") % {"who": inspection.inspector}
        )


def start(round: Round, site_pk: int, authz) -> tuple[Inspection, bool]:
    """Start the inspection of one site of the round, or resume it: (inspection, created).

    Http404 for a site outside the round or the person's scopes; PermissionDenied for a
    person who may not inspect there or is not an inspector of the round; Busy while
    another inspector's draft is open there. Two inspectors starting at once get one.
    """
    authz.require("inspections.conduct")
    site = authz.get_object(sites_in_scope(round), "inspections.conduct", pk=site_pk)
    if not may_inspect(round, authz):
        raise PermissionDenied(_("您不是本轮的督查人员。"))
    inspection = Inspection.objects.filter(round=round, site=site).first()
    created = inspection is None
    if created:
        try:
            with transaction.atomic():
                inspection = Inspection.objects.create(round=round, site=site, inspector=authz.user)
        except IntegrityError:  # someone started it a moment ago
            inspection, created = Inspection.objects.get(round=round, site=site), False
    if inspection.status == Inspection.Status.DRAFT and inspection.inspector_id != authz.user.pk:
        raise Busy(inspection)
    return inspection, created


def check_inspector(inspection: Inspection, user) -> None:
    """Only the inspection's own inspector changes it: anyone else is refused (403)."""
    if inspection.inspector_id != user.pk:
        raise PermissionDenied(_("只有本次检查的督查人员可以修改检查结果。"))


def may_change(inspection: Inspection, authz) -> bool:
    """Whether the person may still change the inspection: its inspector, while a draft."""
    return (
        inspection.status == Inspection.Status.DRAFT
        and inspection.inspector_id == authz.user.pk
        and authz.may("inspections.conduct", inspection)
    )


def checklist(inspection: Inspection) -> list[Indicator]:
    """The field items of the campaign's pinned standard that apply to this site's type,
    in the standard's order (project, content, item)."""
    items = Indicator.objects.filter(
        version=inspection.round.campaign.version_id,
        depth=Indicator.Level.ITEM,
        method=Indicator.Method.FIELD,
    ).select_related("parent__parent", "category")
    found = [item for item in items if item.applies_to(inspection.site.point_type)]
    return sorted(found, key=_standard_order)


def _standard_order(item: Indicator) -> tuple:
    chain = [item.parent.parent if item.parent else None, item.parent, item]
    return tuple(key for node in chain for key in ((node.order, node.pk) if node else (0, 0)))


def checklist_item(inspection: Inspection, pk: int) -> Indicator | None:
    """One item of the inspection's checklist by id; None for any other indicator."""
    return next((item for item in checklist(inspection) if item.pk == pk), None)


def _editable(inspection: Inspection) -> Inspection:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != Inspection.Status.DRAFT:
        raise Submitted(_("该检查已提交，不能再修改。"))
    return locked


@transaction.atomic
def save_item(
    inspection, indicator, verdict, count=0, note="", photos=(), lat=None, lng=None
) -> ItemResult:
    """Record one item's verdict as the inspector goes, so a dropped connection loses nothing."""
    _editable(inspection)
    if verdict not in ItemResult.Verdict.values:
        raise ValidationError({"verdict": _("请选择合格、不合格或不适用。")})
    if (
        verdict == ItemResult.Verdict.FAIL
        and indicator.deduction_per_count is not None
        and count < 1
    ):
        raise ValidationError({"count": _("按处数扣分的条目请填写问题处数。")})
    result, _created = ItemResult.objects.update_or_create(
        inspection=inspection,
        indicator=indicator,
        defaults={
            "verdict": verdict,
            "count": count if verdict == ItemResult.Verdict.FAIL else 0,
            "note": note,
        },
    )
    for upload in photos:
        ItemPhoto.objects.create(
            result=result, image=upload, lat=lat, lng=lng, taken_at=timezone.now()
        )
    return result


@transaction.atomic
def submit(inspection: Inspection, at=None) -> list:
    """Score the site and open one case per failed item; returns the cases opened.

    `at` replays a submission made earlier (the demo's history); inspectors submit now.
    """
    locked = _editable(inspection)
    items = checklist(locked)
    results = {r.indicator_id: r for r in locked.results.select_related("indicator")}
    missing = [item for item in items if item.pk not in results]
    if missing:
        raise Incomplete(missing)
    scored = [(item, results[item.pk].verdict, results[item.pk].count) for item in items]
    total = site_score(scored)
    for item, verdict, count in scored:
        ItemResult.objects.filter(pk=results[item.pk].pk).update(
            score=item_score(item, verdict, count)
        )
    locked.score, locked.max_score, locked.percentage = (
        total.score,
        total.max_score,
        total.percentage,
    )
    locked.status, locked.submitted_at = Inspection.Status.SUBMITTED, at or timezone.now()
    locked.save()
    failed = [
        results[item.pk] for item in items if results[item.pk].verdict == ItemResult.Verdict.FAIL
    ]
    cases = [_open_case(locked, result, at) for result in failed if result.case_id is None]
    inspection.refresh_from_db()
    return cases


def _category(indicator: Indicator) -> Category:
    if indicator.category_id:
        return indicator.category
    category, _created = Category.objects.get_or_create(
        **FALLBACK_CATEGORY,
        defaults={
            "major_code": "90",
            "major_name": "创建测评",
            "name": "创建测评问题",
            "is_standard": False,
        },
    )
    return category


def _open_case(inspection: Inspection, result: ItemResult, at=None):
    indicator = result.indicator
    text = indicator.title
    if result.count:
        text += _("（%(n)s 处）") % {"n": result.count}
    if result.note:
        text += f"。{result.note}"
    photos = [
        File(photo.image.open("rb"), name=photo.image.name.rsplit("/", 1)[-1])
        for photo in result.photos.all()
    ]
    case = open_case(
        inspection, _category(indicator), text, photos, note=_("实地检查不合格，自动立案"), at=at
    )
    ItemResult.objects.filter(pk=result.pk).update(case=case)
    return case


@transaction.atomic
def add_problem(inspection: Inspection, category, description, photos=(), lat=None, lng=None):
    """A problem found at the site beyond the checklist, while the inspection is a draft:
    an ordinary case, registered and dispatched at once."""
    _editable(inspection)
    case = open_case(
        inspection,
        category,
        description,
        photos,
        lat,
        lng,
        note=_("实地检查另报问题，自动立案"),
    )
    inspection.extra_cases.add(case)
    return case


@transaction.atomic
def open_case(
    inspection: Inspection,
    category,
    text: str,
    photos=(),
    lat=None,
    lng=None,
    note: str = "",
    at=None,
):
    """Report, register and dispatch a case at the inspected site, through the 责任清单."""
    site = inspection.site
    if lat is None or lng is None:
        lat, lng = site.lat, site.lng
    case = intake.report(
        category=category,
        description=f"【{inspection.round}】{site.name}：{text}",
        lat=lat,
        lng=lng,
        address=site.address or site.name,
        source=Source.INSPECTION,
        by=inspection.inspector,
        photos=photos,
        at=at,
    )
    if case.grid is None:  # a site without coordinates still belongs to its area
        intake.relocate(case, site.area, inspection.inspector, at=at)
    system = Authz.for_automation(inspection.inspector)
    workflow.take(case, "register", system, note=note or _("实地检查发现问题，自动立案"), at=at)
    workflow.take(case, "dispatch", system, at=at)
    return case
