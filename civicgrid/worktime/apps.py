from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "civicgrid.worktime"
    verbose_name = _("工作日历")

    def ready(self):
        # Read WORK_HOURS at start-up: a malformed value stops the server, not the first deadline.
        from civicgrid.worktime import clock

        clock.office_hours()
