from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "civicgrid.public"
    verbose_name = _("居民监督举报")
