import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import feedback, selectors, services, slate
from consultations.enums import (
    HOLDS_PLACE,
    Attendance,
    ConsultationStatus,
    DocumentKind,
    ExportStatus,
    InputStatus,
    InterestStatus,
    ProposalStatus,
    RegistrationStatus,
    ReportStatus,
    SessionKind,
    SpeakingRole,
)
from consultations.exports import COLUMNS, DEFAULT_COLUMNS, csv_rows, export_queryset, neutralise
from consultations.forms import (
    BriefingDecisionForm,
    BriefingRequestForm,
    CriteriaForm,
    InterestForm,
    PledgeForm,
    ProposalForm,
    RegistrationForm,
    TalkRegistrationForm,
    TalkSpeakerFormSet,
    TalkSummaryForm,
    WrittenInputForm,
    dimension_labels,
    value_label,
)
from consultations.models import (
    BriefingRequest,
    Consultation,
    ExportLog,
    ExpressionOfInterest,
    Follow,
    InputCall,
    Pledge,
    Proposal,
    RapporteurReport,
    Registration,
    SummaryDocument,
    WrittenInput,
)
from portal import integrity
from portal.cache import by_data
from portal.enums import Constituency
from portal.permissions import can, can_in_region, regions_for
from portal.validators import whole_number

PAGE_SIZE = 20


def consultation_list(request):
    page = Paginator(selectors.public_consultations(), 20).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {"page": page, "consultations": page.object_list})


def _visible(request, pk: int, queryset=None) -> Consultation:
    queryset = Consultation.objects.select_related("event__region", "event__cycle") if queryset is None else queryset
    return _shown_to(request, get_object_or_404(queryset, pk=pk))


def _shown_to(request, consultation: Consultation) -> Consultation:
    if consultation.status == ConsultationStatus.DRAFT and not _plans(request.user, consultation):
        raise Http404  # a draft is its planners' alone: for anybody else it does not exist
    return consultation


def _page_shell(pk: int) -> Consultation | None:
    """The consultation with what its page shows everybody alike (its event, region and cycle, criteria, sessions
    and documents, whether a report is out), kept until any row changes (portal.cache.by_data). Who may see it is
    still checked on every request, and what is a person's own (their place, their offers, what they follow) is
    read for them."""

    def load():
        return (
            Consultation.objects.select_related("event__region", "event__cycle", "criteria")
            .annotate(
                report_published=Exists(
                    RapporteurReport.objects.filter(consultation=OuterRef("pk"), status=ReportStatus.PUBLISHED)
                )
            )
            .prefetch_related("sessions", "documents")
            .filter(pk=pk)
            .first()
        )

    return by_data(f"consultation-page:{pk}", load)


def _places_left(consultation: Consultation) -> dict[str, int]:
    """The places left of each kind, the same for everyone: kept until any row changes (a registration does)."""
    return by_data(
        f"consultation-places:{consultation.pk}",
        lambda: services.consultation_places_left(consultation=consultation),
    )


def consultation_detail(request, pk: int, *, form=None, interest_form=None, status=200):
    signed_in = request.user.is_authenticated
    consultation = _page_shell(pk)
    if consultation is None:
        raise Http404
    _shown_to(request, consultation)
    criteria = selectors.criteria_of(consultation)
    registration = selectors.registration_of(consultation, request.user)
    interests = (
        list(
            ExpressionOfInterest.objects.filter(consultation=consultation, user=request.user).select_related("session")
        )
        if request.user.is_authenticated
        else []
    )
    roundtables = [s for s in consultation.sessions.all() if s.kind == SessionKind.ROUNDTABLE]
    context = {
        "consultation": consultation,
        "places_left": [
            (Attendance(attendance).label, left) for attendance, left in _places_left(consultation).items()
        ],
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration) if registration else None,
        "can_register": can(request.user, "consultations.register"),
        "form": form or RegistrationForm(consultation=consultation),
        "interest_form": interest_form
        or InterestForm(consultation=consultation, user=request.user, has_roundtables=bool(roundtables)),
        "interests": interests,
        "offer_refusal": services.offer_refusal(consultation=consultation, user=request.user, criteria=criteria)
        if request.user.is_authenticated
        else None,
        "criteria": criteria,
        "criteria_rows": criteria_rows(criteria),
        "roundtables": roundtables,
        "manages": _manages(request.user, consultation),
        "selects_speakers": _manages(request.user, consultation, "consultations.select_speakers"),
        "holds_place": registration is not None
        and registration.status
        in (RegistrationStatus.REGISTERED, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED),
    }
    documents = list(consultation.documents.all())
    context["following"] = (
        signed_in and Follow.objects.filter(consultation_id=consultation.pk, user_id=request.user.pk).exists()
    )
    context["materials"] = [d for d in documents if d.kind == DocumentKind.MATERIAL]
    context["summary_documents"] = [d for d in documents if d.kind == DocumentKind.SUMMARY]
    context["report_published"] = consultation.report_published
    context["feedback_open"] = (
        registration is not None
        and registration.status == RegistrationStatus.REGISTERED
        and feedback.is_open(consultation)  # the clock first: most meetings are ahead, and it asks no query
        and feedback.refusal(consultation=consultation, user=request.user) is None
    )
    return render(request, "consultations/detail.html", context, status=status)


def _require_register(request):
    if not can(request.user, "consultations.register"):
        raise PermissionDenied


@login_required
@require_POST
def register(request, pk: int):
    _require_register(request)
    consultation = _visible(request, pk)
    form = RegistrationForm(request.POST, consultation=consultation)
    if not form.is_valid():
        return consultation_detail(request, pk, form=form, status=400)
    try:
        registration = services.registration_create(
            consultation=consultation, user=request.user, attendance=form.cleaned_data["attendance"]
        )
    except services.ConsultationError as exc:
        messages.error(request, str(exc))
        return redirect(consultation)
    if registration.status == RegistrationStatus.WAITLISTED:
        messages.warning(
            request,
            _("This consultation is full: you are on the waiting list. We will write to you if a place frees up."),
        )
    elif registration.status == RegistrationStatus.PENDING:
        messages.success(request, _("Your place is held while the secretariat checks your accreditation."))
    else:
        messages.success(request, _("You are registered. A confirmation has been sent to you by e-mail."))
    return redirect(consultation)


@login_required
@require_POST
def cancel(request, pk: int):
    registration = get_object_or_404(Registration, consultation_id=pk, user=request.user)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
        messages.info(request, _("You have no registration to cancel for this consultation."))
        return redirect(registration.consultation)
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration has been cancelled. A confirmation has been sent to you by e-mail."))
    return redirect(registration.consultation)


@login_required
@require_POST
def offer_to_speak(request, pk: int):
    _require_register(request)
    consultation = _visible(request, pk)
    form = InterestForm(request.POST, consultation=consultation, user=request.user)
    if not form.is_valid():
        return consultation_detail(request, pk, interest_form=form, status=400)
    try:
        services.interest_create(consultation=consultation, user=request.user, **form.cleaned_data)
    except services.ConsultationError as exc:
        form.add_error(None, str(exc))
        return consultation_detail(request, pk, interest_form=form, status=400)
    messages.success(request, _("Thank you: your offer to speak has been received."))
    return redirect(consultation)


def _manages(user, consultation: Consultation, capability: str = "consultations.manage") -> bool:
    """The secretariat everywhere; a focal point (or the task team, for speakers) in their own regions only."""
    return can_in_region(user, capability, consultation.event.region_id)


def _plans(user, consultation: Consultation) -> bool:
    """Who sees a consultation still in draft: those who run it or choose its speakers, in its region."""
    return _manages(user, consultation) or _manages(user, consultation, "consultations.select_speakers")


def _managed(request, pk: int, capability: str = "consultations.manage") -> Consultation:
    """The consultation ``pk`` if ``request.user`` may do ``capability`` for it; otherwise PermissionDenied, or
    404 for a draft the person may not see at all (its existence is nobody else's business).

    Callers send anonymous people to sign in first (:func:`_require_manage`).
    """
    consultation = get_object_or_404(Consultation.objects.select_related("event__region", "event__cycle"), pk=pk)
    if not _manages(request.user, consultation, capability):
        if consultation.status == ConsultationStatus.DRAFT and not _plans(request.user, consultation):
            raise Http404
        raise PermissionDenied
    return consultation


def _require_manage(request, capability: str = "consultations.manage"):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, capability):
        raise PermissionDenied
    return None


def _candidates(queryset) -> list[slate.Candidate]:
    return [
        slate.Candidate(
            id=row["pk"],
            arrival=row["arrival"],
            constituency=row["user__profile__constituency"] or "",
            country=row["user__profile__country"] or "",
            subregion=row["user__profile__subregion"] or "",
            gender=row["user__profile__gender"] or "",
        )
        for row in queryset
    ]


def dashboard(request, pk: int):
    """The organisers' view of one consultation: places, waiting list, accreditation, funded people, exports.

    Speakers are chosen on their own page (:func:`speakers`), by the region's task team with the secretariat.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    consultation = _managed(request, pk)
    counts = selectors.dashboard_counts(consultation)
    places = [
        {
            "label": Attendance(a).label,
            "capacity": consultation.capacity(a),
            "taken": counts.get((RegistrationStatus.REGISTERED, a), 0) + counts.get((RegistrationStatus.PENDING, a), 0),
            "waiting": counts.get((RegistrationStatus.WAITLISTED, a), 0),
        }
        for a in Attendance.values
    ]
    for row in places:
        row["free"] = max(row["capacity"] - row["taken"], 0)
    criteria = selectors.criteria_of(consultation)
    return render(
        request,
        "consultations/dashboard.html",
        {
            "consultation": consultation,
            "places": places,
            # Funding is tied to attendance: travellers the Chair approved hold confirmed places in the room.
            "funded": consultation.funding_applications.filter(state="approved")
            .select_related("applicant__profile")
            .only(
                "consultation_id",
                "applicant_id",
                "approved_amount",
                "applicant__profile__user_id",
                "applicant__profile__display_name",
                "applicant__profile__organisation",
            )
            .order_by("pk"),
            "pending": sum(n for (status, _a), n in counts.items() if status == RegistrationStatus.PENDING),
            "offers": dict(
                ExpressionOfInterest.objects.filter(consultation=consultation)
                .values_list("status")
                .annotate(n=Count("pk"))
                .order_by()
            ),
            "criteria": criteria,
            "criteria_rows": criteria_rows(criteria),
            "selects_speakers": _manages(request.user, consultation, "consultations.select_speakers"),
            "letters": _manages(request.user, consultation, "consultations.letters"),
            "export_columns": [(key, label) for key, (label, *_how) in COLUMNS.items()],
            "default_columns": DEFAULT_COLUMNS,
            "statuses": RegistrationStatus.choices,
            "attendances": Attendance.choices,
        },
    )


def criteria_rows(criteria) -> list[tuple[str, int]]:
    """Each balance dimension's label and largest share, in the criteria's order of preference."""
    labels = slate_labels()
    return [(labels[dim], getattr(criteria, f"max_{dim}")) for dim in criteria.order]


def slate_labels() -> dict:
    return dimension_labels()


def export_csv(request, pk: int):
    """The registration list as CSV, streamed row by row from a server-side cursor."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    consultation = _managed(request, pk)
    # Sent by the dashboard's form as a POST (its CSRF token stays out of the address); a GET link works too.
    params = request.POST if request.method == "POST" else request.GET
    columns = [c for c in params.getlist("columns") if c in COLUMNS] or DEFAULT_COLUMNS
    statuses = [s for s in params.getlist("status") if s in RegistrationStatus.values]
    attendances = [a for a in params.getlist("attendance") if a in Attendance.values]
    queryset = export_queryset(consultation, statuses=statuses, attendances=attendances)
    services.export_log(
        consultation=consultation,
        user=request.user,
        file_format="csv",
        filters={"status": statuses, "attendance": attendances},
        columns=columns,
        rows=queryset.count(),
    )
    response = StreamingHttpResponse(
        csv_rows(queryset, columns, language=get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="registrations-{consultation.pk}.csv"'
    return response


@require_POST
def export_xlsx_start(request, pk: int):
    """Queue an XLSX export in Celery and send the person to its progress page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    consultation = _managed(request, pk)
    columns = [c for c in request.POST.getlist("columns") if c in COLUMNS] or DEFAULT_COLUMNS
    statuses = [s for s in request.POST.getlist("status") if s in RegistrationStatus.values]
    attendances = [a for a in request.POST.getlist("attendance") if a in Attendance.values]
    log = services.export_log(
        consultation=consultation,
        user=request.user,
        file_format="xlsx",
        filters={"status": statuses, "attendance": attendances},
        columns=columns,
        rows=export_queryset(consultation, statuses=statuses, attendances=attendances).count(),
        running=True,
    )
    return redirect("consultations:export_status", pk=log.pk)


def _own_export(request, pk: int) -> ExportLog:
    log = get_object_or_404(ExportLog.objects.select_related("consultation__event"), pk=pk)
    # One's own file, and only while one still manages its consultation (a focal point moved to another region
    # no longer downloads the lists of the first).
    if log.user_id != request.user.pk or not _manages(request.user, log.consultation):
        raise PermissionDenied
    return log


def export_status(request, pk: int):
    if (denied := _require_manage(request)) is not None:
        return denied
    return render(request, "consultations/export_status.html", {"log": _own_export(request, pk)})


def export_download(request, pk: int):
    if (denied := _require_manage(request)) is not None:
        return denied
    log = _own_export(request, pk)
    if log.status != ExportStatus.READY or not log.file_name:
        raise Http404
    path = settings.PRIVATE_ROOT / "exports" / log.file_name
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"registrations-{log.consultation_id}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def agenda(request, pk: int):
    consultation = _visible(request, pk)
    # Only people on the speakers' list are named: an offer still waiting, or turned down, stays off the
    # public agenda even if it was put on a session.
    speakers = ExpressionOfInterest.objects.filter(status=InterestStatus.SELECTED).select_related("user__profile")
    # 004: the review meeting's rapporteur's briefing names the consultation reported on, its rapporteur and,
    # once published, the report.
    rapporteurs = speakers.filter(role=SpeakingRole.RAPPORTEUR).order_by("submitted_at", "pk")
    sessions = consultation.sessions.select_related("reports_on__report").prefetch_related(
        Prefetch("speakers", queryset=speakers),
        Prefetch("reports_on__interests", queryset=rapporteurs, to_attr="rapporteurs"),
    )
    # 000: the pre-consultations' outputs "feed into … the agenda of the multi-stakeholder consultation": the
    # published summaries of the consultations that feed this one, with their summary documents.
    summaries = SummaryDocument.objects.filter(kind=DocumentKind.SUMMARY)
    fed_by = (
        consultation.fed_by.filter(status=ConsultationStatus.SUMMARY_PUBLISHED)
        .select_related("event")
        .prefetch_related(Prefetch("documents", queryset=summaries, to_attr="summaries"))
        .order_by("registration_deadline", "pk")
    )
    return render(
        request, "consultations/agenda.html", {"consultation": consultation, "sessions": sessions, "fed_by": fed_by}
    )


def talks(request):
    """Approved GCM Talks and side events, and the form to propose one."""
    form = None
    if can(request.user, "consultations.register"):
        form = ProposalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.proposal_create(proposed_by=request.user, **form.cleaned_data)
            except services.ConsultationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Thank you: the secretariat will review your proposal. A receipt is on its way by e-mail."),
                )
                return redirect("consultations:talks")
    elif request.method == "POST":
        raise PermissionDenied
    approved = selectors.public_talks()
    page = Paginator(approved, 20).get_page(request.GET.get("page"))
    mine = (
        Proposal.objects.filter(proposed_by=request.user).exclude(status=ProposalStatus.APPROVED)
        if request.user.is_authenticated
        else []
    )
    return render(
        request, "consultations/talks.html", {"page": page, "proposals": page.object_list, "form": form, "mine": mine}
    )


def summary_document(request, pk: int, document_id: int):
    """A document of a consultation, for those who may see the consultation.

    Meeting materials as soon as the consultation is public (000: "disseminate relevant materials well in
    advance"); summary documents once the summary is published. The secretariat sees both before, and a
    draft consultation's files are nobody else's.
    """
    document = get_object_or_404(
        SummaryDocument.objects.select_related("consultation__event"), pk=document_id, consultation_id=pk
    )
    consultation = document.consultation
    manager = _manages(request.user, consultation)
    if document.kind == DocumentKind.MATERIAL:
        visible = consultation.status != ConsultationStatus.DRAFT
    else:
        visible = consultation.status == ConsultationStatus.SUMMARY_PUBLISHED
    if not (visible or manager) or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_POST
def follow(request, pk: int):
    """Follow a consultation to be reminded of its registration and speaking deadlines."""
    consultation = _visible(request, pk)
    if request.POST.get("follow") == "1":
        services.follow_create(user=request.user, consultation=consultation)
        messages.success(request, _("You will be reminded of this consultation's deadlines by e-mail."))
    else:
        services.follow_delete(user=request.user, consultation=consultation)
        messages.success(request, _("You no longer follow this consultation."))
    return redirect(consultation)


DEFAULT_PANEL_SIZE = 5


def _offer_candidate(offer: ExpressionOfInterest, arrival: int) -> slate.Candidate:
    profile = offer.user.profile
    return slate.Candidate(
        id=offer.pk,
        arrival=arrival,
        expertise=offer.expertise,
        constituency=profile.constituency or "",
        country=str(profile.country or ""),
        subregion=profile.subregion or "",
        gender=profile.gender or "",
    )


def speakers(request, pk: int):
    """The speakers' list, built per roundtable by the region's task team (or the secretariat) on the criteria
    they set here (001 Annex 2; 004: a panel of 4–5 panelists, a moderator, and a rapporteur).

    Each roundtable (and the rapporteur) is its own form: saving one decides only the offers it shows, with the
    status each had on the page. The balance panel counts the names ticked: a script updates it at each tick,
    and without the script "Check the balance" shows the same counts for the ticks sent (nothing is saved).
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    consultation = _managed(request, pk, "consultations.select_speakers")
    criteria = selectors.criteria_of(consultation)
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "criteria":
        form = CriteriaForm(request.POST, instance=criteria)
        if form.is_valid():
            try:
                services.criteria_set(
                    consultation=consultation,
                    by=request.user,
                    shown_version=form.cleaned_data["version"],
                    **{name: form.cleaned_data[name] for name in CriteriaForm.SAVED},
                )
            except services.ConsultationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The selection criteria have been saved."))
                return redirect("consultations:speakers", pk=pk)
        return _speakers_page(request, consultation, selectors.criteria_of(consultation), form, status=400)
    if request.method != "POST":
        return _speakers_page(request, consultation, criteria, CriteriaForm(instance=criteria))
    # Each shown offer comes as "id:status", the status it had on the page.
    shown: dict[int, str] = {}
    for value in request.POST.getlist("shown"):
        offer_id, _sep, status = value.partition(":")
        if (number := whole_number(offer_id)) is not None and status in InterestStatus.values:
            shown[number] = status
    # "Accept the suggestion": the offers the page suggested, as it showed them.
    chosen = request.POST.getlist("suggested" if action == "accept" else "selected")
    ticked = {n for v in chosen if (n := whole_number(v)) is not None} & set(shown)
    if action == "check":
        return _speakers_page(
            request, consultation, criteria, CriteriaForm(instance=criteria), ticked=(set(shown), ticked)
        )
    try:
        changed = services.slate_decide(
            consultation=consultation, decisions={pk: pk in ticked for pk in shown}, shown=shown, by=request.user
        )
    except services.ConsultationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "The speakers' list has been saved; %(count)d person is being told.",
                "The speakers' list has been saved; %(count)d people are being told.",
                changed,
            )
            % {"count": changed},
        )
    return redirect("consultations:speakers", pk=pk)


def _speakers_page(request, consultation: Consultation, criteria, form, status: int = 200, ticked=None):
    """``ticked``: (the offers of the form sent to check the balance, those ticked there); None: the saved list.

    Suggestions give each person one speaking slot: someone suggested for an earlier roundtable (or as its
    moderator) is not suggested again.
    """
    offers = list(
        ExpressionOfInterest.objects.filter(consultation=consultation)
        .select_related("user__profile", "session")
        .order_by("submitted_at", "pk")
    )
    decidable = services.interests_decidable(by=request.user, interests=offers)
    sent, ticks = ticked if ticked is not None else (set(), set())
    candidates = {}
    for arrival, offer in enumerate(offers, start=1):
        offer.decidable = offer.pk in decidable
        # The criteria may since have kept the slots for stakeholders: such an offer can only be turned down.
        offer.ineligible = services.offer_refusal(consultation=consultation, user=offer.user, criteria=criteria)
        offer.ticked = offer.pk in ticks if offer.pk in sent else offer.status == InterestStatus.SELECTED
        offer.candidate = candidates[offer.pk] = _offer_candidate(offer, arrival)
        offer.values = {dim: getattr(offer.candidate, dim) for dim in slate.DIMENSIONS}
    taken: set[int] = set()

    def suggested(pool: list, size: int) -> set[int]:
        eligible = [o for o in pool if not o.ineligible and o.user_id not in taken]
        chosen = set(
            slate.suggest(
                [o.candidate for o in eligible], size=size, max_shares=criteria.max_shares, preference=criteria.order
            )
        )
        for chosen_offer in eligible:
            if chosen_offer.pk in chosen:
                taken.add(chosen_offer.user_id)
        return chosen

    blocks = []
    for session in consultation.sessions.filter(kind=SessionKind.ROUNDTABLE).order_by("position", "pk"):
        mine = [o for o in offers if o.session_id == session.pk]
        panel = [o for o in mine if o.role == SpeakingRole.PANEL]
        moderators = [o for o in mine if o.role == SpeakingRole.MODERATOR]
        groups = [
            (SpeakingRole.PANEL.label, panel, suggested(panel, session.panel_size)),
            (SpeakingRole.MODERATOR.label, moderators, suggested(moderators, 1)),
            (SpeakingRole.FLOOR.label, [o for o in mine if o.role == SpeakingRole.FLOOR], None),
        ]
        blocks.append(_block(f"roundtable-{session.pk}", str(session), groups, size=session.panel_size))
    rapporteurs = [o for o in offers if o.role == SpeakingRole.RAPPORTEUR]
    blocks.append(
        _block(
            "rapporteur", _("Rapporteur"), [(_("Offers to be the rapporteur"), rapporteurs, suggested(rapporteurs, 1))]
        )
    )
    loose = [o for o in offers if o.session_id is None and o.role != SpeakingRole.RAPPORTEUR]
    if loose:
        # Offers made before the agenda had roundtables: one panel of the usual size (004: 4-5 panelists).
        panel = [o for o in loose if o.role == SpeakingRole.PANEL]
        blocks.append(
            _block(
                "loose",
                _("Offers not tied to a roundtable"),
                [(_("Offers made before the roundtables were set"), loose, suggested(panel, DEFAULT_PANEL_SIZE))],
            )
        )
    manages = _manages(request.user, consultation)
    groups_for_balance = {"slate": [o.candidate for o in offers if o.ticked], "pool": list(candidates.values())}
    if manages:
        # Who registered, counted: for those who run the registrations only (with few people, a count is a name).
        groups_for_balance["registrants"] = _candidates(
            Registration.objects.filter(consultation=consultation, status__in=HOLDS_PLACE).values(
                "pk",
                "arrival",
                "user__profile__constituency",
                "user__profile__country",
                "user__profile__subregion",
                "user__profile__gender",
            )
        )
    table = slate.balance(groups_for_balance)
    labels = slate_labels()
    return render(
        request,
        "consultations/speakers.html",
        {
            "consultation": consultation,
            "criteria": criteria,
            "criteria_rows": criteria_rows(criteria),
            "form": form,
            "blocks": blocks,
            "offers": offers,
            "checking": ticked is not None,
            "show_registrants": manages,
            "balance": [
                (
                    dim,
                    labels[dim],
                    sorted(
                        ({**row, "label": value_label(dim, row["value"])} for row in rows),
                        key=lambda row: (not row["value"], row["label"]),
                    ),
                )
                for dim, rows in table.items()
            ],
        },
        status=status,
    )


def _block(key: str, title: str, groups: list, size: int | None = None) -> dict:
    """One form of the speakers page: a roundtable (panel, moderator, floor), the rapporteur, or older offers."""
    offers = [offer for _label, group, _chosen in groups for offer in group]
    panel = groups[0][1] if size else []
    return {
        "key": key,
        "title": title,
        "size": size,
        "groups": groups,
        "offers": offers,
        "decidable": any(offer.decidable for offer in offers),
        "suggested": {pk for _label, _group, chosen in groups for pk in (chosen or ())},
        "ticked_panel": sum(1 for offer in panel if offer.ticked),
    }


# --- Written inputs (004) ----------------------------------------------------------------------------------


def _input_call(request, pk: int) -> InputCall:
    call = get_object_or_404(InputCall.objects.select_related("region", "cycle"), pk=pk)
    if not call.published and not can_in_region(request.user, "consultations.manage", call.region_id):
        raise Http404  # a call being prepared is its organisers' alone
    return call


def inputs(request, pk: int, *, form=None, status: int = 200):
    """A call for written inputs: what it asks and by when, the form to send one, and the inputs published so
    far, filtered by constituency and language (004: "posted on the regional landing page")."""
    call = _input_call(request, pk)
    published = WrittenInput.objects.filter(call=call, status=InputStatus.PUBLISHED).order_by("-submitted_at", "pk")
    constituency = request.GET.get("constituency", "")
    language = request.GET.get("language", "")
    constituencies = [*Constituency.choices, ("member_state", _("Member State"))]
    if constituency in dict(constituencies):
        published = published.filter(constituency=constituency)
    if language in dict(settings.LANGUAGES):
        published = published.filter(language=language)
    page = Paginator(published, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = list(WrittenInput.objects.filter(call=call, author=request.user)) if request.user.is_authenticated else []
    refusal = services.input_refusal(call=call, user=request.user) if request.user.is_authenticated else None
    return render(
        request,
        "consultations/inputs.html",
        {
            "call": call,
            "page": page,
            "inputs": page.object_list,
            "constituencies": constituencies,
            "languages": settings.LANGUAGES,
            "chosen": {"constituency": constituency, "language": language},
            "mine": mine,
            "refusal": refusal,
            "form": form or (WrittenInputForm(user=request.user) if refusal is None else None),
            "summary_words": services.INPUT_SUMMARY_WORDS,
        },
        status=status,
    )


@login_required
@require_POST
def input_send(request, pk: int):
    if not can(request.user, "consultations.send_input"):
        raise PermissionDenied
    call = _input_call(request, pk)
    form = WrittenInputForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return inputs(request, pk, form=form, status=400)
    data = form.cleaned_data
    try:
        services.written_input_create(
            call=call,
            author=request.user,
            title=data["title"],
            summary=data["summary"],
            language=data["language"],
            organisation=data["organisation"],
            upload=data["document"],
            content_type=form.content_type,
        )
    except services.ConsultationError as exc:
        form.add_error(None, str(exc))
        return inputs(request, pk, form=form, status=400)
    messages.success(request, _("Thank you: your written input has arrived. It is listed once it has been screened."))
    return redirect(call)


@login_required
@require_POST
def input_withdraw(request, pk: int):
    written = get_object_or_404(WrittenInput, pk=pk, author=request.user)
    try:
        services.written_input_withdraw(written=written, author=request.user)
    except services.ConsultationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your written input has been withdrawn."))
    return redirect("consultations:inputs", pk=written.call_id)


def input_file(request, pk: int):
    """The document of a written input: to everybody once published; before, to its sender and its screeners."""
    written = get_object_or_404(WrittenInput.objects.select_related("call"), pk=pk)
    may = (
        (written.status == InputStatus.PUBLISHED and written.call.published)
        or (request.user.is_authenticated and written.author_id == request.user.pk)
        or can_in_region(request.user, "consultations.manage", written.call.region_id)
    )
    if not may:
        raise Http404
    return FileResponse(
        written.file.open("rb"), as_attachment=True, filename=written.original_name, content_type=written.content_type
    )


# --- GCM Talks and side events in depth (001, 003) ---------------------------------------------------------


def _talk(request, pk: int) -> Proposal:
    """The talk ``pk``: to everybody once approved; before, to its proposer and those who decide on it. For
    anybody else a proposal not approved does not exist."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("region", "event", "meeting__event__region", "proposed_by__profile"), pk=pk
    )
    if proposal.status != ProposalStatus.APPROVED and not services.talk_editable_by(
        proposal=proposal, user=request.user
    ):
        raise Http404
    return proposal


def talk(request, pk: int):
    """One GCM Talk or side event: what, when, who speaks, registration, the summary and the pledges (003)."""
    proposal = _talk(request, pk)
    approved = proposal.status == ProposalStatus.APPROVED
    consultation = selectors.talk_consultation(proposal) if approved else None
    places_left = []
    if consultation is not None and consultation.status != ConsultationStatus.DRAFT:
        places_left = [(Attendance(attendance).label, left) for attendance, left in _places_left(consultation).items()]
    else:
        consultation = None
    editable = services.talk_editable_by(proposal=proposal, user=request.user)
    return render(
        request,
        "consultations/talk.html",
        {
            "proposal": proposal,
            "approved": approved,
            "speakers": list(proposal.speakers.all()),
            # Pledges are public once the talk is approved; before, its proposer and the secretariat see them.
            "pledges": list(proposal.pledges.all()) if approved or editable else [],
            "consultation": consultation,
            "places_left": places_left,
            "editable": editable,
        },
    )


def talk_manage(request, pk: int):
    """The proposer's and the secretariat's page for one talk: panelists and moderators, registrations, pledges,
    the summary. Each form says what it saves (``action``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    proposal = _talk(request, pk)
    if not services.talk_editable_by(proposal=proposal, user=request.user):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    speakers_initial = [
        {"role": s.role, "name": s.name, "organisation": s.organisation} for s in proposal.speakers.all()
    ]
    forms_ = {
        "speakers": TalkSpeakerFormSet(prefix="speakers", initial=speakers_initial),
        "summary": TalkSummaryForm(prefix="summary", initial={"summary": proposal.summary}),
        "pledge": PledgeForm(prefix="pledge"),
        "registration": TalkRegistrationForm(prefix="registration"),
    }
    if action in forms_:
        bound = {
            "speakers": lambda: TalkSpeakerFormSet(request.POST, prefix="speakers", initial=speakers_initial),
            "summary": lambda: TalkSummaryForm(request.POST, prefix="summary"),
            "pledge": lambda: PledgeForm(request.POST, prefix="pledge"),
            "registration": lambda: TalkRegistrationForm(request.POST, prefix="registration"),
        }[action]()
        forms_[action] = bound
        if bound.is_valid():
            try:
                done = _talk_save(action, proposal, request.user, bound)
            except services.ConsultationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, done)
                return redirect("consultations:talk_manage", pk=pk)
    elif request.method == "POST":
        return HttpResponse(status=400)
    consultation = selectors.talk_consultation(proposal)
    return render(
        request,
        "consultations/talk_manage.html",
        {
            "proposal": proposal,
            "approved": proposal.status == ProposalStatus.APPROVED,
            "consultation": consultation,
            "manages_consultation": consultation is not None and _manages(request.user, consultation),
            "pledges": list(proposal.pledges.all()),
            **{f"{name}_form": form for name, form in forms_.items()},
        },
        status=400 if action in forms_ else 200,
    )


def _talk_save(action: str, proposal: Proposal, by, form) -> str:
    """Save one form of the talk's page through its service; what to tell the person."""
    if action == "speakers":
        rows = [
            (f.cleaned_data["role"], f.cleaned_data["name"], f.cleaned_data.get("organisation", ""))
            for f in form.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        services.talk_speakers_set(proposal=proposal, by=by, speakers=rows)
        return _("The panelists and moderators have been saved.")
    if action == "summary":
        services.talk_summary_post(proposal=proposal, by=by, summary=form.cleaned_data["summary"])
        return _("The summary is posted on the public page.")
    if action == "pledge":
        services.pledge_add(proposal=proposal, by=by, **form.cleaned_data)
        return _("The pledge has been recorded.")
    services.talk_registration_open(proposal=proposal, by=by, **form.cleaned_data)
    return _("Registrations are open.")


PLEDGE_COLUMNS = ("talk", "kind", "region", "date", "pledged_by", "pledge", "objectives", "dashboard_link", "status")


def pledges_csv(request):
    """Every recorded pledge as CSV, for the secretariat (a focal point: their regions' talks)."""
    if (denied := _require_manage(request)) is not None:
        return denied
    pledges = Pledge.objects.select_related("proposal__region").order_by("proposal__date", "proposal_id", "pk")
    regions = regions_for(request.user, "consultations.manage")
    if regions is not None:
        pledges = pledges.filter(proposal__region_id__in=regions)
    labels = {
        "talk": _("GCM Talk or side event"),
        "kind": _("Kind"),
        "region": _("Region"),
        "date": _("Date"),
        "pledged_by": _("Pledged by"),
        "pledge": _("Pledge"),
        "objectives": _("GCM objectives"),
        "dashboard_link": _("Pledging Dashboard entry"),
        "status": _("Status"),
    }

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pledges.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(labels[c]) for c in PLEDGE_COLUMNS])
    for pledge in pledges:
        talk_ = pledge.proposal
        row = [
            talk_.title,
            talk_.get_kind_display(),
            talk_.region.name if talk_.region_id else "",
            talk_.date.isoformat(),
            pledge.pledged_by,
            pledge.text,
            pledge.objectives,
            pledge.dashboard_link,
            talk_.get_status_display(),
        ]
        writer.writerow([neutralise(value) for value in row])
    return response


# --- Requests for a briefing or consultation (000) -----------------------------------------------------------


@login_required
def briefing_requests(request):
    """My requests for a briefing or consultation, with their status, and the form to send a new one."""
    refusal = services.briefing_request_refusal(user=request.user)
    form = None
    if refusal is None:
        form = BriefingRequestForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                made = services.briefing_request_create(requester=request.user, **form.cleaned_data)
            except services.ConsultationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Thank you: your request has arrived. A receipt is on its way by e-mail."))
                return redirect(made)
    elif request.method == "POST":
        raise PermissionDenied
    mine = BriefingRequest.objects.filter(requester=request.user).select_related("region", "consultation__event")
    return render(
        request,
        "consultations/briefing_requests.html",
        {"mine": mine, "form": form, "refusal": refusal, "decides": can(request.user, "consultations.manage")},
        status=400 if form is not None and form.is_bound else 200,
    )


def _briefing(request, pk: int) -> BriefingRequest:
    """The request ``pk`` for its requester and those who answer it; for anybody else it does not exist."""
    found = get_object_or_404(
        BriefingRequest.objects.select_related("region", "cycle", "requester__profile", "consultation__event"), pk=pk
    )
    if found.requester_id != request.user.pk and not services.briefing_decider(user=request.user, request=found):
        raise Http404
    return found


@login_required
def briefing_request(request, pk: int):
    """One request: its requester sees where it stands; the secretariat and the region's focal points answer it,
    bound to the version they read."""
    found = _briefing(request, pk)
    decider = services.briefing_decider(user=request.user, request=found)
    conflict = integrity.refusal(decider=request.user, subject=found.requester) if decider else None
    form = None
    if decider and conflict is None and found.status == "pending":
        form = BriefingDecisionForm(request.POST or None, initial={"revision": found.revision})
    if request.method == "POST":
        if not decider:
            raise PermissionDenied
        if form is None:
            messages.error(request, conflict or _("This request has already been answered."))
            return redirect(found)
        if form.is_valid():
            try:
                services.briefing_request_decide(
                    request=found,
                    by=request.user,
                    accept=form.cleaned_data["decision"] == "accept",
                    shown_revision=form.cleaned_data["revision"],
                    reason=form.cleaned_data["reason"],
                )
            except services.ConsultationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The request has been answered; the requester is told by e-mail."))
            return redirect(found)
    return render(
        request,
        "consultations/briefing_request.html",
        {"briefing": found, "decider": decider, "conflict": conflict, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
def briefing_request_edit(request, pk: int):
    """The requester changes a request still waiting (a new version: a decision on the old one is refused)."""
    found = get_object_or_404(BriefingRequest, pk=pk, requester=request.user)
    form = BriefingRequestForm(request.POST or None, instance=found, user=request.user)
    if found.status != "pending":
        messages.info(request, _("Only a request still waiting for an answer can be changed."))
        return redirect(found)
    if request.method == "POST" and form.is_valid():
        try:
            services.briefing_request_update(request=found, requester=request.user, **form.cleaned_data)
        except services.ConsultationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request has been changed."))
            return redirect(found)
    return render(
        request,
        "consultations/briefing_request_edit.html",
        {"briefing": found, "form": form},
        status=400 if form.is_bound else 200,
    )


def briefing_queue(request):
    """The requests to answer: every region's for the secretariat, a focal point's own regions'."""
    if (denied := _require_manage(request)) is not None:
        return denied
    requests_ = selectors.briefing_requests_for(regions_for(request.user, "consultations.manage"))
    page = Paginator(requests_, PAGE_SIZE).get_page(request.GET.get("page"))
    decidable = services.briefing_requests_decidable(by=request.user, requests=page.object_list)
    return render(
        request,
        "consultations/briefing_queue.html",
        {"page": page, "requests": page.object_list, "decidable": decidable},
    )
