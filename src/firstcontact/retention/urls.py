from django.urls import path

from firstcontact.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.erasure_list, name="erasure_list"),
    path("new/", views.erasure_new, name="erasure_new"),
    path("<int:pk>/", views.erasure_detail, name="erasure"),
    path("<int:pk>/assess/", views.erasure_assess, name="erasure_assess"),
    path("<int:pk>/carry-out/", views.erasure_carry_out, name="erasure_carry_out"),
    path("<int:pk>/refuse/", views.erasure_refuse, name="erasure_refuse"),
]
