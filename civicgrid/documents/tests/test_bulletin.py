"""督导通报: its number, and every figure, name and row against the published period."""

import datetime as dt
from unittest import mock

from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from civicgrid.areas.models import Area, Level
from civicgrid.cases.models import Case, CasePhoto
from civicgrid.cases.tests.base import at
from civicgrid.documents import tasks
from civicgrid.documents.builder import PHOTO_HEIGHT, PHOTO_WIDTH, number_text, signed
from civicgrid.documents.models import Document, DocumentSequence
from civicgrid.documents.tests.base import DocumentTestCase, rows, table_after, texts
from civicgrid.scoring.compute import compute
from civicgrid.scoring.models import Period, Score, Unit

BLIP = qn("a:blip")
EXTENT = qn("wp:extent")


def pictures(row) -> int:
    return len(list(row._tr.iter(BLIP)))


class BulletinTests(DocumentTestCase):
    def street_score(self) -> Score:
        return self.score(Unit.STREET, self.street)

    def test_the_first_bulletin_of_the_year_is_number_one(self):
        document = self.generate("bulletin")
        self.assertEqual((document.number, document.year), (1, 2026))
        word = self.word(document)
        self.assertEqual(word.paragraphs[1].text, "第1期")
        self.assertTrue(document.filename.startswith("第1期 关于2026年第48周"))

    def test_the_summary_states_the_published_figures(self):
        score = self.street_score()
        counts = score.counts
        expected = (
            f"本期共发现问题{counts['registered']}件；到期应结案{counts['due']}件，"
            f"已结案{counts['closed']}件，结案率{number_text(score.rates['closure_rate'])}%；"
            f"到期未结案{counts['due'] - counts['closed']}件。"
            f"开展实地检查1次，覆盖点位1个，平均得分率{number_text(score.rates['inspection'])}%。"
        )
        self.assertEqual((counts["registered"], counts["due"], counts["closed"]), (5, 5, 3))
        self.assertIn(expected, texts(self.word(self.generate("bulletin"))))

    def test_each_community_shows_its_cases_with_photos_before_and_after(self):
        word = self.word(self.generate("bulletin"))
        self.assertIn("本期发现问题4件，到期应结案4件，已结案3件。", texts(word))
        table = table_after(word, "（一）幸福社区")
        shown = rows(table)
        self.assertEqual(shown[0], ["整改前", "整改后"])
        photographed = Case.objects.filter(
            grid__parent=self.demo.community(0), photos__isnull=False
        )
        captions = [r[0] for r in shown[1::2]]
        numbers = sorted({c.number for c in photographed})
        self.assertEqual([c.split()[0] for c in captions], numbers)
        self.assertIn("责任单位：环卫所", captions[0])
        for row in table.rows[2::2]:  # reported with a photo, handled with one
            self.assertEqual(pictures(row), 2)
        # The inspection's case has the item's photos, not its own: counted, not shown.
        self.assertIn("另有1件未列出，详见问题清单。", texts(word))
        other = rows(table_after(word, "（二）和平社区"))
        self.assertEqual(other[2], ["", "未上传整改照片"])
        self.assertIn("光明社区、团结社区、东方村本期未发现问题。", texts(word))

    def test_cases_with_both_photos_come_first(self):
        first = Case.objects.filter(grid=self.demo.grid(0, 0)).order_by("pk").first()
        first.photos.filter(kind=CasePhoto.Kind.AFTER).update(kind=CasePhoto.Kind.VERIFY)
        with mock.patch("civicgrid.documents.bulletin.PHOTO_CASES", 2):
            table = table_after(self.word(self.generate("bulletin")), "（一）幸福社区")
        self.assertNotIn(first.number, [r[0].split()[0] for r in rows(table)[1::2]])

    def test_photos_are_shrunk_to_fit_half_the_table(self):
        word = self.word(self.generate("bulletin"))
        table = table_after(word, "（一）幸福社区")
        extents = list(table._tbl.iter(EXTENT))
        self.assertTrue(extents)
        for extent in extents:
            self.assertLessEqual(int(extent.get("cx")), PHOTO_WIDTH * 635)
            self.assertLessEqual(int(extent.get("cy")), PHOTO_HEIGHT * 635)

    def test_a_photo_missing_from_storage_is_said_to_be_missing(self):
        first = Case.objects.order_by("pk").first()
        before = first.photos.get(kind=CasePhoto.Kind.BEFORE)
        before.image.storage.delete(before.image.name)
        table = table_after(self.word(self.generate("bulletin")), "（一）幸福社区")
        self.assertEqual(rows(table)[2][0], "无照片")
        self.assertEqual(pictures(table.rows[2]), 1)

    def test_the_overdue_list_names_each_case_and_its_unit(self):
        word = self.word(self.generate("bulletin"))
        self.assertIn(
            "以下2件问题的处置期限在本期内，至本期末仍未结案，予以通报，请责任单位抓紧办结：",
            texts(word),
        )
        listed = rows(table_after(word, "三、超期未办结问题"))
        self.assertEqual(
            listed[0], ["序号", "案件编号", "问题", "所在社区", "责任单位", "处置期限"]
        )
        late = Case.objects.exclude(state="closed").order_by("deadline")
        self.assertEqual([r[1] for r in listed[1:]], [c.number for c in late])
        self.assertEqual([r[3] for r in listed[1:]], ["和平社区", "幸福社区"])
        self.assertEqual({r[4] for r in listed[1:]}, {"环卫所"})
        score = self.street_score()
        self.assertEqual(len(listed) - 1, score.counts["due"] - score.counts["closed"])

    def test_the_ranking_table_is_the_score_rows_in_rank_order(self):
        word = self.word(self.generate("bulletin"))
        shown = rows(table_after(word, "四、考核排名"))
        self.assertEqual(shown[0], ["排名", "社区", "综合指标值", "等级", "较上期"])
        scores = Score.objects.filter(period=self.period, unit=Unit.COMMUNITY)
        ranked = sorted((s for s in scores if s.rank), key=lambda s: s.rank)
        unranked = sorted((s for s in scores if not s.rank), key=lambda s: s.name)
        expected = [
            [
                str(s.rank) if s.rank else "—",
                s.name,
                number_text(s.index),
                s.grade or "—",
                signed(s.change),
            ]
            for s in ranked + unranked
        ]
        self.assertEqual(shown[1:], expected)
        self.assertEqual([r[1] for r in shown[1:3]], ["幸福社区", "和平社区"])
        self.assertIn(
            "其中，幸福社区位列第一，和平社区排名末位，请认真分析原因、抓好整改。", texts(word)
        )

    def test_the_ranking_chart_is_a_picture_with_its_caption(self):
        word = self.word(self.generate("bulletin"))
        paragraphs = word.paragraphs
        caption = next(i for i, p in enumerate(paragraphs) if p.text == "图1 各社区综合指标值")
        chart = paragraphs[caption - 1]
        self.assertEqual(chart.style.name, "公文插图")
        self.assertEqual(len(list(chart._p.iter(BLIP))), 1)

    def test_the_requirements_are_left_highlighted_for_the_author(self):
        paragraphs = self.word(self.generate("bulletin")).paragraphs
        heading = next(i for i, p in enumerate(paragraphs) if p.text == "五、工作要求")
        marked = paragraphs[heading + 1]
        self.assertTrue(marked.text.startswith("【请填写："))
        self.assertEqual(marked.runs[0].font.highlight_color, WD_COLOR_INDEX.YELLOW)

    def test_generating_again_states_the_same_figures_though_cases_changed_since(self):
        first = self.word(self.generate("bulletin"))
        monday = at("2026-11-23T09:00")
        self.step(self.report(grid=self.demo.grid(1, 0), at=monday), "register", self.paiqian)
        again = self.word(self.generate("bulletin"))
        summaries = [
            next(t for t in texts(word) if t.startswith("本期共发现问题"))
            for word in (first, again)
        ]
        self.assertEqual(summaries[0], summaries[1])
        self.assertIn("本期共发现问题5件", summaries[1])  # the new case is not in the figures
        for heading in ("四、考核排名", "三、超期未办结问题"):
            self.assertEqual(rows(table_after(first, heading)), rows(table_after(again, heading)))
        self.assertEqual((first.paragraphs[1].text, again.paragraphs[1].text), ("第1期", "第2期"))

    def test_numbers_are_never_reused(self):
        self.assertEqual(self.generate("bulletin").number, 1)
        draft = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.WEEK,
            name="2026年第49周",
            start=dt.date(2026, 11, 30),
            end=dt.date(2026, 12, 6),
        )
        failed = self.generate("bulletin", period=draft)
        self.assertEqual((failed.status, failed.number), (Document.Status.FAILED, 2))
        Document.objects.filter(pk=failed.pk).delete()
        self.assertEqual(self.generate("bulletin").number, 3)
        self.assertIsNone(self.generate("report").number)
        self.assertEqual(DocumentSequence.next_number(self.street, "bulletin", 2027), 1)

    def test_another_street_counts_its_own_bulletins(self):
        self.generate("bulletin")
        far = Area.objects.create(
            level=Level.STREET,
            parent=self.street.parent,
            code=self.street.code[:6] + "996",
            name="远街道",
        )
        self.campaign.streets.add(far)
        self.period.status = Period.Status.DRAFT
        self.period.save()
        compute(self.period)
        self.period.status = Period.Status.PUBLISHED
        self.period.save()
        self.assertEqual(self.generate("bulletin", street=far).number, 1)

    def test_a_draft_period_fails_with_a_message_that_says_what_to_do(self):
        draft = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.MONTH,
            name="2026年11月",
            start=dt.date(2026, 11, 1),
            end=dt.date(2026, 11, 30),
        )
        document = self.generate("bulletin", period=draft)
        self.assertEqual(document.status, Document.Status.FAILED)
        self.assertIn("“2026年11月”尚未发布", document.error)
        self.assertIn("请先在考核排名中发布该周期", document.error)
        self.assertFalse(document.file)

    def test_an_unexpected_error_is_recorded_and_raised_for_the_worker_log(self):
        document = tasks.issue(
            "bulletin",
            street=self.street,
            campaign=self.campaign,
            period=self.period,
            by=self.admin,
        )
        with (
            mock.patch.dict(tasks.BUILDERS, {"bulletin": mock.Mock(side_effect=KeyError("x"))}),
            self.assertRaises(KeyError),
        ):
            tasks.generate.call(document.pk)
        document.refresh_from_db()
        self.assertEqual(document.status, Document.Status.FAILED)
        self.assertIn("程序错误（KeyError）", document.error)
