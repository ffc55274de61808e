from civicgrid.cases.tests.base import CaseTestCase


class CasePhotoAccessTests(CaseTestCase):
    def test_a_case_photo_is_served_only_to_those_who_may_see_the_case(self):
        case = self.report()
        url = case.photos.get().image.url
        self.assertTrue(url.startswith("/media/cases/"))
        self.assert_access(url, allowed=[], hidden=[self.wangge04, self.shequ2])
        self.login(self.wangge01)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content)[:2], b"\xff\xd8")  # a JPEG

    def test_a_file_that_belongs_to_nothing_is_not_found(self):
        self.login(self.admin)
        self.assertEqual(self.client.get("/media/cases/2026/../../secret").status_code, 404)
        self.assertEqual(self.client.get("/media/other/file.txt").status_code, 404)
