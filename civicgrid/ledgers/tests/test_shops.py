"""门前三包: the shop register, pledges with the photo of the signed letter, and the cases
found at a shop's front, linked by number and shown with their states on the shop page."""

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from civicgrid.cases import intake
from civicgrid.categories.models import Category
from civicgrid.ledgers.models import Pledge, Shop
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase, photo
from civicgrid.lib.spreadsheets import XLSX


class ShopTestCase(LedgerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stalls = Category.objects.create(
            kind=Category.Kind.MATTER,
            code="09006",
            major_code="09",
            major_name="街面秩序类",
            name="占道经营",
            time_limit_value=1,
            time_limit_unit=Category.Unit.DAYS,
        )
        cls.shop = Shop.objects.create(
            name="福顺便利店", address="建设路 12 号", area=cls.demo.grid(0, 0), contact="王先生"
        )

    def case_in(self, grid, by=None):
        return intake.report(
            category=self.stalls,
            description="店门口摆放货物占用人行道",
            lat=grid.centre_lat,
            lng=grid.centre_lng,
            by=by or self.wangge01,
            photos=[photo()],
        )


class ShopPageTests(ShopTestCase):
    def test_the_shop_page_shows_its_pledge_and_its_linked_cases_with_their_states(self):
        Pledge.objects.create(
            shop=self.shop,
            signed_on=dt.date(2026, 3, 1),
            scope="门前至人行道外沿",
            recorded_by=self.shequ1,
        )
        case = self.case_in(self.demo.grid(0, 0))
        self.shop.cases.add(case)
        response = self.assert_status(self.shequ1, f"/ledgers/shops/{self.shop.pk}/", 200)
        self.assertContains(response, "2026-03-01 签订")
        self.assertContains(response, "门前至人行道外沿")
        self.assertContains(response, case.number)
        self.assertContains(response, case.get_state_display())

    def test_linked_cases_the_person_may_not_see_are_only_counted(self):
        case = self.case_in(self.demo.grid(0, 0))
        self.shop.cases.add(case)
        response = self.assert_status(self.chengguan, f"/ledgers/shops/{self.shop.pk}/", 200)
        self.assertNotContains(response, case.number)
        self.assertContains(response, "另有 1 件关联案件不在您的查看范围内")

    def test_a_case_is_linked_by_its_number(self):
        case = self.case_in(self.demo.grid(0, 0))
        self.login(self.wangge01)
        response = self.client.post(f"/ledgers/shops/{self.shop.pk}/cases", {"number": case.number})
        self.assertRedirects(response, f"/ledgers/shops/{self.shop.pk}/")
        self.assertEqual(list(self.shop.cases.all()), [case])
        self.client.post(f"/ledgers/shops/{self.shop.pk}/cases/{case.number}/unlink")
        self.assertFalse(self.shop.cases.exists())

    def test_a_case_the_person_may_not_see_cannot_be_linked(self):
        hidden = self.case_in(self.demo.grid(3, 0), by=self.paiqian)
        self.login(self.wangge01)
        response = self.client.post(
            f"/ledgers/shops/{self.shop.pk}/cases", {"number": hidden.number}, follow=True
        )
        self.assertContains(response, "没有找到该编号的案件，或您无权查看")
        self.assertFalse(self.shop.cases.exists())

    def test_a_pledge_is_recorded_with_the_photo_of_the_signed_letter(self):
        self.login(self.shequ1)
        response = self.client.post(
            f"/ledgers/shops/{self.shop.pk}/pledges",
            {"signed_on": "2026-03-01", "scope": "门前 5 米", "photo": photo("letter.png")},
        )
        self.assertRedirects(response, f"/ledgers/shops/{self.shop.pk}/")
        pledge = self.shop.pledges.get()
        self.assertTrue(pledge.photo.name.startswith(f"pledges/{self.shop.pk}/pledge"))
        self.assert_status(self.lingdao, pledge.photo.url, 200)
        self.assert_status(self.shequ2, pledge.photo.url, 404)

    def test_a_pledge_photo_must_be_an_image(self):
        self.login(self.shequ1)
        fake = SimpleUploadedFile("letter.jpg", b"not an image", "image/jpeg")
        response = self.client.post(
            f"/ledgers/shops/{self.shop.pk}/pledges",
            {"signed_on": "2026-03-01", "scope": "门前 5 米", "photo": fake},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.shop.pledges.exists())

    def test_the_list_shows_who_has_signed(self):
        Shop.objects.create(name="和记面馆", address="人民路 3 号", area=self.demo.grid(0, 1))
        Pledge.objects.create(
            shop=self.shop, signed_on=dt.date(2026, 3, 1), scope="门前", recorded_by=self.shequ1
        )
        response = self.assert_status(self.shequ1, "/ledgers/shops/", 200)
        self.assertContains(response, "2026-03-01 签订")
        self.assertContains(response, "未签订")

    def test_a_new_shop_is_registered_in_the_persons_area(self):
        self.login(self.wangge01)
        response = self.client.post(
            "/ledgers/shops/new",
            {"name": "鑫隆五金店", "address": "解放路 8 号", "area": self.demo.grid(0, 1).pk},
        )
        shop = Shop.objects.get(name="鑫隆五金店")
        self.assertRedirects(response, f"/ledgers/shops/{shop.pk}/")
        response = self.client.post(
            "/ledgers/shops/new",
            {"name": "外面的店", "address": "x", "area": self.demo.grid(3, 0).pk},
        )
        self.assertEqual(response.status_code, 400)

    def test_access_to_the_shop_pages(self):
        url = f"/ledgers/shops/{self.shop.pk}/"
        self.assert_access(
            url,
            allowed=[self.wangge01, self.lingdao, self.chengguan],
            hidden=[self.shequ2, self.outsider, self.nobody],
        )
        self.assert_access(
            f"{url}edit", allowed=[self.shequ1], forbidden=[self.lingdao], hidden=[self.shequ2]
        )
        self.assert_access("/ledgers/shops/", allowed=[self.lingdao], forbidden=[self.nobody])
        self.assert_access(
            "/ledgers/shops/export.xlsx", allowed=[self.lingdao], forbidden=[self.nobody]
        )
        self.assert_access("/ledgers/shops/new", allowed=[self.wangge01], forbidden=[self.lingdao])
        self.assert_access("/ledgers/shops/import", allowed=[self.shequ1], forbidden=[self.lingdao])
        for action in ["pledges", "cases", "cases/0000-000000/unlink"]:
            self.assert_access(
                f"{url}{action}", forbidden=[self.lingdao], hidden=[self.shequ2], method="post"
            )


def register(*rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(
        ["店名", "地址", "区域编码", "营业执照号", "联系人", "联系电话", "纬度", "经度"]
    )
    for row in rows:
        book.active.append(list(row))
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("商户.xlsx", out.getvalue(), content_type=XLSX)


class ShopImportTests(ShopTestCase):
    def test_rows_add_shops_or_update_the_one_with_the_same_name_in_the_same_area(self):
        grid = self.demo.grid(0, 0).code
        self.login(self.shequ1)
        response = self.client.post(
            "/ledgers/shops/import",
            {
                "file": register(
                    ["福顺便利店", "建设路 14 号", grid, "", "王先生", "13900000000", "", ""],
                    ["和记面馆", "人民路 3 号", grid, "92410811MA12345678", "", "", 35.21, 113.24],
                )
            },
        )
        self.assertRedirects(response, "/ledgers/shops/")
        self.shop.refresh_from_db()
        self.assertEqual(self.shop.address, "建设路 14 号")
        self.assertEqual(Shop.objects.get(name="和记面馆").lat, 35.21)

    def test_row_errors_stop_the_import(self):
        self.login(self.wangge01)
        response = self.client.post(
            "/ledgers/shops/import",
            {"file": register(["", "x", self.demo.grid(3, 0).code, "", "", "", "35", ""])},
        )
        errors = response.context["errors"]
        self.assertIn("第 2 行：店名不能为空。", errors)
        self.assertTrue(any("不存在或不在您的管辖范围内" in e for e in errors))
        self.assertTrue(any("纬度和经度须同时填写或同时留空" in e for e in errors))
        self.assertEqual(Shop.objects.count(), 1)

    def test_the_register_exports_as_it_imports(self):
        self.login(self.shequ1)
        response = self.client.get("/ledgers/shops/export.xlsx")
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[1][:3], ("福顺便利店", "建设路 12 号", self.demo.grid(0, 0).code))
        response = self.client.post(
            "/ledgers/shops/import",
            {"file": SimpleUploadedFile("x.xlsx", response.content, content_type=XLSX)},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Shop.objects.count(), 1)
