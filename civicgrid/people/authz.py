"""The one authorization module: what a person may see and do, and where.

A person's role assignments become grants. Each grant carries the permissions
of its role (PERMISSIONS, data not code) and a scope: an area subtree (a path
prefix) or a department. Querysets are narrowed with `restrict`; single objects
are fetched with `get_object`, which answers 404 for what lies outside the
person's scopes and 403 for what they may see but not change.

Models say how they are scoped with class attributes:
    authz_paths       lookups that end in an Area path ("path", "grid__path")
    authz_departments lookups that end in a Department id ("department")
    authz_scopes      {perm: (paths, departments)} where one permission is scoped
                      by other fields (handling a case follows who answers for it,
                      not where it lies)
    authz_owners      lookups that end in a user id: a person always sees their own
    authz_covers      lookups to the path of an area the object covers as a whole (a
                      campaign's streets): people working anywhere inside may view it
A department grant reaches objects through the department lookups; on models that
have none it covers the street the department serves.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from civicgrid.people.models import Role, RoleAssignment

VIEW_AREAS = "areas.view"

ADMIN_PERMISSIONS = {
    "areas.view",
    "areas.change",
    "departments.view",
    "departments.change",
    "people.view",
    "people.change",
    "categories.change",
    "calendar.change",
    "cases.view",
    "cases.report",
    "cases.register",
    "cases.dispatch",
    "cases.approve",
    "cases.verify",
    "cases.close",
    "cases.reporter",
    "rules.view",
    "rules.change",
    "campaigns.view",
    "campaigns.change",
    "sites.view",
    "sites.change",
    "inspections.view",
    "inspections.conduct",
    "evidence.upload",
    "evidence.review",
    "tasks.update",
    "ledgers.view",
    "ledgers.record",
    "ledgers.change",
    "surveys.view",
    "surveys.change",
    "scoring.view",
    "scoring.change",
    "documents.view",
    "documents.generate",
    "dashboard.view",
}
FIELD_PERMISSIONS = {
    "areas.view",
    "departments.view",
    "cases.view",
    "cases.report",
    "campaigns.view",
    "sites.view",
    "ledgers.view",
    "ledgers.record",
    "scoring.view",
}

# Permissions on things seen through another app's view permission: evidence and work
# tasks belong to a campaign and are seen with it.
VIEWED_AS = {"evidence": "campaigns.view", "tasks": "campaigns.view"}

# What each role may do within its scope: the one table behind every check.
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(ADMIN_PERMISSIONS),
    Role.SUPERVISOR: frozenset(
        FIELD_PERMISSIONS
        | {"people.view", "cases.verify", "rules.view", "inspections.view", "inspections.conduct"}
        | {"surveys.view", "documents.view"}
        | {"dashboard.view"}
    ),
    Role.COMMUNITY: frozenset(
        FIELD_PERMISSIONS
        | {"people.view", "cases.handle", "rules.view", "inspections.view", "evidence.upload"}
        | {"tasks.update", "surveys.view"}
        | {"dashboard.view"}
    ),
    Role.GRID_WORKER: frozenset(FIELD_PERMISSIONS | {"cases.handle"}),
    Role.HANDLER: frozenset(
        {"areas.view", "departments.view", "cases.view", "cases.handle", "campaigns.view"}
        | {"evidence.upload", "tasks.update", "ledgers.view", "ledgers.record"}
        | {"scoring.view"}
    ),
    Role.LEADER: frozenset(
        {
            "areas.view",
            "departments.view",
            "people.view",
            "cases.view",
            "rules.view",
            "cases.reporter",
        }
        | {"campaigns.view", "sites.view", "inspections.view", "ledgers.view", "surveys.view"}
        | {"scoring.view", "documents.view"}
        | {"dashboard.view"}
    ),
}


@dataclass(frozen=True)
class Grant:
    """One role held over one scope."""

    role: str
    area_path: str | None
    department_id: int | None
    street_path: str | None  # the street a department serves
    scope_name: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def permissions(self) -> frozenset[str]:
        return PERMISSIONS.get(self.role, frozenset())


class Authz:
    """Everything one person may do, loaded once per request."""

    def __init__(self, user, on=None):
        self.user = user
        self.is_superuser = bool(user.is_authenticated and user.is_superuser)
        self.grants = self._load_grants(user, on) if user.is_authenticated else []

    @staticmethod
    def _load_grants(user, on) -> list[Grant]:
        rows = (
            RoleAssignment.objects.current(on)
            .filter(user=user)
            .select_related("area", "department__street")
        )
        return [
            Grant(
                role=row.role,
                area_path=row.area.path if row.area_id else None,
                department_id=row.department_id,
                street_path=row.department.street.path if row.department_id else None,
                scope_name=str(row.scope),
            )
            for row in rows
        ]

    @classmethod
    def for_automation(cls, user) -> "Authz":
        """Rules the system applies on its own (an inspection failure is registered and
        dispatched at once), recorded under the person whose act set them off."""
        authz = cls(user)
        authz.is_superuser = True
        return authz

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    @property
    def perms(self) -> set[str]:
        return {perm for grant in self.grants for perm in grant.permissions}

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles & set(roles))

    def has_perm(self, perm: str) -> bool:
        """Whether the person holds `perm` anywhere (for menus, not for objects)."""
        return self.is_superuser or perm in self.perms

    def restrict(self, queryset, perm: str):
        """Narrow `queryset` to the objects on which the person holds `perm`."""
        if self.is_superuser:
            return queryset
        condition = self.condition(queryset.model, perm)
        return queryset.filter(condition) if condition is not None else queryset.none()

    def condition(self, model, perm: str) -> Q | None:
        paths, departments = scope_fields(model, perm)
        parts = [
            self._grant_condition(paths, departments, grant)
            for grant in self.grants
            if perm in grant.permissions
        ]
        if perm.endswith(".view") and self.user.is_authenticated:
            parts += [Q(**{field: self.user.pk}) for field in getattr(model, "authz_owners", ())]
        if perm.endswith(".view"):
            parts += [
                self._covering_condition(model, grant)
                for grant in self.grants
                if perm in grant.permissions
            ]
        parts = [part for part in parts if part is not None]
        return reduce(or_, parts) if parts else None

    @staticmethod
    def _covering_condition(model, grant: Grant) -> Q | None:
        """Street-wide things (a campaign, a survey) are seen by people working inside the street."""
        fields = getattr(model, "authz_covers", ())
        if not fields or grant.area_path is None:
            return None
        return reduce(
            or_, (Q(**{f"{field}__in": ancestor_paths(grant.area_path)}) for field in fields)
        )

    @staticmethod
    def _grant_condition(paths, departments, grant: Grant) -> Q | None:
        if grant.department_id is not None:
            if departments:
                return reduce(or_, (Q(**{field: grant.department_id}) for field in departments))
            path = grant.street_path
        else:
            path = grant.area_path
        if not paths or path is None:
            return None
        return reduce(or_, (Q(**{f"{field}__startswith": path}) for field in paths))

    def may(self, perm: str, obj) -> bool:
        """Whether the person holds `perm` on this one object."""
        if self.is_superuser:
            return True
        model = type(obj)
        return self.restrict(model._default_manager.filter(pk=obj.pk), perm).exists()

    def get_object(self, queryset, perm: str, **lookup):
        """Fetch one object: 404 outside the person's scopes, 403 without `perm` on it."""
        app = perm.split(".")[0]
        view_perm = VIEWED_AS.get(app, app + ".view")
        obj = self.restrict(queryset, view_perm).filter(**lookup).first()
        if obj is None:
            raise Http404
        if perm != view_perm and not self.may(perm, obj):
            raise PermissionDenied
        return obj

    def require(self, perm: str) -> None:
        """403 unless the person holds `perm` somewhere (for creation pages)."""
        if not self.has_perm(perm):
            raise PermissionDenied


def ancestor_paths(path: str) -> list[str]:
    """The paths of an area and every area above it: 1/2/3/ gives 1/, 1/2/ and 1/2/3/."""
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def scope_fields(model, perm: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    special = getattr(model, "authz_scopes", {}).get(perm)
    if special is not None:
        return special
    return getattr(model, "authz_paths", ()), getattr(model, "authz_departments", ())


def authz_for(request) -> Authz:
    """The request's Authz, built on first use."""
    if not hasattr(request, "_authz"):
        request._authz = Authz(request.user)
    return request._authz
