from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from civicgrid.demo.testing import DemoTestCase


class LoginTests(DemoTestCase):
    def post_login(self, username, password="civicgrid"):
        return self.client.post("/login/", {"username": username, "password": password})

    def test_the_login_page_speaks_chinese(self):
        response = self.client.get("/login/")
        self.assertContains(response, "用户名或手机号")
        self.assertContains(response, 'lang="zh-hans"')

    def test_a_grid_worker_signs_in_with_their_username(self):
        response = self.post_login("wangge01")
        self.assertRedirects(response, "/")

    def test_a_grid_worker_signs_in_with_their_phone_number(self):
        response = self.post_login(self.wangge01.phone)
        self.assertRedirects(response, "/")

    def test_a_wrong_password_is_refused_with_a_message_in_chinese(self):
        response = self.post_login("wangge01", "wrong-password")
        self.assertContains(response, "用户名（或手机号）或密码不正确")

    @override_settings(LOGIN_MAX_FAILURES=3)
    def test_repeated_failures_lock_the_name_out_even_with_the_right_password(self):
        for _ in range(3):
            self.post_login("wangge01", "wrong-password")
        response = self.post_login("wangge01")
        self.assertContains(response, "登录失败次数过多")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_passwords_are_hashed_with_argon2(self):
        self.assertTrue(self.wangge01.password.startswith("argon2"))

    def test_nobody_but_the_demo_loader_may_use_the_demo_password(self):
        with self.assertRaises(ValidationError):
            validate_password("civicgrid", self.wangge01)

    def test_the_home_page_shows_the_persons_roles_and_scopes(self):
        self.login(self.zhang)
        response = self.client.get("/")
        self.assertContains(response, "网格员 · 幸福社区第3网格")
        self.assertContains(response, "社区工作人员 · 和平社区")

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/login/?next=/")
