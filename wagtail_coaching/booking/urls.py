from django.urls import path

from . import views

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("spaces/<uuid:public_id>/book/", views.book, name="book"),
    path(
        "spaces/<uuid:public_id>/book/<int:session_id>/cancel/",
        views.booking_cancel,
        name="booking_cancel",
    ),
]
