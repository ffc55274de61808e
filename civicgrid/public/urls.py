from django.urls import path

from civicgrid.public import views

app_name = "public"
urlpatterns = [
    path("", views.report, name="report"),
    path("categories.json", views.category_search, name="categories"),
    path("nearby.json", views.nearby, name="nearby"),
    path("track/", views.lookup, name="lookup"),
    path("t/<str:token>/", views.track, name="track"),
    path("t/<str:token>/rate", views.rate, name="rate"),
    path("t/<str:token>/photos/<int:photo_id>.jpg", views.photo, name="photo"),
    path("cases/<str:number>/photo.jpg", views.case_photo, name="case-photo"),
    path("map/", views.case_map, name="map"),
    path("map.json", views.map_json, name="map-json"),
    path("staff/unsatisfied", views.staff_unsatisfied, name="unsatisfied"),
]
