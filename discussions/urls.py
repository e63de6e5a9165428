from django.urls import path

from discussions import views

app_name = "discussions"
urlpatterns = [
    path("", views.space_list, name="list"),
    path("<int:pk>/", views.space_detail, name="space"),
    path("<int:pk>/questions/<int:question>/", views.question, name="question"),
    path("<int:pk>/questions/<int:question>/post/", views.post_create, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="edit"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
]
