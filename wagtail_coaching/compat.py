"""What differs between the Django versions the app supports, chosen once, here.

Content-Security-Policy: Django 6.0 and later have their own (``SECURE_CSP`` and
``django.middleware.csp.ContentSecurityPolicyMiddleware``); on Django 5.2 the app uses
django-csp 4 (``CONTENT_SECURITY_POLICY`` and ``csp.middleware.CSPMiddleware``). Both keep a
header a view already set, which is how space pages get their stricter policy; both mark the
place of the per-request nonce in a policy with a constant of their own, :data:`NONCE` here.
"""

import secrets

import django

BUILTIN_CSP = django.VERSION >= (6, 0)

if BUILTIN_CSP:
    from django.middleware.csp import get_nonce as _framework_nonce
    from django.utils.csp import CSP as _CSP

    CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    NONCE = _CSP.NONCE
else:
    from csp.constants import NONCE

    CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"

    def _framework_nonce(request):
        return getattr(request, "csp_nonce", None)


__all__ = ["BUILTIN_CSP", "CSP_MIDDLEWARE", "NONCE", "csp_nonce"]

_OWN_NONCE = "_wagtail_coaching_csp_nonce"


def csp_nonce(request):
    """The request's CSP nonce: the framework's when its middleware runs, else one of ours.

    The same value for the whole request, so a page's ``<script nonce>`` and the header that
    a view writes agree.
    """
    nonce = getattr(request, _OWN_NONCE, None)
    if nonce is None:
        framework = _framework_nonce(request)
        nonce = str(framework) if framework is not None else secrets.token_urlsafe(16)
        setattr(request, _OWN_NONCE, nonce)
    return nonce
