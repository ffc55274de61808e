"""The residents' answering page of a survey, without login: /s/<slug>/."""

from django.urls import path

from civicgrid.ledgers import surveys_views as views

app_name = "surveys_public"
urlpatterns = [
    path("<slug:slug>/", views.answer, name="answer"),
    path("<slug:slug>/thanks", views.thanks, name="thanks"),
]
