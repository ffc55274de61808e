"""The OpenAPI document lists exactly the routes served; the docs page reads it; errors share one format."""

import json
import re

from civicgrid.api import urls as api_urls
from civicgrid.api.tests.base import ApiTestCase


def served_paths() -> set[tuple[str, str]]:
    """(path, method) for every route of /api/v1/, from the URL patterns and their views."""
    found = set()
    for pattern in api_urls.urlpatterns:
        if pattern.name == "not_found":
            continue
        route = re.sub(r"<\w+:(\w+)>", r"{\1}", str(pattern.pattern))
        for op in api_urls.OPERATIONS:
            if op.path == "/" + route:
                found.add((op.path, op.method.lower()))
    return found


class OpenApiTests(ApiTestCase):
    def document(self) -> dict:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def test_the_document_is_openapi_3_1_json_without_a_token(self):
        doc = self.document()
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(doc["servers"], [{"url": "/api/v1"}])

    def test_the_document_lists_every_route_served_and_no_other(self):
        doc = self.document()
        documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
        self.assertEqual(documented, served_paths())
        self.assertEqual(len(api_urls.urlpatterns) - 1, len(doc["paths"]))
        for op in api_urls.OPERATIONS:
            path = re.sub(r"{(\w+)}", "x", op.path)
            if op.method == "GET" and op.public:
                self.assertEqual(self.client.get("/api/v1" + path).status_code, 200, path)

    def test_every_reference_resolves(self):
        doc = self.document()
        refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(doc)))
        self.assertTrue(refs)
        self.assertLessEqual(refs, set(doc["components"]["schemas"]))

    def test_every_protected_operation_documents_401_and_the_error_format(self):
        for path, ops in self.document()["paths"].items():
            for method, op in ops.items():
                if op.get("security") == []:
                    continue
                error = op["responses"]["401"]["content"]["application/json"]["schema"]
                self.assertEqual(error, {"$ref": "#/components/schemas/Error"}, f"{method} {path}")

    def test_the_docs_page_is_rendered_from_the_document(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        for path in self.document()["paths"]:
            self.assertIn(f"/api/v1{path}", page)
        self.assertIn("CaseDetail", page)
        self.assertNotIn("cdn", page.lower())

    def test_an_unknown_path_is_a_json_404(self):
        response = self.api("GET", "/nothing/here", self.admin)
        self.assert_error(response, 404, "not_found")
        self.assert_error(self.client.get("/api/v1/"), 404)

    def test_a_method_not_served_is_405_with_allow(self):
        response = self.api("PUT", "/cases", self.admin)
        self.assert_error(response, 405, "method_not_allowed")
        self.assertEqual(response["Allow"], "GET, POST")

    def test_a_null_character_is_400_not_a_database_error(self):
        self.assert_error(
            self.api("GET", "/cases", self.admin, {"area": "a\x00b"}), 400, fields=["area"]
        )
        self.assert_error(self.api("GET", "/areas/a%00b", self.admin), 400)
