"""工作汇报: the sections streets report in, each filled with the period's figures, and the
places left for the author."""

import datetime as dt

from docx.enum.text import WD_COLOR_INDEX

from civicgrid.campaigns.models import EvidenceRequirement, IndicatorDuty, WorkTask
from civicgrid.cases.tests.base import at
from civicgrid.documents.builder import number_text
from civicgrid.documents.tests.base import DocumentTestCase, rows, table_after, texts
from civicgrid.ledgers.models import LedgerEntry, LedgerType, Question, Response, Survey, Target
from civicgrid.scoring.models import Unit

SECTIONS = [
    "一、组织领导和责任落实",
    "二、督查检查和问题整改",
    "三、宣传发动和台账建设",
    "四、目标任务完成情况",
    "五、群众参与和满意度",
    "六、存在的问题",
    "七、下一步工作打算",
]


class WorkReportTests(DocumentTestCase):
    def setUp(self):
        super().setUp()
        hw, cg = self.demo.departments["HW"], self.demo.departments["CG"]
        duty = IndicatorDuty.objects.create(campaign=self.campaign, indicator=self.ads, lead=hw)
        duty.partners.add(cg)
        IndicatorDuty.objects.create(
            campaign=self.campaign, indicator=self.scale, lead_area=self.demo.community(0)
        )
        task = {"campaign": self.campaign, "owner": self.huanwei, "department": hw}
        WorkTask.objects.create(
            title="农贸市场整治",
            due=dt.date(2026, 11, 25),
            status=WorkTask.Status.DONE,
            done_at=at("2026-11-24T10:00"),
            **task,
        )
        WorkTask.objects.create(title="楼道清理", due=dt.date(2026, 11, 26), **task)
        WorkTask.objects.create(title="公厕提升", due=dt.date(2026, 12, 20), **task)
        EvidenceRequirement.objects.create(
            campaign=self.campaign, indicator=self.ads, description="公益广告照片", quantity=2
        )
        self.lectures = self.ledger("健康教育讲座", ["2026-11-10", "2026-11-24", "2026-11-26"])
        self.ledger("宣传横幅", ["2026-12-01"])
        Target.objects.create(
            name="每月健康教育讲座不少于2场",
            campaign=self.campaign,
            area=self.street,
            metric=Target.Metric.COUNT,
            ledger=self.lectures,
            period=Target.Period.MONTH,
            anchor=dt.date(2026, 1, 1),
            threshold=2,
            unit="场",
        )
        self.survey()

    def ledger(self, name, days) -> LedgerType:
        ledger = LedgerType.objects.create(
            code=f"t{LedgerType.objects.count()}", name=name, street=self.street, fields=[]
        )
        for day in days:
            LedgerEntry.objects.create(
                ledger=ledger,
                area=self.demo.grid(0, 0),
                date=dt.date.fromisoformat(day),
                created_by=self.wangge01,
            )
        return ledger

    def survey(self):
        survey = Survey.objects.create(
            title="创城知晓率满意率调查", street=self.street, campaign=self.campaign, slug="cc"
        )
        known = survey.questions.create(
            order=1, text="是否知道创城？", kind=Question.Kind.SINGLE, aware_answers=["知道"]
        )
        liked = survey.questions.create(
            order=2, text="是否满意？", kind=Question.Kind.SINGLE, satisfied_answers=["满意"]
        )
        for answer, when in [
            ("知道", "2026-11-24"),
            ("不知道", "2026-11-25"),
            ("知道", "2026-11-02"),
        ]:
            Response.objects.create(
                survey=survey,
                community=self.demo.community(0),
                submitted_at=at(f"{when}T10:00"),
                answers={str(known.pk): answer, str(liked.pk): "满意"},
            )

    def report_text(self):
        self.word_file = self.word(self.generate("report"))
        return texts(self.word_file)

    def test_the_sections_follow_how_streets_report(self):
        headings = [t for t in self.report_text() if t[:2] in {s[:2] for s in SECTIONS}]
        self.assertEqual(headings, SECTIONS)
        self.assertEqual(
            self.word_file.paragraphs[0].text, "新城街道2026年第48周创建全国文明城市工作情况汇报"
        )

    def test_duties_tasks_and_material_are_counted_by_unit(self):
        found = self.report_text()
        self.assertIn(
            "对照测评体系细化责任分解，明确2项指标的牵头单位和责任人，涉及牵头单位2个、配合单位1个。",
            found,
        )
        self.assertIn(
            "工作进度表共列工作任务3项，截至2026年11月29日已完成1项，逾期未完成1项。", found
        )
        units = rows(table_after(self.word_file, "工作进度表"))
        self.assertEqual(units[0], ["责任单位", "牵头指标", "工作任务", "已完成", "逾期未完成"])
        self.assertIn(["环卫所", "1", "3", "1", "1"], units)
        self.assertIn(["幸福社区", "1", "0", "0", "0"], units)
        self.assertIn("佐证材料应提供2份，已审核通过0份，完成0%（截至本汇报生成时）。", found)

    def test_inspections_and_cases_are_the_published_figures(self):
        score = self.score(Unit.STREET, self.street)
        rates = {k: number_text(v) for k, v in score.rates.items()}
        found = self.report_text()
        self.assertIn(
            f"本期组织督查1轮，实地检查1次，覆盖点位1个，平均得分率{rates['inspection']}%。", found
        )
        self.assertIn("失分较多的项目有：无占道经营（1次）。", found)
        self.assertIn(
            f"本期立案5件，到期应结案5件，已结案3件，结案率{rates['closure_rate']}%，"
            f"按期结案率{rates['ontime_closure_rate']}%，按期处置率{rates['ontime_handling_rate']}%，"
            f"返工率{rates['rework_rate']}%；到期未结案2件。",
            found,
        )
        ranking = rows(table_after(self.word_file, "（三）考核排名"))
        self.assertEqual([r[1] for r in ranking[1:3]], ["幸福社区", "和平社区"])

    def test_ledgers_are_counted_per_type_in_the_period_and_since_the_campaign_began(self):
        found = self.report_text()
        self.assertIn("建立台账2类，本期新增台账记录2条，创建以来累计3条。", found)
        table = rows(table_after(self.word_file, "三、宣传发动和台账建设"))
        self.assertEqual(table[1:], [["健康教育讲座", "2", "3"], ["宣传横幅", "0", "0"]])

    def test_targets_show_their_progress_at_the_periods_end(self):
        found = self.report_text()
        self.assertIn(
            "共设定量化目标1项，截至2026年11月29日，已达标1项，进度正常0项，进度落后或未达标0项。",
            found,
        )
        table = rows(table_after(self.word_file, "四、目标任务完成情况"))
        self.assertEqual(
            table[1],
            ["每月健康教育讲座不少于2场", "新城街道", "11-01~11-30", "2场", "3场", "已达标"],
        )

    def test_residents_reports_satisfaction_and_survey_rates_are_stated(self):
        score = self.score(Unit.STREET, self.street)
        found = self.report_text()
        self.assertIn(
            f"本期受理群众监督举报并立案{score.counts['verified']}件，占立案总数的"
            f"{number_text(score.rates['report_rate'])}%；回访评价2人次，其中满意1人次，满意率50%。",
            found,
        )
        table = rows(table_after(self.word_file, "五、群众参与和满意度"))
        self.assertEqual(table[1], ["创城知晓率满意率调查", "2", "50%", "100%"])

    def test_problems_and_next_steps_are_left_highlighted_for_the_author(self):
        self.report_text()
        paragraphs = self.word_file.paragraphs
        for heading in ("六、存在的问题", "七、下一步工作打算"):
            at_heading = next(i for i, p in enumerate(paragraphs) if p.text == heading)
            marked = paragraphs[at_heading + 1]
            self.assertRegex(marked.text, r"^【请填写：.+】$")
            self.assertEqual(marked.runs[0].font.highlight_color, WD_COLOR_INDEX.YELLOW)

    def test_a_campaign_without_work_records_says_so_plainly(self):
        IndicatorDuty.objects.all().delete()
        WorkTask.objects.all().delete()
        EvidenceRequirement.objects.all().delete()
        LedgerEntry.objects.all().delete()
        Target.objects.all().delete()
        LedgerType.objects.all().delete()
        Survey.objects.all().delete()
        found = self.report_text()
        for sentence in ("责任分解表尚未建立。", "尚未建立台账。", "本项目尚未设定量化目标。"):
            self.assertIn(sentence, found)
        self.assertIn("本期未收到问卷调查答卷。", found)
