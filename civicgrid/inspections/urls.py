from django.urls import path

from civicgrid.inspections import views

app_name = "inspections"
urlpatterns = [
    path("sites/", views.site_list, name="sites"),
    path("sites/new/", views.site_create, name="site-new"),
    path("sites/export.xlsx", views.sites_export, name="sites-export"),
    path("sites/import/", views.sites_import, name="sites-import"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site-edit"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/results/", views.round_results, name="round-results"),
    path("rounds/<int:pk>/sites/<int:site_pk>/start", views.start_inspection, name="start"),
    path("<int:pk>/", views.inspection_page, name="inspection"),
    path("<int:pk>/items/<int:indicator_pk>", views.save_item, name="item"),
    path("<int:pk>/submit", views.submit, name="submit"),
    path("<int:pk>/problems", views.add_problem, name="problem"),
    path("<int:pk>/verify/<str:number>", views.verify_case, name="verify"),
]
