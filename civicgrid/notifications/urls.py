from django.urls import path

from civicgrid.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("bell/", views.bell, name="bell"),
]
