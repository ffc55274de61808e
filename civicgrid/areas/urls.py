from django.urls import path

from civicgrid.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("locate", views.locate_point, name="locate"),
    path("export.geojson", views.export_geojson, name="export-geojson"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("import/", views.import_areas, name="import"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/map.geojson", views.map_geojson, name="map"),
]
