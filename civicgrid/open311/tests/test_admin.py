"""The admin page for client applications: keys shown once, stored hashed, superusers only."""

import re

from django.contrib.messages import get_messages

from civicgrid.open311.models import ApiClient, hash_key
from civicgrid.open311.tests.base import Open311TestCase

CHANGELIST = "/admin/open311/apiclient/"


class ApiClientAdminTests(Open311TestCase):
    def shown_keys(self, response) -> list[str]:
        texts = [str(message) for message in get_messages(response.wsgi_request)]
        return [m.group(1) for text in texts if (m := re.search(r"api_key：(\S+)（", text))]

    def test_a_superuser_adds_a_client_and_sees_its_key_once(self):
        self.client.force_login(self.admin)
        data = {"name": "社区小程序", "street": self.street.pk, "is_active": "on"}
        response = self.client.post(f"{CHANGELIST}add/", data, follow=True)
        [key] = self.shown_keys(response)
        client = ApiClient.objects.get(name="社区小程序")
        self.assertEqual(client.key_hash, hash_key(key))
        self.assertEqual(ApiClient.authenticate(key), client)
        self.assertNotContains(self.client.get(f"{CHANGELIST}{client.pk}/change/"), key)

    def test_replacing_a_key_stops_the_old_one(self):
        self.client.force_login(self.admin)
        data = {"action": "replace_key", "_selected_action": [self.app.pk]}
        [key] = self.shown_keys(self.client.post(CHANGELIST, data, follow=True))
        self.assertIsNone(ApiClient.authenticate(self.app_key))
        self.assertEqual(ApiClient.authenticate(key), self.app)

    def test_the_list_counts_what_each_client_submitted(self):
        self.post()
        self.client.force_login(self.admin)
        response = self.client.get(CHANGELIST)
        counts = {c.name: c.submitted for c in response.context["cl"].result_list}
        self.assertEqual(counts, {"随手拍": 1, "12345 热线": 0, "旧版小程序": 0})
        self.assertContains(response, self.app_key[:8])

    def test_only_superusers_manage_clients(self):
        self.paiqian.is_staff = True
        self.paiqian.save()
        self.client.force_login(self.paiqian)
        self.assertEqual(self.client.get(CHANGELIST).status_code, 403)
        self.assertEqual(self.client.get(f"{CHANGELIST}add/").status_code, 403)
