from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from consultations import services
from consultations.enums import HOLDS_PLACE, Attendance, InputStatus, InterestStatus, RegistrationStatus
from consultations.models import (
    Consultation,
    ExpressionOfInterest,
    InputCall,
    PendingAccreditation,
    PendingInput,
    Proposal,
    Registration,
    Session,
    SummaryDocument,
    WrittenInput,
)
from portal import integrity
from portal.admin_decisions import Shown, confirmation_page, confirmed_versions
from portal.admin_regions import RegionScopedAdmin
from portal.admin_zones import ZonedTimesAdminMixin, ZonedTimesForm
from portal.permissions import regions_for
from portal.uploads import stored_file_name, validate_document


class ConsultationForm(ZonedTimesForm):
    """The meeting's times are typed in its own time zone, as the meeting states them (004: "10:00 – 15:00 CET")."""

    zoned_fields = (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_deadline",
        "interest_deadline",
        "materials_due",
    )

    class Meta:
        model = Consultation
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The same check the service makes, so the error sits next to the field.
            for field, attendance in (
                ("capacity_in_person", Attendance.IN_PERSON),
                ("capacity_virtual", Attendance.VIRTUAL),
            ):
                wanted = cleaned.get(field)
                taken = Registration.objects.filter(
                    consultation=self.instance, attendance=attendance, status__in=HOLDS_PLACE
                ).count()
                if wanted is not None and wanted < taken:
                    self.add_error(
                        field,
                        _("%(taken)d people already hold a place; the capacity cannot be lower than that.")
                        % {"taken": taken},
                    )
        return cleaned


class SessionInline(TranslationStackedInline):
    model = Session
    fk_name = "consultation"
    extra = 0
    fields = [
        "position",
        "kind",
        "title",
        "starts_at",
        "panel_minutes",
        "floor_minutes",
        "minutes",
        "speakers",
        "reports_on",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reports_on":
            # The consultation reported on is one of this meeting's review: the same region and cycle when the
            # meeting exists, and only in the regions the person runs (another region's drafts stay unseen).
            queryset = Consultation.objects.select_related("event__region")
            regions = regions_for(request.user, "consultations.manage")
            if regions is not None:
                queryset = queryset.filter(event__region_id__in=regions)
            parent = Consultation.objects.filter(pk=request.resolver_match.kwargs.get("object_id") or 0).first()
            if parent is not None:
                queryset = queryset.filter(
                    event__region_id=parent.event.region_id, event__cycle_id=parent.event.cycle_id
                ).exclude(pk=parent.pk)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            # Speakers come from the offers to speak of this consultation.
            consultation_id = request.resolver_match.kwargs.get("object_id")
            # Only offers on the speakers' list: the list is decided on the dashboard, where nobody selects
            # themselves, and the public agenda names selected speakers only.
            kwargs["queryset"] = ExpressionOfInterest.objects.filter(
                consultation_id=consultation_id, status=InterestStatus.SELECTED
            ).select_related("user__profile")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SummaryDocumentForm(forms.ModelForm):
    class Meta:
        model = SummaryDocument
        fields = ["kind", "title", "language", "file", "link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The file is stored under a generated name; the name it came with is shortened to fit, not refused.
        self.fields["file"].max_length = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "content_type"):
            self.instance.content_type = validate_document(upload)
            self.instance.original_name = stored_file_name(upload.name, self.instance.content_type)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("link"):
            raise forms.ValidationError(_("Upload a file or give a link."))
        return cleaned


class SummaryDocumentInline(admin.StackedInline):
    model = SummaryDocument
    form = SummaryDocumentForm
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(ZonedTimesAdminMixin, RegionScopedAdmin, TranslationAdmin):
    region_path = "event__region"
    region_choices = {"event": "region", "feeds": "event__region"}

    form = ConsultationForm
    inlines = [SessionInline, SummaryDocumentInline]
    list_display = ["title", "event", "status", "capacity_in_person", "capacity_virtual", "registration_deadline"]
    list_filter = ["status", "event__region"]
    list_select_related = ["event__region", "event__cycle"]
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        capacity_changed = change and {"capacity_in_person", "capacity_virtual"} & set(form.changed_data)
        if capacity_changed:
            wanted = (obj.capacity_in_person, obj.capacity_virtual)
            obj.capacity_in_person = form.initial["capacity_in_person"]
            obj.capacity_virtual = form.initial["capacity_virtual"]
        obj.save()
        told = services.consultation_details_changed(consultation=obj, changed=form.changed_data) if change else 0
        if told:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registered person is told of the new time or place.",
                    "%(count)d registered people are told of the new time or place.",
                    told,
                )
                % {"count": told},
            )
        if capacity_changed:
            promoted = services.consultation_set_capacity(consultation=obj, in_person=wanted[0], virtual=wanted[1])
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved from the waiting list.",
                        "%(count)d people moved from the waiting list.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                )


@admin.register(Registration)
class RegistrationAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_path = "consultation__event__region"

    list_display = ["user", "consultation", "attendance", "status", "arrival", "created_at"]
    list_filter = ["status", "attendance", "consultation"]
    list_select_related = ["user__profile", "consultation"]
    search_fields = ["user__email", "user__profile__display_name"]
    readonly_fields = [f.name for f in Registration._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class RefusalReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason (sent to the person when refusing)"), required=False, max_length=500)


@admin.register(PendingAccreditation)
class PendingAccreditationAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """The accreditation queue: approve or refuse in bulk, with a reason for refusals."""

    region_path = "consultation__event__region"

    list_display = ["user", "consultation", "attendance", "created_at"]
    list_filter = ["consultation"]
    list_select_related = ["user__profile", "consultation"]
    action_form = RefusalReasonForm
    actions = ["approve", "refuse"]
    readonly_fields = ["user", "consultation", "attendance", "created_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=RegistrationStatus.PENDING)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, approve: bool):
        """Show the registrations as they are now, then decide on exactly those once confirmed."""
        reason = request.POST.get("reason", "")
        registrations = list(queryset.select_related("user__profile", "consultation"))
        shown = confirmed_versions(request)
        if shown is None:
            return confirmation_page(
                self,
                request,
                action="approve" if approve else "refuse",
                heading=_("Accredit these registrations?") if approve else _("Refuse these registrations?"),
                question=_("Each registration below is accredited exactly as shown.")
                if approve
                else _("Each registration below is refused with this reason: %(reason)s") % {"reason": reason},
                button=_("Yes, accredit") if approve else _("Yes, refuse"),
                items=[Shown(obj=r, version=services.accreditation_version(registration=r)) for r in registrations],
                item_template="admin/consultations/_registration_item.html",
                carry={"reason": reason},
            )
        try:
            count = services.accreditation_decide(
                registrations=registrations, by=request.user, approve=approve, reason=reason, versions=shown
            )
        except services.ConsultationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self.message_user(
            request,
            ngettext("%(count)d registration decided.", "%(count)d registrations decided.", count) % {"count": count},
        )
        return None

    @admin.action(description=_("Accredit the selected registrations"), permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuse the selected registrations (give a reason)"), permissions=["change"])
    def refuse(self, request, queryset):
        return self._decide(request, queryset, approve=False)


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Offers to speak as received. Who speaks is decided on the consultation's dashboard, never here."""

    region_path = "consultation__event__region"

    list_display = ["submitted_at", "user", "consultation", "role", "topic", "status"]
    list_filter = ["consultation", "role", "status"]
    list_select_related = ["user__profile", "consultation"]
    ordering = ["submitted_at"]
    # The person's own words (role, topic, statement, within the word limit they were held to) are shown as
    # sent; the status changes on the dashboard only.
    readonly_fields = [f.name for f in ExpressionOfInterest._meta.fields if f.name != "id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and integrity.refusal(decider=request.user, subject=obj.user):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.interest_delete(interest=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for interest in queryset.select_related("user__profile"):
            services.interest_delete(interest=interest, by=request.user)


class DeclineReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason (sent to the person when declining)"), required=False, max_length=500)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "level", "region", "date", "organisers", "status"]
    list_filter = ["status", "kind", "level", "region"]
    list_select_related = ["region"]
    action_form = DeclineReasonForm
    actions = ["approve", "decline"]
    # The decision is taken by the actions, through the service, where nobody decides their own proposal. What
    # the proposer wrote (title, date, organisers, link...) is theirs: shown as sent, never rewritten here.
    readonly_fields = [f.name for f in Proposal._meta.fields if f.name != "id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and integrity.refusal(decider=request.user, subject=obj.proposed_by):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.proposal_delete(proposal=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for proposal in queryset.select_related("proposed_by__profile"):
            services.proposal_delete(proposal=proposal, by=request.user)

    def _decide(self, request, queryset, approve: bool):
        decided = 0
        for proposal in queryset:
            try:
                services.proposal_decide(
                    proposal=proposal, by=request.user, approve=approve, reason=request.POST.get("reason", "")
                )
            except services.ConsultationError as exc:
                self.message_user(request, f"{proposal.title}: {exc}", messages.ERROR)
            else:
                decided += 1
        if decided:
            self.message_user(
                request,
                ngettext("%(count)d proposal decided.", "%(count)d proposals decided.", decided) % {"count": decided},
            )

    @admin.action(description=_("Approve and put on the calendar"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Decline (give a reason)"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, approve=False)


class InputCallForm(ZonedTimesForm):
    zoned_fields = ("deadline",)

    class Meta:
        model = InputCall
        fields = "__all__"


@admin.register(InputCall)
class InputCallAdmin(ZonedTimesAdminMixin, RegionScopedAdmin, TranslationAdmin):
    """Calls for written inputs: the secretariat's, and a focal point's for their region; the deadline is typed
    in the call's time zone."""

    form = InputCallForm

    region_choices = {"region": "pk"}
    list_display = ["title", "region", "cycle", "deadline", "published"]
    list_filter = ["region", "cycle", "published"]


class InputRefusalForm(ActionForm):
    reason = forms.CharField(label=_("Reason (sent to the sender when not publishing)"), required=False, max_length=500)


@admin.register(PendingInput)
class PendingInputAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """The screening queue of written inputs: publish or decline in bulk, each exactly as shown."""

    region_path = "call__region"
    list_display = ["title", "organisation", "submitted_as", "language", "call", "submitted_at"]
    list_filter = ["call", "language"]
    list_select_related = ["call"]
    action_form = InputRefusalForm
    actions = ["publish", "decline"]
    readonly_fields = ["call", "organisation", "submitted_as", "title", "summary", "language", "original_name"]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=InputStatus.SUBMITTED)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, publish: bool):
        reason = request.POST.get("reason", "")
        inputs = list(queryset.select_related("author__profile", "call"))
        shown = confirmed_versions(request)
        if shown is None:
            return confirmation_page(
                self,
                request,
                action="publish" if publish else "decline",
                heading=_("Publish these written inputs?") if publish else _("Decline these written inputs?"),
                question=_("Each input below is listed on the region's page exactly as shown.")
                if publish
                else _("Each input below stays unlisted, with this reason sent to its sender: %(reason)s")
                % {"reason": reason},
                button=_("Yes, publish") if publish else _("Yes, decline"),
                items=[Shown(obj=w, version=services.written_input_version(written=w)) for w in inputs],
                item_template="admin/consultations/_input_item.html",
                carry={"reason": reason},
            )
        try:
            count = services.written_inputs_screen(
                inputs=inputs, by=request.user, publish=publish, versions=shown, reason=reason
            )
        except services.ConsultationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self.message_user(
            request,
            ngettext("%(count)d written input decided.", "%(count)d written inputs decided.", count) % {"count": count},
        )
        return None

    @admin.action(description=_("Publish the selected written inputs"), permissions=["change"])
    def publish(self, request, queryset):
        return self._decide(request, queryset, publish=True)

    @admin.action(description=_("Decline the selected written inputs (give a reason)"), permissions=["change"])
    def decline(self, request, queryset):
        return self._decide(request, queryset, publish=False)


@admin.register(WrittenInput)
class WrittenInputAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Every written input, as sent and as decided (read only: decisions are taken in the screening queue)."""

    region_path = "call__region"
    list_display = ["title", "organisation", "status", "language", "call", "submitted_at"]
    list_filter = ["status", "call", "language"]
    list_select_related = ["call"]
    readonly_fields = [f.name for f in WrittenInput._meta.fields if f.name not in ("id", "file", "author")]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
