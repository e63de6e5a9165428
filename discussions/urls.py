from django.urls import path

from discussions import translation_views, views
from portal.cache import public_page

app_name = "discussions"
urlpatterns = [
    path("", public_page(views.space_list), name="list"),
    path("<int:pk>/", public_page(views.space_detail), name="space"),
    path("<int:pk>/posts/", views.posts, name="posts"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/analysis/", public_page(views.analysis_page), name="analysis"),
    path("<int:pk>/analysis/pdf/", views.analysis_pdf, name="analysis_pdf"),
    path("<int:pk>/analysis/publish/", views.analysis_publish, name="analysis_publish"),
    path("<int:pk>/export/", views.export_posts, name="export"),
    path("<int:pk>/closing/", public_page(views.closing), name="closing"),
    path("<int:pk>/drafting/", views.drafting, name="drafting"),
    path("drafting/questions/<int:pk>/", views.draft, name="draft"),
    path("drafting/questions/<int:pk>/comment/", views.draft_comment, name="draft_comment"),
    path("drafting/questions/<int:pk>/status/", views.draft_status, name="draft_status"),
    path("<int:pk>/questions/<int:question>/", views.question, name="question"),
    path("<int:pk>/questions/<int:question>/post/", views.post_create, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="edit"),
    path("posts/<int:pk>/translate/", translation_views.post_translate, name="translate"),
    path("posts/<int:pk>/machine-translation/", translation_views.post_machine_translation, name="machine_translation"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("posts/<int:pk>/appeal/", views.appeal_create, name="appeal"),
    path("moderation/appeals/<int:pk>/", views.appeal_decide, name="appeal_decide"),
]
