"""What volunteers translate besides posts: the staff's texts where a language is missing.

Registered with portal.content_translation (autodiscovered when the apps load). The translators and moderators
of a region's discussion space for a cycle translate its texts, and the published summary and rapporteur's
report of that region's consultations of the same cycle; readers see a volunteer's text only where nobody wrote
one in their language.
"""

from django.utils import timezone
from django.utils.translation import gettext

from consultations.enums import ConsultationStatus, ReportStatus
from consultations.models import Consultation, RapporteurReport
from discussions.models import AnalysisPaper, GuidingQuestion, Space
from discussions.post_translations import translates
from portal.content_translation import Translatable, register_translatable
from portal.permissions import can


def _reads(user) -> bool:
    return user.is_authenticated and can(user, "discussions.read")


def _translates_for(user, consultation: Consultation) -> bool:
    """The translators of the discussion space of the consultation's region and cycle translate its texts."""
    event = consultation.event
    space = Space.objects.filter(region=event.region_id, cycle=event.cycle_id).first()
    return space is not None and translates(user, space)


def _paper_published(paper: AnalysisPaper) -> bool:
    return paper.published_at is not None and paper.published_at <= timezone.now()


register_translatable(
    Translatable(
        key="question",
        model=GuidingQuestion,
        field="text",
        label=lambda: gettext("guiding question"),
        may_read=lambda user, question: question.is_published and _reads(user),
        may_translate=lambda user, question: question.is_published and translates(user, question.phase.space),
        back=lambda question: question.get_absolute_url(),
    )
)
register_translatable(
    Translatable(
        key="space-introduction",
        model=Space,
        field="introduction",
        label=lambda: gettext("introduction of the discussion space"),
        may_read=lambda user, space: True,
        may_translate=lambda user, space: bool(space.introduction_en) and translates(user, space),
        back=lambda space: space.get_absolute_url(),
    )
)
register_translatable(
    Translatable(
        key="space-summary",
        model=Space,
        field="summary",
        label=lambda: gettext("summary of the discussion space"),
        may_read=lambda user, space: space.summary_is_published,
        may_translate=lambda user, space: space.summary_is_published and translates(user, space),
        back=lambda space: space.get_absolute_url(),
    )
)
register_translatable(
    Translatable(
        key="analysis",
        model=AnalysisPaper,
        field="synthesis",
        label=lambda: gettext("synthesis of the analysis paper"),
        may_read=lambda user, paper: _paper_published(paper),
        may_translate=lambda user, paper: _paper_published(paper) and translates(user, paper.space),
        back=lambda paper: paper.get_absolute_url(),
    )
)
register_translatable(
    Translatable(
        key="consultation-summary",
        model=Consultation,
        field="summary",
        label=lambda: gettext("summary of the consultation"),
        may_read=lambda user, consultation: (
            consultation.status == ConsultationStatus.SUMMARY_PUBLISHED and bool(consultation.summary_en)
        ),
        may_translate=lambda user, consultation: _translates_for(user, consultation),
        back=lambda consultation: consultation.get_absolute_url(),
    )
)
register_translatable(
    Translatable(
        key="report",
        model=RapporteurReport,
        field="text",
        label=lambda: gettext("rapporteur's report"),
        may_read=lambda user, report: report.status == ReportStatus.PUBLISHED,
        may_translate=lambda user, report: _translates_for(user, report.consultation),
        back=lambda report: report.get_absolute_url(),
        source_language=lambda report: report.original_language,
    )
)
