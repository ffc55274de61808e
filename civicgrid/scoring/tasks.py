"""Computing a period in the background worker, and the state its pages show meanwhile."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from civicgrid.scoring.compute import compute
from civicgrid.scoring.models import Period


class State(models.TextChoices):
    """What a period's page says about its figures."""

    EMPTY = "empty", _("未计算")
    COMPUTING = "computing", _("计算中")
    FAILED = "failed", _("计算失败")
    COMPUTED = "computed", _("已计算")
    PUBLISHED = "published", _("已发布")


PENDING = {TaskResultStatus.READY, TaskResultStatus.RUNNING}


@task(takes_context=True)
def compute_period(context, period_id: int) -> int:
    """Compute a draft period's scores; returns how many Score rows it wrote."""
    count = compute(Period.objects.get(pk=period_id))
    Period.objects.filter(pk=period_id, compute_task=context.task_result.id).update(compute_task="")
    return count


def state(period: Period) -> str:
    if period.is_published:
        return State.PUBLISHED
    if period.compute_task:
        try:
            status = compute_period.get_result(period.compute_task).status
        except TaskResultDoesNotExist:  # the worker's results were pruned
            status = None
        if status in PENDING:
            return State.COMPUTING
        if status == TaskResultStatus.FAILED:
            return State.FAILED
    return State.COMPUTED if period.computed_at else State.EMPTY


def start(period: Period) -> None:
    """Compute in the background worker; with a backend that can't report back, at once.

    A computation already under way is not started twice. Publishing refuses the period
    inside `compute` as well, so a task queued before publishing changes nothing.
    """
    if state(period) == State.COMPUTING:
        return
    if not compute_period.get_backend().supports_get_result:
        compute(period)
        return
    with transaction.atomic():  # the worker sees the task only with its id stored
        result = compute_period.enqueue(period.pk)
        Period.objects.filter(pk=period.pk).update(compute_task=result.id)
    period.compute_task = result.id
