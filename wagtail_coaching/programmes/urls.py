from django.urls import path

from . import views

_space = "spaces/<uuid:public_id>/"
urlpatterns = [
    path(f"{_space}journey/", views.space_journey, name="space_journey"),
    path(f"{_space}modules/<int:module_id>/", views.space_module, name="space_module"),
    path(
        f"{_space}modules/<int:module_id>/done/",
        views.space_module_complete,
        name="space_module_complete",
    ),
    path(
        f"{_space}modules/<int:module_id>/answers/<uuid:block_id>/",
        views.space_answer,
        name="space_answer",
    ),
    path(f"{_space}steps/<uuid:step_id>/", views.space_step, name="space_step"),
    path(f"{_space}actions/<uuid:action_id>/", views.space_action, name="space_action"),
]
