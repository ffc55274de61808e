"""Discovery, the service list and service definitions, in XML and JSON."""

from civicgrid.open311.tests.base import API, Open311TestCase, w3c


class DiscoveryTests(Open311TestCase):
    def test_the_changeset_is_the_time_the_catalogue_last_changed(self):
        self.garbage.name = "暴露垃圾（含垃圾桶满溢）"
        self.garbage.save()
        document = self.fetch("discovery", "discovery")  # in XML and JSON alike
        changed = self.garbage.updated_at.replace(microsecond=0)
        self.assertEqual(w3c(document["changeset"]), changed)
        self.assertEqual(document["endpoints"][0]["changeset"], document["changeset"])

    def test_discovery_names_the_v2_endpoint_and_both_formats(self):
        document = self.fetch("discovery", "discovery")
        for field in ["changeset", "contact", "key_service"]:
            self.assertTrue(document[field], field)
        [endpoint] = document["endpoints"]
        self.assertEqual(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(endpoint["url"], "http://127.0.0.1:8000/open311/v2")
        self.assertEqual(endpoint["type"], "production")
        self.assertEqual(endpoint["formats"], ["text/xml", "application/json"])

    def test_nobody_needs_to_sign_in(self):
        for path in ["discovery.xml", "services.json", "requests.xml", "tokens/x.json"]:
            response = self.client.get(API + path)
            self.assertNotEqual(response.status_code, 302, path)


class ServiceListTests(Open311TestCase):
    def test_it_lists_the_categories_open_to_residents_and_no_others(self):
        codes = [s["service_code"] for s in self.fetch("services", "services")]
        self.assertEqual(codes, ["component-01001", "matter-06010"])

    def test_an_inactive_category_is_not_offered(self):
        self.manhole.is_active = False
        self.manhole.save()
        codes = [s["service_code"] for s in self.fetch("services", "services")]
        self.assertEqual(codes, ["matter-06010"])

    def test_a_service_has_every_field_of_the_spec(self):
        services = {s["service_code"]: s for s in self.fetch("services", "services")}
        self.assertEqual(
            services["component-01001"],
            {
                "service_code": "component-01001",
                "service_name": "窨井盖",
                "description": "井盖缺失、破损或移位",
                "metadata": True,
                "type": "realtime",
                "keywords": "井盖, 下水道, 窨井",
                "group": "公用设施类",
            },
        )
        self.assertIsNone(services["matter-06010"]["keywords"])

    def test_the_jurisdiction_id_is_accepted_and_ignored(self):
        codes = [s["service_code"] for s in self.fetch("services", "services", jurisdiction_id="x")]
        self.assertEqual(len(codes), 2)


class ServiceDefinitionTests(Open311TestCase):
    def test_every_service_asks_for_severity_and_a_landmark(self):
        document = self.fetch("services/matter-06010", "service_definition")
        self.assertEqual(document["service_code"], "matter-06010")
        severity, landmark = document["attributes"]
        self.assertEqual(
            [severity["code"], severity["datatype"], severity["order"]],
            ["severity", "singlevaluelist", 1],
        )
        self.assertIs(severity["variable"], True)
        self.assertIs(severity["required"], False)
        self.assertEqual(
            severity["values"],
            [
                {"key": "normal", "name": "一般"},
                {"key": "serious", "name": "较重"},
                {"key": "major", "name": "严重"},
                {"key": "urgent", "name": "紧急"},
            ],
        )
        self.assertEqual(
            [landmark["code"], landmark["datatype"], landmark["order"], landmark["required"]],
            ["landmark", "string", 2, False],
        )
        self.assertNotIn("values", landmark)
        self.assertTrue(landmark["description"])

    def test_a_code_nobody_offers_is_404_in_the_specs_error_format(self):
        for code in ["matter-99999", "matter-09009", "06010", "component-06010"]:
            with self.subTest(code):
                errors = self.fetch(f"services/{code}", "errors", expect=404)
                self.assertEqual([e["code"] for e in errors], [404])
                self.assertIn(code, errors[0]["description"])

    def test_an_unknown_format_is_404(self):
        for path in ["services.html", "services/matter-06010.csv", "requests.yaml"]:
            with self.subTest(path):
                response = self.client.get(API + path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")

    def test_an_unknown_resource_is_404_in_the_specs_error_format(self):
        response = self.client.get(API + "reports.xml")
        tag, errors = self.read(response, "xml", 404)
        self.assertEqual(tag, "errors")
        self.assertEqual(errors[0]["code"], "404")

    def test_posting_to_a_read_only_resource_is_refused(self):
        response = self.client.post(API + "services.json", {})
        self.assertEqual(self.read(response, "json", 405)[0]["code"], 405)
