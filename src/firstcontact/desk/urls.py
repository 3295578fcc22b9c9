from django.urls import path

from firstcontact.desk import views

app_name = "desk"
urlpatterns = [
    path("desk/", views.home, name="home"),
    path("desk/customers/<int:pk>/", views.customer_detail, name="customer"),
    path("desk/requests/<str:reference>/", views.request_detail, name="request"),
]
