"""The 工作进度表 seen from a person: the tasks they answer for and which of them are overdue.

A task is answered for by its owner, and by whoever holds tasks.update over it: the
handlers of its unit, the street's staff. The home page counts their overdue tasks.
"""

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.campaigns.models import TaskNote, WorkTask


def overdue(tasks):
    return tasks.exclude(status=WorkTask.Status.DONE).filter(due__lt=timezone.localdate())


def answerable_tasks(authz):
    in_scope = authz.restrict(WorkTask.objects.all(), "tasks.update")
    return WorkTask.objects.filter(Q(owner=authz.user.pk) | Q(pk__in=in_scope.values("pk")))


def with_latest_note(tasks):
    latest = TaskNote.objects.filter(task=OuterRef("pk")).order_by("-at", "-pk")
    return tasks.annotate(latest_note=Subquery(latest.values("text")[:1]))


def may_update(authz, task: WorkTask) -> bool:
    return task.owner_id == authz.user.pk or authz.may("tasks.update", task)


def work_queues(authz) -> list[tuple[str, int, str]]:
    """The 逾期任务 queue, shown while the person answers for an overdue task:
    (label, count, list url)."""
    count = overdue(answerable_tasks(authz)).count()
    if not count:
        return []
    return [(_("逾期任务"), count, reverse("work:my-tasks") + "?overdue=1")]
