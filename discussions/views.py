from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from discussions import analysis, exports, post_translations, selectors, services
from discussions.enums import AppealOutcome, FileStatus, PostStatus, QuestionStatus
from discussions.filters import PostFilter
from discussions.forms import (
    AppealDecisionForm,
    AppealForm,
    CommentForm,
    ModerationForm,
    PostEditForm,
    PostForm,
    QuestionForm,
)
from discussions.models import AnalysisPaper, Appeal, Attachment, GuidingQuestion, Post, Space, Subscription
from discussions.permissions import (
    drafts_questions,
    in_drafting_team,
    may_post,
    may_read_question,
    may_see_closing,
    moderated_spaces,
    moderates,
    posting_rule,
    visible_posts,
)
from portal import content_translation, integrity
from portal.permissions import can
from portal.validators import whole_number
from reviews.enums import EventKind
from reviews.models import Event

PAGE_SIZE = 20


def space_list(request):
    spaces = Space.objects.select_related("region", "cycle")
    return render(request, "discussions/list.html", {"spaces": spaces})


def space_detail(request, pk: int):
    """Open to the public: that the space exists, its published questions and its published summary."""
    space = get_object_or_404(Space.objects.select_related("region", "cycle", "analysis"), pk=pk)
    phases = selectors.phases_with_published_questions(space)
    counts = {}
    if can(request.user, "discussions.read"):
        # Counted over what this person may see: a pending post never shows up in a number.
        counts = dict(visible_posts(request.user, space).values_list("question").annotate(n=Count("pk")).order_by())
    for phase in phases:
        for item in phase.questions.all():
            item.visible_count = counts.get(item.pk, 0)
    return render(
        request,
        "discussions/space.html",
        {
            "space": space,
            "phases": phases,
            "counts": counts,
            "can_read": can(request.user, "discussions.read"),
            "moderates": moderates(request.user, space),
            "following": _following(request.user, space),
            "paper_visible": _paper_visible(request.user, space, getattr(space, "analysis", None)),
            "posting": posting_rule(),
            "drafting": in_drafting_team(request.user, space),
            "closing_visible": may_see_closing(request.user, space),
            # 002: phase 2 "may then feed into preparatory processes for the IMRF": the Forum that follows.
            "imrf": Event.objects.filter(kind=EventKind.IMRF, cycle_id=space.cycle_id)
            .order_by("start_earliest")
            .first()
            if any(phase.number == 2 for phase in phases)
            else None,
        },
    )


def _following(user, space, question=None) -> bool:
    if not user.is_authenticated:
        return False
    return Subscription.objects.filter(user=user, space=space, question=question).exists()


def _paper_visible(user, space, paper) -> bool:
    if paper is not None and paper.published_at:
        return True
    return can(user, "discussions.analyse") or moderates(user, space)


def _post_queryset(user, space):
    return (
        visible_posts(user, space)
        .select_related("author", "parent", "appeal")
        .prefetch_related("tags", "submitted_tags", Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    )


@login_required
def question(request, pk: int, question: int):
    space = get_object_or_404(Space, pk=pk)
    if not can(request.user, "discussions.read"):
        raise PermissionDenied
    guiding = get_object_or_404(
        selectors.published_questions().select_related("phase"), pk=question, phase__space=space
    )
    posts = _post_queryset(request.user, space).filter(question=guiding)
    filters = {}
    if (tag := whole_number(request.GET.get("tag"))) is not None:
        posts, filters["tag"] = posts.filter(tags=tag), str(tag)
    if (language := request.GET.get("language")) in dict(settings.LANGUAGES):
        posts, filters["language"] = posts.filter(language=language), language
    page = Paginator(posts.order_by("approved_at", "submitted_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    form = PostForm(initial={"language": get_language()})
    return _thread(request, space, guiding, page, form)


def _has_appeal(post) -> bool:
    try:
        return post.appeal is not None
    except Appeal.DoesNotExist:
        return False


def _thread(request, space, guiding, page, form, status=200):
    is_moderator = moderates(request.user, space)
    posting = posting_rule()
    language = get_language()
    post_translations.translated_posts(page.object_list, language)
    for post in page.object_list:
        post.machine_offer = post.approved_at is not None and content_translation.machine_available(
            source_language=post.language, language=language, private=False
        )
        post.sees_current = is_moderator or post.author_id == request.user.pk
        # Readers see the approved tags and files; the author and moderators the submitted version's.
        post.shown_tags = list(post.submitted_tags.all() if post.sees_current else post.tags.all())
        post.visible_attachments = [a for a in post.attachments.all() if a.approved or post.sees_current]
        post.may_appeal = (
            post.author_id == request.user.pk and post.status == PostStatus.REJECTED and not _has_appeal(post)
        )
    return render(
        request,
        "discussions/question.html",
        {
            "space": space,
            "question": guiding,
            "page": page,
            "posts": page.object_list,
            "form": form,
            "may_post": may_post(request.user, member_states=posting.member_states) or is_moderator,
            "posting": posting,
            "phase_open": guiding.phase.is_open(),
            "moderates": is_moderator,
            # After a refused post the reply target comes back with the form, so it is not lost.
            "reply_to": request.POST.get("reply_to") or request.GET.get("reply_to", ""),
            "following": _following(request.user, space, guiding),
            "translates_space": post_translations.translates(request.user, space),
        },
        status=status,
    )


@login_required
@require_POST
def post_create(request, pk: int, question: int):
    space = get_object_or_404(Space, pk=pk)
    # 002: stakeholders and UN system members post (Member States too when the live setting follows 003), the
    # space's moderators write notes; others only read.
    if not (may_post(request.user) or moderates(request.user, space)):
        raise PermissionDenied
    guiding = get_object_or_404(
        selectors.published_questions().select_related("phase__space"), pk=question, phase__space=space
    )
    form = PostForm(request.POST, request.FILES)
    if form.is_valid():
        parent = None
        if (reply_to := whole_number(request.POST.get("reply_to"))) is not None:
            parent = visible_posts(request.user, space).filter(pk=reply_to).first()
        try:
            services.post_create(
                question=guiding,
                author=request.user,
                text=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
                author_label=form.cleaned_data["author_label"],
                tags=form.cleaned_data["tags"],
                parent=parent,
                files=form.cleaned_data["files"],
                moderator_note=request.POST.get("moderator_note") == "1" and moderates(request.user, space),
            )
        except services.DiscussionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. Your post will be published once a moderator has approved it."))
            return redirect(guiding)
    posts = _post_queryset(request.user, space).filter(question=guiding)
    page = Paginator(posts, PAGE_SIZE).get_page(1)
    return _thread(request, space, guiding, page, form, status=400)


@login_required
def post_edit(request, pk: int):
    post = get_object_or_404(Post.objects.select_related("question__phase", "space"), pk=pk, author=request.user)
    form = PostEditForm(
        request.POST or None, request.FILES or None, initial={"text": post.text, "tags": post.submitted_tags.all()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post,
                author=request.user,
                text=form.cleaned_data["text"],
                tags=form.cleaned_data["tags"],
                files=form.cleaned_data["files"],
            )
        except services.DiscussionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes will be published once a moderator has approved them."))
            return redirect(post.question)
    return render(request, "discussions/edit.html", {"post": post, "form": form})


def attachment(request, pk: int):
    """A file of a post, for those who may see it: attachment disposition, never rendered inline."""
    item = get_object_or_404(Attachment.objects.select_related("post__space"), pk=pk)
    post = item.post
    allowed = request.user.is_authenticated and (
        moderates(request.user, post.space)
        or post.author_id == request.user.pk
        or (
            item.status == FileStatus.APPROVED
            and post.approved_at is not None
            and can(request.user, "discussions.read")
        )
    )
    if not allowed:
        raise Http404
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


@login_required
def moderation_queue(request):
    if not can(request.user, "discussions.moderate") and not can(request.user, "discussions.analyse"):
        raise PermissionDenied
    # Posts waiting for moderation: only for moderators, in the spaces assigned to them. Being put on a space's
    # list of moderators without the moderator role (the secretariat manages the lists) shows nothing.
    spaces = moderated_spaces(request.user)
    pending = (
        Post.objects.filter(space__in=spaces, status=PostStatus.PENDING)
        .select_related("space", "question", "author__profile")
        .prefetch_related("tags", "submitted_tags", Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("submitted_at", "pk")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    conflicted = integrity.conflicted(request.user, {post.author_id for post in page.object_list})
    for post in page.object_list:
        _describe_for_decision(post, request.user, conflicted)
    return render(
        request,
        "discussions/moderation.html",
        {
            "page": page,
            "posts": page.object_list,
            "form": ModerationForm(),
            "appeals": _open_appeals(request.user),
            "appeal_form": AppealDecisionForm(),
        },
    )


def _describe_for_decision(post, user, conflicted: set[int]) -> None:
    """What a moderator needs to decide a post: its tags and files as submitted, what is new, and whether they may.

    ``conflicted``: the authors the moderator may not decide about (portal.integrity.conflicted, one query for
    the page); the reason is worded only for those.
    """
    post.shown_tags = list(post.submitted_tags.all())
    post.tags_changed = post.approved_at is not None and {t.pk for t in post.shown_tags} != {
        t.pk for t in post.tags.all()
    }
    post.files = list(post.attachments.all())
    post.refusal = services.post_decision_refusal(by=user, post=post) if post.author_id in conflicted else None
    # The text awaits a decision: only an engine on the portal's own machines may translate it.
    post.machine_offer = content_translation.machine_available(
        source_language=post.language, language=get_language(), private=True
    )


def _open_appeals(user) -> list:
    """The open appeals this person may see: those of the spaces they moderate, or all for the secretariat."""
    appeals = Appeal.objects.filter(outcome=AppealOutcome.OPEN).select_related(
        "post__space", "post__question", "post__author__profile", "first_moderator__profile"
    )
    if not (user.is_superuser or can(user, "discussions.analyse")):
        appeals = appeals.filter(post__space__in=moderated_spaces(user))
    appeals = list(appeals.order_by("created_at", "pk")[:PAGE_SIZE])
    conflicted = integrity.conflicted(user, {appeal.post.author_id for appeal in appeals})
    for appeal in appeals:
        appeal.refusal = services.appeal_refusal(appeal=appeal, user=user, conflicted=conflicted)
    return appeals


@login_required
@require_POST
def moderate(request, pk: int):
    post = get_object_or_404(Post.objects.select_related("space"), pk=pk)
    if not moderates(request.user, post.space):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    form = ModerationForm(request.POST)
    form.is_valid()
    shown = request.POST.get("revision", "")
    try:
        decided = services.post_moderate(
            post=post,
            by=request.user,
            approve=approve,
            reason=form.reason(),
            shown_revision=whole_number(shown) if whole_number(shown) is not None else -1,
        )
    except services.PostChanged as exc:
        messages.warning(request, str(exc))
        return redirect(f"{reverse('discussions:moderation')}#queue-{post.pk}")
    except services.DiscussionError as exc:
        messages.error(request, str(exc))
    else:
        if decided:
            messages.success(request, _("Decision saved; the author is being told."))
        else:
            messages.info(request, _("Another moderator decided on this post first."))
    return redirect("discussions:moderation")


@login_required
def appeal_create(request, pk: int):
    """The author of a post that was not approved asks for a second review, once, with a short reason."""
    post = get_object_or_404(
        Post.objects.select_related("space", "question"), pk=pk, author=request.user, status=PostStatus.REJECTED
    )
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_create(post=post, author=request.user, reason=form.cleaned_data["reason"])
        except services.DiscussionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Your request is recorded. Another moderator will review the post and write to you.")
            )
            return redirect(post.question)
    return render(request, "discussions/appeal.html", {"post": post, "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def appeal_decide(request, pk: int):
    appeal = get_object_or_404(Appeal.objects.select_related("post__space"), pk=pk)
    if not services.may_decide_appeals(request.user, appeal.post.space):
        raise PermissionDenied
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("discussions:moderation")
    try:
        decided = services.appeal_decide(
            appeal=appeal,
            by=request.user,
            overturn=form.cleaned_data["decision"] == "overturn",
            note=form.cleaned_data["note"],
            shown_revision=form.cleaned_data["revision"],
        )
    except services.DiscussionError as exc:
        messages.error(request, str(exc))
    else:
        if decided:
            messages.success(request, _("The second review is saved; the author is being told."))
        else:
            messages.info(request, _("Someone else decided on this appeal first."))
    return redirect("discussions:moderation")


@login_required
def posts(request, pk: int):
    """Search and filters over a space's published posts; only approved versions are ever read here."""
    space = get_object_or_404(Space, pk=pk)
    if not can(request.user, "discussions.read"):
        raise PermissionDenied
    published = (
        selectors.under_published_questions(Post.objects.filter(space=space, approved_at__isnull=False))
        .select_related("question__phase", "parent")
        .prefetch_related(
            "tags", Prefetch("attachments", queryset=Attachment.objects.filter(status=FileStatus.APPROVED))
        )
    )
    found = PostFilter(request.GET or None, queryset=published, space=space)
    if not found.is_bound:
        results = published.order_by("-approved_at", "-pk")
    elif found.is_valid():
        results = found.qs.order_by("-approved_at", "-pk")
    else:  # an unknown filter value shows nothing, with the error next to the filter
        results = published.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    post_translations.translated_posts(page.object_list, get_language())
    for post in page.object_list:
        post.sees_current = False
        post.shown_tags = list(post.tags.all())
        post.visible_attachments = list(post.attachments.all())
    return render(
        request,
        "discussions/posts.html",
        {"space": space, "filter": found, "page": page, "posts": page.object_list},
        status=200 if not found.is_bound or found.is_valid() else 400,
    )


@login_required
@require_POST
def follow(request, pk: int):
    """Follow or stop following a space, or one of its questions, for the digest of new posts."""
    space = get_object_or_404(Space, pk=pk)
    if not can(request.user, "discussions.read"):
        raise PermissionDenied
    wanted = request.POST.get("follow")
    if wanted not in ("0", "1"):
        raise BadRequest("follow is 1 (follow) or 0 (stop following)")
    guiding = None
    if given := request.POST.get("question", ""):
        # An id that is not one (1e5, -1, Arabic-Indic digits) is refused: read as absent, it would follow the
        # whole space.
        question_id = whole_number(given)
        if question_id is None:
            raise BadRequest("question is the id of one of the space's questions")
        guiding = get_object_or_404(selectors.published_questions(), pk=question_id, phase__space=space)
    if wanted == "1":
        services.subscription_create(user=request.user, space=space, question=guiding)
        messages.success(
            request,
            _("New posts published here will be in your digest by e-mail (daily, weekly or none: see your profile)."),
        )
    else:
        services.subscription_delete(user=request.user, space=space, question=guiding)
        messages.success(request, _("You no longer follow this."))
    return redirect(guiding or space)


def _paper_or_404(request, pk: int):
    space = get_object_or_404(Space.objects.select_related("region", "cycle"), pk=pk)
    paper = AnalysisPaper.objects.filter(space=space).first()
    if not _paper_visible(request.user, space, paper):
        raise Http404
    return space, paper


def analysis_page(request, pk: int):
    """The analysis paper: public once published; the secretariat and the space's moderators see the draft."""
    space, paper = _paper_or_404(request, pk)
    return render(
        request,
        "discussions/analysis.html",
        {
            "space": space,
            "paper": paper,
            "figures": analysis.figures(space),
            "timing": analysis.timing(space, paper),
            "may_publish": can(request.user, "discussions.analyse"),
        },
    )


def analysis_pdf(request, pk: int):
    from weasyprint import HTML  # noqa: PLC0415 - heavy (fonts, CSS engine): loaded only when a PDF is asked for

    space, paper = _paper_or_404(request, pk)
    html = render(
        request,
        "discussions/analysis_pdf.html",
        {"space": space, "paper": paper, "figures": analysis.figures(space), "generated_at": timezone.now()},
    ).content.decode()
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="analysis-paper-{space.pk}-{get_language()}.pdf"'
    return response


@login_required
@require_POST
def analysis_publish(request, pk: int):
    """Publish (``publish=1``) or take back to draft (``publish=0``); any other value is refused, nothing changes."""
    if not can(request.user, "discussions.analyse"):
        raise PermissionDenied
    space = get_object_or_404(Space, pk=pk)
    wanted = request.POST.get("publish")
    if wanted not in ("0", "1"):
        raise BadRequest("publish is 1 (publish) or 0 (back to draft)")
    try:
        if wanted == "1":
            changed = services.analysis_paper_publish(space=space, by=request.user)
        else:
            changed = services.analysis_paper_unpublish(space=space, by=request.user)
    except services.DiscussionError as exc:
        messages.error(request, str(exc))
        return redirect("discussions:analysis", pk=space.pk)
    if wanted == "0":
        if changed:
            messages.success(
                request, _("The analysis paper is back to draft: only the secretariat and moderators see it.")
            )
        else:
            messages.info(request, _("The analysis paper is not published: it is still a draft."))
        return redirect("discussions:analysis", pk=space.pk)
    paper = AnalysisPaper.objects.get(space=space)
    if not changed:
        messages.info(
            request,
            _("The analysis paper was already published, on %(date)s: nothing changed.")
            % {"date": date_format(timezone.localtime(paper.published_at), "DATE_FORMAT")},
        )
        return redirect("discussions:analysis", pk=space.pk)
    timing = analysis.timing(space, paper)
    if timing.late:
        messages.warning(
            request,
            _("Published later than two weeks before the Regional Review: it was due by %(date)s.")
            % {"date": date_format(timing.due, "DATE_FORMAT")},
        )
    else:
        messages.success(request, _("The analysis paper is published."))
    return redirect("discussions:analysis", pk=space.pk)


@login_required
def export_posts(request, pk: int):
    """The published posts of a space as CSV for the secretariat's analysis, streamed."""
    if not can(request.user, "discussions.analyse"):
        raise PermissionDenied
    space = get_object_or_404(Space, pk=pk)
    response = StreamingHttpResponse(exports.csv_rows(space), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="discussion-{space.pk}-posts.csv"'
    return response


# --- Drafting guiding questions (002: "shared with regional Network colleagues for feedback and comments") ---


def _team_space(request, pk: int) -> Space:
    """The space, for the region's team; for anybody else the drafting pages do not exist."""
    space = get_object_or_404(Space.objects.select_related("region", "cycle"), pk=pk)
    if not in_drafting_team(request.user, space):
        raise Http404
    return space


@login_required
def drafting(request, pk: int):
    """The guiding questions of a space in every state, for the region's team; its drafters write new ones here."""
    space = _team_space(request, pk)
    drafts = drafts_questions(request.user, space)
    form = None
    if drafts:
        form = QuestionForm(request.POST or None, space=space)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = services.question_create(
                    phase=form.cleaned_data["phase"],
                    by=request.user,
                    texts=form.texts(),
                    position=form.cleaned_data["position"],
                )
            except services.DiscussionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("The question is saved as a draft. Share it with the team when it is ready for comments."),
                )
                return redirect(created.get_draft_url())
    return render(
        request,
        "discussions/drafting.html",
        {
            "space": space,
            "questions": selectors.drafting_questions(space, with_drafts=drafts),
            "form": form,
            "drafts": drafts,
            "statuses": QuestionStatus,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _draft_page(request, space, guiding, *, edit_form=None, comment_form=None, status=200):
    drafts = drafts_questions(request.user, space)
    editable = drafts and guiding.status != QuestionStatus.PUBLISHED
    if editable and edit_form is None:
        edit_form = QuestionForm(initial=QuestionForm.initial_for(guiding), space=space)
    return render(
        request,
        "discussions/draft.html",
        {
            "space": space,
            "question": guiding,
            "texts": [
                (code, name, getattr(guiding, "text_" + code.replace("-", "_")) or "")
                for code, name in settings.LANGUAGES
            ],
            "comments": selectors.question_comments(guiding),
            "comment_form": comment_form or CommentForm(),
            "may_comment": guiding.status != QuestionStatus.PUBLISHED,
            "drafts": drafts,
            "edit_form": edit_form if editable else None,
            "statuses": QuestionStatus,
        },
        status=status,
    )


def _team_question(request, pk: int):
    """The question ``pk`` and its space, for those of the region's team who may read it; nobody else finds it."""
    guiding = get_object_or_404(GuidingQuestion.objects.select_related("phase__space__region"), pk=pk)
    space = guiding.phase.space
    if not (in_drafting_team(request.user, space) and may_read_question(request.user, guiding, space)):
        raise Http404
    return space, guiding


@login_required
def draft(request, pk: int):
    """One guiding question for the team: its text in each language, its version, the comments in order; its
    drafters edit it here (POST) while it is not published. An edit made on an older version is refused and the
    new version shown, with what the person typed kept in the form."""
    space, guiding = _team_question(request, pk)
    if request.method != "POST":
        return _draft_page(request, space, guiding)
    if not drafts_questions(request.user, space):
        raise PermissionDenied
    form = QuestionForm(request.POST, space=space)
    if form.is_valid():
        shown = form.cleaned_data["revision"]
        try:
            services.question_edit(
                question=guiding,
                by=request.user,
                texts=form.texts(),
                position=form.cleaned_data["position"],
                shown_revision=-1 if shown is None else shown,
            )
        except services.DiscussionError as exc:
            form.add_error(None, str(exc))
            if isinstance(exc, services.QuestionChanged):
                # The typed text stays; the version it now applies to is the current one.
                data = request.POST.copy()
                data["revision"] = str(GuidingQuestion.objects.values_list("revision", flat=True).get(pk=guiding.pk))
                form.data = data
        else:
            messages.success(request, _("Your changes are saved as a new version."))
            return redirect(guiding.get_draft_url())
    guiding = GuidingQuestion.objects.select_related("phase").get(pk=guiding.pk)
    return _draft_page(request, space, guiding, edit_form=form, status=400)


@login_required
@require_POST
def draft_comment(request, pk: int):
    """A team member's comment on a question being drafted; a refused one comes back with what was typed."""
    space, guiding = _team_question(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.question_comment_create(question=guiding, author=request.user, text=form.cleaned_data["text"])
        except services.DiscussionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(f"{guiding.get_draft_url()}#comments")
    return _draft_page(request, space, guiding, comment_form=form, status=400)


DRAFT_ACTIONS = ("share", "publish", "draft")


@login_required
@require_POST
def draft_status(request, pk: int):
    """Share with the team, publish, or take back to draft; ``revision`` is the version the person was shown."""
    space, guiding = _team_question(request, pk)
    if not drafts_questions(request.user, space):
        raise PermissionDenied
    action = request.POST.get("action")
    if action not in DRAFT_ACTIONS:
        raise BadRequest("action is share, publish or draft")
    shown = whole_number(request.POST.get("revision", ""))
    shown = -1 if shown is None else shown
    try:
        if action == "share":
            changed = services.question_share(question=guiding, by=request.user, shown_revision=shown)
            done = _("The question is shared with the region's team for comments; they are being told by e-mail.")
        elif action == "publish":
            changed = services.question_publish(question=guiding, by=request.user, shown_revision=shown)
            done = _("The question is published: it is on the space's page and takes posts.")
        else:
            changed = services.question_return_to_draft(question=guiding, by=request.user)
            done = _("The question is back to draft: only those who draft questions see it.")
    except services.QuestionChanged as exc:
        messages.warning(request, str(exc))
        return redirect(guiding.get_draft_url())
    except services.DiscussionError as exc:
        messages.error(request, str(exc))
        return redirect(guiding.get_draft_url())
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, _("Nothing changed: the question already was in that state."))
    if action == "publish" and changed:
        return redirect("discussions:drafting", pk=space.pk)
    return redirect(guiding.get_draft_url())


# --- The closing summary (002: "a short summary … to consolidate in one place all outputs and links") ------


def closing(request, pk: int):
    """The space's closing summary: public once the summary is published; before, the region's team's alone."""
    space = get_object_or_404(Space.objects.select_related("region", "cycle"), pk=pk)
    if not may_see_closing(request.user, space):
        raise Http404
    return render(
        request,
        "discussions/closing.html",
        {
            "summary": selectors.closing_summary(space),
            "space": space,
            # The outputs and links are edited with the space, in the administration (region by region).
            "may_edit": request.user.has_perm("discussions.change_space") and in_drafting_team(request.user, space),
        },
    )
