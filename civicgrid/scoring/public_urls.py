from django.urls import path

from civicgrid.scoring import public_views

app_name = "scoring_public"
urlpatterns = [
    path("", public_views.ranking, name="ranking"),
    path("<int:pk>/", public_views.ranking, name="period"),
]
