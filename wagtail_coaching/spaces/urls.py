from django.urls import path

from . import views

_space = "spaces/<uuid:public_id>/"
urlpatterns = [
    path(f"{_space}contract/", views.contract, name="contract"),
    path(f"{_space}contract/pdf/", views.contract_pdf, name="contract_pdf"),
    path(f"{_space}notes/", views.notes, name="notes"),
    path(f"{_space}notes/<uuid:note_uid>/edit/", views.note_edit, name="note_edit"),
    path(f"{_space}notes/<uuid:note_uid>/delete/", views.note_delete, name="note_delete"),
    path(f"{_space}goals/", views.goals, name="goals"),
    path(f"{_space}goals/<uuid:goal_uid>/", views.goal_detail, name="goal"),
    path(f"{_space}goals/<uuid:goal_uid>/delete/", views.goal_delete, name="goal_delete"),
    path(f"{_space}documents/", views.documents, name="documents"),
    path(
        f"{_space}documents/<uuid:document_uid>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        f"{_space}documents/<uuid:document_uid>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path(f"{_space}log/", views.access_log, name="access_log"),
    path(
        f"{_space}access/<uuid:proposal_uid>/",
        views.proposal_answer,
        name="proposal_answer",
    ),
    path(f"{_space}access/revoke/", views.revoke_access, name="revoke_access"),
]
