from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.models import Registration
from consultations.selectors import named_in_public
from consultations.services import consultation_places_left
from funding import exports, priority, selectors, services, travel, workflow
from funding.enums import State
from funding.forms import ApplicationForm, ConflictForm, DecisionForm, RecommendationForm, ScreeningForm
from funding.models import Application, Call, requested_total
from portal import content_translation, machine_translation
from portal.cache import by_data
from portal.content_translation import language_name
from portal.models import public_name
from portal.permissions import can

PAGE_SIZE = 25


def is_reviewer(user) -> bool:
    return any(can(user, c) for c in ("funding.screen", "funding.recommend", "funding.decide"))


def call_list(request):
    return render(request, "funding/list.html", {"calls": selectors.published_calls()})


def call_detail(request, pk: int):
    call = get_object_or_404(
        selectors.published_calls().prefetch_related(Prefetch("consultations", queryset=named_in_public())), pk=pk
    )
    mine = None
    if request.user.is_authenticated:
        mine = Application.objects.filter(call=call, applicant=request.user).first()
    return render(
        request,
        "funding/call.html",
        {
            "call": call,
            "mine": mine,
            "may_apply": can(request.user, "funding.apply"),
            "reviewer": is_reviewer(request.user),
        },
    )


@login_required
def application_edit(request, pk: int):
    """Write or continue a draft; "Save draft" keeps it as it is, "Submit" checks it and sends it."""
    call = get_object_or_404(selectors.published_calls(), pk=pk)
    if not can(request.user, "funding.apply"):
        raise PermissionDenied
    application = Application.objects.filter(call=call, applicant=request.user).first()
    if application and application.state != State.DRAFT:
        messages.info(request, _("Your application is submitted and can no longer be changed."))
        return redirect(application)
    form = ApplicationForm(request.POST or None, instance=application, call=call)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.DRAFT_FIELDS}
            try:
                application = services.application_save(
                    call=call, applicant=request.user, data=data, application=application
                )
                if request.POST.get("action") == "submit":
                    services.application_submit(application=application, applicant=request.user)
                    messages.success(
                        request, _("Your application is submitted. You will be told of each decision by e-mail.")
                    )
                    return redirect(application)
                messages.success(request, _("Draft saved. You can come back to it until the call closes."))
                return redirect("funding:apply", pk=call.pk)
            except services.FundingError as exc:
                exc.add_to(form)
        status = 400
    return render(
        request, "funding/apply.html", {"call": call, "form": form, "application": application}, status=status
    )


@login_required
def my_applications(request):
    applications = Application.objects.filter(applicant=request.user).select_related("call", "consultation")
    return render(request, "funding/mine.html", {"applications": applications})


@login_required
def application_detail(request, pk: int):
    """The applicant's own view: what they sent and every change of state, with reasons given to them."""
    application = get_object_or_404(
        Application.objects.select_related("call", "consultation"), pk=pk, applicant=request.user
    )
    history = list(application.transitions.all())
    for step in history:
        # Committee members' comments are internal; screening and the Chair's reasons are the applicant's to read.
        if step.target not in workflow.REASON_GIVEN:
            step.reason = ""
    return render(
        request,
        "funding/application.html",
        {
            "application": application,
            "history": history,
            "may_withdraw": State.WITHDRAWN in workflow.allowed_targets(application.state, workflow.APPLICANT),
        },
    )


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = get_object_or_404(Application, pk=pk, applicant=request.user)
    try:
        services.application_withdraw(application=application, applicant=request.user)
    except services.FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect(application)


def _reviewer_or_403(request):
    if not request.user.is_authenticated or not is_reviewer(request.user):
        raise PermissionDenied


def _min_score(value: str):
    """The minimum priority asked for, or None: a value that is not a score (NaN, Infinity, 1e999) asks nothing.

    Scores run from 0 to 100 in tenths, so anything outside is clamped there and a finer value is rounded up to the
    next tenth: the same applications, and never a number the database cannot hold (1e-99999).
    """
    try:
        score = Decimal(value) if value else None
    except InvalidOperation:
        return None
    if score is None or not score.is_finite():
        return None
    return min(max(score, Decimal(0)), Decimal(100)).quantize(Decimal("0.1"), rounding=ROUND_CEILING)


def _pk_urls(name: str):
    """Addresses of the URL ``name`` for many primary keys, reversed once: the rows of a page fill in their own.

    The pattern's only argument is an integer, so the reversed address of a stand-in number holds it once.
    """
    stand_in = 987654321
    before, after = reverse(name, kwargs={"pk": stand_in}).split(str(stand_in))
    return lambda pk: f"{before}{pk}{after}"


def _public_name(display_name: str | None) -> str:
    """What Profile.public_name says, from the name read as a value; nothing for an applicant with no profile."""
    if display_name is None:
        return ""
    return public_name(display_name)


@login_required
def review_list(request, pk: int):
    _reviewer_or_403(request)
    call = get_object_or_404(Call.objects.only("title"), pk=pk)
    states = [s for s in request.GET.getlist("state") if s in State.values and s != State.DRAFT]
    order = "submitted" if request.GET.get("order") == "submitted" else "priority"
    min_score = _min_score(request.GET.get("min_score", ""))
    # The ranking is the same for every reviewer: kept until any row changes (portal.cache.by_data); who may
    # see it, and each reviewer's conflicts, are checked on every request.
    ranked, slate = by_data(
        f"funding:ranked-ids:{call.pk}:{order}:{','.join(sorted(states))}:{min_score}",
        lambda: selectors.ranked_ids(call, states=states, min_score=min_score, order=order),
    )
    conflicted = selectors.conflicted_ids(member=request.user, call=call, reviewable_only=True)
    # An application the reviewer is conflicted with is left out of the ranked, filtered list altogether: its place
    # in the order, or its passing a state or score filter, would tell its state and score. It is listed apart,
    # whatever the filters, with nothing but the fact.
    if conflicted:
        ranked = [application_id for application_id in ranked if application_id not in conflicted]
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.page_rows(page.object_list)
    scores = priority.scores([priority.row_values(row) for row in rows], slate)
    state_labels = {value: str(label) for value, label in State.choices}
    review_url = _pk_urls("funding:review_application")
    # Each line of a score's explanation as a list item, escaped once however many rows share it.
    items: dict[str, str] = {}
    for line in {line for score in scores for line in score.lines}:
        items[line] = format_html("<li>{}</li>", line)
    shown = [
        {
            **row,
            "url": review_url(row["pk"]),
            "name": _public_name(row["applicant__profile__display_name"]),
            "organisation": row["applicant__profile__organisation"],
            "state_label": state_labels[row["state"]],
            "requested_amount": requested_total(row["travel_cost"], row["accommodation_cost"], row["daily_allowance"]),
            "score": score.value,
            "explanation": mark_safe("".join(items[line] for line in score.lines)),  # noqa: S308 - escaped above
        }
        for row, score in zip(rows, scores, strict=True)
    ]
    return render(
        request,
        "funding/review_list.html",
        {
            "call": call,
            "page": page,
            "rows": shown,
            "states": [(v, label) for v, label in State.choices if v != State.DRAFT],
            "selected_states": states,
            "order": order,
            "min_score": request.GET.get("min_score", ""),
            "dimensions": [(priority.DIMENSION_NAMES[name], weight) for name, weight in priority.WEIGHTS.items()],
            "secretariat": can(request.user, "funding.screen"),
            "withheld": range(len(conflicted)),
        },
    )


@login_required
def review_detail(request, pk: int):
    application = _reviewed_or_403(request, pk)
    shown = {"revision": application.revision}
    forms = {
        "screen": ScreeningForm(prefix="screen", initial=shown),
        "recommend": RecommendationForm(prefix="recommend", initial=shown),
        "decide": DecisionForm(prefix="decide", initial={**shown, "amount": application.recommended_amount}),
        "conflict": ConflictForm(prefix="conflict"),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in forms:
            raise PermissionDenied
        form = forms[action] = type(forms[action])(request.POST, prefix=action)
        if form.is_valid():
            try:
                _act(request, action, application, form.cleaned_data)
            except services.FundingError as exc:
                exc.add_to(form)
                # The page shows the application as it is now, and the form binds to that version.
                application.refresh_from_db()
                form.data = form.data.copy()
                form.data[f"{action}-revision"] = str(application.revision)
            else:
                if action == "conflict":
                    return redirect("funding:review", pk=application.call_id)
                return redirect("funding:review_application", pk=application.pk)
        status = 400
    slate = priority.Slate.of(application.call)
    consultation = application.consultation
    return render(
        request,
        "funding/review.html",
        {
            "application": application,
            "score": priority.application_score(application, slate),
            "recommendations": application.recommendations.select_related("member__profile"),
            "history": application.transitions.select_related("actor__profile"),
            "forms": forms,
            "may": {
                "screen": can(request.user, "funding.screen") and application.state == State.SUBMITTED,
                "recommend": can(request.user, "funding.recommend")
                and application.state in (State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED),
                "decide": can(request.user, "funding.decide")
                and application.state in (State.RECOMMENDED, State.NOT_RECOMMENDED),
                "conflict": can(request.user, "funding.recommend") or can(request.user, "funding.decide"),
            },
            "places_left": consultation_places_left(consultation=consultation).get("in_person")
            if consultation
            else None,
            # Whether the applicant already has a place, waits, or was refused accreditation: the Chair sees it.
            "registration": Registration.objects.filter(consultation=consultation, user=application.applicant_id)
            .only("status", "attendance", "decision_note")
            .first()
            if consultation
            else None,
            "remaining": application.call.budget - services.call_approved_total(call=application.call),
            "machine_translation": content_translation.machine_available(
                source_language=application.language, language=get_language(), private=True
            ),
        },
        status=status,
    )


def _reviewed_or_403(request, pk: int) -> Application:
    """An application the person may review: a reviewer's, submitted, and not their own or their organisation's."""
    _reviewer_or_403(request)
    application = get_object_or_404(
        Application.objects.select_related("call", "consultation", "applicant__profile"), pk=pk
    )
    if not selectors.is_reviewable(application):
        raise PermissionDenied
    if reason := services.conflict_reason(reviewer=request.user, application=application):
        raise PermissionDenied(reason)
    return application


@login_required
def review_translation(request, pk: int):
    """The applicant's own words in the reviewer's language, by machine: private text, so only an engine on the
    portal's own machines may take it (portal.machine_translation refuses any other). Absent without one."""
    application = _reviewed_or_403(request, pk)
    language = get_language()
    if not content_translation.machine_available(source_language=application.language, language=language, private=True):
        raise Http404
    fields = [
        ("justification", _("Why they should take part")),
        ("representation", _("How their participation adds to representation")),
    ]
    try:
        sections, failed = content_translation.machine_sections(
            application,
            fields,
            source_language=application.language,
            language=language,
            private=True,
            render=lambda text: linebreaks(text, autoescape=True),
        )
    except (machine_translation.NotAvailable, machine_translation.PrivateTextRefused):
        raise Http404 from None
    return render(
        request,
        "portal/machine_translation.html",
        {
            "back": reverse("funding:review_application", kwargs={"pk": application.pk}),
            "sections": sections,
            "language": language,
            "language_name": language_name(language),
            "source_language": application.language,
            "source_name": language_name(application.language),
            "private": _("A funding application: only its reviewers see this text and its translation."),
        },
        status=503 if failed else 200,
    )


def _act(request, action, application, data) -> None:
    user = request.user
    if action == "screen":
        services.application_screen(
            application=application,
            by=user,
            eligible=data["eligible"],
            reason=data["reason"],
            shown_revision=data["revision"],
        )
        messages.success(request, _("Screening saved."))
    elif action == "recommend":
        services.recommendation_record(
            application=application,
            by=user,
            recommend=data["recommend"],
            amount=data["amount"],
            comment=data["comment"],
            shown_revision=data["revision"],
        )
        messages.success(request, _("Your recommendation is recorded."))
    elif action == "decide":
        services.application_decide(
            application=application,
            by=user,
            approve=data["approve"],
            amount=data["amount"],
            reason=data["reason"],
            reason_against_recommendation=data["reason_against_recommendation"],
            shown_revision=data["revision"],
        )
        messages.success(request, _("Decision saved; the applicant is being told."))
    elif action == "conflict":
        organisation = data["organisation"]
        services.conflict_declare(
            by=user, application=None if organisation else application, organisation=organisation, note=data["note"]
        )
        messages.success(request, _("Your conflict of interest is recorded; the application is now hidden from you."))


@login_required
def dashboard(request, pk: int):
    if not can(request.user, "funding.screen"):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=pk)
    return render(
        request, "funding/dashboard.html", {"call": call, **selectors.dashboard(call), **travel.summary(call)}
    )


@login_required
def travel_export(request, pk: int, file_format: str = "csv"):
    """The MPTF's report of a call: approved travellers, amounts and attendance; formula cells neutralised; logged.
    No passport detail or contact is in it."""
    if not can(request.user, "funding.screen"):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=pk)
    services.export_log(call=call, user=request.user, file_format=f"t-{file_format}")
    if file_format == "csv":
        response = StreamingHttpResponse(travel.csv_rows(call), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="funding-call-{call.pk}-travel.csv"'
        return response
    return FileResponse(
        travel.xlsx_file(call),
        as_attachment=True,
        filename=f"funding-call-{call.pk}-travel.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def export(request, pk: int, file_format: str = "csv"):
    """Applications and decisions of a call, for the secretariat; formula cells neutralised; every export logged."""
    if not can(request.user, "funding.screen"):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=pk)
    services.export_log(call=call, user=request.user, file_format=file_format)
    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_rows(call), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="funding-call-{call.pk}.csv"'
        return response
    return FileResponse(
        exports.xlsx_file(call),
        as_attachment=True,
        filename=f"funding-call-{call.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
