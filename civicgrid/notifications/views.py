"""A person's own notifications. They are personal, not scoped by role: only the recipient sees one."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from civicgrid.notifications.models import Notification

PER_PAGE = 50


def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=notification.pk).mark_read()
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def read_all(request):
    Notification.objects.filter(recipient=request.user).mark_read()
    return redirect("notifications:list")


def bell(request):
    """The bell alone, for htmx to refresh its count."""
    return render(request, "notifications/_bell.html")
