from django.urls import path, re_path, register_converter

from civicgrid.open311 import views


class FormatConverter:
    """The extension after the last dot; the view answers 404 for one it doesn't speak."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value):
        return value.lower()

    def to_url(self, value):
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns = [
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.services, name="services"),
    path("services/<str:code>.<open311_format:fmt>", views.service_definition, name="service"),
    path("requests.<open311_format:fmt>", views.requests, name="requests"),
    path("requests/<str:number>.<open311_format:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<open311_format:fmt>", views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
