"""Site URLs. Include them once: ``path("coaching/", include("wagtail_coaching.urls"))``."""

from django.urls import path

from . import content_views, views

app_name = "wagtail_coaching"

urlpatterns = [
    path("", views.my_coaching, name="my_coaching"),
    path("spaces/<uuid:public_id>/", views.space_detail, name="space"),
]

# --- Inside a space: contract, notes, goals, documents, access log, export -----------------
_space = "spaces/<uuid:public_id>/"
urlpatterns += [
    path(f"{_space}contract/", content_views.contract, name="contract"),
    path(f"{_space}contract/pdf/", content_views.contract_pdf, name="contract_pdf"),
    path(f"{_space}notes/", content_views.notes, name="notes"),
    path(f"{_space}notes/<uuid:note_uid>/edit/", content_views.note_edit, name="note_edit"),
    path(f"{_space}notes/<uuid:note_uid>/delete/", content_views.note_delete, name="note_delete"),
    path(f"{_space}goals/", content_views.goals, name="goals"),
    path(f"{_space}goals/<uuid:goal_uid>/", content_views.goal_detail, name="goal"),
    path(f"{_space}goals/<uuid:goal_uid>/delete/", content_views.goal_delete, name="goal_delete"),
    path(f"{_space}documents/", content_views.documents, name="documents"),
    path(
        f"{_space}documents/<uuid:document_uid>/download/",
        content_views.document_download,
        name="document_download",
    ),
    path(
        f"{_space}documents/<uuid:document_uid>/delete/",
        content_views.document_delete,
        name="document_delete",
    ),
    path(f"{_space}log/", content_views.access_log, name="access_log"),
    path(f"{_space}export/", content_views.export, name="export"),
    path(f"{_space}export/zip/", content_views.export_download, name="export_download"),
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

# --- Sessions: video room, presence, planning; paper board; calendar -----------------
from . import board_views, calendar_views, rooms  # noqa: E402

_session = "spaces/<uuid:public_id>/sessions/<int:session_id>/"
urlpatterns += [
    path("spaces/<uuid:public_id>/sessions/new/", rooms.session_plan, name="session_plan"),
    path(f"{_session}room/", rooms.session_room, name="session_room"),
    path(f"{_session}room/token/", rooms.session_room_token, name="session_room_token"),
    path(f"{_session}room/presence/", rooms.session_room_presence, name="session_room_presence"),
    path(f"{_session}confirm/", rooms.session_confirm, name="session_confirm"),
    path(f"{_session}move/", rooms.session_move, name="session_move"),
    path(f"{_session}cancel/", rooms.session_cancel, name="session_cancel"),
    path("spaces/<uuid:public_id>/board/", board_views.board_state, name="board_state"),
    path("spaces/<uuid:public_id>/board/ops/", board_views.board_ops, name="board_ops"),
    path("spaces/<uuid:public_id>/board/board.pdf", board_views.board_pdf, name="board_pdf"),
    path("calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]

# --- Trials and visits: guest room, coach's room, outcome -----------------------
from . import trial_views  # noqa: E402

urlpatterns += [
    path("trials/guest/<str:token>/", trial_views.guest_room, name="trial_guest_room"),
    path("trials/guest/<str:token>/token/", trial_views.guest_token, name="trial_guest_token"),
    path(
        "trials/guest/<str:token>/presence/",
        trial_views.guest_presence,
        name="trial_guest_presence",
    ),
    path("trials/<uuid:public_id>/room/", trial_views.coach_room, name="trial_room"),
    path(
        "trials/<uuid:public_id>/room/token/",
        trial_views.coach_room_token,
        name="trial_room_token",
    ),
    path(
        "trials/<uuid:public_id>/room/presence/",
        trial_views.coach_room_presence,
        name="trial_room_presence",
    ),
    path("trials/<uuid:public_id>/outcome/", trial_views.trial_outcome, name="trial_outcome"),
]

# --- The video room's documents panel; the paper board saved as a document -------------------
from . import room_documents  # noqa: E402

urlpatterns += [
    path(
        "spaces/<uuid:public_id>/documents/feed/",
        room_documents.documents_feed,
        name="documents_feed",
    ),
    path("spaces/<uuid:public_id>/board/board.png", board_views.board_png, name="board_png"),
]
