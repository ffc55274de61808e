from django.urls import path

from civicgrid.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.report, name="new"),
    path("nearby", views.nearby, name="nearby"),
    path("map/", views.case_map, name="map"),
    path("map.json", views.map_json, name="map-json"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("exports/<str:result_id>/", views.export_status, name="export-status"),
    path("exports/<str:result_id>/file", views.export_file, name="export-file"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/join", views.join, name="join"),
    path("<str:number>/relocate", views.relocate, name="relocate"),
]
