from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, create_demo_accounts


class Command(BaseCommand):
    help = "Create one demo account per role (embedded mode only) and print their credentials."

    def handle(self, *args, **options):
        try:
            accounts = create_demo_accounts()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Demo accounts (embedded mode only), password for all: " + DEMO_PASSWORD)
        for role, email in accounts:
            self.stdout.write(f"  {role:<20} {email}")
        self.stdout.write(
            "Staff accounts sign in with a second factor: add this key to an authenticator app: " + DEMO_TOTP_SECRET
        )
        from consultations.demo import create_demo_consultation

        if create_demo_consultation():
            self.stdout.write("Demo consultation created: 3 registered, 2 on the waiting list, 2 offers to speak.")
        from discussions.demo import create_demo_space

        if create_demo_space():
            self.stdout.write(
                "Demo discussion space created (moderator@demo.test moderates it): 1 approved, 1 pending, 1 rejected post."
            )
        from funding.demo import create_demo_call

        if create_demo_call():
            self.stdout.write(
                "Demo funding call created: a draft (stakeholder@demo.test), one submitted, one eligible, "
                "one recommended and one approved application."
            )
