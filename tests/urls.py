from django.urls import include, path

urlpatterns = [
    path("ocpi/test/", include("tests.testapp.views")),
    path("", include("emsp.urls")),
]
