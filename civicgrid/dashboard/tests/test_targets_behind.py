"""Targets behind on the dashboard: only those in the person's scope, only those behind."""

from django.urls import reverse
from django.utils import timezone

from civicgrid.dashboard.tests.base import DashboardTestCase
from civicgrid.ledgers.models import LedgerType, Target


class TargetsBehindTests(DashboardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        lectures = LedgerType.objects.create(code="lectures", name="健康讲座", street=cls.street)
        start = timezone.localdate().replace(month=1, day=1)  # one a day expected, none held
        for n, area in [(0, cls.demo.community(0)), (1, cls.demo.community(1))]:
            Target.objects.create(
                name=f"健康讲座{n}",
                area=area,
                metric=Target.Metric.COUNT,
                ledger=lectures,
                period=Target.Period.YEAR,
                anchor=start,
                threshold=365,
            )

    def partial(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("dashboard:targets"))

    def test_a_target_with_nothing_done_is_behind(self):
        response = self.partial(self.lingdao)
        self.assertEqual(
            [t.name for t, _p in response.context["behind"]], ["健康讲座0", "健康讲座1"]
        )
        self.assertContains(response, reverse("ledgers:target", args=[Target.objects.first().pk]))

    def test_a_community_sees_only_its_own_targets(self):
        response = self.partial(self.shequ2)
        self.assertEqual([t.name for t, _p in response.context["behind"]], ["健康讲座1"])
