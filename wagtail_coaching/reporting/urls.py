from django.urls import path

from . import space_views

urlpatterns = [
    path("spaces/<uuid:public_id>/report/", space_views.space_report, name="space_report"),
    path(
        "spaces/<uuid:public_id>/report/pdf/",
        space_views.space_report_pdf,
        name="space_report_pdf",
    ),
]
