"""A period's ranking tables: the columns the page and the Excel file share, and trends."""

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.db.models import IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce, Collate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.lib.keyset import Keyset
from civicgrid.lib.spreadsheets import bold, new_workbook
from civicgrid.scoring.drilldown import CASE_METRICS, RATING_METRICS
from civicgrid.scoring.models import Period, Scheme, Score, Unit

# The tabs of the ranking page and the sheets of its Excel file, in this order.
UNITS = [Unit.COMMUNITY, Unit.GRID, Unit.STREET, Unit.DEPARTMENT]
TREND_PERIODS = 8


@dataclass(frozen=True)
class Ratio:
    """A column of rates: the rate key in Score.rates and the counts it divides."""

    key: str
    label: str
    part: str | None = None
    whole: str | None = None


RATIOS = [
    Ratio("closure_rate", gettext_lazy("结案率"), "closed", "due"),
    Ratio("ontime_closure_rate", gettext_lazy("按期结案率"), "closed_on_time", "due"),
    Ratio("ontime_handling_rate", gettext_lazy("按期处置率"), "handled_on_time", "due"),
    Ratio("rework_rate", gettext_lazy("返工率"), "reworked", "due"),
    Ratio("report_rate", gettext_lazy("监督举报率"), "verified", "registered"),
    Ratio("satisfaction", gettext_lazy("满意率"), "satisfied", "rated"),
    Ratio("inspection", gettext_lazy("检查得分")),
]
COUNT_LABELS = {**CASE_METRICS, **RATING_METRICS}
# The metrics a scheme weighs beyond the ratios.
WEIGHT_LABELS = {
    **{r.key: r.label for r in RATIOS},
    "rework_score": gettext_lazy("100−返工率"),
    "registered_score": gettext_lazy("立案数分值"),
}


@dataclass
class Cell:
    ratio: Ratio
    rate: Decimal | None
    part: int | None
    whole: int | None


@dataclass
class Row:
    score: Score
    cells: list[Cell]


def ordered(scores) -> list[Score]:
    """Ranked first by rank (ties share it), then the unranked by name."""
    return sorted(scores, key=lambda s: (s.rank is None, s.rank or 0, s.name, s.pk))


# The same order in the database, for pages cut by keyset (the API): `ranked(scores)` adds the keys.
RANKING = Keyset("place", "sort_name", "pk")
UNRANKED = 2**31 - 1  # after every rank


class CodePoints(Collate):
    """Text compared by code point, as Python compares str: "C" on PostgreSQL, BINARY on SQLite."""

    def __init__(self, expression):
        super().__init__(expression, "C")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, collation="BINARY", **extra_context)


def ranked(scores: QuerySet) -> QuerySet:
    """`scores` with the keys of RANKING: the order of `ordered`, in SQL."""
    return scores.annotate(
        place=Coalesce("rank", Value(UNRANKED), output_field=IntegerField()),
        sort_name=CodePoints("name"),
    )


def tabs(scores: QuerySet) -> list[str]:
    """The kinds of unit among `scores` (one period's, as the person sees them), in UNITS order."""
    units = set(scores.order_by().values_list("unit", flat=True).distinct())
    return [u for u in UNITS if u in units]


def chosen_unit(tabs: list[str], value: str | None) -> str:
    """The tab asked for if the person has it, else their first, else communities."""
    return value if value in tabs else (tabs[0] if tabs else Unit.COMMUNITY)


def weights(scheme: Scheme, unit: str) -> list[tuple[str, str, Decimal]]:
    """(metric, label, weight) of each metric the scheme weighs for this kind of unit."""
    return [(m, WEIGHT_LABELS.get(m, m), w) for m, w in scheme.weights_for(unit).items()]


def _rate(score: Score, key: str) -> Decimal | None:
    value = score.rates.get(key)
    return None if value is None else Decimal(value)


def row(score: Score) -> Row:
    counts = score.counts
    cells = [Cell(r, _rate(score, r.key), counts.get(r.part), counts.get(r.whole)) for r in RATIOS]
    return Row(score, cells)


def rows(scores) -> list[Row]:
    return [row(score) for score in ordered(scores)]


# --- Excel --------------------------------------------------------------------------------


def headers() -> list[str]:
    fixed = [_("排名"), _("名称"), _("综合指标值"), _("等级"), _("较上期")]
    return fixed + [str(r.label) for r in RATIOS] + [str(label) for label in COUNT_LABELS.values()]


def excel_row(score: Score) -> list:
    line = [score.rank, score.name, score.index, score.grade or None, score.change]
    line += [_rate(score, r.key) for r in RATIOS]
    return line + [score.counts.get(metric, 0) for metric in COUNT_LABELS]


def workbook(scores_by_unit: dict[str, list[Score]]) -> bytes:
    """One sheet per kind of unit, ranked as on the page."""
    book = new_workbook()
    book.remove(book.active)
    for unit in UNITS:
        if unit not in scores_by_unit:
            continue
        sheet = book.create_sheet(str(Unit(unit).label))
        sheet.append(headers())
        bold(sheet[1])
        for score in ordered(scores_by_unit[unit]):
            sheet.append(excel_row(score))
        sheet.column_dimensions["B"].width = 24
        sheet.freeze_panes = "C2"
    if not book.worksheets:
        book.create_sheet(_("排名")).append(headers())
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def filename(period: Period) -> str:
    return _("%(campaign)s-%(period)s-排名.xlsx") % {
        "campaign": period.campaign.name,
        "period": period.name,
    }


# --- trends ------------------------------------------------------------------------------


def trend_periods(period: Period, n: int = TREND_PERIODS, published=False) -> list[Period]:
    """The last `n` computed (or only published) periods of the same campaign and kind,
    up to this one."""
    found = Period.objects.filter(
        campaign=period.campaign_id, kind=period.kind, start__lte=period.start
    ).exclude(computed_at=None)
    if published:
        found = found.published()
    return list(reversed(found.order_by("-start")[:n]))


def _key(score) -> tuple:
    return (score["unit"], score["area_id"], score["department_id"])


def trends(period: Period, scores: list[Score], visible, published=False) -> dict:
    """{"periods": [names], "series": {score id: [index or None per period]}} in one query.

    `visible` is the person's Score queryset, so a trend shows only what they may see;
    `published` leaves out periods not yet published.
    """
    periods = trend_periods(period, published=published)
    position = {p.pk: n for n, p in enumerate(periods)}
    wanted = {(s.unit, s.area_id, s.department_id): s.pk for s in scores}
    series = {pk: [None] * len(periods) for pk in wanted.values()}
    units = {s.unit for s in scores}
    history = visible.filter(period__in=list(position), unit__in=units).values(
        "unit", "area_id", "department_id", "period_id", "index"
    )
    for past in history.order_by():
        if (pk := wanted.get(_key(past))) is not None:
            index = past["index"]
            series[pk][position[past["period_id"]]] = None if index is None else float(index)
    return {"periods": [p.name for p in periods], "series": series}
