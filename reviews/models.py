from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One of the five UN regions, with its Regional Economic Commission and regional Network contact."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    commission = models.CharField(_("Regional Economic Commission"), max_length=200)
    commission_acronym = models.CharField(_("acronym"), max_length=60)
    contact_email = models.EmailField(_("regional Network contact"), blank=True)
    landing_page = models.URLField(_("Regional Review page"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('portal:contacts')}#region-{self.code}"
