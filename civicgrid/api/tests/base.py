"""API tests on the demo street: personas hold tokens, requests carry them as a client would."""

import json
import shutil
import tempfile

from django.test import override_settings

from civicgrid.api.models import ApiToken
from civicgrid.cases.tests.base import CaseTestCase


class ApiTestCase(CaseTestCase):
    """CaseTestCase with a token per persona (made on first use) and media in a temporary folder."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="civicgrid-media-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.tokens: dict[int, str] = {}

    def token(self, user) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = ApiToken.issue(user, "test")[1]
        return self.tokens[user.pk]

    def api(self, method: str, path: str, user=None, data=None, token=None, **extra):
        """Call /api/v1{path} as `user` (None: without a token); JSON bodies for dicts."""
        headers = dict(extra.pop("headers", {}))
        token = token or (self.token(user) if user is not None else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = "/api/v1" + path
        call = getattr(self.client, method.lower())
        if method.upper() == "GET":
            return call(url, data or {}, headers=headers, **extra)
        if isinstance(data, dict) and not _has_files(data):
            body = json.dumps(data)
            return call(url, body, content_type="application/json", headers=headers, **extra)
        return call(url, data or {}, headers=headers, **extra)

    def assert_error(self, response, status: int, code: str | None = None, fields=()):
        """The one error format, with the status, code and field names expected."""
        self.assertEqual(response.status_code, status, response.content.decode()[:500])
        error = response.json()["error"]
        self.assertEqual(set(error), {"code", "message", "fields"})
        self.assertTrue(error["message"])
        if code:
            self.assertEqual(error["code"], code)
        for name in fields:
            self.assertIn(name, error["fields"])
        return error

    def assert_api_access(
        self, method, path, allowed=(), forbidden=(), hidden=(), data=None, ok=200
    ):
        """The matrix every endpoint must pass: allowed, 403, out of scope 404, no token 401."""
        for user in allowed:
            response = self.api(method, path, user, data)
            self.assertEqual(
                response.status_code, ok, f"{user} {method} {path}: {response.content[:300]}"
            )
        for user in forbidden:
            self.assert_error(self.api(method, path, user, data), 403, "forbidden")
        for user in hidden:
            self.assert_error(self.api(method, path, user, data), 404, "not_found")
        response = self.api(method, path, None, data)
        self.assert_error(response, 401, "unauthorized")
        self.assertTrue(response["WWW-Authenticate"].startswith("Bearer"))


def _has_files(data: dict) -> bool:
    values = [v for value in data.values() for v in (value if isinstance(value, list) else [value])]
    return any(hasattr(v, "read") for v in values)
