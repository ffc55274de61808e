"""督导通报: a numbered supervision bulletin on one published period of a campaign in a street.

What the weekly dispatch meeting reads out and the office files:
    一 the period's figures, from the street's Score row (found, due, closed, 到期未结案)
       and the inspections behind its inspection score;
    二 the problems found in each community, the cases with photos shown before and after
       rectification (at most PHOTO_CASES a community, both photos first; the rest are
       counted and left to the 问题清单);
    三 the cases still open past a deadline in the period, named with their units;
    四 the community ranking, the period's Score rows in rank order, and its chart;
    五 the requirements, left to the author as a highlighted placeholder.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.documents import charts
from civicgrid.documents.builder import (
    PHOTO_HEIGHT,
    PHOTO_WIDTH,
    OfficialDocument,
    PhotoRow,
    fit_picture,
    month_day,
    number_text,
    percent,
    signed,
)
from civicgrid.documents.figures import (
    community_of,
    count,
    found_cases,
    overdue,
    overdue_cases,
    photos,
    published,
    rate,
    read_photo,
    scores,
    street_inspections,
    street_score,
)
from civicgrid.scoring.models import Unit

PHOTO_CASES = 4
EM_DASH = "\u2014"


def title(campaign, period) -> str:
    return _("关于%(period)s%(campaign)s督导检查情况的通报") % {
        "period": period.name,
        "campaign": campaign.name,
    }


def issuer(street) -> str:
    return _("%(street)s创建工作办公室") % {"street": street.name}


def build(document) -> bytes:
    period = published(document.period)
    street, campaign = document.street, document.campaign
    score = street_score(period, street)
    communities = scores(period, street, Unit.COMMUNITY)
    issued = timezone.localdate(document.created_at)
    out = OfficialDocument(document.title, issuer(street))
    name = _("%(campaign)s督导通报") % {"campaign": campaign.name}
    out.masthead(name, document.number_label, issuer(street), issued)
    out.title(document.title)
    out.paragraph(
        _(
            "%(start)s至%(end)s，街道督导组对照《%(standard)s》，对%(street)s辖区点位开展"
            "督导检查，对发现的问题跟踪督办。现将有关情况通报如下："
        )
        % {
            "start": month_day(period.start),
            "end": month_day(period.end),
            "standard": campaign.version.standard.name,
            "street": street.name,
        }
    )
    out.section(_("总体情况"))
    out.paragraph(summary_text(period, street, score))
    write_found(out, period, street, communities)
    write_overdue(out, period, street)
    out.section(_("考核排名"))
    write_ranking(out, communities)
    out.section(_("工作要求"))
    out.placeholder(_("针对本期发现的问题和排名情况，提出整改时限、责任要求和下一步督导安排"))
    out.signature(issuer(street), issued)
    return out.save()


def summary_text(period, street, score) -> str:
    text = _(
        "本期共发现问题%(found)s件；到期应结案%(due)s件，已结案%(closed)s件，"
        "结案率%(rate)s；到期未结案%(overdue)s件。"
    ) % {
        "found": count(score, "registered"),
        "due": count(score, "due"),
        "closed": count(score, "closed"),
        "rate": percent(rate(score, "closure_rate")),
        "overdue": overdue(score),
    }
    inspections = street_inspections(period, street)
    checked = inspections.count()
    if not checked:
        return text + _("本期未开展实地检查。")
    return text + _("开展实地检查%(n)s次，覆盖点位%(sites)s个，平均得分率%(average)s。") % {
        "n": checked,
        "sites": inspections.values("site").distinct().count(),
        "average": percent(rate(score, "inspection")),
    }


# --- 二 problems found, per community ----------------------------------------------------


def write_found(out: OfficialDocument, period, street, communities) -> None:
    out.section(_("各社区发现问题"))
    cases = found_cases(period, street)
    by_community: dict = {}
    for case in cases:
        community = community_of(case)
        by_community.setdefault(community.pk if community else None, []).append(case)
    pictures = photos(cases)
    quiet = []
    for score in sorted(communities, key=lambda s: s.area_path):
        found = by_community.pop(score.area_id, [])
        if not found and not count(score, "registered"):
            quiet.append(score.name)
            continue
        out.subsection(score.name)
        out.paragraph(
            _("本期发现问题%(found)s件，到期应结案%(due)s件，已结案%(closed)s件。")
            % {
                "found": count(score, "registered"),
                "due": count(score, "due"),
                "closed": count(score, "closed"),
            },
            keep_with_next=bool(found),
        )
        _photo_table(out, found, pictures)
    for rest in by_community.values():  # cases outside any community's Score row
        out.subsection(_("其他区域"))
        out.paragraph(_("本期发现问题%(found)s件。") % {"found": len(rest)}, keep_with_next=True)
        _photo_table(out, rest, pictures)
    if quiet:
        out.paragraph(_("%(names)s本期未发现问题。") % {"names": "、".join(quiet)})


def caption(case) -> str:
    return _("%(number)s %(category)s，%(place)s；责任单位：%(unit)s") % {
        "number": case.number,
        "category": case.category.name,
        "place": case.address or (case.grid.name if case.grid_id else EM_DASH),
        "unit": case.responsible or EM_DASH,
    }


def _picture(photo):
    raw = read_photo(photo)
    return None if raw is None else fit_picture(raw, PHOTO_WIDTH, PHOTO_HEIGHT)


def _photo_table(out: OfficialDocument, cases, pictures) -> None:
    """The cases with photos, both photos first, at most PHOTO_CASES; the rest counted."""
    with_photos = [c for c in cases if c.pk in pictures]
    shown = sorted(with_photos, key=lambda c: None in pictures[c.pk])[:PHOTO_CASES]
    rows = []
    for case in shown:
        before, after = pictures[case.pk]
        rows.append(
            PhotoRow(
                caption(case),
                _picture(before),
                _picture(after),
                left_missing=_("无照片"),
                right_missing=_("未上传整改照片"),
            )
        )
    if rows:
        out.photo_table((_("整改前"), _("整改后")), rows)
    rest = len(cases) - len(rows)
    if rest and rows:
        out.paragraph(_("另有%(n)s件未列出，详见问题清单。") % {"n": rest})
    elif rest:
        out.paragraph(_("以上问题均未上传照片，详见问题清单。"))


# --- 三 overdue cases ----------------------------------------------------------------------

OVERDUE_HEADER = [
    gettext_lazy("序号"),
    gettext_lazy("案件编号"),
    gettext_lazy("问题"),
    gettext_lazy("所在社区"),
    gettext_lazy("责任单位"),
    gettext_lazy("处置期限"),
]
OVERDUE_COLUMNS = [10, 30, 39, 22, 24, 30]


def overdue_row(n: int, case) -> list[str]:
    community = community_of(case)
    problem = case.category.name + (f"（{case.address}）" if case.address else "")
    return [
        str(n),
        case.number,
        problem,
        community.name if community else EM_DASH,
        str(case.responsible or EM_DASH),
        timezone.localtime(case.deadline).strftime("%m-%d %H:%M"),
    ]


def write_overdue(out: OfficialDocument, period, street) -> None:
    out.section(_("超期未办结问题"))
    cases = overdue_cases(period, street)
    if not cases:
        out.paragraph(_("本期没有到期未结案的问题。"))
        return
    out.paragraph(
        _("以下%(n)s件问题的处置期限在本期内，至本期末仍未结案，予以通报，请责任单位抓紧办结：")
        % {"n": len(cases)},
        keep_with_next=True,
    )
    header = [str(h) for h in OVERDUE_HEADER]
    out.table(header, [overdue_row(n, c) for n, c in enumerate(cases, 1)], OVERDUE_COLUMNS)


# --- 四 the ranking ------------------------------------------------------------------------

RANKING_HEADER = [
    gettext_lazy("排名"),
    gettext_lazy("社区"),
    gettext_lazy("综合指标值"),
    gettext_lazy("等级"),
    gettext_lazy("较上期"),
]
RANKING_COLUMNS = [14, 40, 30, 20, 25]


def ranking_row(score) -> list[str]:
    return [
        str(score.rank) if score.rank else EM_DASH,
        score.name,
        number_text(score.index),
        score.grade or EM_DASH,
        signed(score.change),
    ]


def write_ranking(out: OfficialDocument, communities) -> None:
    """The communities' Score rows in rank order, the first and the last named, and a chart."""
    if not communities:
        out.paragraph(_("本期没有社区的考核成绩。"))
        return
    out.paragraph(_("按照考核方案，本期各社区综合指标值及排名如下："), keep_with_next=True)
    header = [str(h) for h in RANKING_HEADER]
    out.table(header, [ranking_row(s) for s in communities], RANKING_COLUMNS)
    ranked = [s for s in communities if s.rank]
    if len(ranked) > 1 and ranked[-1].rank != ranked[0].rank:
        out.paragraph(
            _("其中，%(first)s位列第一，%(last)s排名末位，请认真分析原因、抓好整改。")
            % {"first": ranked[0].name, "last": ranked[-1].name}
        )
    if ranked:
        bars = [charts.Bar(s.rank, s.name, s.index) for s in ranked]
        out.figure(charts.bar_chart(bars), _("各社区综合指标值"))
