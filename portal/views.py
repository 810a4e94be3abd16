from django.contrib.sitemaps import views as sitemap_views
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache

from portal.sitemaps import sitemaps


@never_cache
def healthz(request):
    """Liveness and database check for monitoring: 200 "ok" once the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be the reason for the error.
    return HttpResponseServerError(loader.get_template("500.html").render())


def sitemap(request):
    return sitemap_views.sitemap(request, sitemaps(request))


def robots_txt(request):
    """Crawlers may index the public site, never the admin or the sign-in pages."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
