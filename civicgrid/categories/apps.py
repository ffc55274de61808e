from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CategoriesConfig(AppConfig):
    name = "civicgrid.categories"
    verbose_name = _("部件与事项分类")
