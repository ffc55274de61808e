from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "civicgrid.documents"
    verbose_name = _("通报汇报")
