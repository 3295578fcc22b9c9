from django.urls import path

from firstcontact.dpo import views

app_name = "dpo"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("requests/", views.sar_list, name="sar_list"),
    path("requests/new/", views.sar_new, name="sar_new"),
    path("requests/<int:pk>/", views.sar_detail, name="sar"),
    path("requests/<int:pk>/status/", views.sar_status, name="sar_status"),
    path("requests/<int:pk>/export/", views.sar_export, name="sar_export"),
    path("audit/", views.audit, name="audit"),
]
