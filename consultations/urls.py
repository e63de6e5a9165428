from django.urls import path

from consultations import meeting_views, views
from portal.cache import public_page

app_name = "consultations"
urlpatterns = [
    path("", public_page(views.consultation_list), name="list"),
    path("<int:pk>/", public_page(views.consultation_detail), name="detail"),
    path("<int:pk>/agenda/", public_page(views.agenda), name="agenda"),
    path("<int:pk>/summary/<int:document_id>/", views.summary_document, name="summary_document"),
    path("talks/", public_page(views.talks), name="talks"),
    path("talks/<int:pk>/", public_page(views.talk), name="talk"),
    path("talks/<int:pk>/manage/", views.talk_manage, name="talk_manage"),
    path("talks/pledges.csv", views.pledges_csv, name="pledges_csv"),
    path("briefings/", views.briefing_requests, name="briefing_requests"),
    path("briefings/queue/", views.briefing_queue, name="briefing_queue"),
    path("briefings/<int:pk>/", views.briefing_request, name="briefing_request"),
    path("briefings/<int:pk>/edit/", views.briefing_request_edit, name="briefing_request_edit"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/speak/", views.offer_to_speak, name="speak"),
    path("<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/report/", meeting_views.report, name="report"),
    path("<int:pk>/report/edit/", meeting_views.report_edit, name="report_edit"),
    path("<int:pk>/report/withdraw/", meeting_views.report_withdraw, name="report_withdraw"),
    path("<int:pk>/feedback/", meeting_views.feedback_form, name="feedback"),
    path("<int:pk>/feedback/results/", meeting_views.feedback_results, name="feedback_results"),
    path("<int:pk>/feedback.csv", meeting_views.feedback_csv, name="feedback_csv"),
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
