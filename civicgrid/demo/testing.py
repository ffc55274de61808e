"""A test base with the demo street's people as personas (healthchecks style)."""

from django.test import TestCase

from civicgrid.areas.locate import forget_locator
from civicgrid.demo.generator import Size, build


class DemoTestCase(TestCase):
    """The small demo street, built once per class; each test rolls back its own changes.

    Personas: admin (superuser), paiqian (dispatcher), lingdao (leader),
    duban1 (supervisor), shequ1..5 (community staff of communities 0..4),
    wangge01.. (grid workers), chengguan/huanwei/... (department handlers),
    zhang (grid worker in community 0 and community staff of community 1).
    """

    @classmethod
    def setUpTestData(cls):
        cls.demo = build(Size())
        for username, user in cls.demo.people.items():
            setattr(cls, username, user)
        cls.street = cls.demo.streets[0]

    def setUp(self):
        forget_locator()

    def login(self, user):
        self.client.force_login(user)

    def assert_status(self, user, url: str, status: int, method: str = "get", data=None):
        """`user` None means anonymous; returns the response for further checks."""
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        response = getattr(self.client, method)(url, data or {})
        self.assertEqual(response.status_code, status, f"{user} {method.upper()} {url}")
        return response

    def assert_access(self, url, allowed=(), forbidden=(), hidden=(), method="get", data=None):
        """The matrix every view must pass: allowed, 403, out of scope 404, anonymous to login."""
        for user in allowed:
            self.assertIn(self.assert_status(user, url, 200, method, data).status_code, (200,))
        for user in forbidden:
            self.assert_status(user, url, 403, method, data)
        for user in hidden:
            self.assert_status(user, url, 404, method, data)
        response = self.assert_status(None, url, 302, method, data)
        self.assertIn("/login/", response["Location"])
