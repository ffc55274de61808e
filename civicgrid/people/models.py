from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department, Level

phone_validator = RegexValidator(r"^1\d{10}$", _("手机号应为 11 位数字，以 1 开头。"))


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员/派遣员")
    SUPERVISOR = "supervisor", _("督导员")
    COMMUNITY = "community", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    HANDLER = "handler", _("部门处置人员")
    LEADER = "leader", _("领导")


# Roles a department scope makes sense for; every other role is scoped to an area.
DEPARTMENT_ROLES = {Role.HANDLER}


class PersonQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "people.view"):
        return authz.restrict(self, perm).distinct()


class PersonManager(UserManager.from_queryset(PersonQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: official, inspector, grid worker or handler."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(
        _("手机号"), max_length=11, unique=True, null=True, blank=True, validators=[phone_validator]
    )
    is_demo = models.BooleanField(_("演示账号"), default=False, editable=False)

    objects = PersonManager()

    # Everyone with a role in the viewer's areas, through area or department.
    authz_paths = ("assignments__area__path", "assignments__department__street__path")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def save(self, *args, **kwargs):
        self.phone = self.phone or None
        super().save(*args, **kwargs)


class AssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )


class RoleAssignment(models.Model):
    """One role a person holds, scoped to an area subtree or to a department, optionally dated."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("人员")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("负责区域"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("所属部门"),
    )
    title = models.CharField(
        _("职务"), max_length=50, blank=True, help_text=_("如 包片干部、包村科级干部")
    )
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("结束日期"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, department__isnull=True)
                | Q(area__isnull=True, department__isnull=False),
                name="assignment_one_scope",
                violation_error_message=_("角色必须且只能限定在一个区域或一个部门。"),
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="assignment_user_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope(self):
        return self.area or self.department

    def clean(self):
        if (self.area_id is None) == (self.department_id is None):
            raise ValidationError(_("角色必须且只能限定在一个区域或一个部门。"))
        if self.department_id and self.role not in DEPARTMENT_ROLES:
            raise ValidationError({"department": _("该角色应限定在区域，而不是部门。")})
        if self.area_id and self.role in DEPARTMENT_ROLES:
            raise ValidationError({"area": _("部门处置人员应限定在部门。")})
        if self.role == Role.GRID_WORKER and self.area_id and self.area.level < Level.COMMUNITY:
            raise ValidationError({"area": _("网格员应限定在社区或网格。")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("结束日期不能早于起始日期。")})
