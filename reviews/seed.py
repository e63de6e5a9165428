"""The five UN regions, their Regional Economic Commissions and regional Network
contacts, as listed in the practical guide (seed 003), in the six languages."""

from django.db import transaction

from reviews.models import Region

LANGS = ("en", "fr", "es", "ru", "zh_hans", "ar")

# code, contact, landing page, then (name, commission, acronym) per language in LANGS order.
REGIONS = [
    (
        "europe-north-america",
        "mignetUNECE@iom.int",
        "https://migrationnetwork.un.org/europe-and-north-america-2024",
        [
            ("Europe and North America", "United Nations Economic Commission for Europe", "UNECE"),
            ("Europe et Amérique du Nord", "Commission économique des Nations Unies pour l'Europe", "CEE-ONU"),
            ("Europa y América del Norte", "Comisión Económica de las Naciones Unidas para Europa", "CEPE"),
            (
                "Европа и Северная Америка",
                "Европейская экономическая комиссия Организации Объединенных Наций",
                "ЕЭК ООН",
            ),
            ("欧洲和北美", "联合国欧洲经济委员会", "欧洲经委会"),
            ("أوروبا وأمريكا الشمالية", "لجنة الأمم المتحدة الاقتصادية لأوروبا", "اللجنة الاقتصادية لأوروبا"),
        ],
    ),
    (
        "africa",
        "cgaspar@iom.int",
        "https://migrationnetwork.un.org/africa2024",
        [
            ("Africa", "United Nations Economic Commission for Africa", "ECA"),
            ("Afrique", "Commission économique des Nations Unies pour l'Afrique", "CEA"),
            ("África", "Comisión Económica de las Naciones Unidas para África", "CEPA"),
            ("Африка", "Экономическая комиссия Организации Объединенных Наций для Африки", "ЭКА"),
            ("非洲", "联合国非洲经济委员会", "非洲经委会"),
            ("أفريقيا", "اللجنة الاقتصادية لأفريقيا", "اللجنة الاقتصادية لأفريقيا"),
        ],
    ),
    (
        "latin-america-caribbean",
        "SociedadCivilLAC@iom.int",
        "https://migrationnetwork.un.org/latin-america-and-caribbean-2024",
        [
            ("Latin America and the Caribbean", "Economic Commission for Latin America and the Caribbean", "ECLAC"),
            ("Amérique latine et Caraïbes", "Commission économique pour l'Amérique latine et les Caraïbes", "CEPALC"),
            ("América Latina y el Caribe", "Comisión Económica para América Latina y el Caribe", "CEPAL"),
            (
                "Латинская Америка и Карибский бассейн",
                "Экономическая комиссия для Латинской Америки и Карибского бассейна",
                "ЭКЛАК",
            ),
            ("拉丁美洲和加勒比", "拉丁美洲和加勒比经济委员会", "拉加经委会"),
            (
                "أمريكا اللاتينية ومنطقة البحر الكاريبي",
                "اللجنة الاقتصادية لأمريكا اللاتينية ومنطقة البحر الكاريبي",
                "اللجنة الاقتصادية لأمريكا اللاتينية",
            ),
        ],
    ),
    (
        "arab-states",
        "gcmrrarabstates@iom.int",
        "https://migrationnetwork.un.org/arab-states-2024",
        [
            ("Arab States (Middle East and North Africa)", "Economic and Social Commission for Western Asia", "ESCWA"),
            (
                "États arabes (Moyen-Orient et Afrique du Nord)",
                "Commission économique et sociale pour l'Asie occidentale",
                "CESAO",
            ),
            (
                "Estados Árabes (Oriente Medio y Norte de África)",
                "Comisión Económica y Social para Asia Occidental",
                "CESPAO",
            ),
            (
                "Арабские государства (Ближний Восток и Северная Африка)",
                "Экономическая и социальная комиссия для Западной Азии",
                "ЭСКЗА",
            ),
            ("阿拉伯国家（中东和北非）", "西亚经济社会委员会", "西亚经社会"),
            ("الدول العربية (الشرق الأوسط وشمال أفريقيا)", "اللجنة الاقتصادية والاجتماعية لغربي آسيا", "الإسكوا"),
        ],
    ),
    (
        "asia-pacific",
        "unrnap@iom.int",
        "https://migrationnetwork.un.org/asia-and-pacific-2024",
        [
            ("Asia and the Pacific", "Economic and Social Commission for Asia and the Pacific", "ESCAP"),
            ("Asie et Pacifique", "Commission économique et sociale pour l'Asie et le Pacifique", "CESAP"),
            ("Asia y el Pacífico", "Comisión Económica y Social para Asia y el Pacífico", "CESPAP"),
            (
                "Азиатско-Тихоокеанский регион",
                "Экономическая и социальная комиссия для Азии и Тихого океана",
                "ЭСКАТО",
            ),
            ("亚洲及太平洋", "亚洲及太平洋经济社会委员会", "亚太经社会"),
            ("آسيا والمحيط الهادئ", "اللجنة الاقتصادية والاجتماعية لآسيا والمحيط الهادئ", "الإسكاب"),
        ],
    ),
]


@transaction.atomic
def seed_regions() -> int:
    """Create or update the five regions; safe to run again."""
    for position, (code, email, page, texts) in enumerate(REGIONS, start=1):
        defaults = {"contact_email": email, "landing_page": page, "position": position}
        for lang, (name, commission, acronym) in zip(LANGS, texts, strict=True):
            defaults[f"name_{lang}"] = name
            defaults[f"commission_{lang}"] = commission
            defaults[f"commission_acronym_{lang}"] = acronym
        defaults["name"] = texts[0][0]
        defaults["commission"] = texts[0][1]
        defaults["commission_acronym"] = texts[0][2]
        Region.objects.update_or_create(code=code, defaults=defaults)
    return len(REGIONS)
