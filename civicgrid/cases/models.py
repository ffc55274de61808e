from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department
from civicgrid.categories.models import Category
from civicgrid.people.models import Role


class Source(models.TextChoices):
    PATROL = "patrol", _("巡查上报")
    INSPECTION = "inspection", _("督查检查")
    RESIDENT = "resident", _("公众举报")
    HOTLINE = "hotline", _("12345热线/系统对接")
    LEADER = "leader", _("上级交办")
    VIDEO = "video", _("视频发现")


class State(models.TextChoices):
    REPORTED = "reported", _("待立案")
    REGISTERED = "registered", _("待派遣")
    REJECTED = "rejected", _("不予立案")
    MERGED = "merged", _("已合并")
    DISPATCHED = "dispatched", _("已派遣")
    IN_PROGRESS = "in_progress", _("处置中")
    REWORK = "rework", _("返工")
    SUSPENDED = "suspended", _("缓办")
    HANDLED = "handled", _("待核查")
    CLOSED = "closed", _("已结案")


# States in which the responsible unit holds the case and the clock runs.
WITH_HANDLER = {State.DISPATCHED, State.IN_PROGRESS, State.REWORK}
OPEN = {State.REPORTED, State.REGISTERED, *WITH_HANDLER, State.SUSPENDED, State.HANDLED}
FINISHED = {State.REJECTED, State.MERGED, State.CLOSED}


class Closure(models.TextChoices):
    NORMAL = "normal", _("正常结案")
    OVERDUE = "overdue", _("超时结案")
    ERRONEOUS = "erroneous", _("差错结案")
    SPECIAL = "special", _("特殊结案")


class Pending(models.TextChoices):
    NONE = "", _("无")
    RETURN = "return", _("退回申请")
    EXTENSION = "extension", _("延期申请")
    SUSPENSION = "suspension", _("缓办申请")


# A case takes its category's severity; one list of levels for both.
Severity = Category.Severity


class Escalation(models.IntegerChoices):
    GRID = 0, _("网格")
    COMMUNITY = 1, _("社区")
    STREET = 2, _("街道")
    LEADER = 3, _("领导")


class CaseQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "cases.view"):
        return authz.restrict(self, perm)

    def open(self):
        return self.filter(state__in=OPEN)

    def overdue(self):
        return self.filter(is_overdue=True, state__in=OPEN)

    def public(self):
        """What residents may see: registered cases of categories open to residents."""
        hidden = [State.REPORTED, State.REJECTED, State.MERGED]
        return self.filter(category__open_to_residents=True).exclude(state__in=hidden)


class Case(models.Model):
    """A problem on the 问题清单, from report to closure."""

    number = models.CharField(_("案件编号"), max_length=20, unique=True, editable=False)
    source = models.CharField(
        _("来源"), max_length=20, choices=Source.choices, default=Source.PATROL
    )
    category = models.ForeignKey(
        "categories.Category",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("类别"),
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("所在区域"),
    )
    # The located area's path, copied so scope and area filters are one indexed prefix match.
    area_path = models.CharField(max_length=255, default="", editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
        verbose_name=_("上报人"),
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.REPORTED
    )
    pending = models.CharField(
        _("待审批申请"), max_length=20, choices=Pending.choices, blank=True, default=""
    )
    pending_deadline = models.DateTimeField(_("申请的新期限"), null=True, blank=True)
    responsible_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("责任部门"),
    )
    responsible_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
        verbose_name=_("责任区域"),
    )
    responsible_role = models.CharField(
        _("责任角色"), max_length=20, choices=Role.choices, blank=True
    )
    responsible_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    rule = models.ForeignKey(
        "cases.ResponsibilityRule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("依据的责任清单条目"),
    )
    override_reason = models.CharField(_("改派理由"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("处置期限"), null=True, blank=True)
    remind_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("缓办时间"), null=True, blank=True)
    remaining_hours = models.FloatField(_("缓办时剩余工作时"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closure = models.CharField(_("结案类型"), max_length=20, choices=Closure.choices, blank=True)
    handled_on_time = models.BooleanField(_("按期处置"), null=True)
    is_overdue = models.BooleanField(_("已超期"), default=False)
    reminded = models.BooleanField(_("已提醒"), default=False)
    chased = models.BooleanField(_("已催办"), default=False)
    escalation = models.PositiveSmallIntegerField(
        _("督办层级"), choices=Escalation.choices, default=0
    )
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("重复于"),
    )
    is_public = models.BooleanField(_("公开"), default=False)
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = CaseQuerySet.as_manager()

    # Area people see cases in their territory; department people see their department's.
    authz_paths = ("area_path",)
    authz_departments = ("responsible_department",)
    # Handling follows who answers for the case, not where it lies.
    authz_scopes = {"cases.handle": (("responsible_path",), ("responsible_department",))}
    authz_owners = ("reported_by",)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="case_recent"),
            # With the id, a street's page of newest cases is read from the index alone.
            models.Index(
                fields=["area_path", "-created_at", "-id"],
                name="case_area_recent",
                opclasses=["varchar_pattern_ops", "", ""],
            ),
            models.Index(fields=["state", "-created_at"], name="case_state"),
            models.Index(fields=["category", "-created_at"], name="case_category"),
            models.Index(fields=["source", "-created_at"], name="case_source"),
            models.Index(fields=["responsible_department", "state"], name="case_department"),
            models.Index(fields=["is_overdue", "state"], name="case_overdue"),
            # The 已超期 list, newest first: a few thousand among a million.
            models.Index(
                fields=["-created_at", "-id"],
                name="case_overdue_recent",
                condition=Q(is_overdue=True),
            ),
            models.Index(fields=["state", "deadline"], name="case_deadline"),
            models.Index(fields=["registered_at"], name="case_registered"),
            models.Index(fields=["deadline"], name="case_due"),
            models.Index(fields=["category", "state", "lat"], name="case_nearby"),
            # Requests waiting for approval are few among a million: a small partial index.
            models.Index(fields=["state"], name="case_pending", condition=~Q(pending="")),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def responsible(self):
        return self.responsible_department or self.responsible_area

    def awaits_rating_review(self) -> bool:
        """A resident rated the case unsatisfied since it was last reopened or explained."""
        reviewed = (
            self.events.filter(action__in=RATING_REVIEWS).order_by("-at").values("at").first()
        )
        ratings = self.ratings.filter(level__lt=settings.SATISFIED_MIN_LEVEL)
        if reviewed:
            ratings = ratings.filter(created_at__gt=reviewed["at"])
        return ratings.exists()


# What answers an unsatisfied rating: handling again, or explaining why not (回访说明).
RATING_REVIEWS = ("reopen", "explain_rating")


class CaseSequence(models.Model):
    """Where case numbers come from: "<year>-<n>", n counting up from 000001 within a year.

    On PostgreSQL each year has a database sequence (`case_number_<year>`), made when the
    year's first case arrives: taking a number locks nothing, so reports do not queue
    behind each other's commit. Numbers are unique and never reused, but not gapless: a
    report that rolls back has used its number. On SQLite (one writer) this row counts,
    and a rolled-back report gives its number back. n has six digits, more from the
    millionth case of a year on.
    """

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_number(cls, year: int) -> str:
        if connection.vendor == "postgresql":
            last = cls._from_sequence(int(year))
        else:
            last = cls._from_row(year)
        return f"{year}-{last:06d}"

    @classmethod
    def _from_row(cls, year: int) -> int:
        with transaction.atomic(savepoint=False):  # SQLite: the writer holds the database
            if not cls.objects.filter(year=year).update(last=F("last") + 1):
                return cls.objects.create(year=year, last=1).last
            return cls.objects.get(year=year).last

    @classmethod
    def _from_sequence(cls, year: int) -> int:
        name = f"case_number_{year}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(to_regclass(%s))", [name])  # NULL: no sequence yet
            last = cursor.fetchone()[0]
            if last is None:
                cls._create_sequence(cursor, name, start=cls.highest_used(year) + 1)
                cursor.execute("SELECT nextval(%s)", [name])
                last = cursor.fetchone()[0]
        return last

    @staticmethod
    def _create_sequence(cursor, name: str, start: int) -> None:
        """Made in the report's transaction, so it goes if the report rolls back.

        Two reports making it at once: the second waits for the first's commit, fails on
        the catalogue's unique index, rolls back to its savepoint and uses the first's.
        """
        try:
            with transaction.atomic():
                cursor.execute(
                    f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(name)} START {start}"
                )
        except IntegrityError:
            pass

    @classmethod
    def highest_used(cls, year: int) -> int:
        """The highest n given in a year: by the row counter or found on a case."""
        counted = cls.objects.filter(year=year).values_list("last", flat=True).first() or 0
        numbers = Case.objects.filter(number__startswith=f"{year}-").values_list("number")
        highest = numbers.order_by(Length("number").desc(), "-number").first()
        return max(counted, int(highest[0].split("-")[1]) if highest else 0)


class AppendOnly(models.Model):
    """A row that is written once and never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("历史记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("历史记录不可删除。"))


class CaseEvent(AppendOnly):
    """One step in a case's history: who did what, when, from which state to which."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    public = models.BooleanField(_("公众可见"), default=True)

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case"),
            models.Index(fields=["action", "at"], name="event_action"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def photo_path(photo, filename):
    return f"cases/{photo.case.created_at:%Y/%m}/{photo.case.number}/{photo.kind}-{filename}"


class CasePhoto(AppendOnly):
    """A photo of the problem: before, after handling, or at verification."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("处置前")
        AFTER = "after", _("处置后")
        VERIFY = "verify", _("核查")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    image = models.ImageField(_("照片"), upload_to=photo_path)
    thumbnail = models.ImageField(_("缩略图"), upload_to=photo_path, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("案件照片")
        verbose_name_plural = _("案件照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.image.name}"


class Report(models.Model):
    """Who reported a case: staff, or a resident whose name and phone are kept apart and masked."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    token = models.CharField(_("查询码"), max_length=32, unique=True, null=True, blank=True)
    joined = models.BooleanField(_("重复上报并入"), default=False)
    told_of_closure = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("上报记录")
        verbose_name_plural = _("上报记录")
        indexes = [models.Index(fields=["phone", "created_at"], name="report_phone")]

    def __str__(self):
        return f"{self.case_id} · {self.name or self.user_id or '-'}"


class ResponsibilityRule(models.Model):
    """One line of the 责任清单: (category or category class) × area subtree → who answers."""

    category = models.ForeignKey(
        "categories.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("类别"),
    )
    category_kind = models.CharField(_("类别种类"), max_length=20, blank=True)
    major_code = models.CharField(_("大类代码"), max_length=2, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="rules", verbose_name=_("适用区域")
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("责任部门"),
    )
    area_role = models.CharField(
        _("责任角色"),
        max_length=20,
        blank=True,
        choices=[
            (Role.COMMUNITY, Role.COMMUNITY.label),
            (Role.GRID_WORKER, Role.GRID_WORKER.label),
        ],
        help_text=_("不指定部门时，由案件所在社区或网格的该角色负责"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    authz_paths = ("area__path",)

    class Meta:
        verbose_name = _("责任清单条目")
        verbose_name_plural = _("责任清单")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, area_role="")
                | Q(department__isnull=True) & ~Q(area_role=""),
                name="rule_one_responsible",
                violation_error_message=_("责任清单条目必须且只能指定责任部门或责任角色之一。"),
            ),
            models.UniqueConstraint(
                fields=["category", "area"],
                condition=Q(category__isnull=False),
                name="rule_unique_category_area",
                violation_error_message=_("该区域已有这个类别的责任清单条目。"),
            ),
            models.UniqueConstraint(
                fields=["category_kind", "major_code", "area"],
                condition=Q(category__isnull=True),
                name="rule_unique_class_area",
                violation_error_message=_("该区域已有这个大类（或全部类别）的责任清单条目。"),
            ),
        ]

    def __str__(self):
        return f"{self.category_label} · {self.area} → {self.responsible_label}"

    @property
    def category_label(self) -> str:
        if self.category_id:
            return str(self.category)
        if self.major_code:
            return _("%(code)s 大类") % {"code": self.major_code}
        return _("全部类别")

    @property
    def responsible_label(self) -> str:
        return str(self.department) if self.department_id else Role(self.area_role).label

    def clean(self):
        if bool(self.department_id) == bool(self.area_role):
            raise ValidationError(_("责任清单条目必须且只能指定责任部门或责任角色之一。"))
        if self.category_id and self.major_code:
            raise ValidationError(_("指定了具体类别时不必再填大类代码。"))


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIR = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class Rating(models.Model):
    """A reporter's verdict on a closed case (回访评价); feeds the 满意率."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ratings")
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="rating")
    level = models.PositiveSmallIntegerField(_("满意度"), choices=Satisfaction.choices)
    comment = models.TextField(_("评价意见"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        indexes = [models.Index(fields=["created_at"], name="rating_created")]

    def __str__(self):
        return f"{self.case_id} · {self.get_level_display()}"

    @property
    def satisfied(self) -> bool:
        return self.level >= settings.SATISFIED_MIN_LEVEL
