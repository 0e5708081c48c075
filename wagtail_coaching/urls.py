"""Site URLs. Include them once: ``path("coaching/", include("wagtail_coaching.urls"))``."""

from django.urls import path

from . import views

app_name = "wagtail_coaching"

urlpatterns = [
    path("", views.my_coaching, name="my_coaching"),
    path("spaces/<uuid:public_id>/", views.space_detail, name="space"),
]
