from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
