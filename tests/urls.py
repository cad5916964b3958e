from django.urls import include, path

from emsp.urls import handler400, handler500

__all__ = ["handler400", "handler500", "urlpatterns"]

urlpatterns = [
    path("ocpi/test/", include("tests.testapp.views")),
    path("", include("emsp.urls")),
]
