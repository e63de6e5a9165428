import functools
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms import ModelChoiceField
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from discussions import analysis, exports, fragments, post_translations, selectors, services
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
from discussions.models import (
    AnalysisPaper,
    Appeal,
    Attachment,
    GuidingQuestion,
    Post,
    Space,
    Subscription,
    byline,
)
from discussions.permissions import (
    drafts_questions,
    in_drafting_team,
    may_post,
    may_read_question,
    may_see_closing,
    moderated_spaces_titled,
    moderates,
    posting_rule,
    visible_posts,
)
from portal import content_translation, integrity
from portal.models import User
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
    """The posts of ``space`` that ``user`` may see, without search's document and the plain texts, which a thread
    never shows; ``_thread`` reads what else it shows for one page."""
    return visible_posts(user, space).defer("search_vector", "approved_text", "text")


@login_required
def question(request, pk: int, question: int):
    guiding = selectors.thread_question(request.user, space_id=pk, question_id=question)
    if guiding is None:
        raise Http404
    if not can(request.user, "discussions.read"):
        raise PermissionDenied
    space = guiding.phase.space
    tag = whole_number(request.GET.get("tag"))
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = None
    if tag is None and language is None and not moderates(request.user, space):
        return _reader_thread(request, space, guiding)
    posts = _post_queryset(request.user, space).filter(question=guiding)
    if tag is not None:
        posts = posts.filter(tags=tag)
    if language is not None:
        posts = posts.filter(language=language)
    page = Paginator(posts.order_by("approved_at", "submitted_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    form = PostForm(initial={"language": get_language()})
    return _thread(request, space, guiding, page, form)


def _thread(request, space, guiding, page, form, status=200):
    user = request.user
    is_moderator = moderates(user, space)
    # The live setting on Member States is read only where it decides something: whether a Member State may post,
    # and the text shown to those who may not.
    posting = None
    allowed = is_moderator or can(user, "discussions.post")
    if not allowed:
        posting = posting_rule()
        allowed = may_post(user, member_states=posting.member_states)
    phase_open = guiding.phase.is_open()
    following = getattr(guiding, "following", None)
    translates_space = post_translations.translates(user, space, listed=getattr(guiding, "on_translators_list", None))
    page.object_list = posts = list(page.object_list)
    # The tags with all their names key the form's rendering, and name the posts' tags on the way.
    show_form = phase_open and allowed and not form.is_bound
    tags = selectors.tag_rows() if show_form else None
    _prepare_posts(posts, reader_id=user.pk, is_moderator=is_moderator, tags=tags)
    shared = {"phase_open": phase_open, "may_post": allowed, "translates_space": translates_space}
    # The renderings every reader of the language shares, read from the cache in one round trip.
    wanted = _public_posts(posts, shared)
    if show_form:
        form_key = _post_form(form, tags)
        wanted.append(form_key)
    found = fragments.rendered(wanted)
    for post in posts:
        post.rendered = found.get(post.cache_key) if post.public else None
    return _question_page(
        request,
        space,
        guiding,
        page,
        form=form,
        form_html=found[form_key[0]] if show_form else None,
        posting=posting,
        moderates=is_moderator,
        # After a refused post the reply target comes back with the form, so it is not lost.
        reply_to=request.POST.get("reply_to") or request.GET.get("reply_to", ""),
        following=_following(user, space, guiding) if following is None else following,
        shared=shared,
        status=status,
    )


def _question_page(request, space, guiding, page, *, shared: dict, status: int = 200, **context):
    return render(
        request,
        "discussions/question.html",
        {"space": space, "question": guiding, "page": page, "posts": page.object_list, **context, **shared},
        status=status,
    )


def _reader_thread(request, space, guiding):
    """A thread as a reader sees it: not a moderator of the space, no filter. What every reader with the same
    offers sees alike (the published posts of the page, rendered, and how many there are; the post form) is kept
    until any row changes and read in one round trip (fragments.with_data); only the reader's own posts are read
    and rendered for them. ``guiding``: selectors.thread_question's, with what it asks about the reader."""
    user = request.user
    posting = None
    allowed = can(user, "discussions.post")
    if not allowed:
        posting = posting_rule()
        allowed = may_post(user, member_states=posting.member_states)
    phase_open = guiding.phase.is_open()
    translates_space = post_translations.translates(user, space, listed=guiding.on_translators_list)
    shared = {"phase_open": phase_open, "may_post": allowed, "translates_space": translates_space}
    show_form = phase_open and allowed
    # The page asked for, read as Paginator reads it; one past the last is settled below, with the count.
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    window, form_html = _published_window(space, guiding, number, shared, with_form=show_form)
    # The reader's own posts not yet approved are theirs alone, after every published one.
    waiting = _own_waiting(user, space, guiding).count() if guiding.waiting else 0
    paginator = Paginator([], PAGE_SIZE)
    paginator.count = window["count"] + waiting
    page = paginator.get_page(request.GET.get("page"))
    if page.number != number:
        window, _form = _published_window(space, guiding, page.number, shared, with_form=False)
    page.object_list = _with_own_posts(user, space, guiding, window, page, waiting)
    return _question_page(
        request,
        space,
        guiding,
        page,
        form=None,
        form_html=form_html,
        posting=posting,
        moderates=False,
        reply_to=request.GET.get("reply_to", ""),
        following=guiding.following,
        shared=shared,
    )


def _published_window(space, guiding, number: int, shared: dict, *, with_form: bool) -> tuple[dict, SafeString | None]:
    """The published posts of page ``number`` of the thread as every reader with the offers ``shared`` sees them,
    with how many are published (_published_posts), and the unbound post form when ``with_form``: kept until any
    row changes, under a key that holds all else they depend on (the code and the language, fragments.key; the
    offers, whether an engine translates each language into the page's, the page)."""
    language = get_language()
    machine = [
        content_translation.machine_available(source_language=code, language=language, private=False)
        for code, _name in settings.LANGUAGES
    ]
    offset = (number - 1) * PAGE_SIZE
    posts_key = fragments.key("thread", (space.pk, guiding.pk, offset, PAGE_SIZE, sorted(shared.items()), machine))
    wanted = {posts_key: functools.partial(_published_posts, space, guiding, offset, shared)}
    if with_form:
        form_key = fragments.key("thread-form", _form_shown(language))
        wanted[form_key] = _unbound_post_form
    found = fragments.with_data(wanted)
    return found[posts_key], mark_safe(found[form_key]) if with_form else None  # noqa: S308 - our templates escape


def _published_posts(space, guiding, offset: int, shared: dict) -> dict:
    """The published posts of the thread from ``offset`` (one page), each rendered as every reader with the offers
    ``shared`` sees it (_public_posts), with its author (whose own post is rendered for them instead), and the
    number of published posts. A reader's own posts not yet approved come after all of these."""
    published = Post.objects.filter(space=space, question=guiding, approved_at__isnull=False)
    count = published.count()
    # A page past the published posts (the reader's own, or one past the last) reads none.
    posts = []
    if offset < count:
        posts = list(
            published.defer("search_vector", "approved_text", "text", "html").order_by(
                "approved_at", "submitted_at", "pk"
            )[offset : offset + PAGE_SIZE]
        )
    _prepare_posts(posts, reader_id=None, is_moderator=False, tags=None)
    found = fragments.rendered(_public_posts(posts, shared))
    return {
        "count": count,
        "posts": [{"pk": post.pk, "author_id": post.author_id, "rendered": found[post.cache_key]} for post in posts],
    }


def _own_waiting(user, space, guiding):
    """The reader's posts under the question not approved yet, which only they (and the moderators) see."""
    return _post_queryset(user, space).filter(question=guiding, author=user, approved_at__isnull=True)


def _with_own_posts(user, space, guiding, window: dict, page, waiting: int) -> list:
    """The posts of ``page``: the published ones of ``window`` (_published_window), the reader's own among them
    read and rendered for them (their version, their offers), and after them the reader's posts not yet approved
    (``waiting`` of them) that fall on the page."""
    shown = [{**entry, "rendered": mark_safe(entry["rendered"])} for entry in window["posts"]]  # noqa: S308
    mine = [entry["pk"] for entry in shown if entry["author_id"] == user.pk]
    own = _post_queryset(user, space).in_bulk(mine) if mine else {}
    room = PAGE_SIZE - len(shown)
    start = max((page.number - 1) * PAGE_SIZE - window["count"], 0)
    after = []
    if room and waiting > start:
        after = list(_own_waiting(user, space, guiding).order_by("submitted_at", "pk")[start : start + room])
    if own or after:
        _prepare_posts([*own.values(), *after], reader_id=user.pk, is_moderator=False, tags=None)
        for post in [*own.values(), *after]:
            post.rendered = None
    return [own.get(entry["pk"], entry) for entry in shown] + after


def _prepare_posts(posts: list[Post], *, reader_id: int | None, is_moderator: bool, tags: list[tuple] | None) -> None:
    """What each post of a thread's page shows to the reader ``reader_id`` (None: a reader of none of them), read
    for the whole page: the version (``sees_current``: the author and the space's moderators see the one last
    submitted), its tags and files, a person's translation, the name it replies to, and the offers (machine
    translation, a second review)."""
    language = get_language()
    current = {post.pk for post in posts if is_moderator or post.author_id == reader_id}
    selectors.attach_tags_and_files(posts, current=current, tags=tags)
    post_translations.translated_posts(posts, language, translators=is_moderator)
    replied = selectors.reply_names({post.parent_id for post in posts if post.parent_id})
    # Only the reader's own posts that were not approved may be appealed: whether they were is read for those only.
    refused = [post.pk for post in posts if post.author_id == reader_id and post.status == PostStatus.REJECTED]
    appealed = set(Appeal.objects.filter(post__in=refused).values_list("post_id", flat=True)) if refused else set()
    machine: dict[str, bool] = {}
    for post in posts:
        post.sees_current = post.pk in current
        post.own = post.author_id == reader_id
        if post.approved_at is not None and post.language not in machine:
            machine[post.language] = content_translation.machine_available(
                source_language=post.language, language=language, private=False
            )
        post.machine_offer = post.approved_at is not None and machine[post.language]
        post.reply_name = replied.get(post.parent_id)
        post.may_appeal = post.pk in refused and post.pk not in appealed
        # Rendered once for every reader of the language (_public_posts): the published version, shown
        # to a reader who is neither its author nor a moderator of the space.
        post.public = not is_moderator and not post.sees_current and post.approved_at is not None


def _public_posts(posts: list[Post], shared: dict) -> list[tuple]:
    """The public posts' renderings (``post.public``), as (key, how to render) for fragments.rendered: each post's
    article under a digest of all it shows. ``shared``: the page's offers, the same for every post (whether the
    reader may reply and translate, whether the phase is open); nothing else of the reader's goes in, and the
    template is given nothing else: no request, no user."""
    wanted = []
    for post in posts:
        if not post.public:
            continue
        translation = post.human_translation
        shown = (
            post.pk,
            post.is_moderator_note,
            post.byline,
            post.reply_name,
            post.language,
            post.approved_html,
            translation and (translation.pk, translation.language, translation.text),
            [tuple(tag) for tag in post.shown_tags],
            [(item.pk, item.original_name) for item in post.visible_attachments],
            post.machine_offer,
            sorted(shared.items()),
        )
        context = {**shared, "post": post, "moderates": False, "LANGUAGE_CODE": get_language()}
        post.cache_key = fragments.key("post", shown)
        wanted.append((post.cache_key, functools.partial(render_to_string, "discussions/_thread_post.html", context)))
    return wanted


def _form_fields_shown(form: PostForm) -> list[tuple]:
    """What the post form's fields show besides the tags: labels and help texts, and the choices."""
    shown = []
    for name, field in form.fields.items():
        choices = None
        # The tags are read apart, with all their names; a model field's choices would be a query of its own.
        if hasattr(field, "choices") and not isinstance(field, ModelChoiceField):
            choices = [(str(value), str(label)) for value, label in field.choices]
        shown.append((name, str(field.label), str(field.help_text), choices))
    return shown


def _post_form(form: PostForm, tags: list[tuple]) -> tuple:
    """The unbound post form as crispy-forms renders it, as (key, how to render) for fragments.rendered: kept for
    everyone who reads the page in its language, under a digest of all it shows (labels and help texts, the
    choices, the initial values, every tag with its names in every language: ``tags``, selectors.tag_rows).
    Nothing in it is the person's: the CSRF token, the reply target and the moderator's checkbox are outside. A
    bound form (what someone typed, its errors) is never kept."""
    key = fragments.key("post-form", (sorted(form.initial.items()), _form_fields_shown(form), tags))
    return key, functools.partial(render_to_string, "discussions/_post_form.html", {"form": form})


@functools.cache
def _form_shown(language: str) -> str:
    """What the unbound post form shows in ``language`` (the active one) besides the tags, which are data: its
    initial values and fields (_form_fields_shown). Read once per process and language: it is the code's."""
    form = PostForm(initial={"language": language})
    return repr((sorted(form.initial.items()), _form_fields_shown(form)))


def _unbound_post_form() -> str:
    """The unbound post form in the page's language (_post_form, whose rendering is kept by all it shows)."""
    key, render_form = _post_form(PostForm(initial={"language": get_language()}), selectors.tag_rows())
    return str(fragments.rendered([(key, render_form)])[key])


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
    user = request.user
    if not can(user, "discussions.moderate") and not can(user, "discussions.analyse"):
        raise PermissionDenied
    # Posts waiting for moderation: only for moderators, in the spaces assigned to them. Being put on a space's
    # list of moderators without the moderator role (the secretariat manages the lists) shows nothing.
    spaces = moderated_spaces_titled(user)
    pending = Post.objects.filter(space_id__in=list(spaces), status=PostStatus.PENDING)
    every_appeal = user.is_superuser or can(user, "discussions.analyse")
    appeals = Appeal.objects.filter(outcome=AppealOutcome.OPEN)
    if not every_appeal:
        appeals = appeals.filter(post__space_id__in=list(spaces))
    # How many posts wait, and whether an appeal does, is the same for everyone who sees these spaces' queue: kept
    # until any row changes (a new post, an edit, a decision, an appeal), one read of the shared cache for both.
    key = f"discussions:queue:{','.join(map(str, sorted(spaces)))}:{'every' if every_appeal else 'theirs'}"
    found = fragments.with_data({key: lambda: (pending.count(), appeals.exists()), TAGS_KEY: selectors.tag_rows})
    waiting, appealed = found[key]
    page = _page(
        pending.annotate(question_text=selectors.in_page_language("question__text"))
        .order_by("submitted_at", "pk")
        .values_list(*QUEUE_FIELDS, named=True),
        request.GET.get("page"),
        count=waiting,
    )
    page.object_list = posts = list(page.object_list)
    appeals = _open_appeals(appeals, spaces) if appealed else []
    # The moderator's organisations are compared with every author on the page at once; the reason, which names
    # an organisation, is worded only for those they may not decide about.
    conflicted = integrity.conflicted(user, {p.author_id for p in posts} | {a.post.author_id for a in appeals})
    authors = User.objects.select_related("profile").in_bulk(conflicted) if conflicted else {}
    # The CSRF token read once for the page: the rows' forms and the page's own share it.
    token = get_token(request)
    rows = _describe_for_decision(posts, spaces, user, conflicted, authors, token, found[TAGS_KEY])
    # The rows one after the other, each on its own lines: one string for the page to place, not one per row.
    queue = mark_safe("".join(f"\n  {row}\n" for row in rows))  # noqa: S308 - each rendered by our template
    for appeal in appeals:
        if appeal.post.author_id in authors:
            appeal.post.author = authors[appeal.post.author_id]
        appeal.refusal = services.appeal_refusal(appeal=appeal, user=user, conflicted=conflicted)
    return render(
        request,
        "discussions/moderation.html",
        {
            "page": page,
            "queue": queue,
            "appeals": appeals,
            "csrf_token": token,
        },
    )


# Every tag with its names (selectors.tag_rows), kept until any row changes (fragments.with_data).
TAGS_KEY = "discussions:tags"

# What the queue reads of a post: the values alone, no model (and its question's text in the page's language).
QUEUE_FIELDS = (
    "pk",
    "space_id",
    "question_id",
    "author_id",
    "shown_name",
    "language",
    "html",
    "approved_at",
    "submitted_at",
    "revision",
    "question_text",
)


class QueueRow(NamedTuple):
    """Everything a row of the queue shows: the rendering of discussions/_queue_post.html is kept under it."""

    pk: int
    byline: str
    space_title: str
    question_text: str
    submitted_at: datetime
    zone: str
    language: str
    revision: int
    is_edit: bool
    html: str
    machine_offer: bool
    tags: list[tuple]
    tags_changed: bool
    files: list[tuple]
    refusal: str | None


def _page(objects, number, *, count: int | None = None):
    """The page ``number`` of ``objects``; ``count``: their number, when it is known already (no query for it)."""
    paginator = Paginator(objects, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(number)


def _reason_options() -> SafeString:
    """The reasons a moderator picks from, as the options of a select (the same under every post)."""
    choices = ModerationForm.base_fields["reason_choice"].choices
    return format_html_join("", '<option value="{}">{}</option>', choices)


def _describe_for_decision(
    posts: list, spaces: dict[int, Space], user, conflicted: set[int], authors: dict, token: str, tags: list[tuple]
) -> list[SafeString]:
    """Each post of ``posts`` (QUEUE_FIELDS) as the queue shows it to the moderator: what they need to decide it
    (its tags and files as submitted, what is new, and whether they may), rendered by discussions/_queue_post.html.
    Two queries for the page, three when it holds an edit of a published post, whatever the number of posts.

    A row is kept in the process under all it shows (QueueRow, fragments.kept): the moderator's reason not to
    decide and the reader's time zone and language included; the CSRF token, the request's (``token``), is put in
    after. ``spaces``: the moderator's, by id; ``conflicted``: the authors they may not decide about
    (portal.integrity.conflicted), the reason worded only for those, whose accounts are in ``authors``; ``tags``:
    selectors.tag_rows.
    """
    submitted = selectors.shown_tags([post.pk for post in posts], submitted=True, tags=tags)
    # Only an edit of a published post has published tags to compare with.
    published = selectors.shown_tags(
        [post.pk for post in posts if post.approved_at is not None], submitted=False, tags=tags
    )
    files = selectors.post_files(posts)
    language = get_language()
    zone = timezone.get_current_timezone_name()
    machine: dict[str, bool] = {}
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    rows = []
    for post in posts:
        # The text awaits a decision: only an engine on the portal's own machines may translate it.
        if post.language not in machine:
            machine[post.language] = content_translation.machine_available(
                source_language=post.language, language=language, private=True
            )
        refusal = None
        if post.author_id in conflicted:
            refusal = services.post_decision_refusal(by=user, post=Post(pk=post.pk, author=authors[post.author_id]))
        shown = submitted[post.pk]
        row = QueueRow(
            pk=post.pk,
            byline=byline(post.shown_name),
            space_title=spaces[post.space_id].title,
            question_text=post.question_text or "",
            submitted_at=post.submitted_at,
            zone=zone,
            language=post.language,
            revision=post.revision,
            is_edit=post.approved_at is not None,
            html=post.html,
            machine_offer=machine[post.language],
            tags=[tuple(tag) for tag in shown],
            tags_changed=post.pk in published and {t.pk for t in shown} != {t.pk for t in published[post.pk]},
            files=[(item.pk, item.original_name, item.status) for item in files[post.pk]],
            refusal=refusal,
        )
        html = fragments.kept("queue-post", row, functools.partial(_queue_post, row, shown, files[post.pk]))
        if refusal is None:
            html = html.replace(CSRF_SLOT, csrf)
        rows.append(mark_safe(html))  # noqa: S308 - rendered by our template, which escapes what it shows
    return rows


# Where the CSRF token goes in a kept row of the queue: a character no text of the database can hold.
CSRF_SLOT = mark_safe("\x00csrf\x00")


def _queue_post(row: QueueRow, tags: list, files: list) -> str:
    """The rendering of ``row``, with the submitted ``tags`` (selectors.ShownTag) and ``files`` it describes."""
    values = {
        **row._asdict(),
        "pk": str(row.pk),
        # Each decision goes to moderation/<pk>/.
        "decide_url": reverse("discussions:moderate", kwargs={"pk": row.pk}),
        "question_excerpt": Truncator(row.question_text).words(10, truncate=" …"),
        "submitted": date_format(timezone.localtime(row.submitted_at), "SHORT_DATETIME_FORMAT"),
        "language_name": dict(settings.LANGUAGES).get(row.language, row.language),
        "revision": str(row.revision),
        "tags": [f"{tag.kind_label} {tag.number}" for tag in tags],
        "files": files,
    }
    context = {"post": values, "csrf": CSRF_SLOT, "reason_options": _reason_options(), "LANGUAGE_CODE": get_language()}
    return render_to_string("discussions/_queue_post.html", context).strip()


def _open_appeals(appeals, spaces: dict[int, Space]) -> list:
    """The first page of ``appeals`` (the open ones the person may see: those of the spaces they moderate, or all
    for the secretariat) with their posts, and the spaces (``spaces``: those they moderate, by id), questions and
    first moderators named. At most five queries."""
    appeals = list(appeals.order_by("created_at", "pk")[:PAGE_SIZE])
    if not appeals:
        return appeals
    posts = (
        Post.objects.defer("search_vector", "text", "approved_text", "approved_html")
        .order_by()
        .in_bulk({appeal.post_id for appeal in appeals})
    )
    others = {post.space_id for post in posts.values()} - set(spaces)
    if others:
        spaces = {**spaces, **Space.objects.only("title").order_by().in_bulk(others)}
    questions = GuidingQuestion.objects.only("text").order_by().in_bulk({post.question_id for post in posts.values()})
    first = {appeal.first_moderator_id for appeal in appeals} - {None}
    moderators = User.objects.select_related("profile").in_bulk(first) if first else {}
    for appeal in appeals:
        appeal.post = post = posts[appeal.post_id]
        post.space = spaces[post.space_id]
        post.question = questions[post.question_id]
        if appeal.first_moderator_id is not None:
            appeal.first_moderator = moderators[appeal.first_moderator_id]
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
    published = selectors.under_published_questions(
        Post.objects.filter(space=space, approved_at__isnull=False)
    ).select_related("question__phase")
    found = PostFilter(request.GET or None, queryset=published, space=space)
    if not found.is_bound:
        results = published.order_by("-approved_at", "-pk")
    elif found.is_valid():
        results = found.qs.order_by("-approved_at", "-pk")
    else:  # an unknown filter value shows nothing, with the error next to the filter
        results = published.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = listed = list(page.object_list)
    # Every reader sees the same published version here, with no offer: each post's article is the thread's,
    # kept for every reader of the language under a digest of all it shows.
    selectors.attach_tags_and_files(listed, current=set())
    post_translations.translated_posts(listed, get_language())
    replied = selectors.reply_names({post.parent_id for post in listed if post.parent_id})
    for post in listed:
        post.sees_current = post.own = post.machine_offer = post.may_appeal = False
        post.reply_name = replied.get(post.parent_id)
        post.public = True
    found_posts = fragments.rendered(
        _public_posts(listed, {"phase_open": False, "may_post": False, "translates_space": False})
    )
    for post in listed:
        post.rendered = found_posts[post.cache_key]
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
    space, paper = _paper_or_404(request, pk)
    language = get_language()
    response = HttpResponse(analysis.paper_pdf(request, space, paper, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="analysis-paper-{space.pk}-{language}.pdf"'
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
