from django.urls import path

from civicgrid.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("export.xlsx", views.people_export, name="export"),
    path("import/", views.people_import, name="import"),
]
