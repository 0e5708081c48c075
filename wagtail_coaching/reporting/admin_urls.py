"""Admin URLs of the reports, registered under ``/admin/coaching-reports/`` by the hooks."""

from django.urls import path

from wagtail_coaching.reporting import views

app_name = views.NAMESPACE

urlpatterns = [
    path("", views.OrganisationChooserView.as_view(), name="index"),
    path(
        "<int:organisation_id>/",
        views.OrganisationReportView.as_view(),
        name="organisation",
    ),
    path(
        "<int:organisation_id>/results/",
        views.OrganisationReportView.as_view(results_only=True),
        name="organisation_results",
    ),
    path("<int:organisation_id>/pdf/", views.organisation_report_pdf, name="organisation_pdf"),
    path(
        "<int:organisation_id>/exports/<uuid:export_id>/",
        views.ExportView.as_view(),
        name="export",
    ),
    path(
        "<int:organisation_id>/exports/<uuid:export_id>/download/",
        views.export_download,
        name="export_download",
    ),
    path(
        "<int:organisation_id>/programmes/",
        views.ProgrammeAveragesView.as_view(),
        name="programmes",
    ),
    path(
        "<int:organisation_id>/spaces/<uuid:public_id>/pdf/",
        views.space_final_report_pdf,
        name="space_pdf",
    ),
]
