from django.urls import path

from civicgrid.categories import views

app_name = "categories"
urlpatterns = [
    path("search", views.search, name="search"),
]
