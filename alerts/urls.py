from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("alertes/", views.subscribe, name="subscribe"),
    path("alertes/verifiez-vos-e-mails/", views.subscribe_done, name="subscribe_done"),
    path("alertes/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("alertes/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
