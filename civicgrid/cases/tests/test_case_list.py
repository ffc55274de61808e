"""The case list: scope, filters, work queues, keyset pages and the map data."""

import re
import shutil
import tempfile
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicgrid.areas.models import Department
from civicgrid.cases.models import Case, Source, State
from civicgrid.cases.tests.base import CaseTestCase, at

MEDIA = tempfile.mkdtemp(prefix="civicgrid-media-")


def numbers(response) -> list[str]:
    return re.findall(r'href="/cases/(\d{4}-\d{6,})/"', response.content.decode())


@override_settings(MEDIA_ROOT=MEDIA)
class CaseListTests(CaseTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def listed(self, user, **params) -> list[str]:
        return numbers(self.assert_status(user, "/cases/", 200, data=params))

    # Access and scope

    def test_the_list_is_for_signed_in_people(self):
        self.assert_access(
            "/cases/", allowed=[self.admin, self.wangge01, self.huanwei, self.lingdao]
        )

    def test_a_grid_worker_sees_only_the_cases_in_his_two_grids(self):
        mine = [self.report(grid=self.demo.grid(0, 0)), self.report(grid=self.demo.grid(0, 1))]
        other = self.report(grid=self.demo.grid(0, 2), by=self.wangge02)
        listed = self.listed(self.wangge01)
        self.assertCountEqual(listed, [c.number for c in mine])
        self.assertNotIn(other.number, listed)

    def test_a_department_sees_the_cases_it_answers_for(self):
        ours = self.dispatched()
        self.report()
        self.assertEqual(self.listed(self.huanwei), [ours.number])

    def test_community_staff_do_not_see_another_communitys_cases(self):
        case = self.report()
        self.assertNotIn(case.number, self.listed(self.shequ2))
        self.assertIn(case.number, self.listed(self.shequ1))

    # Filters

    def test_filtering_by_state(self):
        new, dispatched = self.report(), self.dispatched()
        self.assertEqual(self.listed(self.paiqian, state=State.REPORTED), [new.number])
        self.assertEqual(self.listed(self.paiqian, state=State.DISPATCHED), [dispatched.number])
        self.assertCountEqual(
            self.listed(self.paiqian, state="open"), [new.number, dispatched.number]
        )

    def test_filtering_by_category_code_or_id(self):
        garbage, parking = self.report(), self.report(category=self.parking)
        self.assertEqual(self.listed(self.paiqian, category="09009"), [parking.number])
        self.assertEqual(self.listed(self.paiqian, category=self.garbage.pk), [garbage.number])

    def test_an_unknown_category_is_reported_and_ignored(self):
        self.report()
        response = self.assert_status(self.paiqian, "/cases/", 200, data={"category": "99999"})
        self.assertContains(response, "没有代码为 99999 的类别")
        self.assertEqual(len(numbers(response)), 1)

    def test_filtering_by_area_takes_the_whole_subtree(self):
        here = self.report(grid=self.demo.grid(0, 3))
        self.report(grid=self.demo.grid(1, 0), by=self.zhang)
        community = self.demo.community(0).code
        self.assertEqual(self.listed(self.paiqian, area=community), [here.number])

    def test_an_area_the_person_may_not_see_is_not_found(self):
        self.assert_status(self.shequ2, "/cases/", 404, data={"area": self.demo.community(0).code})
        self.assert_status(self.shequ2, "/cases/", 404, data={"area": "nonexistent"})

    def test_filtering_by_source_and_unit(self):
        hotline = self.report(source=Source.HOTLINE)
        dispatched = self.dispatched()
        self.assertEqual(self.listed(self.paiqian, source=Source.HOTLINE), [hotline.number])
        unit = self.demo.departments["HW"].pk
        self.assertEqual(self.listed(self.paiqian, unit=unit), [dispatched.number])

    def test_filtering_by_the_day_reported(self):
        old = self.report(at=at("2026-03-02T10:00"))
        new = self.report(at=at("2026-03-05T10:00"))
        listed = self.listed(self.paiqian, created_from="2026-03-03", created_to="2026-03-05")
        self.assertEqual(listed, [new.number])
        self.assertEqual(self.listed(self.paiqian, created_to="2026-03-02"), [old.number])

    def test_filtering_by_overdue(self):
        late = self.dispatched()
        self.dispatched()
        Case.objects.filter(pk=late.pk).update(is_overdue=True)
        self.assertEqual(self.listed(self.paiqian, overdue="on"), [late.number])

    def test_free_text_finds_a_number_exactly_or_words_in_the_description_or_address(self):
        first = self.report(address="建设路 12 号")
        second = self.report()
        Case.objects.filter(pk=second.pk).update(description="井盖破损")
        self.assertEqual(self.listed(self.paiqian, q=first.number), [first.number])
        self.assertEqual(self.listed(self.paiqian, q="井盖"), [second.number])
        self.assertEqual(self.listed(self.paiqian, q="建设路"), [first.number])

    # Queues

    def test_the_home_page_shows_each_persons_queues_with_counts_and_links(self):
        self.report()
        self.dispatched()
        response = self.assert_status(self.paiqian, "/", 200)
        self.assertContains(response, 'href="/cases/?queue=reported"')
        queues = dict((str(label), count) for label, count, _url in response.context["queues"])
        self.assertEqual(queues["待立案"], 1)
        self.assertEqual(queues["待派遣"], 0)
        self.assertEqual(queues["我上报的"], 0)

    def test_a_long_queue_shows_its_cap_and_a_plus_without_counting_every_case(self):
        for _ in range(4):
            self.report()
        with (
            mock.patch("civicgrid.cases.filters.QUEUE_CAP", 2),
            mock.patch("civicgrid.people.views.QUEUE_CAP", 2),
        ):
            self.login(self.paiqian)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/")
        queues = {str(label): count for label, count, _url in response.context["queues"]}
        self.assertEqual(queues["待立案"], 3)  # counting stopped one past the cap
        self.assertContains(response, "2+</span>")
        sqls = [q["sql"] for q in queries.captured_queries]
        counts = [sql for sql in sqls if "COUNT(" in sql and '"cases_case"' in sql]
        self.assertEqual(len(counts), len(queues))
        for sql in counts:
            self.assertIn("LIMIT 3", sql)
            self.assertNotIn("ORDER BY", sql)  # any three will do

    def test_a_handler_sees_the_cases_waiting_for_his_department(self):
        self.dispatched()
        response = self.assert_status(self.huanwei, "/", 200)
        queues = {str(label): count for label, count, _url in response.context["queues"]}
        self.assertEqual(queues, {"待处置": 1, "已超期": 0})

    def test_a_grid_worker_counts_what_he_reported(self):
        self.report()
        response = self.assert_status(self.wangge01, "/", 200)
        queues = {str(label): count for label, count, _url in response.context["queues"]}
        self.assertEqual(queues["我上报的"], 1)
        self.assertNotIn("待立案", queues)

    def home_queries(self, user) -> int:
        self.login(user)
        self.client.get("/")
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/")
        return len(queries.captured_queries)

    def test_the_home_page_needs_one_query_per_queue_however_many_cases(self):
        dispatcher, handler = self.home_queries(self.paiqian), self.home_queries(self.huanwei)
        self.assertEqual(dispatcher - handler, 6 - 2)  # a dispatcher does not handle cases
        for _ in range(5):
            self.dispatched()
        self.assertEqual(self.home_queries(self.paiqian), dispatcher)

    def test_a_queue_link_lists_the_queues_cases(self):
        self.report()
        waiting = self.dispatched()
        Case.objects.filter(pk=waiting.pk).update(pending="extension")
        self.assertEqual(self.listed(self.paiqian, queue="pending"), [waiting.number])
        self.assertEqual(self.listed(self.huanwei, queue="handling"), [waiting.number])

    def test_my_reports_are_mine_only(self):
        mine = self.report(by=self.wangge01)
        self.report(by=self.duban1)
        self.assertEqual(self.listed(self.wangge01, queue="mine"), [mine.number])

    # Pages

    def test_pages_follow_each_other_without_gaps_or_repeats(self):
        made = [self.report(at=at(f"2026-03-0{n}T10:00")) for n in range(1, 8)]
        self.login(self.paiqian)
        seen, url = [], "/cases/?state=reported"
        with mock.patch("civicgrid.cases.filters.PAGE_SIZE", 3):
            while url:
                response = self.client.get(url)
                seen += numbers(response)
                more = re.search(
                    r'id="more"><td colspan="9"><a class="button secondary" href="([^"]+)"',
                    response.content.decode(),
                )
                url = more.group(1).replace("&amp;", "&") if more else None
        self.assertEqual(seen, [c.number for c in reversed(made)])

    def test_cases_reported_at_the_same_moment_are_not_lost_between_pages(self):
        moment = at("2026-03-02T10:00")
        made = [self.report(at=moment) for _ in range(5)]
        self.login(self.paiqian)
        with mock.patch("civicgrid.cases.filters.PAGE_SIZE", 2):
            first = self.client.get("/cases/")
            cursor = first.context["more"].split("after=")[1]
            rest = self.client.get("/cases/", {"after": cursor}, headers={"HX-Request": "true"})
        self.assertEqual(len(numbers(first)) + len(numbers(rest)), 4)
        self.assertNotIn("<table", rest.content.decode())
        self.assertEqual(set(numbers(first)) & set(numbers(rest)), set())
        self.assertTrue(set(numbers(first)) | set(numbers(rest)) <= {c.number for c in made})

    def test_an_unreadable_cursor_starts_at_the_top(self):
        case = self.report()
        self.assertEqual(self.listed(self.paiqian, after="not-a-cursor"), [case.number])

    def test_the_list_needs_the_same_queries_for_3_or_30_cases(self):
        for _ in range(3):
            self.dispatched()
        self.login(self.paiqian)
        self.client.get("/cases/")
        with CaptureQueriesContext(connection) as three:
            self.client.get("/cases/")
        for _ in range(27):
            self.report(grid=self.demo.grid(2, 1))
        with self.assertNumQueries(len(three.captured_queries)):
            response = self.client.get("/cases/")
        self.assertEqual(len(numbers(response)), 30)

    def test_a_city_administrator_filters_among_hundreds_of_departments_in_one_query(self):
        street = self.street
        Department.objects.bulk_create(
            Department(code=f"T{i:03d}", name=f"测试部门{i}", street=street) for i in range(300)
        )
        self.login(self.admin)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/cases/", {"unit": self.demo.departments["HW"].pk})
        options = re.findall(r'<option value="(\d+)"', response.content.decode())
        self.assertEqual(len(options), Department.objects.filter(is_active=True).count())
        self.assertIn(
            f'value="{self.demo.departments["HW"].pk}" selected', response.content.decode()
        )
        listing = [
            q["sql"]
            for q in queries.captured_queries
            # On PostgreSQL the options are read through a server-side cursor (DECLARE …).
            if re.search(r'(^|FOR )SELECT "areas_department"', q["sql"]) and "LIMIT" not in q["sql"]
        ]
        self.assertEqual(len(listing), 1)
        # An option needs its id and name, not the department's street.
        self.assertIn('SELECT "areas_department"."id", "areas_department"."name" FROM', listing[0])
        self.assertNotIn("areas_area", listing[0])

    def test_the_list_shows_the_columns_officials_need(self):
        case = self.dispatched(address="建设路 12 号")
        response = self.assert_status(self.paiqian, "/cases/", 200)
        for text in [
            case.number,
            "建设路 12 号",
            self.demo.grid(0, 0).name,
            "暴露垃圾",
            "环卫所",
            "已派遣",
        ]:
            self.assertContains(response, text)
        self.assertContains(response, timezone.localtime(case.deadline).strftime("%m-%d %H:%M"))


@override_settings(MEDIA_ROOT=MEDIA)
class CaseMapTests(CaseTestCase):
    def test_the_map_page_is_for_signed_in_people(self):
        self.assert_access("/cases/map/", allowed=[self.paiqian, self.wangge01, self.huanwei])

    def test_the_map_data_lists_open_cases_in_scope_without_personal_data(self):
        open_case = self.report()
        closed = self.report()
        self.step(closed, "reject", self.paiqian, note="误报")
        self.report(grid=self.demo.grid(1, 0), by=self.zhang)
        response = self.assert_status(self.shequ1, "/cases/map.json", 200)
        cases = response.json()["cases"]
        self.assertEqual([c["number"] for c in cases], [open_case.number])
        self.assertEqual(
            set(cases[0]),
            {"number", "state", "state_label", "colour", "category", "lat", "lng", "url"},
        )
        self.assertEqual(cases[0]["url"], open_case.get_absolute_url())

    def test_the_map_data_takes_the_list_filters_and_is_bounded(self):
        self.report()
        self.report(category=self.parking)
        self.login(self.paiqian)
        with mock.patch("civicgrid.cases.views.MAP_LIMIT", 1):
            data = self.client.get("/cases/map.json").json()
        self.assertEqual((len(data["cases"]), data["truncated"]), (1, True))
        data = self.client.get("/cases/map.json", {"category": "09009"}).json()
        self.assertEqual([c["category"] for c in data["cases"]], ["机动车乱停放"])

    def test_the_map_data_is_for_signed_in_people(self):
        self.assert_access("/cases/map.json", allowed=[self.wangge01], hidden=[])


class CaseListEdgeTests(CaseTestCase):
    def test_a_date_far_in_the_future_is_a_clear_error_not_a_crash(self):
        self.login(self.paiqian)
        response = self.client.get("/cases/", {"created_to": "9999-12-31"})
        self.assertContains(response, "日期应在 2000 年到 2099 年之间")
