from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from civicgrid.lib.media import protected_media
from civicgrid.people import views as people_views

urlpatterns = [
    path("", people_views.home, name="home"),
    path("login/", login_not_required(people_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/", include("civicgrid.people.urls")),
    path("areas/", include("civicgrid.areas.urls")),
    path("cases/", include("civicgrid.cases.urls")),
    path("categories/", include("civicgrid.categories.urls")),
    path("rules/", include("civicgrid.cases.rules_urls")),
    path("campaigns/", include("civicgrid.campaigns.urls")),
    path("inspections/", include("civicgrid.inspections.urls")),
    path("work/", include("civicgrid.campaigns.duties_urls")),
    path("notifications/", include("civicgrid.notifications.urls")),
    path("open311/v2/", include("civicgrid.open311.urls")),
    path("api/v1/", include("civicgrid.api.urls")),
    path("p/", include("civicgrid.public.urls")),
    path("scores/", include("civicgrid.scoring.urls")),
    path("gs/", include("civicgrid.scoring.public_urls")),
    path("dashboard/", include("civicgrid.dashboard.urls")),
    path("ledgers/", include("civicgrid.ledgers.urls")),
    path("surveys/", include("civicgrid.ledgers.surveys_urls")),
    path("s/", include("civicgrid.ledgers.surveys_public_urls")),
    path("documents/", include("civicgrid.documents.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("media/<path:path>", protected_media, name="media"),
]
