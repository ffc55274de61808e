from django.urls import path

from civicgrid.ledgers import surveys_views as views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_results_page, name="results"),
    path("<int:pk>/edit", views.survey_edit, name="edit"),
    path("<int:pk>/questions/new", views.question_new, name="question-new"),
    path("<int:pk>/questions/<int:question_id>/", views.question_edit, name="question-edit"),
    path(
        "<int:pk>/questions/<int:question_id>/delete",
        views.question_delete,
        name="question-delete",
    ),
    path("<int:pk>/export.xlsx", views.survey_export, name="export"),
    path("<int:pk>/qr.svg", views.survey_qr, name="qr"),
    path("<int:pk>/poster", views.survey_poster, name="poster"),
]
