from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_coaching, name="my_coaching"),
    path("spaces/<uuid:public_id>/", views.space_detail, name="space"),
]
