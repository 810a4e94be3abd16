"""Wagtail's routing of anonymous visitors to the public pages, from rows cached per purge generation.

Before a page builds anything, Wagtail's routing reads the request's site, its home page as its
specific type, the page under it that the path names (`HomePage.route`: the offer listing, for the
listing and for every offer page) and the view restrictions on that page and its ancestors
(`portal.models.view_restrictions`): four queries over some thirty page columns, a large part of an
offer page's time. Those rows change only with a page, a site or a view restriction, so they are
kept as fragments of the public pages (`portal.fragments`), purged with them.

Only for anonymous visitors (`portal.cache.is_cacheable`): a logged-in user's page may carry
Wagtail's userbar, which reads the page's revision and lock, so editors are routed from the database.
"""

from django.http.request import split_domain_port
from wagtail.models import Site

from portal import fragments
from portal.cache import is_cacheable


def routing_rows(request, name, build):
    """`build()`, from the fragments cache for an anonymous request, else from the database."""
    if not is_cacheable(request):
        return build()
    return fragments.cached(request, f"routing:{name}", build)


def _site_with_home_page(request):
    site = Site.find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018 -- read now, so that it is cached with the site
    return site


class PublicRoutingMiddleware:
    """Give Wagtail's page serving the request's site (and its home page) from `routing_rows`.

    `Site.find_for_request` looks first at `request._wagtail_site`, where Wagtail keeps the site it
    found for the request. Only the page-serving view pays for it (`process_view`): other views,
    the health check among them, run exactly as before.
    """

    def __init__(self, get_response):
        from wagtail.views import serve  # not at import time: portal.models imports this module

        self.get_response = get_response
        self.wagtail_serve = serve

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is self.wagtail_serve:
            # The host as Wagtail matches it (validated against ALLOWED_HOSTS by then, so a bounded set of keys).
            hostname = split_domain_port(request._get_raw_host())[0]
            request._wagtail_site = routing_rows(
                request, f"site:{hostname}:{request.get_port()}", lambda: _site_with_home_page(request)
            )
        return None
