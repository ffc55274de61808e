from django.urls import path

from civicgrid.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_new, name="new"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/retry", views.document_retry, name="retry"),
    path("<int:pk>/download", views.document_download, name="download"),
]
