from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "civicgrid.campaigns"
    verbose_name = _("创建项目")
