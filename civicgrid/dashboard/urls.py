from django.urls import path

from civicgrid.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("trends.json", views.trends_json, name="trends"),
    path("breakdown.json", views.breakdown_json, name="breakdown"),
    path("map.json", views.map_json, name="map"),
    path("areas.geojson", views.areas_geojson, name="areas"),
    path("targets/", views.targets_partial, name="targets"),
]
