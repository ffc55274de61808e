"""The project's URLs with the catalogue mounted, until the root urls.py includes it."""

from django.urls import include, path

from civicgrid.urls import urlpatterns as project

urlpatterns = [path("categories/", include("civicgrid.categories.urls")), *project]
