from django.urls import path

from calls import views

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("calls/", views.call_list, name="calls"),
    path("calls/<str:public_id>/", views.call_detail, name="call-detail"),
    path("calls/<str:public_id>/cancel/", views.call_cancel, name="call-cancel"),
    path("calls/<str:public_id>/call-now/", views.call_now, name="call-now"),
    path("calls/<str:public_id>/attempts/<int:attempt_id>/mark-failed/", views.attempt_mark_failed, name="attempt-mark-failed"),
]
