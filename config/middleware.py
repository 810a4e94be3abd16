"""Security headers that Django's own settings do not cover.

`ContentSecurityPolicyMiddleware` is django-csp's middleware with two narrow exceptions to the
policy of `settings.CONTENT_SECURITY_POLICY` (see its comments in `config/settings/base.py`):
- under the Wagtail admin (`settings.CSP_ADMIN_PATH_PREFIX`), the directives of
  `settings.CSP_ADMIN_DIRECTIVES` replace the public ones, because Wagtail 8 writes inline
  scripts without a nonce;
- a response that allows same-origin framing (Wagtail's preview, through its
  `xframe_options_sameorigin_override`) gets `frame-ancestors 'self'` instead of `'none'`, so that
  the CSP says the same as its `X-Frame-Options`.
"""

from csp.constants import HEADER, SELF
from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if response.get("X-Frame-Options") == "SAMEORIGIN" and HEADER in response:
            # Wagtail renders a preview by sending a fake request for the page's own (public) URL
            # through the middlewares again: drop the policy of that inner pass, which forbids
            # framing, and build the one of this (admin) request.
            del response[HEADER]
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        replace = {}
        if request.path_info.startswith(settings.CSP_ADMIN_PATH_PREFIX):
            replace.update(settings.CSP_ADMIN_DIRECTIVES)
        if response.get("X-Frame-Options") == "SAMEORIGIN":
            replace["frame-ancestors"] = [SELF]
        if replace:
            parts.replace = {**replace, **(parts.replace or {})}
        return parts


class PermissionsPolicyMiddleware:
    """Turn off the browser features the portal never uses (camera, microphone, location…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AuditLogAccessMiddleware:
    """Wagtail 8's "Site history" report (the audit trail) checks no permission of its own: any
    admin user may open it and see the log of every object of the types they have a permission
    on, whatever their structure. Keep it for the users who have `settings.AUDIT_LOG_PERMISSION`
    (the regional administrators); others get Wagtail's usual refusal (dashboard + message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(settings.AUDIT_LOG_PATH_PREFIX) and not request.user.has_perm(
            settings.AUDIT_LOG_PERMISSION
        ):
            if not request.user.is_authenticated:
                return self.get_response(request)  # Wagtail sends anonymous users to its login page.
            from wagtail.admin.auth import permission_denied

            return permission_denied(request)
        return self.get_response(request)
