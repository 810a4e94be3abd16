from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

NAV_SLUGS = {
    "nav_offers_url": "offres",
    "nav_documentation_url": "documentation",
    "nav_legal_url": "mentions-legales",
    "nav_accessibility_url": "accessibilite",
    "nav_personal_data_url": "donnees-personnelles",
}


def _navigation_urls(request):
    """{slug: url} of the pages linked from the header and footer: one query, whatever the page.

    The URLs are relative to the site's home page (found by Wagtail's routing for this request, or
    looked up once), so that neither `Site.get_site_root_paths()` nor one query per link is needed.
    """
    from wagtail.models import Page, Site

    site = Site.find_for_request(request)
    if site is None:
        return {}
    root_path = site.root_page.url_path
    pages = Page.objects.live().filter(slug__in=NAV_SLUGS.values(), url_path__startswith=root_path)
    urls = {}
    for slug, url_path in pages.order_by("-path").values_list("slug", "url_path"):
        urls[slug] = "/" + url_path[len(root_path) :]
    return urls


def nav_section(path):
    """The section of the site that the header's menu marks as current (aria-current), if any: the
    header is cached per section (`{% public_fragment %}`), so it reads this, never the path itself."""
    if path == "/":
        return "home"
    if path.startswith("/offres/"):
        return "offers"
    if path.startswith("/documentation/"):
        return "documentation"
    return ""


def site_navigation(request):
    """Links of the public header and footer, resolved only when a template uses them (once per
    purge of the public pages' cache, as the header and footer are cached fragments)."""
    urls = SimpleLazyObject(lambda: _navigation_urls(request))

    def link(slug):
        return SimpleLazyObject(lambda: urls.get(slug, ""))

    context = {name: link(slug) for name, slug in NAV_SLUGS.items()}
    context.update(
        {
            "admin_login_url": reverse("wagtailadmin_login"),
            "nav_section": nav_section(request.path),
            "skiplinks": [
                {"link": "#content", "label": _("Content")},
                {"link": "#header-navigation", "label": _("Menu")},
                {"link": "#footer", "label": _("Footer")},
            ],
        }
    )
    return context
