"""The category picker of the residents' report form: the common ones first, then search."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from civicgrid.cases.models import Case
from civicgrid.categories.models import Category

COMMON_DAYS = 90
COMMON_COUNT = 8
COMMON_CACHE_SECONDS = 3600
CACHE_KEY = "public:common-categories"
MAX_RESULTS = 20
MAX_QUERY_LENGTH = 50


def common_categories() -> list[Category]:
    """Up to COMMON_COUNT categories open to residents, those with most cases lately first.

    The counting is cached for an hour; the categories themselves are read fresh, so one
    closed to residents since then is not offered.
    """
    ranked = cache.get(CACHE_KEY)
    if ranked is None:
        ranked = _ranked_ids()
        cache.set(CACHE_KEY, ranked, COMMON_CACHE_SECONDS)
    chosen = Category.objects.for_residents().in_bulk(ranked)
    common = [chosen[pk] for pk in ranked if pk in chosen][:COMMON_COUNT]
    if len(common) < COMMON_COUNT:  # a quiet street: fill up in catalogue order
        rest = Category.objects.for_residents().exclude(pk__in=[c.pk for c in common])
        common += list(rest[: COMMON_COUNT - len(common)])
    return common


def _ranked_ids() -> list[int]:
    since = timezone.now() - timedelta(days=COMMON_DAYS)
    rows = (
        Case.objects.filter(created_at__gte=since, category__in=Category.objects.for_residents())
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n", "category")[: COMMON_COUNT * 2]
    )
    return [row["category"] for row in rows]


def search(text: str) -> list[dict]:
    """Categories open to residents matching `text`, best first, for the picker's search box."""
    found = Category.objects.for_residents().search(text[:MAX_QUERY_LENGTH])
    return list(found.values("id", "code", "name")[:MAX_RESULTS])
