"""Pages of what follows a meeting: the rapporteur's outcome report (consultations.reports) and the feedback
form with its results (consultations.feedback). Kept apart from views.py, which holds registration, speakers
and inputs."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import feedback, reports
from consultations.enums import ConsultationStatus, ReportStatus
from consultations.forms import FeedbackForm, ReportForm
from consultations.models import Consultation, RapporteurReport
from consultations.views import _managed, _plans, _require_manage
from portal import content_translation

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _consultation(pk: int) -> Consultation:
    return get_object_or_404(Consultation.objects.select_related("event__region", "event__cycle"), pk=pk)


def report(request, pk: int):
    """The published report for anyone; a draft for its rapporteur and the organisers; for others, nothing."""
    consultation = _consultation(pk)
    if consultation.status == ConsultationStatus.DRAFT and not _plans(request.user, consultation):
        raise Http404
    found = RapporteurReport.objects.filter(consultation=consultation).first()
    may_draft = reports.may_read_draft(request.user, consultation)
    if found is None and not may_draft:
        raise Http404  # nothing written yet: the rapporteur gets the way to write it, the organisers the state
    if found is not None and found.status != ReportStatus.PUBLISHED and not may_draft:
        raise Http404  # a draft is its rapporteur's and the organisers' alone
    context = {
        "consultation": consultation,
        "report": found,
        "rapporteur": reports.rapporteur_of(consultation),
        "is_rapporteur": reports.is_rapporteur(request.user, consultation),
        "may_withdraw": found is not None and found.status == ReportStatus.PUBLISHED and may_draft,
        "may_release": found is not None
        and found.held_by_organisers
        and may_draft
        and not reports.is_rapporteur(request.user, consultation),
    }
    if found:
        context["reading"] = reading = reports.reading(found)
        context["languages"] = [(code, LANGUAGE_NAMES[code]) for code in reports.written_languages(found)]
        # Not written in the reader's language: a volunteer's translation of the published report, if any.
        if found.status == ReportStatus.PUBLISHED and reading.language != get_language():
            context["human"] = content_translation.current_human([found], "text", get_language()).get(found.pk)
    return render(request, "consultations/report.html", context)


@login_required
def report_edit(request, pk: int):
    """The rapporteur writes the report, one language at a time (?language=fr), saves and publishes it."""
    consultation = _consultation(pk)
    if not reports.is_rapporteur(request.user, consultation):
        raise PermissionDenied
    found = RapporteurReport.objects.filter(consultation=consultation).first()
    language = (
        request.POST.get("language")
        or request.GET.get("language")
        or (found.original_language if found else get_language())
    )
    if language not in LANGUAGE_NAMES:
        language = "en"
    suffix = reports.field_suffix(language)
    status = 200
    unsaved = ""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = reports.report_save(
                    consultation=consultation,
                    by=request.user,
                    language=language,
                    title=data["title"],
                    text=data["text"],
                    shown_revision=data["revision"],
                )
                if "publish" in request.POST:
                    reports.report_publish(report=saved, by=request.user, shown_revision=saved.revision)
                    messages.success(request, _("The report is published."))
                    return redirect("consultations:report", pk=consultation.pk)
            except reports.ReportError as error:
                form.add_error(None, str(error))
                status = 409 if isinstance(error, reports.StaleReport) else 400
                found = RapporteurReport.objects.filter(consultation=consultation).first()
                if status == 409 and found:
                    # The current version in the form; what was typed stays on the page beside it, unsaved.
                    form = ReportForm(
                        {
                            "revision": found.revision,
                            "title": getattr(found, f"title_{suffix}", "") or "",
                            "text": getattr(found, f"text_{suffix}", "") or "",
                        }
                    )
                    form.is_valid()
                    form.add_error(None, str(error))
                    unsaved = data["text"]
            else:
                messages.success(request, _("The report is saved."))
                return redirect(f"{request.path}?language={language}")
        else:
            status = 400
    else:
        form = ReportForm(
            initial={
                "revision": found.revision if found else 0,
                "title": getattr(found, f"title_{suffix}", "") if found else "",
                "text": getattr(found, f"text_{suffix}", "") if found else "",
            }
        )
    written = set(reports.written_languages(found)) if found else set()
    return render(
        request,
        "consultations/report_edit.html",
        {
            "consultation": consultation,
            "report": found,
            "form": form,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "languages": [(code, name, code in written) for code, name in settings.LANGUAGES],
            "may_publish": reports.meeting_has_begun(consultation),
            "unsaved": unsaved,
        },
        status=status,
    )


@require_POST
@login_required
def report_withdraw(request, pk: int):
    consultation = _consultation(pk)
    found = get_object_or_404(RapporteurReport, consultation=consultation)
    try:
        if "release" in request.POST:
            reports.report_release(report=found, by=request.user)
            messages.success(request, _("The rapporteur can publish the report again."))
        else:
            reports.report_withdraw(report=found, by=request.user)
            messages.success(request, _("The report is a draft again; only its rapporteur and the organisers read it."))
    except reports.ReportError as error:
        raise PermissionDenied(str(error)) from error
    return redirect("consultations:report", pk=consultation.pk)


@login_required
def feedback_form(request, pk: int):
    consultation = _consultation(pk)
    if consultation.status == ConsultationStatus.DRAFT:
        raise Http404
    reason = feedback.refusal(consultation=consultation, user=request.user)
    form = FeedbackForm(request.POST or None)
    status = 200 if not reason else 403
    if request.method == "POST" and not reason:
        if form.is_valid():
            try:
                feedback.feedback_submit(consultation=consultation, user=request.user, answers=form.cleaned_data)
            except feedback.FeedbackError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, _("Thank you: your answer is recorded, without your name."))
                return redirect(consultation.get_absolute_url())
        else:
            status = 400
    return render(
        request,
        "consultations/feedback.html",
        {"consultation": consultation, "form": form, "reason": reason, "days": feedback.FEEDBACK_DAYS},
        status=status,
    )


def feedback_results(request, pk: int):
    if (response := _require_manage(request)) is not None:
        return response
    consultation = _managed(request, pk)
    return render(
        request,
        "consultations/feedback_results.html",
        {
            "consultation": consultation,
            "results": feedback.results(consultation),
            "minimum": feedback.FEEDBACK_MIN_ANSWERS,
        },
    )


def feedback_csv(request, pk: int):
    if (response := _require_manage(request)) is not None:
        return response
    consultation = _managed(request, pk)
    response = StreamingHttpResponse(
        feedback.csv_rows(consultation, get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="feedback-{consultation.pk}.csv"'
    return response
