from django.urls import path

from civicgrid.ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.index, name="index"),
    path("types/new", views.type_new, name="type-new"),
    path("types/load", views.load_ready, name="load-ready"),
    path("types/<int:pk>/", views.type_detail, name="type"),
    path("types/<int:pk>/edit", views.type_edit, name="type-edit"),
    path("types/<int:pk>/new", views.entry_new, name="entry-new"),
    path("types/<int:pk>/export.xlsx", views.entries_export, name="export"),
    path("types/<int:pk>/import", views.entries_import, name="import"),
    path("entries/", views.entry_list, name="entries"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit", views.entry_edit, name="entry-edit"),
    path("shops/", views.shop_list, name="shops"),
    path("shops/new", views.shop_new, name="shop-new"),
    path("shops/export.xlsx", views.shops_export, name="shops-export"),
    path("shops/import", views.shops_import, name="shops-import"),
    path("shops/<int:pk>/", views.shop_detail, name="shop"),
    path("shops/<int:pk>/edit", views.shop_edit, name="shop-edit"),
    path("shops/<int:pk>/pledges", views.pledge_add, name="pledge-add"),
    path("shops/<int:pk>/cases", views.case_link, name="case-link"),
    path("shops/<int:pk>/cases/<str:number>/unlink", views.case_unlink, name="case-unlink"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new", views.target_new, name="target-new"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/edit", views.target_edit, name="target-edit"),
]
