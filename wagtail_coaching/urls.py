"""Site URLs. Include them once: ``path("coaching/", include("wagtail_coaching.urls"))``."""

from django.urls import path

from . import views

app_name = "wagtail_coaching"

urlpatterns = [
    path("", views.my_coaching, name="my_coaching"),
    path("spaces/<uuid:public_id>/", views.space_detail, name="space"),
]

# --- Sessions: video room, presence, planning; paper board; calendar (issue 5) -----------
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

# --- Trials and visits: guest room, coach's room, outcome (issue 7) ------------------------
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
