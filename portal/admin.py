from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import services
from portal.admin_decisions import Shown, confirmation_page, confirmed_versions
from portal.enums import AuditAction, Role, VerificationStatus
from portal.forms import ProfileFieldsMixin
from portal.models import AuditEntry, PendingVerification, Profile, RegionalRole, SignInLock, UnsentTask, User


class RoleFilter(admin.SimpleListFilter):
    """Filter people by role, with the role's translated name rather than the group code."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


class ProfileAdminForm(ProfileFieldsMixin, forms.ModelForm):
    """The same checks of names as the person's own profile page (no hidden or direction characters)."""

    class Meta:
        model = Profile
        fields = "__all__"  # noqa: DJ007 - the inline chooses the fields it shows


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileAdminForm
    fk_name = "user"
    can_delete = False
    # The affiliation changes only by the person's own claim and someone else's verification, never here.
    readonly_fields = [
        "subregion",
        "privacy_consent_at",
        "claimed_affiliation",
        "verification_status",
        "verified_by",
        "verified_at",
    ]
    fields = [
        "display_name",
        "organisation",
        "constituency",
        "country",
        "subregion",
        "gender",
        "preferred_language",
        "claimed_affiliation",
        "verification_status",
        "verification_note",
        "verified_by",
        "verified_at",
        "privacy_consent_at",
    ]


class RegionalRoleInline(admin.TabularInline):
    """The regions where the person is on the task team or a focal point; superusers grant them, never to
    themselves (as with the other roles)."""

    model = RegionalRole
    fk_name = "user"
    extra = 0
    fields = ["role", "region", "granted_at"]
    readonly_fields = ["granted_at"]

    def _may_grant(self, request, obj) -> bool:
        return request.user.is_superuser and (obj is None or obj.pk != request.user.pk)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_grant(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_grant(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_grant(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("portal.view_user")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline, RegionalRoleInline]
    ordering = ["email"]
    list_display = ["email", "display_name", "constituency", "country", "is_active", "date_joined"]
    list_filter = ["is_active", RoleFilter, "profile__constituency", "profile__verification_status"]
    list_select_related = ["profile"]
    search_fields = ["email", "profile__display_name", "profile__organisation"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Roles"), {"fields": ["is_active", "groups", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    # Django's two-box filter widget puts aria-label on a bare span (axe: aria-prohibited-attr); a plain
    # multiple select is accessible.
    filter_horizontal = []
    actions = ["reset_second_factor"]

    @admin.action(
        description=_("Reset the second factor of the selected people (they set up a new one)"),
        permissions=["verify"],
    )
    def reset_second_factor(self, request, queryset):
        reset = 0
        for person in queryset:
            try:
                services.second_factor_reset(user=person, by=request.user)
            except services.DecisionError as exc:
                self.message_user(request, f"{person}: {exc}", messages.ERROR)
            else:
                reset += 1
        if reset:
            self.message_user(
                request,
                ngettext(
                    "The second factor of %(count)d person was reset; they are told by e-mail.",
                    "The second factors of %(count)d people were reset; they are told by e-mail.",
                    reset,
                )
                % {"count": reset},
            )

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm("portal.verify_role")

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        regional_before = services.regional_roles_held(user=form.instance) if change else set()
        super().save_related(request, form, formsets, change)
        # A regional role's group follows its regions, whatever was ticked among the groups.
        services.regional_roles_sync(user=form.instance, by=request.user, before=regional_before)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            services.audit_record(
                actor=request.user,
                action=AuditAction.ROLE_CHANGE,
                target=form.instance,
                detail=" ".join(
                    [*(f"+{g}" for g in sorted(after - before)), *(f"-{g}" for g in sorted(before - after))]
                ),
            )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser or (obj is not None and obj.pk == request.user.pk):
            # Only superusers grant roles directly; others use the verification queue. The sign-in address is
            # the key to an account (a password reset goes there), so only superusers change it here. Nobody,
            # a superuser included, gives roles to themselves: another superuser does.
            fields += ["email", "groups", "is_staff", "is_superuser"]
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is taking over their account: superusers only.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("display name"), ordering="profile__display_name")
    def display_name(self, obj):
        return getattr(getattr(obj, "profile", None), "display_name", "")

    @admin.display(description=_("constituency"), ordering="profile__constituency")
    def constituency(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_constituency_display() if profile else ""

    @admin.display(description=_("country"))
    def country(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.country.name if profile else ""


class RejectReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason (sent to the person when rejecting)"), required=False, max_length=500)


@admin.register(PendingVerification)
class PendingVerificationAdmin(admin.ModelAdmin):
    """The queue of UN system and Member State claims waiting for the secretariat."""

    list_display = ["display_name", "email", "claimed_affiliation", "organisation", "country", "subregion"]
    list_filter = ["claimed_affiliation"]
    search_fields = ["display_name", "organisation", "user__email"]
    list_select_related = ["user"]
    action_form = RejectReasonForm
    actions = ["approve", "reject"]
    fields = ["display_name", "organisation", "claimed_affiliation", "constituency", "country", "subregion"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(verification_status=VerificationStatus.PENDING)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("portal.verify_role")

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def _decide(self, request, queryset, *, approve: bool):
        if not request.user.has_perm("portal.verify_role"):
            self.message_user(request, _("You may not verify affiliations."), messages.ERROR)
            return None
        reason = request.POST.get("reason", "").strip()
        if not approve and not reason:
            self.message_user(request, _("Please give the reason for rejecting."), messages.ERROR)
            return None
        shown = confirmed_versions(request)
        profiles = list(queryset.select_related("user"))
        if shown is None:
            # First the claims as they are now; the decision binds to the affiliation shown here.
            return confirmation_page(
                self,
                request,
                action="approve" if approve else "reject",
                heading=_("Verify these affiliations?") if approve else _("Reject these affiliations?"),
                question=_("Each person below is given the role they claim, exactly as shown.")
                if approve
                else _("Each claim below is rejected with this reason: %(reason)s") % {"reason": reason},
                button=_("Yes, verify") if approve else _("Yes, reject"),
                items=[Shown(obj=p, version=services.affiliation_version(profile=p)) for p in profiles],
                item_template="admin/portal/_affiliation_item.html",
                carry={"reason": reason},
            )
        decided = 0
        for profile in profiles:
            if profile.pk not in shown:
                continue
            try:
                services.affiliation_decide(
                    profile=profile,
                    by=request.user,
                    approve=approve,
                    shown_version=shown[profile.pk],
                    reason=reason,
                )
            except services.DecisionError as exc:
                self.message_user(request, f"{profile.display_name}: {exc}", messages.ERROR)
            else:
                decided += 1
        message = (
            ngettext("%(count)d affiliation verified.", "%(count)d affiliations verified.", decided)
            if approve
            else ngettext("%(count)d affiliation rejected.", "%(count)d affiliations rejected.", decided)
        )
        self.message_user(request, message % {"count": decided}, messages.SUCCESS if decided else messages.WARNING)
        return None

    @admin.action(description=_("Verify the selected affiliations"), permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected affiliations (give a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, approve=False)


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    """Failed sign-ins counted by django-axes; lifting a lock lets that person try again at once."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["lift"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("locked"), boolean=True)
    def locked(self, obj) -> bool:

        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description=_("Lift the selected sign-in locks"), permissions=["delete"])
    def lift(self, request, queryset):
        try:
            count = services.sign_in_locks_lift(locks=queryset, by=request.user)
        except services.DecisionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d sign-in lock lifted.", "%(count)d sign-in locks lifted.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: staff actions on personal data, newest first."""

    list_display = ["at", "actor", "acting_role", "region", "action", "target_type", "target_id", "detail"]
    list_filter = ["action", "target_type", "region"]
    search_fields = ["target_id", "actor__email", "detail"]
    list_select_related = ["actor__profile", "region"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("in the role of"), ordering="role")
    def acting_role(self, obj) -> str:
        return str(dict(Role.choices).get(obj.role, obj.role))


@admin.register(UnsentTask)
class UnsentTaskAdmin(admin.ModelAdmin):
    """Work kept while the broker (Redis) was unreachable; queued again every minute once it is back."""

    list_display = ["created_at", "task", "error"]
    readonly_fields = ["created_at", "signature", "error"]

    @admin.display(description=_("task"))
    def task(self, obj) -> str:
        return obj.signature.get("task", "")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
