"""The demo data of `make run`, loaded into the test database, with every page a role uses."""

from io import StringIO

from django.core.management import call_command


def make_demo(settings) -> dict:
    """The demo data of `make run` in the test database, and the pages each demo account uses."""
    settings.EMBEDDED = True  # the demo data of `make run`, in the test database
    call_command("load_seed_calendar", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    from consultations.models import Consultation
    from discussions.models import Post, Space
    from funding.models import Application, Call
    from portal.models import User
    from reviews.models import Event

    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.test")}
    consultation = Consultation.objects.get(title__endswith="(demo)")
    space = Space.objects.get(region__code="asia-pacific")
    question = space.phases.get(number=1).questions.first()
    call = Call.objects.get()
    submitted = Application.objects.exclude(state="draft").first()
    mine = Application.objects.filter(applicant__email__startswith="participant").first()
    post = Post.objects.filter(status="approved").first()
    event = Event.objects.get(key="2024-africa-review")
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
            ],
            "stakeholder": [
                "profile/",
                "reminders/preferences/",
                f"consultations/{consultation.pk}/",
                f"discussions/{space.pk}/questions/{question.pk}/",
                f"discussions/{space.pk}/posts/?q=recruitment",
                f"funding/calls/{call.pk}/apply/",
                "funding/applications/",
                "accounts/email/",
                "accounts/password/change/",
            ],
            "participant1": [f"funding/applications/{mine.pk}/", f"discussions/posts/{post.pk}/edit/"],
            "moderator": ["discussions/moderation/", f"discussions/{space.pk}/analysis/"],
            "secretariat": [
                "calendar/rules/",
                f"consultations/{consultation.pk}/dashboard/",
                f"funding/calls/{call.pk}/dashboard/",
                f"funding/calls/{call.pk}/review/",
                f"funding/applications/{submitted.pk}/review/",
                f"discussions/{space.pk}/analysis/",
                "admin/",
                "admin/portal/pendingverification/",
                "admin/consultations/registration/",
                "admin/reminders/reminder/",
            ],
            "excom": [f"funding/calls/{call.pk}/review/", f"funding/applications/{submitted.pk}/review/"],
            "mptfchair": [f"funding/applications/{submitted.pk}/review/"],
        },
    }
