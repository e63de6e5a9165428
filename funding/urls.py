from django.urls import path

from funding import views
from portal.cache import public_page

app_name = "funding"
urlpatterns = [
    path("", public_page(views.call_list), name="list"),
    path("calls/<int:pk>/", public_page(views.call_detail), name="call"),
    path("calls/<int:pk>/apply/", views.application_edit, name="apply"),
    path("calls/<int:pk>/review/", views.review_list, name="review"),
    path("calls/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("calls/<int:pk>/export.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("calls/<int:pk>/export.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("calls/<int:pk>/travel.csv", views.travel_export, {"file_format": "csv"}, name="travel_csv"),
    path("calls/<int:pk>/travel.xlsx", views.travel_export, {"file_format": "xlsx"}, name="travel_xlsx"),
    path("applications/", views.my_applications, name="mine"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/review/", views.review_detail, name="review_application"),
    path("applications/<int:pk>/review/translation/", views.review_translation, name="review_translation"),
]
