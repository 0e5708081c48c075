from django.urls import path

from . import views

urlpatterns = [
    path("spaces/<uuid:public_id>/export/", views.export, name="export"),
    path("spaces/<uuid:public_id>/export/zip/", views.export_download, name="export_download"),
]
