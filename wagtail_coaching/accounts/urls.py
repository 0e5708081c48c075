from django.urls import path

from wagtail_coaching.accounts import views

urlpatterns = [
    path("account/second-factor/", views.verify, name="second_factor_verify"),
    path("account/second-factor/setup/", views.setup, name="second_factor_setup"),
    path(
        "account/second-factor/recovery-codes/",
        views.recovery_codes,
        name="second_factor_recovery_codes",
    ),
]
