"""The console's pages, mounted at ``admin/`` before the admin itself (emsp/urls.py): the
dashboard answers the admin's front page, so ``admin:index`` leads to it."""

from django.contrib import admin
from django.urls import path

from console import views

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="console-dashboard"),
    path("console/map/", admin.site.admin_view(views.locations_map), name="console-map"),
]
