"""POST requests: who may submit, what a submission must carry, and the case it becomes."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicgrid.cases.models import Case, Report, Severity, Source, State
from civicgrid.categories.models import Category
from civicgrid.open311.models import ApiClient, ServiceRequest
from civicgrid.open311.tests.base import FORMATS, Open311TestCase
from civicgrid.people.authz import Authz


class ApiKeyTests(Open311TestCase):
    def test_it_refuses_a_submission_without_an_api_key(self):
        for fmt in FORMATS:
            with self.subTest(fmt):
                errors = self.post(fmt, 403, api_key=None)
                self.assertEqual([str(e["code"]) for e in errors], ["403"])
                self.assertIn("api_key", errors[0]["description"])
        self.assertFalse(Case.objects.exists())

    def test_it_refuses_a_wrong_key(self):
        self.post(status=403, api_key=self.app_key + "x")
        self.assertFalse(Case.objects.exists())

    def test_it_refuses_a_revoked_key(self):
        self.post(status=403, api_key=self.old_key)
        self.assertFalse(Case.objects.exists())

    def test_revoking_a_client_stops_its_key_at_once(self):
        self.post()
        self.app.is_active = False
        self.app.save()
        self.post(status=403)
        self.assertEqual(Case.objects.count(), 1)

    def test_only_a_hash_of_the_key_is_stored(self):
        stored = ApiClient.objects.filter(pk=self.app.pk).values()[0]
        self.assertNotIn(self.app_key, [str(value) for value in stored.values()])
        self.assertEqual(stored["key_prefix"], self.app_key[:8])
        self.assertEqual(ApiClient.authenticate(self.app_key), self.app)

    def test_a_key_in_the_query_string_of_a_get_must_be_valid_too(self):
        errors = self.fetch("requests", "errors", expect=403, api_key="nonsense")
        self.assertEqual(errors[0]["code"], 403)


class RequiredFieldTests(Open311TestCase):
    def test_a_missing_service_code_is_400(self):
        for fmt in FORMATS:
            with self.subTest(fmt):
                errors = self.errors(self.post(fmt, 400, service_code=None))
                self.assertEqual(len(errors), 1)
                self.assertIn("service_code", errors[0])

    def test_an_unknown_service_code_is_404(self):
        errors = self.errors(self.post(status=404, service_code="matter-09009"))
        self.assertIn("matter-09009", errors[0])

    def test_a_missing_location_is_400(self):
        errors = self.errors(self.post(status=400, lat=None, long=None))
        self.assertIn("lat", errors[0])
        self.assertIn("address_string", errors[0])

    def test_every_problem_is_told_at_once(self):
        document = self.post(
            status=400, service_code=None, lat=None, long=None, email="not-an-address"
        )
        self.assertEqual(len(document), 3)
        self.assertEqual({e["code"] for e in document}, {400})

    def test_lat_without_long_is_400(self):
        self.assertIn("long", self.errors(self.post(status=400, long=None))[0])

    def test_a_point_outside_the_street_is_400(self):
        for lat, lng in [("0", "0"), ("95", "113"), ("nan", "nan"), ("北纬", "东经")]:
            with self.subTest(lat=lat):
                self.assertIn("网格范围", self.errors(self.post(status=400, lat=lat, long=lng))[0])
        self.assertFalse(Case.objects.exists())

    def test_an_address_id_alone_cannot_be_located(self):
        errors = self.errors(self.post(status=400, lat=None, long=None, address_id="545483"))
        self.assertIn("address_id", errors[0])

    def test_a_description_over_4000_characters_is_400(self):
        self.post(status=400, description="脏" * 4001)
        self.post(description="脏" * 4000)

    def test_a_severity_outside_the_list_is_400(self):
        errors = self.errors(self.post(status=400, **{"attribute[severity]": "catastrophic"}))
        self.assertIn("normal", errors[0])

    def test_two_answers_to_a_single_value_list_are_400(self):
        self.post(status=400, **{"attribute[severity][]": ["major", "urgent"]})

    def test_a_media_url_must_be_a_web_link(self):
        self.post(status=400, media_url="javascript:alert(1)")
        self.post(status=400, media_url="ftp://example.org/a.jpg")


class CreatedCaseTests(Open311TestCase):
    def test_a_submission_becomes_an_ordinary_hotline_case_awaiting_registration(self):
        [answer] = self.post()
        case = Case.objects.get()
        self.assertEqual(answer["service_request_id"], case.number)
        self.assertEqual(case.source, Source.HOTLINE)
        self.assertEqual(case.state, State.REPORTED)
        self.assertEqual(case.category, self.garbage)
        self.assertEqual(case.grid, self.demo.grid(0, 0))
        self.assertEqual(case.description, "小区门口有一堆建筑垃圾")
        self.assertIsNone(case.reported_by)
        self.assertEqual(case.open311.client, self.app)
        self.assertEqual(case.events.get().action, "report")

    def test_the_answer_has_the_id_token_notice_and_account_id(self):
        for fmt in FORMATS:
            with self.subTest(fmt):
                [answer] = self.post(fmt, account_id="u-42")
                case = Case.objects.get(number=answer["service_request_id"])
                self.assertEqual(answer["token"], case.reports.get().token)
                self.assertIn("4 个工作时", answer["service_notice"])
                self.assertEqual(answer["account_id"], "u-42")

    def test_the_xml_answer_is_a_service_requests_list(self):
        response = self.client.post(
            "/open311/v2/requests.xml",
            {
                "api_key": self.app_key,
                "service_code": "matter-06010",
                "address_string": "建设路 1 号",
            },
        )
        tag, [answer] = self.read(response, "xml")
        self.assertEqual(tag, "service_requests")
        self.assertEqual(
            list(answer), ["service_request_id", "token", "service_notice", "account_id"]
        )
        self.assertIsNone(answer["account_id"])

    def test_the_reporter_goes_to_the_report_and_the_rest_stays_beside_the_case(self):
        self.post(
            first_name="三",
            last_name="张",
            phone="13812345678",
            email="zhang@example.cn",
            account_id="u-42",
            device_id="dev-1",
        )
        report = Report.objects.get()
        self.assertEqual([report.name, report.phone], ["张三", "13812345678"])
        submitted = ServiceRequest.objects.get()
        self.assertEqual(
            [submitted.email, submitted.account_id, submitted.device_id],
            ["zhang@example.cn", "u-42", "dev-1"],
        )
        self.assertNotIn("张三", Case.objects.get().description)

    def test_a_latin_name_keeps_its_order(self):
        self.post(first_name="John", last_name="Smith")
        self.assertEqual(Report.objects.get().name, "John Smith")

    def test_an_address_alone_puts_the_case_in_the_clients_street_without_a_grid(self):
        self.post(lat=None, long=None, address_string="建设路 12 号 3 单元门口")
        case = Case.objects.get()
        self.assertEqual(case.address, "建设路 12 号 3 单元门口")
        self.assertEqual([case.lat, case.lng], [None, None])
        self.assertEqual(case.grid, self.street)
        self.assertEqual(case.area_path, self.street.path)
        relocated = case.events.get(action="relocate")
        self.assertEqual([relocated.by, relocated.public], [None, False])

    def test_the_streets_dispatcher_sees_an_address_only_case(self):
        self.post(lat=None, long=None, address_string="建设路 12 号")
        self.assertEqual(Case.objects.restrict(Authz(self.paiqian)).count(), 1)

    def test_attributes_set_the_severity_and_the_landmark_joins_the_address(self):
        self.post(
            address_string="建设路 12 号",
            **{"attribute[severity]": "urgent", "attribute[landmark]": "人民公园东门"},
        )
        case = Case.objects.get()
        self.assertEqual(case.severity, Severity.URGENT)
        self.assertEqual(case.address, "建设路 12 号（人民公园东门）")
        self.assertEqual(
            case.open311.attributes, {"severity": "urgent", "landmark": "人民公园东门"}
        )

    def test_without_a_severity_the_category_decides(self):
        self.post()
        self.assertEqual(Case.objects.get().severity, self.garbage.severity)

    def test_attributes_nobody_asked_for_are_ignored(self):
        self.post(**{"attribute[WHISPAWN]": "123456"})
        self.assertEqual(ServiceRequest.objects.get().attributes, {})

    def test_a_media_url_is_kept_and_never_fetched(self):
        url = "https://img.example.cn/2025/a.jpg"
        with mock.patch("urllib.request.urlopen") as urlopen:
            self.post(media_url=url)
        urlopen.assert_not_called()
        case = Case.objects.get()
        self.assertEqual(case.open311.media_url, url)
        self.assertIn(url, case.description)
        self.assertFalse(case.photos.exists())

    def test_an_empty_description_takes_the_service_name(self):
        self.post(description=None)
        self.assertEqual(Case.objects.get().description, "暴露垃圾")

    def test_a_component_and_a_matter_with_one_code_are_told_apart(self):
        matter = Category.objects.create(
            kind=Category.Kind.MATTER,
            code="01001",
            major_name="公用设施类",
            name="井盖维修事项",
            open_to_residents=True,
        )
        self.post(service_code="component-01001")
        self.post(service_code="matter-01001")
        categories = Case.objects.order_by("id").values_list("category", flat=True)
        self.assertEqual(list(categories), [self.manhole.pk, matter.pk])


class CostTests(Open311TestCase):
    """What one submission asks of the database (bench/open311_inprocess.py measures it)."""

    def test_a_submission_locates_its_point_once_in_a_fixed_number_of_queries(self):
        self.post()  # the first builds the grid locator
        with (
            mock.patch("civicgrid.areas.locate.RECHECK_SECONDS", 3600),
            CaptureQueriesContext(connection) as queries,
        ):
            self.post()
        sql = [query["sql"] for query in queries.captured_queries]
        # The submission's transaction is a savepoint only inside the test's: its pair is
        # the only one (intake makes none of its own).
        self.assertEqual(len([q for q in sql if "SAVEPOINT" in q]), 2)
        # client, service, area, number (2 on SQLite: its row), case, report, event,
        # notification task, webhooks, service request
        sql = [q for q in sql if "SAVEPOINT" not in q]
        self.assertEqual(len(sql), 10 if connection.vendor == "postgresql" else 11, sql)
        self.assertEqual(len([q for q in sql if 'FROM "areas_area"' in q]), 1)
