"""The phone report form: validated at the edge, nothing half-saved, duplicates offered first."""

import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from civicgrid.cases.models import Case, CasePhoto, Report, Source, State
from civicgrid.cases.tests.base import CaseTestCase, photo
from civicgrid.public.tests.test_photo_uploads import exif_with_gps

MEDIA = tempfile.mkdtemp(prefix="civicgrid-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class ReportFormTests(CaseTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def form_data(self, **changes):
        lat, lng = self.point_in(self.demo.grid(0, 0))
        data = {
            "category": self.garbage.pk,
            "description": "小区门口垃圾堆积",
            "address": "建设路 12 号",
            "lat": lat,
            "lng": lng,
            "source": Source.PATROL,
            "photos": [photo("a.jpg"), photo("b.jpg")],
        }
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def post(self, user=None, **changes):
        self.login(user or self.wangge01)
        return self.client.post("/cases/new/", self.form_data(**changes))

    def test_the_form_follows_the_access_matrix(self):
        self.assert_access(
            "/cases/new/",
            allowed=[self.wangge01, self.paiqian, self.duban1, self.shequ1],
            forbidden=[self.huanwei, self.lingdao],
        )

    def test_the_photo_input_opens_the_camera_and_takes_several(self):
        response = self.assert_status(self.wangge01, "/cases/new/", 200)
        self.assertContains(response, 'accept="image/*"')
        self.assertContains(response, 'capture="environment"')
        self.assertRegex(
            response.content.decode(), r'<input type="file" name="photos"[^>]* multiple'
        )

    def test_a_report_becomes_a_case_with_its_photos(self):
        response = self.post()
        case = Case.objects.get()
        self.assertRedirects(response, case.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(case.state, State.REPORTED)
        self.assertEqual(case.grid, self.demo.grid(0, 0))
        self.assertEqual(case.reported_by, self.wangge01)
        self.assertEqual((case.address, case.description), ("建设路 12 号", "小区门口垃圾堆积"))
        self.assertEqual(case.photos.filter(kind=CasePhoto.Kind.BEFORE).count(), 2)

    def test_the_category_can_be_given_by_its_code(self):
        self.post(category="09009")
        self.assertEqual(Case.objects.get().category, self.parking)

    def test_a_report_without_a_category_is_refused_and_nothing_is_saved(self):
        response = self.post(category=None)
        self.assertContains(response, "请选择问题类别", status_code=400)
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Report.objects.exists())

    def test_a_report_without_a_position_asks_for_one(self):
        response = self.post(lat=None, lng=None)
        self.assertContains(response, "请定位或在地图上点选问题位置", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_coordinates_out_of_range_are_refused(self):
        response = self.post(lat=135.2, lng=35.2)
        self.assertContains(response, "坐标超出范围", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_a_point_outside_every_grid_is_refused(self):
        response = self.post(lat=39.9, lng=116.4)
        self.assertContains(response, "不在本平台的网格范围内", status_code=400)

    def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(self):
        fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
        response = self.post(photos=[photo(), fake])
        self.assertContains(response, "无法识别这张图片", status_code=400)
        self.assertFalse(Case.objects.exists())
        self.assertFalse(CasePhoto.objects.exists())

    def test_at_most_six_photos(self):
        response = self.post(photos=[photo(f"{n}.jpg") for n in range(7)])
        self.assertContains(response, "最多上传 6 张照片", status_code=400)

    @override_settings(PUBLIC_UPLOAD_MAX_MB=1)
    def test_a_photo_over_the_size_limit_is_refused(self):
        big = SimpleUploadedFile("big.jpg", b"\xff" * (1024 * 1024 + 1), content_type="image/jpeg")
        response = self.post(photos=[big])
        self.assertContains(response, "照片超过 1 MB", status_code=400)

    def test_a_staff_photo_is_stored_without_its_gps_trail(self):
        from PIL import Image

        self.post(photos=[photo(exif=exif_with_gps())])
        stored = Case.objects.get().photos.get().image
        with Image.open(stored.open("rb")) as image:
            self.assertEqual(dict(image.getexif()), {})

    def test_a_report_without_photos_is_accepted(self):
        self.post(photos=None)
        self.assertEqual(Case.objects.get().photos.count(), 0)

    # Duplicates

    def nearby(self, user, category=None, grid=None):
        lat, lng = self.point_in(grid or self.demo.grid(0, 0))
        self.login(user)
        params = {"category": category or self.garbage.pk, "lat": lat + 0.0001, "lng": lng}
        return self.client.get("/cases/nearby", params)

    def test_open_cases_of_the_same_kind_nearby_are_offered_with_a_join_button(self):
        case = self.report()
        response = self.nearby(self.wangge01)
        self.assertContains(response, case.number)
        self.assertContains(response, "我也要报（并入此案）")
        self.assertContains(response, f"/cases/{case.number}/join")

    def test_nearby_cases_the_person_may_not_see_are_not_offered(self):
        self.report()
        response = self.nearby(self.shequ2)
        self.assertEqual(response.content.decode().strip(), "")

    def test_another_category_is_not_offered(self):
        self.report()
        response = self.nearby(self.wangge01, category="09009")
        self.assertEqual(response.content.decode().strip(), "")

    def test_the_nearby_check_follows_the_access_matrix(self):
        lat, lng = self.point_in(self.demo.grid(0, 0))
        url = f"/cases/nearby?category={self.garbage.pk}&lat={lat}&lng={lng}"
        self.assert_access(url, allowed=[self.wangge01], forbidden=[self.huanwei])

    def test_joining_attaches_the_reporter_to_the_open_case(self):
        case = self.report()
        self.login(self.duban1)
        response = self.client.post(f"/cases/{case.number}/join")
        self.assertRedirects(response, case.get_absolute_url(), fetch_redirect_response=False)
        self.assertTrue(case.reports.filter(user=self.duban1, joined=True).exists())
        self.assertEqual(Case.objects.count(), 1)

    def test_joining_from_the_report_form_sends_the_browser_to_the_case(self):
        case = self.report()
        self.login(self.duban1)
        response = self.client.post(f"/cases/{case.number}/join", headers={"HX-Request": "true"})
        self.assertEqual(response["HX-Redirect"], case.get_absolute_url())

    def test_a_closed_case_cannot_be_joined(self):
        case = self.report()
        self.step(case, "reject", self.paiqian, note="误报")
        self.login(self.duban1)
        self.client.post(f"/cases/{case.number}/join")
        self.assertEqual(case.reports.count(), 1)

    def test_joining_a_case_out_of_scope_is_not_found(self):
        case = self.report()
        self.assert_access(
            f"/cases/{case.number}/join",
            forbidden=[self.huanwei],
            hidden=[self.shequ2],
            method="post",
        )
