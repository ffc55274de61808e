"""满意率: the share of residents' ratings at or above SATISFIED_MIN_LEVEL.

One definition for every page and score that shows it (the scoring issue reuses it):

    satisfaction_rate(Rating.objects.filter(case__in=cases))  # 0.875, or None without ratings
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q


@dataclass(frozen=True)
class Figure:
    """A 满意率 with what it is made of, so it can be explained."""

    satisfied: int
    total: int

    @property
    def rate(self) -> float | None:
        """Satisfied / total as a share between 0 and 1; None when nobody has rated."""
        return self.satisfied / self.total if self.total else None

    @property
    def percent(self) -> str:
        """The rate as a percentage for people, one decimal at most: "87.5", "100"; "" if none."""
        if self.rate is None:
            return ""
        return f"{self.rate * 100:.1f}".removesuffix(".0")


def satisfaction(ratings, min_level: int | None = None) -> Figure:
    """Count `ratings` (a Rating queryset) in one query: satisfied and all."""
    threshold = settings.SATISFIED_MIN_LEVEL if min_level is None else min_level
    counts = ratings.aggregate(
        total=Count("pk"), satisfied=Count("pk", filter=Q(level__gte=threshold))
    )
    return Figure(satisfied=counts["satisfied"], total=counts["total"])


def satisfaction_rate(ratings, min_level: int | None = None) -> float | None:
    """满意率 of `ratings` between 0 and 1, None for no ratings (an empty denominator)."""
    return satisfaction(ratings, min_level).rate


def unsatisfied(ratings, min_level: int | None = None):
    """The ratings below the threshold: what a dispatcher reviews."""
    threshold = settings.SATISFIED_MIN_LEVEL if min_level is None else min_level
    return ratings.filter(level__lt=threshold)
