"""The second-factor pages: set one up (authenticator app or passkey), give it at log-in or
before a sensitive act, and see new recovery codes. The rules are in :mod:`.twofactor`."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp_webauthn.models import WebAuthnCredential

from wagtail_coaching.accounts import twofactor
from wagtail_coaching.spaces.rendering import render_page


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request):
    """The page to go on to: ``next`` when it is on this site, else LOGIN_REDIRECT_URL."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _admin_look(request):
    """Whether the page was reached from Wagtail's admin (its login sends ``next`` into the
    admin): it then looks like Wagtail's login page, else like the site."""
    return _next(request).startswith(reverse("wagtailadmin_home"))


def _render(request, template_name, context):
    return render_page(request, template_name, {**context, "admin_look": _admin_look(request)})


def _with_next(url_name, request):
    return f"{reverse(url_name)}?{urlencode({'next': _next(request)})}"


def _has_passkey(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    """Give the second factor: a code from the app, a recovery code or a passkey."""
    user = request.user
    again = request.GET.get("again") == "1"
    if (
        request.method == "GET"
        and user.is_verified()
        and (not again or twofactor.is_fresh(request))
    ):
        # Given already (a passkey's ceremony comes back here): go on.
        return HttpResponseRedirect(_next(request))
    if not twofactor.has_second_factor(user) and not twofactor.recovery_codes_left(user):
        return HttpResponseRedirect(_with_next("wagtail_coaching:second_factor_setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Asked before trying: a code typed during django-otp's wait is refused unseen.
        throttled = twofactor.is_throttled(user)
        device = None if throttled else twofactor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            twofactor.mark_verified(request, device)
            if device.name == twofactor.RECOVERY_DEVICE_NAME:
                messages.warning(
                    request,
                    _("You used a recovery code; %(count)s left. Each one works once.")
                    % {"count": twofactor.recovery_codes_left(user)},
                )
            return HttpResponseRedirect(_next(request))
        if throttled:
            form.add_error(
                "code",
                _("Too many wrong codes: wait a few seconds, then type the newest code."),
            )
        else:
            form.add_error("code", _("This code is not valid. Try the current one again."))
    return _render(
        request,
        "wagtail_coaching/accounts/second_factor_verify.html",
        {
            "form": form,
            "next": _next(request),
            "again": again and user.is_verified(),
            "has_app": user.totpdevice_set.filter(confirmed=True).exists(),
            "has_passkey": _has_passkey(user),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request):
    """Set up an authenticator app (QR code, or the secret typed in) or a passkey. A user
    who already has a second factor must have given it recently to replace or add one."""
    user = request.user
    if twofactor.has_second_factor(user):
        if not user.is_verified():
            return HttpResponseRedirect(
                _with_next("wagtail_coaching:second_factor_verify", request)
            )
        if not twofactor.is_fresh(request):
            query = urlencode({"next": request.get_full_path(), "again": "1"})
            return HttpResponseRedirect(
                f"{reverse('wagtail_coaching:second_factor_verify')}?{query}"
            )
    device = twofactor.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = not device.verify_is_allowed()[0]
        if not throttled and twofactor.confirm_totp(device, form.cleaned_data["code"]):
            twofactor.mark_verified(request, device)
            return recovery_codes_page(request, twofactor.new_recovery_codes(user))
        if throttled:
            form.add_error(
                "code",
                _("Too many wrong codes: wait a few seconds, then type the newest code."),
            )
        else:
            form.add_error(
                "code",
                _(
                    "This code does not match. Check the time on your phone and try the "
                    "newest code."
                ),
            )
    url = twofactor.otpauth_url(device)
    return _render(
        request,
        "wagtail_coaching/accounts/second_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "required": twofactor.is_required(user),
            "has_second_factor": twofactor.has_second_factor(user),
            "qr_svg": twofactor.qr_svg(url, _("QR code of your authenticator app's secret")),
            "otpauth_url": url,
            "secret": twofactor.secret_text(device),
            "recovery_url": _with_next("wagtail_coaching:second_factor_recovery_codes", request),
        },
    )


def recovery_codes_page(request, codes):
    return _render(
        request,
        "wagtail_coaching/accounts/recovery_codes.html",
        {"codes": codes, "next": _next(request)},
    )


@never_cache
@login_required
def recovery_codes(request):
    """New recovery codes, shown once: made at once for a user who has none (just after a
    passkey was registered), else on request (which spends the old ones)."""
    user = request.user
    if not user.is_verified():
        return HttpResponseRedirect(_with_next("wagtail_coaching:second_factor_verify", request))
    if request.method == "POST" or not twofactor.recovery_codes_left(user):
        if request.method == "POST" and not twofactor.is_fresh(request):
            query = urlencode({"next": request.get_full_path(), "again": "1"})
            return HttpResponseRedirect(
                f"{reverse('wagtail_coaching:second_factor_verify')}?{query}"
            )
        return recovery_codes_page(request, twofactor.new_recovery_codes(user))
    return _render(
        request,
        "wagtail_coaching/accounts/recovery_codes.html",
        {"codes": None, "left": twofactor.recovery_codes_left(user), "next": _next(request)},
    )
