"""Pages of attendance: a person's registrations with their code, certificates and letters; the door check-in,
the attendance list and the platform report's import for staff; the secretariat's queue of letter requests; and
the public verification pages of certificates and letters.

Attendance is never public: the person sees their own, staff of the meeting's region see the list.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from consultations import attendance as attendance_services
from consultations import certificates, letters
from consultations.attendance import STATE_LABELS, AttendanceError, attendance_state, may_take_attendance
from consultations.documents import qr_data_uris
from consultations.enums import LETTER_OPEN, Attendance, LetterStatus, RegistrationStatus
from consultations.forms import (
    AttendanceImportForm,
    CheckInForm,
    LetterDecisionForm,
    LetterRequestForm,
    RevokeForm,
)
from consultations.models import (
    Certificate,
    Consultation,
    InvitationLetter,
    PersonalFeed,
    Registration,
    UnmatchedAttendee,
)
from consultations.platform_reports import ReportError
from portal import integrity
from portal.content_translation import in_every_language
from portal.kept import render_kept
from portal.mail import language_of
from portal.permissions import can, regions_for
from portal.personal_calendar import personal_ics
from portal.timezones import reader_zone

PAGE_SIZE = 25


def _signed_in(request):
    return None if request.user.is_authenticated else redirect_to_login(request.get_full_path())


def _staff_meeting(request, pk: int) -> Consultation:
    """The meeting ``pk`` if ``request.user`` takes attendance in its region; otherwise PermissionDenied."""
    consultation = get_object_or_404(Consultation.objects.select_related("event__region", "event__cycle"), pk=pk)
    if not may_take_attendance(request.user, consultation):
        raise PermissionDenied
    return consultation


def _own_registration(request, pk: int) -> Registration:
    registration = (
        Registration.objects.select_related("consultation__event__region", "user__profile")
        .filter(consultation_id=pk, user=request.user)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


# --- The person's own ---


MY_REGISTRATION_FIELDS = (
    "consultation_id",
    "user_id",
    "attendance",
    "status",
    "code",
    *in_every_language("consultation__title"),
    "consultation__starts_at",
    "consultation__ends_at",
    "consultation__time_zone",
    "check_in",
    "certificate",
)


@never_cache
def my_registrations(request):
    """Every meeting the person registered for: where they stand, their code for the door, their attendance,
    certificate and invitation letters."""
    if (denied := _signed_in(request)) is not None:
        return denied
    registrations = (
        Registration.objects.filter(user=request.user)
        .select_related("consultation", "check_in", "certificate")
        # A meeting's long texts (description, summary, in every language) are not shown here.
        .only(*MY_REGISTRATION_FIELDS)
        .prefetch_related(
            Prefetch(
                "letters",
                queryset=InvitationLetter.objects.only("registration_id", "status").order_by("-requested_at", "-pk"),
                to_attr="asked",
            )
        )
        .order_by("-consultation__starts_at", "-pk")
    )
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    codes = qr_data_uris(
        r.code
        for r in page.object_list
        if r.status == RegistrationStatus.REGISTERED and r.attendance == Attendance.IN_PERSON
    )
    chosen = reader_zone(request.user)
    rows = []
    for registration in page.object_list:
        consultation = registration.consultation
        confirmed = registration.status == RegistrationStatus.REGISTERED
        certificate = getattr(registration, "certificate", None)
        state = attendance_state(registration) if confirmed else ""
        letter = registration.asked[0] if registration.asked else None
        values = {
            "pk": consultation.pk,
            "title": str(consultation.title),
            "starts_at": consultation.starts_at,
            "ends_at": consultation.ends_at,
            "time_zone": consultation.time_zone,
            "chosen": chosen,
            "on_page": True,
            "status": str(registration.get_status_display()),
            "attendance": str(registration.get_attendance_display()),
            "state_label": str(STATE_LABELS[state]) if state else "",
            "qr": codes.get(registration.code, ""),
            "code": registration.code,
            "certificate": hasattr(registration, "check_in") and not (certificate and certificate.revoked_at),
            "revoked": bool(certificate and certificate.revoked_at),
            "letter": str(letter.get_status_display()) if letter else "",
            "may_ask_letter": confirmed and registration.attendance == Attendance.IN_PERSON,
        }
        rows.append(render_kept("consultations/_my_registration.html", values))
    feed = PersonalFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "consultations/my_registrations.html",
        {"page": page, "rows": rows, **_feed_links(request, feed)},
    )


@never_cache
def certificate_download(request, pk: int):
    """The person's certificate of attendance for meeting ``pk``, in their preferred language."""
    if (denied := _signed_in(request)) is not None:
        return denied
    registration = _own_registration(request, pk)
    try:
        certificate = certificates.certificate_issue(registration=registration)
    except AttendanceError as exc:
        messages.error(request, str(exc))
        return redirect("consultations:mine")
    certificate = Certificate.objects.select_related(
        "registration__consultation__event__region", "registration__check_in"
    ).get(pk=certificate.pk)
    pdf = certificates.certificate_pdf(
        certificate=certificate, language=language_of(request.user), base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{pk}.pdf"'
    return response


@never_cache
def letter(request, pk: int):
    """The person's request for a visa invitation letter for meeting ``pk``: the form, or where it stands."""
    if (denied := _signed_in(request)) is not None:
        return denied
    registration = _own_registration(request, pk)
    consultation = registration.consultation
    asked = list(registration.letters.order_by("-requested_at", "-pk"))
    current = next((item for item in asked if item.status in LETTER_OPEN), None)
    form = None
    if request.method == "POST" and request.POST.get("action") == "withdraw" and current:
        try:
            letters.letter_withdraw(letter=current, user=request.user)
        except AttendanceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request is withdrawn and its passport details erased."))
        return redirect("consultations:letter", pk=pk)
    refusal = letters.letter_refusal(registration=registration)
    if request.method == "POST":
        form = LetterRequestForm(request.POST, consultation=consultation)
        if refusal is None and form.is_valid():
            values = {name: form.cleaned_data[name] for name in letters.FIELDS}
            try:
                letters.letter_request(registration=registration, user=request.user, values=values)
            except AttendanceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your request has been received: the secretariat will answer it."))
                return redirect("consultations:letter", pk=pk)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    if form is None and refusal is None:
        form = LetterRequestForm(consultation=consultation)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "consultations/letter.html",
        {
            "consultation": consultation,
            "registration": registration,
            "form": form if refusal is None else None,
            "refusal": refusal if current is None else "",
            "current": current,
            "earlier": [item for item in asked if item is not current],
        },
        status=status,
    )


@never_cache
def letter_pdf(request, letter_id: int):
    """An approved letter: for its requester, and for the secretariat."""
    if (denied := _signed_in(request)) is not None:
        return denied
    item = get_object_or_404(
        InvitationLetter.objects.select_related("registration__consultation__event__region", "registration__user"),
        pk=letter_id,
    )
    if item.registration.user_id != request.user.pk and not letters.letter_decider(user=request.user, letter=item):
        raise Http404
    try:
        pdf = letters.letter_pdf(letter=item, base_url=request.build_absolute_uri("/"))
    except AttendanceError as exc:
        raise Http404 from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invitation-letter-{item.pk}.pdf"'
    return response


def _feed_links(request, feed) -> dict:
    if feed is None:
        return {}
    https = request.build_absolute_uri(reverse("consultations:personal_feed", args=[feed.token]))
    return {"feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@require_POST
def personal_feed_renew(request):
    """Make the person's private calendar link, or a new one: the old link stops working at once."""
    if (denied := _signed_in(request)) is not None:
        return denied
    PersonalFeed.objects.filter(user=request.user).delete()
    PersonalFeed.objects.create(user=request.user)
    messages.success(request, _("Your private calendar link is ready. Any earlier link no longer works."))
    return redirect("consultations:mine")


@never_cache
def personal_feed(request, token: str):
    """The private feed: anyone with the link reads it (calendar programs cannot sign in), nobody without it."""
    feed = PersonalFeed.objects.select_related("user__profile").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    with translation.override(language_of(feed.user)):
        body = personal_ics(user=feed.user, name=_("My GCM meetings"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Public verification ---


@never_cache
def certificate_verify(request, token: str):
    """Anyone holding a certificate's link (or QR code) can see whether it is genuine and still stands."""
    certificate = certificates.certificate_from_token(token)
    response = render(
        request,
        "consultations/verify.html",
        {
            "kind": "certificate",
            "found": certificate is not None,
            "certificate": certificate,
            "consultation": certificate.registration.consultation if certificate else None,
        },
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def letter_verify(request, token: str):
    """A visa office checks an invitation letter: genuine, for whom (while the details are kept), for when."""
    item = letters.letter_from_token(token)
    genuine = item is not None and item.status == LetterStatus.APPROVED
    response = render(
        request,
        "consultations/verify.html",
        {
            "kind": "letter",
            "found": item is not None,
            "letter": item,
            "genuine": genuine,
            "consultation": item.registration.consultation if item else None,
        },
        status=200 if item else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Staff: the door, the list, the platform report ---


def _door_json(request, consultation, answer, status=200):
    html = render_to_string(
        "consultations/_door_answer.html", {"answer": answer, "consultation": consultation}, request=request
    )
    return JsonResponse({"outcome": answer.outcome, "html": html}, status=status)


@never_cache
def check_in(request, pk: int):
    """The door: scan a QR code or type a code or a name; the answer says who it is, whether they may come in,
    and records them present. Works without JavaScript (the form posts) and, with it, without reloading."""
    if (denied := _signed_in(request)) is not None:
        return denied
    consultation = _staff_meeting(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    answer = None
    form = CheckInForm()
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST)
        registration_id = request.POST.get("registration")
        try:
            if registration_id:
                registration = get_object_or_404(
                    Registration.objects.select_related("user__profile", "check_in"),
                    pk=registration_id,
                    consultation=consultation,
                )
                answer = attendance_services.door_admit(registration=registration, by=request.user)
                form = CheckInForm()
            elif form.is_valid():
                answer = attendance_services.door_check_in(
                    consultation=consultation, text=form.cleaned_data["code"], by=request.user
                )
                form = CheckInForm()
            else:
                status = 400
        except AttendanceError as exc:
            answer = attendance_services.DoorAnswer("refused", warning=str(exc))
            form = CheckInForm()
            status = 403
        if wants_json:
            if answer is None:
                errors = [str(e) for errors in form.errors.values() for e in errors]
                answer = attendance_services.DoorAnswer("refused", warning=" ".join(errors))
            return _door_json(request, consultation, answer, status)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    present = Registration.objects.filter(consultation=consultation, check_in__attended=Attendance.IN_PERSON).count()
    return render(
        request,
        "consultations/check_in.html",
        {"consultation": consultation, "form": form, "answer": answer, "present": present},
        status=status,
    )


def _attendance_counts(consultation: Consultation) -> dict:
    return Registration.objects.filter(consultation=consultation, status=RegistrationStatus.REGISTERED).aggregate(
        confirmed=Count("pk"),
        in_room=Count("pk", filter=Q(check_in__attended=Attendance.IN_PERSON)),
        online=Count("pk", filter=Q(check_in__attended=Attendance.VIRTUAL)),
    )


@never_cache
def attendance(request, pk: int):
    """Who attended meeting ``pk``: mark people present by hand, withdraw a mistaken check-in, revoke a
    certificate, and resolve the rows of a platform report that matched nobody."""
    if (denied := _signed_in(request)) is not None:
        return denied
    consultation = _staff_meeting(request, pk)
    if request.method == "POST":
        _attendance_action(request, consultation)
        return redirect(request.get_full_path())
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    shown = request.GET.get("show", "")
    registrations = (
        Registration.objects.filter(consultation=consultation, status=RegistrationStatus.REGISTERED)
        .select_related("user__profile", "check_in", "certificate", "consultation")
        .order_by("user__profile__display_name", "pk")
    )
    if shown == "absent":
        registrations = registrations.filter(check_in__isnull=True)
    elif shown == "present":
        registrations = registrations.filter(check_in__isnull=False)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    for registration in page.object_list:
        registration.state = attendance_state(registration)
        registration.state_label = STATE_LABELS[registration.state]
    unmatched = list(UnmatchedAttendee.objects.filter(consultation=consultation)[:200])
    choices = []
    if unmatched:
        choices = list(
            Registration.objects.filter(
                consultation=consultation, status=RegistrationStatus.REGISTERED, check_in__isnull=True
            )
            .exclude(user=request.user)
            .select_related("user__profile")
            .order_by("user__profile__display_name", "pk")[:500]
        )
    return render(
        request,
        "consultations/attendance.html",
        {
            "consultation": consultation,
            "page": page,
            "registrations": page.object_list,
            "counts": _attendance_counts(consultation),
            "unmatched": unmatched,
            "choices": choices,
            "import_form": AttendanceImportForm(),
            "shown": shown,
            "certifies": can(request.user, "consultations.certify"),
        },
    )


def _attendance_action(request, consultation: Consultation) -> None:
    action = request.POST.get("action", "")
    try:
        if action in ("room", "online", "undo", "revoke"):
            registration = get_object_or_404(
                Registration.objects.select_related("user", "consultation__event"),
                pk=request.POST.get("registration"),
                consultation=consultation,
            )
            if action == "undo":
                attendance_services.check_in_undo(registration=registration, by=request.user)
                messages.success(request, _("The check-in is withdrawn."))
            elif action == "revoke":
                form = RevokeForm(request.POST)
                certificate = Certificate.objects.filter(registration=registration).first()
                if certificate is None or not form.is_valid():
                    raise AttendanceError(_("Please give the reason for revoking."))
                certificates.certificate_revoke(
                    certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The certificate is revoked: its link now says so."))
            else:
                attended = Attendance.IN_PERSON if action == "room" else Attendance.VIRTUAL
                _check_in, created = attendance_services.check_in_record(
                    registration=registration, by=request.user, attended=attended, way="hand"
                )
                if created:
                    messages.success(request, _("Marked present."))
                else:
                    messages.info(request, _("This person was already checked in."))
        elif action in ("resolve", "dismiss"):
            row = get_object_or_404(UnmatchedAttendee, pk=request.POST.get("row"), consultation=consultation)
            if action == "dismiss":
                attendance_services.unmatched_dismiss(row=row)
                messages.success(request, _("The row is dismissed."))
            else:
                registration = get_object_or_404(
                    Registration.objects.select_related("consultation__event"),
                    pk=request.POST.get("registration") or 0,
                    consultation=consultation,
                )
                attendance_services.unmatched_resolve(row=row, registration=registration, by=request.user)
                messages.success(request, _("Marked present online."))
        else:
            messages.error(request, _("Choose an action."))
    except AttendanceError as exc:
        messages.error(request, str(exc))


@require_POST
def attendance_import(request, pk: int):
    """Upload the platform's participant report; matched people are marked present online."""
    if (denied := _signed_in(request)) is not None:
        return denied
    consultation = _staff_meeting(request, pk)
    form = AttendanceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("report", []):
            messages.error(request, error)
        return redirect("consultations:attendance", pk=pk)
    try:
        result = attendance_services.attendance_import(
            consultation=consultation, data=form.cleaned_data["report"].read(), by=request.user
        )
    except (ReportError, AttendanceError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(rows)s person in the report: %(new)s marked present online, %(already)s already checked in, "
                "%(unmatched)s to resolve below.",
                "%(rows)s people in the report: %(new)s marked present online, %(already)s already checked in, "
                "%(unmatched)s to resolve below.",
                result.rows,
            )
            % {"rows": result.rows, "new": result.checked_in, "already": result.already, "unmatched": result.unmatched},
        )
    return redirect("consultations:attendance", pk=pk)


# --- The secretariat's letter queue ---


@never_cache
def letter_queue(request):
    """Requests for visa invitation letters waiting for the secretariat, with the passport details to check."""
    if (denied := _signed_in(request)) is not None:
        return denied
    if not can(request.user, "consultations.letters"):
        raise PermissionDenied
    regions = regions_for(request.user, "consultations.letters")
    if request.method == "POST":
        item = get_object_or_404(
            InvitationLetter.objects.select_related("registration__consultation__event"), pk=request.POST.get("letter")
        )
        form = LetterDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision."))
        else:
            try:
                if form.cleaned_data["decision"] == "revoke":
                    letters.letter_revoke(
                        letter=item,
                        by=request.user,
                        shown_revision=form.cleaned_data["revision"],
                        reason=form.cleaned_data["reason"],
                    )
                else:
                    letters.letter_decide(
                        letter=item,
                        by=request.user,
                        approve=form.cleaned_data["decision"] == "approve",
                        shown_revision=form.cleaned_data["revision"],
                        reason=form.cleaned_data["reason"],
                    )
            except AttendanceError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your decision is recorded; the requester is told."))
        return redirect(request.get_full_path())
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    status = request.GET.get("status", LetterStatus.REQUESTED)
    if status not in LetterStatus.values:
        status = LetterStatus.REQUESTED
    queryset = (
        InvitationLetter.objects.filter(status=status)
        .select_related("registration__user__profile", "registration__consultation__event__region", "decided_by")
        .order_by("requested_at", "pk")
    )
    if regions is not None:
        queryset = queryset.filter(registration__consultation__event__region_id__in=regions)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    conflicted = integrity.conflicted(request.user, {item.registration.user_id for item in page.object_list})
    for item in page.object_list:
        item.own = item.registration.user_id in conflicted
    return render(
        request,
        "consultations/letter_queue.html",
        {
            "page": page,
            "letters": page.object_list,
            "status": status,
            "statuses": LetterStatus.choices,
            "decision_url": reverse("consultations:letter_queue"),
        },
    )
