from django.urls import path

from civicgrid.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.period_list, name="periods"),
    path("new/", views.period_create, name="period-new"),
    path("ranking/", views.ranking_filter, name="ranking"),
    path("<int:pk>/", views.period_detail, name="period"),
    path("<int:pk>/state", views.period_state, name="period-state"),
    path("<int:pk>/compute", views.period_compute, name="period-compute"),
    path("<int:pk>/publish", views.period_publish, name="period-publish"),
    path("<int:pk>/public", views.period_public, name="period-public"),
    path("<int:pk>/export.xlsx", views.period_export, name="period-export"),
    path("units/<int:pk>/", views.score_detail, name="score"),
    path("units/<int:pk>/<str:metric>/", views.score_behind, name="behind"),
]
