from django.urls import path

from civicgrid.cases import rules_views as views

app_name = "rules"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("new/", views.rule_create, name="create"),
    path("try/", views.rule_try, name="try"),
    path("history/", views.rule_history, name="history"),
    path("export.xlsx", views.rules_export, name="export"),
    path("import/", views.rules_import, name="import"),
    path("<int:pk>/", views.rule_detail, name="detail"),
    path("<int:pk>/edit/", views.rule_edit, name="edit"),
    path("<int:pk>/delete/", views.rule_delete, name="delete"),
]
