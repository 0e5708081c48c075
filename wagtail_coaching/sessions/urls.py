from django.urls import path

from . import board_views, calendar_views, room_documents, views

_space = "spaces/<uuid:public_id>/"
_session = f"{_space}sessions/<int:session_id>/"
urlpatterns = [
    path(f"{_space}sessions/new/", views.session_plan, name="session_plan"),
    path(f"{_session}room/", views.session_room, name="session_room"),
    path(f"{_session}room/token/", views.session_room_token, name="session_room_token"),
    path(f"{_session}room/presence/", views.session_room_presence, name="session_room_presence"),
    path(f"{_session}confirm/", views.session_confirm, name="session_confirm"),
    path(f"{_session}move/", views.session_move, name="session_move"),
    path(f"{_session}cancel/", views.session_cancel, name="session_cancel"),
    path(f"{_session}session.ics", calendar_views.session_ics, name="session_ics"),
    # The paper board and the room's documents panel.
    path(f"{_space}board/", board_views.board_state, name="board_state"),
    path(f"{_space}board/ops/", board_views.board_ops, name="board_ops"),
    path(f"{_space}board/board.pdf", board_views.board_pdf, name="board_pdf"),
    path(f"{_space}board/board.png", board_views.board_png, name="board_png"),
    path(f"{_space}documents/feed/", room_documents.documents_feed, name="documents_feed"),
    # The participant's calendar feed and preferences.
    path("calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("language/", calendar_views.set_language, name="set_language"),
]
