"""Top-level URLs: the staff console, the OCPI API, the health check."""

from django.contrib import admin
from django.urls import include, path

from emsp.health import healthz
from emsp.login_throttle import throttled_login

admin.site.site_header = "eMSP console"
admin.site.site_title = "eMSP console"

handler400 = "ocpi.core.views.bad_request"
handler500 = "ocpi.core.views.server_error"

urlpatterns = [
    path("admin/login/", throttled_login, name="admin-login-throttled"),
    path("admin/", include("console.urls")),  # the dashboard (the admin's front page) and the map
    path("admin/", admin.site.urls),
    path("ocpi/", include("ocpi.core.urls")),
    path("healthz", healthz, name="healthz"),
]
