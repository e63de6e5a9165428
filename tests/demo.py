"""The demo data of `make run`, loaded into the test database, with every page a role uses.

This is the one list of pages the sweeps walk: axe-core and the page checks in every language
(tests/browser/test_every_page.py), untranslated strings (tests/portal/test_untranslated.py) and CSRF.
A new page is added here, under the role that uses it.
"""

from io import StringIO

from django.core.management import call_command

from consultations.certificates import certificate_issue, certificate_token
from consultations.models import BriefingRequest, Consultation, InputCall, Proposal
from discussions.models import Post, Space
from funding.models import Application, Call
from portal import machine_translation
from portal.enums import ClaimedAffiliation, VerificationStatus
from portal.models import User
from reviews.models import Event
from tests.factories import ProfileFactory


def make_demo(settings) -> dict:
    """The demo data of `make run` in the test database, and the pages each demo account uses."""
    settings.EMBEDDED = True  # the demo data of `make run`, in the test database
    # Machine translation by Debian's Apertium (make test installs it), so its pages are swept too.
    settings.MACHINE_TRANSLATION_ENGINES = ["apertium"]
    settings.APERTIUM_DATADIR = "/usr/share/apertium"
    settings.MACHINE_TRANSLATION_TIMEOUT = 20
    machine_translation.forget()
    call_command("load_seed_calendar", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.test")}
    consultation = Consultation.objects.get(title="Multi-stakeholder consultation for Asia and the Pacific (demo)")
    space = Space.objects.get(region__code="asia-pacific")
    question = space.phases.get(number=1).questions.first()
    call = Call.objects.get()
    submitted = Application.objects.exclude(state="draft").first()
    mine = Application.objects.filter(applicant__email__startswith="participant").first()
    post = Post.objects.filter(status="approved").first()
    pending = Post.objects.filter(status="pending").first()
    event = Event.objects.get(key="2024-africa-review")
    cycle = consultation.event.cycle.code
    inputs = InputCall.objects.get(title__endswith="(demo)")
    held = Consultation.objects.get(title="Pacific stakeholder pre-consultation (demo)")
    review = Consultation.objects.get(event__key="2024-ap-review")
    briefing = Consultation.objects.get(event__kind="briefing", title__endswith="(demo)")
    drafted = space.phases.get(number=2).questions.filter(status="shared").first()
    talk = Proposal.objects.filter(status="approved").first()
    request = BriefingRequest.objects.first()
    # stakeholder@demo.test attended the Pacific pre-consultation: the certificate's public verification page.
    certificate = certificate_issue(registration=held.registrations.get(user__email="stakeholder@demo.test"))
    # Someone waiting for the secretariat to verify a UN-system claim: the verification pages show it.
    claimant = ProfileFactory(
        claimed_affiliation=ClaimedAffiliation.UN_SYSTEM, verification_status=VerificationStatus.PENDING
    ).user
    return {
        "users": users,
        "pages": {
            None: [
                "",
                "calendar/",
                "calendar/?region=africa&when=past",
                "regions/africa/",
                f"calendar/events/{event.pk}/",
                "principles/",
                "privacy/",
                "contacts/",
                "accounts/signup/",
                "accounts/login/",
                "accounts/password/reset/",
                "no-such-page/",
                "consultations/",
                f"consultations/{consultation.pk}/",
                f"consultations/{consultation.pk}/agenda/",
                "consultations/talks/",
                "discussions/",
                f"discussions/{space.pk}/",
                "funding/",
                f"funding/calls/{call.pk}/",
                f"consultations/inputs/{inputs.pk}/",
                "regions/asia-pacific/",
                f"consultations/{held.pk}/report/",
                f"consultations/{review.pk}/",
                f"consultations/{review.pk}/agenda/",
                f"consultations/{briefing.pk}/",
                f"consultations/talks/{talk.pk}/",
            ],
            "stakeholder": [
                "profile/",
                "reminders/preferences/",
                f"consultations/{consultation.pk}/",
                f"discussions/{space.pk}/questions/{question.pk}/",
                f"discussions/{space.pk}/posts/?q=recruitment",
                f"funding/calls/{call.pk}/apply/",
                "funding/applications/",
                "regions/latin-america-caribbean/",
                f"consultations/inputs/{inputs.pk}/",
                "accounts/email/",
                "accounts/password/change/",
                "accounts/2fa/",
                f"consultations/{held.pk}/feedback/",
                "consultations/mine/",
                f"consultations/verify/certificate/{certificate_token(certificate)}/",
                f"discussions/posts/{post.pk}/machine-translation/?language=es",
            ],
            "participant1": [
                "consultations/mine/",
                f"consultations/{consultation.pk}/letter/",
                f"funding/applications/{mine.pk}/",
                f"discussions/posts/{post.pk}/edit/",
                "consultations/briefings/",
            ],
            "participant2": [
                f"consultations/{held.pk}/report/edit/",
                f"discussions/posts/{post.pk}/translate/",
                f"translations/space-introduction/{space.pk}/",
            ],
            "moderator": [
                "discussions/moderation/",
                f"discussions/{space.pk}/analysis/",
                f"discussions/posts/{pending.pk}/machine-translation/?language=es",
            ],
            "secretariat": [
                "calendar/rules/",
                f"regions/asia-pacific/{cycle}/workspace/",
                f"consultations/{consultation.pk}/dashboard/",
                f"consultations/{consultation.pk}/speakers/",
                f"consultations/{held.pk}/feedback/results/",
                f"consultations/{consultation.pk}/check-in/",
                f"consultations/{held.pk}/attendance/",
                "consultations/letters/",
                f"admin/consultations/consultation/{consultation.pk}/change/",
                f"funding/calls/{call.pk}/dashboard/",
                f"funding/calls/{call.pk}/review/",
                f"funding/applications/{submitted.pk}/review/",
                f"discussions/{space.pk}/analysis/",
                "admin/",
                "admin/reviews/event/",
                f"admin/reviews/event/{event.pk}/change/",
                "admin/reviews/region/",
                "admin/portal/pendingverification/",
                "admin/portal/user/",
                f"admin/portal/user/{claimant.pk}/change/",
                "admin/consultations/consultation/",
                "admin/consultations/consultation/add/",
                "admin/consultations/registration/",
                "admin/consultations/pendinginput/",
                "admin/consultations/inputcall/",
                "admin/discussions/space/",
                "admin/discussions/analysispaper/add/",
                "admin/funding/call/",
                "admin/funding/call/add/",
                "admin/funding/application/",
                "admin/reminders/reminder/",
            ],
            # The task team and a focal point of Asia and the Pacific, where the demo consultation is.
            "taskteam-asia-pacific": [
                "workspace/",
                f"regions/asia-pacific/{cycle}/workspace/",
                f"consultations/{consultation.pk}/speakers/",
            ],
            "focalpoint-asia-pacific": [
                f"discussions/{space.pk}/drafting/",
                f"discussions/drafting/questions/{drafted.pk}/",
                f"discussions/{space.pk}/closing/",
                "consultations/briefings/queue/",
                f"consultations/briefings/{request.pk}/",
                f"regions/asia-pacific/{cycle}/workspace/",
                f"consultations/{consultation.pk}/dashboard/",
                "admin/consultations/consultation/",
            ],
            "excom": [f"funding/calls/{call.pk}/review/", f"funding/applications/{submitted.pk}/review/"],
            "mptfchair": [f"funding/applications/{submitted.pk}/review/"],
        },
    }
