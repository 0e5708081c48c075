from django.urls import path

from . import views

_space = "spaces/<uuid:public_id>/messages/"
urlpatterns = [
    path(_space, views.conversation, name="conversation"),
    path(f"{_space}older/", views.conversation_older, name="conversation_older"),
    path(f"{_space}updates/", views.conversation_updates, name="conversation_updates"),
    path(f"{_space}<uuid:message_uid>/edit/", views.message_edit, name="message_edit"),
    path(f"{_space}<uuid:message_uid>/delete/", views.message_delete, name="message_delete"),
]
