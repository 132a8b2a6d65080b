from django.urls import path

from webhooks import views_log

urlpatterns = [
    path("deliveries/", views_log.delivery_list, name="deliveries"),
    path("deliveries/<int:delivery_id>/", views_log.delivery_detail, name="delivery-detail"),
]
