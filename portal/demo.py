"""The site's page tree: home, offer listing, documentation (the guide's chapters) and legal pages."""

from wagtail.models import Page, Site

from portal import demo_content
from portal.models import ContentPage, DocumentationPage, HomePage, OfferIndexPage


def _child(parent, model, slug, **fields):
    """Return the child page with this slug, creating it if needed (idempotent)."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def build_site():
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="Portail SSES", slug="accueil", intro=demo_content.HOME_INTRO)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Portail SSES"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Portail SSES"
        site.save()
    # Wagtail's own placeholder "Welcome" page is no longer reachable: remove it.
    for page in root.get_children().exclude(pk=home.pk).filter(slug="home"):
        page.delete()

    _child(home, OfferIndexPage, "offres", title="Offres d'accueil", intro=demo_content.OFFERS_INTRO)
    docs = _child(
        home, DocumentationPage, "documentation", title="Documentation", intro=demo_content.DOCUMENTATION_INTRO
    )
    for chapter in demo_content.DOCUMENTATION_CHAPTERS:
        _child(
            docs,
            DocumentationPage,
            chapter["slug"],
            title=chapter["title"],
            intro=chapter["intro"],
            body=chapter["body"],
        )
    for content in demo_content.CONTENT_PAGES:
        _child(home, ContentPage, content["slug"], title=content["title"], body=content["body"])
    return home
