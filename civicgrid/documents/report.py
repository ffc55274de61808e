"""工作汇报: a campaign's work report for one published period, in the sections streets use
when they report to the district and the city, filled with the period's figures:

    一、组织领导和责任落实   责任分解表 (duties and units), 工作进度表 (tasks done and
                             overdue by the period's end), 佐证材料 completeness
    二、督查检查和问题整改   rounds and inspections, the failures most often found, case
                             counts and rates from the street's Score row, the ranking
    三、宣传发动和台账建设   ledger entries per ledger type: in the period and since the
                             campaign began
    四、目标任务完成情况     each target's progress in its period holding the period's end
    五、群众参与和满意度     residents' reports and 回访 satisfaction (Score row), and the
                             surveys' 知晓率 and 满意率 in the period
    六、存在的问题 and 七、下一步工作打算 are left to the author as highlighted placeholders.

Case and inspection figures are the published Score rows; the rest is counted as of the
period's end where the records say when (tasks done, ledger dates, survey answers, target
periods). Evidence completeness is as of generation, and the text says so.
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.campaigns import evidence
from civicgrid.campaigns.models import IndicatorDuty, WorkTask
from civicgrid.documents.builder import OfficialDocument, chinese_date, number_text, percent
from civicgrid.documents.bulletin import write_ranking
from civicgrid.documents.figures import (
    count,
    overdue,
    published,
    rate,
    scores,
    street_inspections,
    street_score,
)
from civicgrid.inspections.models import Round
from civicgrid.inspections.results import worst_items
from civicgrid.ledgers import survey_results, targets
from civicgrid.ledgers.models import LedgerEntry, LedgerType, Survey, Target
from civicgrid.scoring.compute import bounds
from civicgrid.scoring.models import Unit

EM_DASH = "\u2014"
WORST = 5


def title(street, campaign, period) -> str:
    return _("%(street)s%(period)s%(campaign)s工作情况汇报") % {
        "street": street.name,
        "period": period.name,
        "campaign": campaign.name,
    }


def issuer(street) -> str:
    return _("%(street)s办事处") % {"street": street.name}


def build(document) -> bytes:
    period = published(document.period)
    street, campaign = document.street, document.campaign
    score = street_score(period, street)
    out = OfficialDocument(document.title, issuer(street))
    out.title(document.title)
    out.paragraph(
        _(
            "%(period)s（%(start)s至%(end)s），%(street)s围绕%(campaign)s目标任务，压实责任、"
            "督查整改、广泛发动，各项工作有序推进。现将有关情况汇报如下："
        )
        % {
            "period": period.name,
            "start": chinese_date(period.start),
            "end": chinese_date(period.end),
            "street": street.name,
            "campaign": campaign.name,
        }
    )
    write_duties(out, campaign, period)
    write_inspections(out, period, street, score)
    write_ledgers(out, campaign, period, street)
    write_targets(out, campaign, period, street)
    write_residents(out, campaign, period, street, score)
    out.section(_("存在的问题"))
    out.placeholder(_("结合上述数据，写明当前工作中存在的主要问题和薄弱环节"))
    out.section(_("下一步工作打算"))
    out.placeholder(_("写明下一步的工作重点、具体措施和时间安排"))
    out.signature(issuer(street), timezone.localdate(document.created_at))
    return out.save()


# --- 一 ------------------------------------------------------------------------------------

UNIT_HEADER = [
    gettext_lazy("责任单位"),
    gettext_lazy("牵头指标"),
    gettext_lazy("工作任务"),
    gettext_lazy("已完成"),
    gettext_lazy("逾期未完成"),
]


def _done_by(end):
    return Q(status=WorkTask.Status.DONE) & (Q(done_at__lt=end) | Q(done_at__isnull=True))


def unit_rows(campaign, period) -> list[list]:
    """Per unit: indicators it leads, its tasks, done by the period's end, and overdue then."""
    _start, end = bounds(period)
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    duties = IndicatorDuty.objects.filter(campaign=campaign).select_related("lead", "lead_area")
    for duty in duties:
        lead = duty.lead or duty.lead_area
        if lead is not None:
            rows[lead.name][0] += 1
    tasks = WorkTask.objects.filter(campaign=campaign, department__isnull=False)
    done = _done_by(end)
    late = ~done & Q(due__lte=period.end)
    counted = tasks.values("department__name").annotate(
        total=Count("pk"), done=Count("pk", filter=done), late=Count("pk", filter=late)
    )
    for row in counted:
        line = rows[row["department__name"]]
        line[1:] = [row["total"], row["done"], row["late"]]
    return [[name, *figures] for name, figures in sorted(rows.items())]


def write_duties(out: OfficialDocument, campaign, period) -> None:
    out.section(_("组织领导和责任落实"))
    _start, end = bounds(period)
    duties = IndicatorDuty.objects.filter(campaign=campaign)
    if duties.exists():
        leads = duties.aggregate(
            d=Count("lead", distinct=True), a=Count("lead_area", distinct=True)
        )
        partners = duties.filter(partners__isnull=False).values("partners").distinct().count()
        out.paragraph(
            _(
                "对照测评体系细化责任分解，明确%(duties)s项指标的牵头单位和责任人，"
                "涉及牵头单位%(leads)s个、配合单位%(partners)s个。"
            )
            % {"duties": duties.count(), "leads": leads["d"] + leads["a"], "partners": partners}
        )
    else:
        out.paragraph(_("责任分解表尚未建立。"))
    tasks = WorkTask.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=_done_by(end)),
        late=Count("pk", filter=~_done_by(end) & Q(due__lte=period.end)),
    )
    if tasks["total"]:
        out.paragraph(
            _(
                "工作进度表共列工作任务%(total)s项，截至%(end)s已完成%(done)s项，逾期未完成%(late)s项。"
            )
            % {**tasks, "end": chinese_date(period.end)},
            keep_with_next=True,
        )
    rows = unit_rows(campaign, period)
    if rows:
        out.table([str(h) for h in UNIT_HEADER], rows, [45, 25, 25, 25, 30])
    material = evidence.total(campaign.evidence_requirements.all())
    if material.required:
        out.paragraph(
            _(
                "佐证材料应提供%(required)s份，已审核通过%(accepted)s份，完成%(percent)s%%"
                "（截至本汇报生成时）。"
            )
            % {
                "required": material.required,
                "accepted": material.accepted,
                "percent": material.percent,
            }
        )


# --- 二 ------------------------------------------------------------------------------------


def write_inspections(out: OfficialDocument, period, street, score) -> None:
    out.section(_("督查检查和问题整改"))
    out.subsection(_("督查检查"))
    rounds = Round.objects.filter(
        campaign=period.campaign, start__lte=period.end, end__gte=period.start
    ).count()
    inspections = street_inspections(period, street)
    checked = inspections.count()
    if checked:
        out.paragraph(
            _(
                "本期组织督查%(rounds)s轮，实地检查%(n)s次，覆盖点位%(sites)s个，"
                "平均得分率%(average)s。"
            )
            % {
                "rounds": rounds,
                "n": checked,
                "sites": inspections.values("site").distinct().count(),
                "average": percent(rate(score, "inspection")),
            }
        )
        worst = worst_items(inspections, limit=WORST)
        if worst:
            items = "、".join(
                _("%(title)s（%(n)s次）") % {"title": item.title, "n": item.failures}
                for item in worst
            )
            out.paragraph(_("失分较多的项目有：%(items)s。") % {"items": items})
    else:
        out.paragraph(_("本期组织督查%(rounds)s轮，未提交实地检查结果。") % {"rounds": rounds})
    out.subsection(_("问题整改"))
    out.paragraph(
        _(
            "本期立案%(found)s件，到期应结案%(due)s件，已结案%(closed)s件，结案率%(closure)s，"
            "按期结案率%(ontime)s，按期处置率%(handling)s，返工率%(rework)s；"
            "到期未结案%(overdue)s件。"
        )
        % {
            "found": count(score, "registered"),
            "due": count(score, "due"),
            "closed": count(score, "closed"),
            "closure": percent(rate(score, "closure_rate")),
            "ontime": percent(rate(score, "ontime_closure_rate")),
            "handling": percent(rate(score, "ontime_handling_rate")),
            "rework": percent(rate(score, "rework_rate")),
            "overdue": overdue(score),
        }
    )
    out.subsection(_("考核排名"))
    write_ranking(out, scores(period, street, Unit.COMMUNITY))


# --- 三 ------------------------------------------------------------------------------------

LEDGER_HEADER = [gettext_lazy("台账类型"), gettext_lazy("本期新增"), gettext_lazy("累计")]


def ledger_rows(campaign, period, street) -> list[list]:
    """Per ledger type of the street (the campaign's or shared): entries in the period and
    since the campaign began, up to the period's end."""
    types = LedgerType.objects.filter(street=street, is_active=True).filter(
        Q(campaign=campaign) | Q(campaign__isnull=True)
    )
    counted = (
        LedgerEntry.objects.filter(
            ledger__in=types,
            area_path__startswith=street.path,
            date__gte=campaign.start,
            date__lte=period.end,
        )
        .values("ledger")
        .annotate(total=Count("pk"), now=Count("pk", filter=Q(date__gte=period.start)))
    )
    found = {row["ledger"]: (row["now"], row["total"]) for row in counted}
    return [[t.name, *found.get(t.pk, (0, 0))] for t in types.order_by("name")]


def write_ledgers(out: OfficialDocument, campaign, period, street) -> None:
    out.section(_("宣传发动和台账建设"))
    rows = ledger_rows(campaign, period, street)
    if not rows:
        out.paragraph(_("尚未建立台账。"))
        return
    out.paragraph(
        _("建立台账%(types)s类，本期新增台账记录%(now)s条，创建以来累计%(total)s条。")
        % {
            "types": len(rows),
            "now": sum(r[1] for r in rows),
            "total": sum(r[2] for r in rows),
        },
        keep_with_next=True,
    )
    out.table([str(h) for h in LEDGER_HEADER], rows, [60, 30, 30])


# --- 四 ------------------------------------------------------------------------------------

TARGET_HEADER = [
    gettext_lazy("目标"),
    gettext_lazy("区域"),
    gettext_lazy("考核期"),
    gettext_lazy("目标值"),
    gettext_lazy("完成值"),
    gettext_lazy("完成情况"),
]


def target_rows(campaign, period, street) -> list[tuple[Target, targets.Progress]]:
    """Each target of the campaign in the street, in its period holding the period's end,
    as of that day."""
    found = Target.objects.filter(campaign=campaign, area__path__startswith=street.path)
    found = found.select_related("area", "survey", "campaign").order_by("name", "pk")
    return [(t, targets.progress(t, period.end, today=period.end)) for t in found]


def _amount(value, target: Target) -> str:
    if value is None:
        return EM_DASH
    if target.metric == Target.Metric.RATE:
        return percent(value)
    return f"{number_text(value)}{target.unit}"


def write_targets(out: OfficialDocument, campaign, period, street) -> None:
    out.section(_("目标任务完成情况"))
    rows = target_rows(campaign, period, street)
    if not rows:
        out.paragraph(_("本项目尚未设定量化目标。"))
        return
    statuses = [p.status for _t, p in rows]
    out.paragraph(
        _(
            "共设定量化目标%(n)s项，截至%(end)s，已达标%(met)s项，进度正常%(on)s项，"
            "进度落后或未达标%(behind)s项。"
        )
        % {
            "n": len(rows),
            "end": chinese_date(period.end),
            "met": statuses.count(targets.MET),
            "on": statuses.count(targets.ON_TRACK),
            "behind": statuses.count(targets.BEHIND) + statuses.count(targets.MISSED),
        },
        keep_with_next=True,
    )
    lines = [
        [
            target.name,
            target.area.name,
            f"{p.start:%m-%d}~{p.end:%m-%d}",
            _amount(p.threshold, target),
            _amount(p.value, target),
            p.status_label,
        ]
        for target, p in rows
    ]
    out.table([str(h) for h in TARGET_HEADER], lines, [38, 20, 30, 20, 22, 25])


# --- 五 ------------------------------------------------------------------------------------

SURVEY_HEADER = [
    gettext_lazy("问卷"),
    gettext_lazy("本期答卷"),
    gettext_lazy("知晓率"),
    gettext_lazy("满意率"),
]


def survey_rows(campaign, period, street) -> list[list]:
    surveys = Survey.objects.filter(street=street).filter(
        Q(campaign=campaign) | Q(campaign__isnull=True)
    )
    rows = []
    for survey in surveys.order_by("created_at", "pk"):
        total = survey_results.results(survey, street, period.start, period.end).total
        if total.responses:
            rows.append(
                [
                    survey.title,
                    total.responses,
                    percent(total.aware.rate),
                    percent(total.satisfied.rate),
                ]
            )
    return rows


def write_residents(out: OfficialDocument, campaign, period, street, score) -> None:
    out.section(_("群众参与和满意度"))
    out.paragraph(
        _(
            "本期受理群众监督举报并立案%(verified)s件，占立案总数的%(share)s；"
            "回访评价%(rated)s人次，其中满意%(satisfied)s人次，满意率%(satisfaction)s。"
        )
        % {
            "verified": count(score, "verified"),
            "share": percent(rate(score, "report_rate")),
            "rated": count(score, "rated"),
            "satisfied": count(score, "satisfied"),
            "satisfaction": percent(rate(score, "satisfaction")),
        }
    )
    rows = survey_rows(campaign, period, street)
    if not rows:
        out.paragraph(_("本期未收到问卷调查答卷。"))
        return
    out.paragraph(
        _("本期开展问卷调查%(n)s项，共收回答卷%(answers)s份，各问卷知晓率、满意率如下：")
        % {"n": len(rows), "answers": sum(r[1] for r in rows)},
        keep_with_next=True,
    )
    out.table([str(h) for h in SURVEY_HEADER], rows, [70, 25, 30, 30])
