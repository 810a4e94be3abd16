from django.urls import path

from offers import views

app_name = "offers"
urlpatterns = [
    path("offres/<int:offer_id>/documents/<int:document_id>/", views.download_document, name="document"),
]
