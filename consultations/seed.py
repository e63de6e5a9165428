"""What the source documents state about calls for written inputs, loaded by ``load_seed_calendar``."""

from datetime import datetime
from zoneinfo import ZoneInfo

from consultations.models import InputCall
from reviews.models import Region, ReviewCycle

# 004: "Member States and stakeholders have been invited to submit voluntary inputs on experiences to date by
# Member States on the implementation of the GCM by 30 October 2020 to UNECE and the Network. These submissions
# will be posted on the regional landing page of the Network's website."
UNECE_2020 = {
    "title_en": "Voluntary inputs to the 2020 UNECE Regional Review",
    "title_fr": "Contributions volontaires à l'examen régional 2020 de la CEE-ONU",
    "title_es": "Aportaciones voluntarias al examen regional de la CEPE de 2020",
    "title_ru": "Добровольные материалы к региональному обзору ЕЭК ООН 2020 года",
    "title_zh_hans": "2020年欧洲经委会区域审查的自愿意见",
    "title_ar": "المساهمات الطوعية في الاستعراض الإقليمي للجنة الاقتصادية لأوروبا لعام 2020",
    "description_en": "Member States and stakeholders were invited to submit voluntary inputs on experiences to date "
    "in implementing the Global Compact for Migration, to UNECE and the Network, by 30 October 2020. The inputs are "
    "posted on the region's page.",
}


def load() -> dict[str, int]:
    region = Region.objects.filter(code="europe-north-america").first()
    cycle = ReviewCycle.objects.filter(code="2020-2021").first()
    if region is None or cycle is None:
        return {"calls for written inputs": 0}
    # End of 30 October 2020 in Geneva, where UNECE sits.
    deadline = datetime(2020, 10, 30, 23, 59, tzinfo=ZoneInfo("Europe/Zurich"))
    _call, created = InputCall.objects.get_or_create(
        region=region,
        cycle=cycle,
        title_en=UNECE_2020["title_en"],
        defaults={
            **UNECE_2020,
            "title": UNECE_2020["title_en"],
            "deadline": deadline,
            "time_zone": "Europe/Zurich",
            "published": True,
        },
    )
    return {"calls for written inputs": int(created)}
