"""Score arithmetic of one site inspection.

Each applicable item is worth its points. A pass or N/A keeps them all (N/A
leaves the maximum); a failure loses them all, or `deduction_per_count` per
problem found, never below zero. A failed negative item (负面清单) then costs
extra points or caps the site's percentage. Everything is Decimal: published
figures must add up to the cent.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from civicgrid.campaigns.models import Indicator

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
FAIL, NA = "fail", "na"


@dataclass(frozen=True)
class SiteScore:
    score: Decimal
    max_score: Decimal
    percentage: Decimal | None
    capped: bool = False


def item_score(indicator: Indicator, verdict: str, count: int = 0) -> Decimal:
    if verdict != FAIL:
        return indicator.points
    if indicator.deduction_per_count is None:
        return Decimal(0)
    return max(Decimal(0), indicator.points - indicator.deduction_per_count * max(count, 1))


def site_score(results) -> SiteScore:
    """`results`: (indicator, verdict, count) for every item that applies to the site."""
    total = maximum = Decimal(0)
    cap = HUNDRED
    for indicator, verdict, count in results:
        maximum += indicator.points
        total += item_score(indicator, verdict, count)
        if verdict == FAIL and indicator.negative == Indicator.Negative.DEDUCT:
            total -= indicator.negative_value
        if verdict == FAIL and indicator.negative == Indicator.Negative.CAP:
            cap = min(cap, indicator.negative_value)
    total = max(total, Decimal(0))
    if not maximum:
        return SiteScore(total, maximum, None)
    percentage = total / maximum * HUNDRED
    capped = percentage > cap
    if capped:
        percentage, total = cap, maximum * cap / HUNDRED
    return SiteScore(_cents(total), maximum, _cents(percentage), capped)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
