from django.urls import path

from . import views

_guest = "trials/guest/<str:token>/"
_trial = "trials/<uuid:public_id>/"
urlpatterns = [
    path(_guest, views.guest_room, name="trial_guest_room"),
    path(f"{_guest}token/", views.guest_token, name="trial_guest_token"),
    path(f"{_guest}presence/", views.guest_presence, name="trial_guest_presence"),
    path(f"{_trial}room/", views.coach_room, name="trial_room"),
    path(f"{_trial}room/token/", views.coach_room_token, name="trial_room_token"),
    path(f"{_trial}room/presence/", views.coach_room_presence, name="trial_room_presence"),
    path(f"{_trial}outcome/", views.trial_outcome, name="trial_outcome"),
    path("trials/confirm/<str:token>/", views.confirm_conversion, name="trial_confirm"),
]
