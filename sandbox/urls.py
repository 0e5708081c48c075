from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from wagtail_coaching.accounts.forms import SitePasswordResetForm

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # The reset e-mail is sent by the task worker, like every e-mail of the app.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=SitePasswordResetForm),
        name="password_reset",
    ),
    # Log-out and password pages, with the app's templates.
    path("accounts/", include("django.contrib.auth.urls")),
    path("coaching/", include("wagtail_coaching.urls")),
    # Passkeys (the second factor's WebAuthn ceremony).
    path("webauthn/", include("wagtail_coaching.accounts.passkeys")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
