"""Site URLs. Include them once: ``path("coaching/", include("wagtail_coaching.urls"))``."""

from django.urls import path

from . import views

app_name = "wagtail_coaching"

urlpatterns = [
    path("", views.my_coaching, name="my_coaching"),
    path("spaces/<uuid:public_id>/", views.space_detail, name="space"),
]

# --- Programmes in a space: journey, modules, answers, actions, steps -------------------------
from . import journey_views  # noqa: E402

urlpatterns += [
    path(
        "spaces/<uuid:public_id>/journey/",
        journey_views.space_journey,
        name="space_journey",
    ),
    path(
        "spaces/<uuid:public_id>/modules/<int:module_id>/",
        journey_views.space_module,
        name="space_module",
    ),
    path(
        "spaces/<uuid:public_id>/modules/<int:module_id>/done/",
        journey_views.space_module_complete,
        name="space_module_complete",
    ),
    path(
        "spaces/<uuid:public_id>/modules/<int:module_id>/answers/<uuid:block_id>/",
        journey_views.space_answer,
        name="space_answer",
    ),
    path(
        "spaces/<uuid:public_id>/steps/<uuid:step_id>/",
        journey_views.space_step,
        name="space_step",
    ),
    path(
        "spaces/<uuid:public_id>/actions/<uuid:action_id>/",
        journey_views.space_action,
        name="space_action",
    ),
]

# --- Sponsor reports: a space's final report, as its participants see it -----------------------
from .reporting import space_views  # noqa: E402

urlpatterns += [
    path("spaces/<uuid:public_id>/report/", space_views.space_report, name="space_report"),
    path(
        "spaces/<uuid:public_id>/report/pdf/",
        space_views.space_report_pdf,
        name="space_report_pdf",
    ),
]
