from django.urls import path

from consultations import views
from portal.cache import public_page

app_name = "consultations"
urlpatterns = [
    path("", public_page(views.consultation_list), name="list"),
    path("<int:pk>/", public_page(views.consultation_detail), name="detail"),
    path("<int:pk>/agenda/", public_page(views.agenda), name="agenda"),
    path("<int:pk>/summary/<int:document_id>/", views.summary_document, name="summary_document"),
    path("talks/", public_page(views.talks), name="talks"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/speak/", views.offer_to_speak, name="speak"),
    path("<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/speakers/", views.speakers, name="speakers"),
    path("<int:pk>/registrations.csv", views.export_csv, name="export_csv"),
    path("<int:pk>/registrations.xlsx", views.export_xlsx_start, name="export_xlsx"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("inputs/<int:pk>/", public_page(views.inputs), name="inputs"),
    path("inputs/<int:pk>/send/", views.input_send, name="input_send"),
    path("inputs/documents/<int:pk>/", views.input_file, name="input_file"),
    path("inputs/documents/<int:pk>/withdraw/", views.input_withdraw, name="input_withdraw"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
