from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import selectors, services, slate
from consultations.enums import (
    HOLDS_PLACE,
    Attendance,
    ConsultationStatus,
    DocumentKind,
    ExportStatus,
    InterestStatus,
    ProposalStatus,
    RegistrationStatus,
)
from consultations.exports import COLUMNS, DEFAULT_COLUMNS, csv_rows, export_queryset
from consultations.forms import InterestForm, ProposalForm, RegistrationForm
from consultations.models import (
    Consultation,
    ExportLog,
    ExpressionOfInterest,
    Follow,
    Proposal,
    Registration,
    SummaryDocument,
)
from portal.permissions import can
from portal.validators import whole_number


def consultation_list(request):
    page = Paginator(selectors.public_consultations(), 20).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {"page": page, "consultations": page.object_list})


def _visible(request, pk: int) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("event__region", "event__cycle"), pk=pk)
    if consultation.status == ConsultationStatus.DRAFT and not can(request.user, "consultations.manage"):
        raise Http404  # a draft is the secretariat's alone: for anybody else it does not exist
    return consultation


def consultation_detail(request, pk: int, *, form=None, interest_form=None, status=200):
    consultation = _visible(request, pk)
    registration = selectors.registration_of(consultation, request.user)
    interests = (
        list(ExpressionOfInterest.objects.filter(consultation=consultation, user=request.user))
        if request.user.is_authenticated
        else []
    )
    context = {
        "consultation": consultation,
        "places_left": [
            (Attendance(attendance).label, left)
            for attendance, left in services.consultation_places_left(consultation=consultation).items()
        ],
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration) if registration else None,
        "can_register": can(request.user, "consultations.register"),
        "form": form or RegistrationForm(consultation=consultation),
        "interest_form": interest_form or InterestForm(),
        "interests": interests,
        "holds_place": registration is not None
        and registration.status
        in (RegistrationStatus.REGISTERED, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED),
    }
    documents = list(consultation.documents.all())
    context["following"] = (
        request.user.is_authenticated and Follow.objects.filter(consultation=consultation, user=request.user).exists()
    )
    context["materials"] = [d for d in documents if d.kind == DocumentKind.MATERIAL]
    context["summary_documents"] = [d for d in documents if d.kind == DocumentKind.SUMMARY]
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
    form = InterestForm(request.POST)
    if not form.is_valid():
        return consultation_detail(request, pk, interest_form=form, status=400)
    try:
        services.interest_create(consultation=consultation, user=request.user, **form.cleaned_data)
    except services.ConsultationError as exc:
        form.add_error(None, str(exc))
        return consultation_detail(request, pk, interest_form=form, status=400)
    messages.success(request, _("Thank you: your offer to speak has been received."))
    return redirect(consultation)


def _require_manage(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "consultations.manage"):
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
    """The secretariat's view of one consultation: places, waiting list, accreditation, speakers, exports."""
    if (denied := _require_manage(request)) is not None:
        return denied
    consultation = get_object_or_404(Consultation.objects.select_related("event__region"), pk=pk)
    if request.method == "POST":
        # The offers shown with a tick box, and which of them were ticked: offers that arrived since keep
        # their status, so a list saved from an older page never decides on an offer nobody saw.
        shown = {n for v in request.POST.getlist("shown") if (n := whole_number(v)) is not None}
        selected = {n for v in request.POST.getlist("selected") if (n := whole_number(v)) is not None}
        try:
            changed = services.slate_decide(
                consultation=consultation, decisions={pk: pk in selected for pk in shown}, by=request.user
            )
        except services.ConsultationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The speakers' list has been saved; %(count)d people are being told.") % {"count": changed}
            )
        return redirect("consultations:dashboard", pk=pk)
    profile_fields = [
        "user__profile__constituency",
        "user__profile__country",
        "user__profile__subregion",
        "user__profile__gender",
    ]
    interests = list(
        ExpressionOfInterest.objects.filter(consultation=consultation)
        .select_related("user__profile")
        .order_by("submitted_at", "pk")
    )
    decidable = services.interests_decidable(by=request.user, interests=interests)
    for interest in interests:
        # One's own offer, or one from one's organisation, is shown without a tick box: a colleague decides it.
        interest.decidable = interest.pk in decidable
    interest_rows = ExpressionOfInterest.objects.filter(consultation=consultation).values(
        "pk", "submitted_at", *profile_fields
    )
    pool = [
        slate.Candidate(
            id=r["pk"],
            arrival=index,
            constituency=r["user__profile__constituency"] or "",
            country=r["user__profile__country"] or "",
            subregion=r["user__profile__subregion"] or "",
            gender=r["user__profile__gender"] or "",
        )
        for index, r in enumerate(sorted(interest_rows, key=lambda r: (r["submitted_at"], r["pk"])), start=1)
    ]
    registrants = _candidates(
        Registration.objects.filter(consultation=consultation, status__in=HOLDS_PLACE).values(
            "pk", "arrival", *profile_fields
        )
    )
    size = max(1, min(whole_number(request.GET.get("size", "8")) or 8, 50))
    suggested = slate.suggest(pool, size=size)
    current = [c for c in pool if c.id in {i.pk for i in interests if i.status == InterestStatus.SELECTED}]
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
    return render(
        request,
        "consultations/dashboard.html",
        {
            "consultation": consultation,
            "places": places,
            # Funding is tied to attendance: travellers the Chair approved hold confirmed places in the room.
            "funded": consultation.funding_applications.filter(state="approved")
            .select_related("applicant__profile")
            .order_by("pk"),
            "pending": sum(n for (status, _a), n in counts.items() if status == RegistrationStatus.PENDING),
            "interests": interests,
            "suggested": suggested,
            "size": size,
            "max_shares": [(slate_labels()[d], round(share * 100)) for d, share in slate.DEFAULT_MAX_SHARES.items()],
            "balance": [
                (slate_labels()[dim], rows)
                for dim, rows in slate.balance({"slate": current, "pool": pool, "registrants": registrants}).items()
            ],
            "export_columns": [(key, label) for key, (label, *_how) in COLUMNS.items()],
            "default_columns": DEFAULT_COLUMNS,
            "statuses": RegistrationStatus.choices,
            "attendances": Attendance.choices,
        },
    )


def slate_labels() -> dict:
    return {
        "constituency": _("Sector"),
        "country": _("Country"),
        "subregion": _("Sub-region"),
        "gender": _("Gender"),
    }


def export_csv(request, pk: int):
    """The registration list as CSV, streamed row by row from a server-side cursor."""
    if (denied := _require_manage(request)) is not None:
        return denied
    consultation = get_object_or_404(Consultation, pk=pk)
    columns = [c for c in request.GET.getlist("columns") if c in COLUMNS] or DEFAULT_COLUMNS
    statuses = [s for s in request.GET.getlist("status") if s in RegistrationStatus.values]
    attendances = [a for a in request.GET.getlist("attendance") if a in Attendance.values]
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
    if (denied := _require_manage(request)) is not None:
        return denied
    consultation = get_object_or_404(Consultation, pk=pk)
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
    log = get_object_or_404(ExportLog.objects.select_related("consultation"), pk=pk)
    if log.user_id != request.user.pk:
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
    sessions = consultation.sessions.prefetch_related(Prefetch("speakers", queryset=speakers))
    return render(request, "consultations/agenda.html", {"consultation": consultation, "sessions": sessions})


def talks(request):
    """Approved GCM Talks and side events, and the form to propose one."""
    form = None
    if can(request.user, "consultations.register"):
        form = ProposalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.proposal_create(proposed_by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Thank you: the secretariat will review your proposal. A receipt is on its way by e-mail.")
            )
            return redirect("consultations:talks")
    elif request.method == "POST":
        raise PermissionDenied
    approved = Proposal.objects.filter(status=ProposalStatus.APPROVED).select_related("region", "event")
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
        SummaryDocument.objects.select_related("consultation"), pk=document_id, consultation_id=pk
    )
    consultation, manager = document.consultation, can(request.user, "consultations.manage")
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
