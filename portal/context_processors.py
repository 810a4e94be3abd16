from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _


def _page_url(slug):
    def lookup():
        from wagtail.models import Page

        page = Page.objects.live().filter(slug=slug).only("url_path", "path", "depth").first()
        return page.url if page else ""

    return SimpleLazyObject(lookup)


def site_navigation(request):
    """Links of the public header and footer, resolved only when a template uses them."""
    return {
        "nav_offers_url": _page_url("offres"),
        "nav_documentation_url": _page_url("documentation"),
        "nav_legal_url": _page_url("mentions-legales"),
        "nav_accessibility_url": _page_url("accessibilite"),
        "nav_personal_data_url": _page_url("donnees-personnelles"),
        "admin_login_url": reverse("wagtailadmin_login"),
        "skiplinks": [
            {"link": "#content", "label": _("Content")},
            {"link": "#header-navigation", "label": _("Menu")},
            {"link": "#footer", "label": _("Footer")},
        ],
    }
