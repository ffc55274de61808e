"""Tokens: issued for a password (throttled like the login page), used, revoked, expired."""

from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from civicgrid.api.models import ApiToken, hash_token
from civicgrid.api.tests.base import ApiTestCase
from civicgrid.demo.generator import DEMO_PASSWORD


class TokenTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()

    def issue(self, username, password=DEMO_PASSWORD, **extra):
        return self.api(
            "POST", "/auth/token", data={"username": username, "password": password, **extra}
        )

    def test_a_password_is_exchanged_for_a_token_that_works(self):
        response = self.issue("wangge01", name="巡查 App")
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertTrue(body["token"].startswith("cg_"))
        self.assertEqual(body["name"], "巡查 App")
        self.assertTrue(body["expires"].endswith("+08:00"))
        me = self.api("GET", "/auth/me", token=body["token"])
        self.assertEqual(me.status_code, 200)
        self.assertEqual(me.json()["username"], "wangge01")

    @override_settings(API_TOKEN_DAYS=7)
    def test_a_token_lasts_as_many_days_as_the_setting_says(self):
        before = timezone.now()
        self.assertEqual(self.issue("wangge01").status_code, 201)
        expires = ApiToken.objects.get().expires_at
        self.assertLess(abs(expires - before - timedelta(days=7)), timedelta(minutes=1))
        self.assertIsNone(ApiToken.issue(self.wangge01, lifetime=None)[0].expires_at)

    def test_a_phone_number_works_as_the_user_name(self):
        response = self.issue(self.shequ1.phone)
        self.assertEqual(response.status_code, 201)

    def test_only_the_hash_of_the_token_is_stored(self):
        token = self.issue("paiqian").json()["token"]
        row = ApiToken.objects.get(user=self.paiqian)
        self.assertEqual(row.key_hash, hash_token(token))
        self.assertNotIn(token, (row.key_hash, row.key_prefix, row.name))

    def test_a_wrong_password_is_refused_without_saying_which_half_was_wrong(self):
        error = self.assert_error(self.issue("paiqian", "wrong"), 400, "invalid_login")
        self.assertIn("用户名（或手机号）或密码不正确", error["message"])
        self.assertFalse(ApiToken.objects.exists())

    def test_a_missing_password_names_the_field(self):
        response = self.api("POST", "/auth/token", data={"username": "paiqian"})
        self.assert_error(response, 400, "invalid", fields=["password"])

    @override_settings(LOGIN_MAX_FAILURES=3)
    def test_repeated_failures_are_throttled_even_with_the_right_password(self):
        for _ in range(3):
            self.assert_error(self.issue("paiqian", "wrong"), 400, "invalid_login")
        response = self.issue("paiqian")
        error = self.assert_error(response, 429, "throttled")
        self.assertIn("分钟后再试", error["message"])
        self.assertEqual(response["Retry-After"], "900")

    @override_settings(LOGIN_MAX_FAILURES=2)
    def test_failures_on_the_login_page_count_towards_the_same_lockout(self):
        for _ in range(2):
            self.client.post("/login/", {"username": "paiqian", "password": "wrong"})
        self.assert_error(self.issue("paiqian"), 429, "throttled")

    def test_me_tells_the_persons_roles_scopes_and_permissions(self):
        body = self.api("GET", "/auth/me", self.zhang).json()
        scopes = {(r["role"], r["scope"]["type"], r["scope"]["code"]) for r in body["roles"]}
        self.assertEqual(
            scopes,
            {
                ("grid_worker", "area", self.demo.grid(0, 2).code),
                ("community", "area", self.demo.community(1).code),
            },
        )
        self.assertIn("cases.handle", body["permissions"])
        self.assertNotIn("cases.dispatch", body["permissions"])

    def test_a_department_handler_sees_the_department_as_the_scope(self):
        [role] = self.api("GET", "/auth/me", self.huanwei).json()["roles"]
        self.assertEqual(role["scope"]["type"], "department")
        self.assertEqual(role["scope"]["code"], self.demo.departments["HW"].code)

    def test_deleting_the_token_revokes_it_and_only_it(self):
        first, second = self.issue("paiqian").json()["token"], self.issue("paiqian").json()["token"]
        response = self.api("DELETE", "/auth/token", token=first)
        self.assertEqual(response.status_code, 204)
        self.assert_error(self.api("GET", "/auth/me", token=first), 401, "unauthorized")
        self.assertEqual(self.api("GET", "/auth/me", token=second).status_code, 200)

    def test_no_token_is_401_with_a_bearer_challenge(self):
        response = self.api("GET", "/auth/me")
        self.assert_error(response, 401, "unauthorized")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="civicgrid"')

    def test_a_bad_token_is_401_invalid_token(self):
        response = self.api("GET", "/auth/me", token="cg_not-a-token")
        self.assert_error(response, 401, "unauthorized")
        self.assertIn('error="invalid_token"', response["WWW-Authenticate"])

    def test_another_scheme_is_401(self):
        headers = {"Authorization": f"Basic {self.token(self.admin)}"}
        self.assert_error(self.api("GET", "/auth/me", headers=headers), 401)

    def test_an_expired_token_is_401(self):
        row, token = ApiToken.issue(self.paiqian)
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        self.assert_error(self.api("GET", "/auth/me", token=token), 401)

    def test_a_deactivated_persons_token_stops_working(self):
        token = self.token(self.wangge01)
        self.wangge01.is_active = False
        self.wangge01.save()
        self.assert_error(self.api("GET", "/auth/me", token=token), 401)

    def test_a_browser_session_is_not_a_token(self):
        self.client.force_login(self.admin)
        self.assert_error(self.api("GET", "/auth/me"), 401)

    def test_use_is_recorded_at_most_every_few_minutes(self):
        row, token = ApiToken.issue(self.paiqian)
        self.api("GET", "/auth/me", token=token)
        row.refresh_from_db()
        first = row.last_used_at
        self.assertIsNotNone(first)
        self.api("GET", "/auth/me", token=token)
        row.refresh_from_db()
        self.assertEqual(row.last_used_at, first)
