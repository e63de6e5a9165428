"""The 2020-21 and 2024-25 review calendars as the source documents state them.

Sources: 000 (the Network's stakeholder roadmap, as of 27 September 2023),
003 (the practical guide for migrants, undated and later than 000), 002 (the
UNECE discussion-space concept note) and 004 (the 2020 UNECE concept note of
22 October 2020). Each date keeps the wording of its source; where 000 gives
no year, the year is the one the later guide gives for the same step.
Running the loader again changes nothing, and it never overwrites a date the
secretariat has changed since.
"""

from datetime import date

from django.db import transaction

from portal.m49 import COUNTRY_SUBREGION
from reviews.dates import parse
from reviews.enums import DateField, EventKind, Modality
from reviews.models import DateStatement, Event, Region, ReviewCycle, Source
from reviews.seed import LANGS, seed_regions

CYCLES = [
    (
        "2020-2021",
        2020,
        2021,
        2022,
        [
            "First Regional Reviews (2020–2021)",
            "Premiers examens régionaux (2020-2021)",
            "Primeros exámenes regionales (2020-2021)",
            "Первые региональные обзоры (2020–2021 годы)",
            "第一轮区域审查（2020-2021年）",
            "الاستعراضات الإقليمية الأولى (2020-2021)",
        ],
    ),
    (
        "2024-2025",
        2024,
        2025,
        2026,
        [
            "Second Regional Reviews (2024–2025)",
            "Deuxièmes examens régionaux (2024-2025)",
            "Segundos exámenes regionales (2024-2025)",
            "Вторые региональные обзоры (2024–2025 годы)",
            "第二轮区域审查（2024-2025年）",
            "الاستعراضات الإقليمية الثانية (2024-2025)",
        ],
    ),
]

SOURCES = [
    (
        "004",
        "Concept note: multi-stakeholder consultation for the UNECE regional review",
        "UNECE and the UN Network on Migration",
        date(2020, 10, 22),
        "",
        1,
    ),
    (
        "000",
        "Roadmap: stakeholder engagement in Regional Review processes",
        "UN Network on Migration",
        date(2023, 9, 27),
        "As of 27 September 2023",
        2,
    ),
    (
        "002",
        "Concept note: the UNECE regional discussion space",
        "UN Network on Migration",
        None,
        "Undated; plans the January 2024 launch",
        3,
    ),
    (
        "003",
        "Migration justice: a practical guide to the upcoming Regional Reviews",
        "Guide for migrants and other stakeholders",
        None,
        "Undated; published after the roadmap of 27 September 2023",
        4,
    ),
]

# Member countries of each Regional Commission, from M49 sub-regions plus members outside them.
REGION_SUBREGIONS = {
    "europe-north-america": ({"151", "154", "155", "039", "021", "143"}, {"IL", "TR", "CY", "AM", "AZ", "GE"}),
    "africa": ({"011", "014", "015", "017", "018"}, set()),
    "latin-america-caribbean": ({"005", "013", "029"}, set()),
    "arab-states": (
        set(),
        {
            "DZ",
            "BH",
            "KM",
            "DJ",
            "EG",
            "IQ",
            "JO",
            "KW",
            "LB",
            "LY",
            "MR",
            "MA",
            "OM",
            "PS",
            "QA",
            "SA",
            "SO",
            "SD",
            "SY",
            "TN",
            "AE",
            "YE",
        },
    ),
    "asia-pacific": ({"030", "034", "035", "053", "054", "057", "061", "143"}, {"AM", "AZ", "GE", "TR", "RU"}),
}

ASIA = [
    "Pre-consultation for Asia",
    "Pré-consultation pour l'Asie",
    "Consulta previa para Asia",
    "Предварительная консультация для Азии",
    "亚洲预备磋商",
    "المشاورة التمهيدية لآسيا",
]
PACIFIC = [
    "Pre-consultation for the Pacific",
    "Pré-consultation pour le Pacifique",
    "Consulta previa para el Pacífico",
    "Предварительная консультация для Тихоокеанского региона",
    "太平洋预备磋商",
    "المشاورة التمهيدية للمحيط الهادئ",
]
GLOBAL_31 = [
    "Global stakeholder consultation (Africa, Latin America and the Caribbean, Europe)",
    "Consultation mondiale des parties prenantes (Afrique, Amérique latine et Caraïbes, Europe)",
    "Consulta mundial de partes interesadas (África, América Latina y el Caribe, Europa)",
    "Глобальная консультация заинтересованных сторон (Африка, Латинская Америка и Карибский бассейн, Европа)",
    "全球利益攸关方磋商（非洲、拉丁美洲和加勒比、欧洲）",
    "المشاورة العالمية لأصحاب المصلحة (أفريقيا وأمريكا اللاتينية ومنطقة البحر الكاريبي وأوروبا)",
]
GLOBAL_1 = [
    "Global stakeholder consultation (Asia-Pacific, Middle East and North Africa)",
    "Consultation mondiale des parties prenantes (Asie-Pacifique, Moyen-Orient et Afrique du Nord)",
    "Consulta mundial de partes interesadas (Asia y el Pacífico, Oriente Medio y Norte de África)",
    "Глобальная консультация заинтересованных сторон (Азиатско-Тихоокеанский регион, Ближний Восток и Северная Африка)",
    "全球利益攸关方磋商（亚太、中东和北非）",
    "المشاورة العالمية لأصحاب المصلحة (آسيا والمحيط الهادئ والشرق الأوسط وشمال أفريقيا)",
]

# 000: pre-consultations are "regional or sub-regional". The Pacific one gathers the Pacific island sub-regions.
SUBREGIONAL = {"2024-ap-pre-pacific": "054,057,061"}

# (key, cycle, region, kind, titles, modality, place, [(source, which, wording, default year)], description)
#
# A modality only where a source states it, blank ("not stated yet" on the pages) where none does. 000 says the
# global consultations and the pre-consultations are virtual and the multi-stakeholder consultations in person;
# 002 and 000 put the discussion spaces, their phases and their papers online (on the Hub, on the website); 004
# says the 2020 UNECE review meeting is virtual. No document states it for the 2024-25 Regional Review meetings
# (000 names Geneva for UNECE: a place, not a modality), for the 2024 GCM Talks (003: "previous talks" were
# online or hybrid) or for the 2020 UNECE consultation (004 gives its agenda and hours only).
EVENTS = [
    (
        "2024-global-consultation-1",
        "2024-2025",
        None,
        EventKind.GLOBAL_CONSULTATION,
        GLOBAL_31,
        Modality.VIRTUAL,
        "",
        [("000", "start", "31 October 2023", None)],
        "Briefings by each regional UN Network and feedback from stakeholders on the process and hoped-for outcomes.",
    ),
    (
        "2024-global-consultation-2",
        "2024-2025",
        None,
        EventKind.GLOBAL_CONSULTATION,
        GLOBAL_1,
        Modality.VIRTUAL,
        "",
        [("000", "start", "1 November 2023", None)],
        "Briefings by each regional UN Network and feedback from stakeholders on the process and hoped-for outcomes.",
    ),
    (
        "2024-discussion-spaces-launch",
        "2024-2025",
        None,
        EventKind.DISCUSSION_SPACE_OPENING,
        None,
        Modality.VIRTUAL,
        "",
        [("000", "start", "December 2023", None), ("002", "start", "January 2024", None)],
        "Five regional discussion spaces open on the Migration Network Hub.",
    ),
    (
        "2024-gcm-talks",
        "2024-2025",
        None,
        EventKind.GCM_TALK,
        None,
        "",
        "",
        [("003", "start", "2024 (TBD)", None)],
        "GCM Talks may take place before the Regional Review meetings.",
    ),
    ("2026-imrf", "2024-2025", None, EventKind.IMRF, None, "", "", [("002", "start", "2026", None)], ""),
    # Europe and North America
    (
        "2024-ece-pre",
        "2024-2025",
        "europe-north-america",
        EventKind.PRE_CONSULTATION,
        None,
        Modality.VIRTUAL,
        "",
        [("000", "start", "8 November 2023 (TBD)", None), ("003", "start", "8 November 2023", None)],
        "",
    ),
    (
        "2024-ece-msc",
        "2024-2025",
        "europe-north-america",
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        None,
        Modality.IN_PERSON,
        "",
        [("000", "start", "8 or 11 March (TBD)", 2024), ("003", "start", "8 or 11 March 2024", None)],
        "",
    ),
    (
        "2024-ece-review",
        "2024-2025",
        "europe-north-america",
        EventKind.REGIONAL_REVIEW,
        None,
        "",
        "Geneva",
        [("000", "start", "11 March (Geneva)", 2024), ("003", "start", "11 March 2024", None)],
        "",
    ),
    (
        "2024-ece-space-phase-1",
        "2024-2025",
        "europe-north-america",
        EventKind.DISCUSSION_PHASE_1,
        None,
        Modality.VIRTUAL,
        "",
        [("002", "start", "18 January 2024", None), ("002", "end", "16 February 2024", None)],
        "Inputs for the Regional Review: reports, recommendations, data and research.",
    ),
    (
        "2024-ece-summary",
        "2024-2025",
        "europe-north-america",
        EventKind.SUMMARY_DUE,
        None,
        Modality.VIRTUAL,
        "",
        [("002", "start", "by 23 February", 2024)],
        "",
    ),
    # Africa
    (
        "2024-africa-pre",
        "2024-2025",
        "africa",
        EventKind.PRE_CONSULTATION,
        None,
        Modality.VIRTUAL,
        "",
        [("000", "start", "March", 2024), ("003", "start", "March 2024", None)],
        "",
    ),
    (
        "2024-africa-msc",
        "2024-2025",
        "africa",
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        None,
        Modality.IN_PERSON,
        "",
        [("000", "start", "May", 2024), ("003", "start", "May 2024", None)],
        "",
    ),
    (
        "2024-africa-review",
        "2024-2025",
        "africa",
        EventKind.REGIONAL_REVIEW,
        None,
        "",
        "",
        [("000", "start", "May", 2024), ("003", "start", "October 2024", None)],
        "",
    ),
    # Arab States
    (
        "2024-arab-pre",
        "2024-2025",
        "arab-states",
        EventKind.PRE_CONSULTATION,
        None,
        Modality.VIRTUAL,
        "",
        [("000", "start", "April", 2024), ("003", "start", "April 2024", None)],
        "",
    ),
    (
        "2024-arab-msc",
        "2024-2025",
        "arab-states",
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        None,
        Modality.IN_PERSON,
        "",
        [("000", "start", "June", 2024), ("003", "start", "June 2024", None)],
        "",
    ),
    (
        "2024-arab-review",
        "2024-2025",
        "arab-states",
        EventKind.REGIONAL_REVIEW,
        None,
        "",
        "",
        [("000", "start", "June", 2024), ("003", "start", "June 2024", None)],
        "",
    ),
    # Latin America and the Caribbean
    (
        "2024-lac-pre",
        "2024-2025",
        "latin-america-caribbean",
        EventKind.PRE_CONSULTATION,
        None,
        Modality.VIRTUAL,
        "",
        [("000", "start", "September", 2024), ("003", "start", "September 2024", None)],
        "",
    ),
    (
        "2024-lac-msc",
        "2024-2025",
        "latin-america-caribbean",
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        None,
        Modality.IN_PERSON,
        "",
        [("000", "start", "Week of 3 November", 2024), ("003", "start", "Week of 3 November 2024", None)],
        "",
    ),
    (
        "2024-lac-review",
        "2024-2025",
        "latin-america-caribbean",
        EventKind.REGIONAL_REVIEW,
        None,
        "",
        "",
        [("000", "start", "Week of 3 November", 2024), ("003", "start", "Week of 3 November 2024", None)],
        "",
    ),
    # Asia-Pacific: two pre-consultations feeding one multi-stakeholder consultation.
    (
        "2024-ap-pre-asia",
        "2024-2025",
        "asia-pacific",
        EventKind.PRE_CONSULTATION,
        ASIA,
        Modality.VIRTUAL,
        "",
        [("000", "start", "Late 2024", None), ("003", "start", "Late 2024*", None)],
        "",
    ),
    (
        "2024-ap-pre-pacific",
        "2024-2025",
        "asia-pacific",
        EventKind.PRE_CONSULTATION,
        PACIFIC,
        Modality.VIRTUAL,
        "",
        [("000", "start", "Late 2024", None), ("003", "start", "Late 2024*", None)],
        "",
    ),
    (
        "2024-ap-msc",
        "2024-2025",
        "asia-pacific",
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        None,
        Modality.IN_PERSON,
        "",
        [("000", "start", "2025", None), ("003", "start", "2025", None)],
        "",
    ),
    (
        "2024-ap-review",
        "2024-2025",
        "asia-pacific",
        EventKind.REGIONAL_REVIEW,
        None,
        "",
        "",
        [("000", "start", "2025", None), ("003", "start", "2025", None)],
        "",
    ),
    # The first round, UNECE region (004).
    (
        "2020-ece-msc",
        "2020-2021",
        "europe-north-america",
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        None,
        "",
        "",
        [("004", "start", "9 November 2020", None)],
        "",
    ),
    (
        "2020-ece-review",
        "2020-2021",
        "europe-north-america",
        EventKind.REGIONAL_REVIEW,
        None,
        Modality.VIRTUAL,
        "",
        [("004", "start", "12 November 2020", None), ("004", "end", "13 November 2020", None)],
        "",
    ),
    ("2022-imrf", "2020-2021", None, EventKind.IMRF, None, "", "", [("004", "start", "2022", None)], ""),
]


def _wording_for_parse(wording: str) -> str:
    return wording.removeprefix("by ").strip()


@transaction.atomic
def load_seed_calendar() -> dict[str, int]:
    """Load regions, cycles, sources and the seeded timelines; idempotent."""
    seed_regions()
    for code, (subregions, extra) in REGION_SUBREGIONS.items():
        countries = sorted({c for c, sub in COUNTRY_SUBREGION.items() if sub in subregions} | extra)
        Region.objects.filter(code=code).update(countries=",".join(countries))

    cycles = {}
    for code, start, end, imrf, names in CYCLES:
        defaults = {"start_year": start, "end_year": end, "imrf_year": imrf, "name": names[0]}
        defaults.update({f"name_{lang}": name for lang, name in zip(LANGS, names, strict=True)})
        cycles[code], _ = ReviewCycle.objects.update_or_create(code=code, defaults=defaults)

    sources = {}
    for code, title, publisher, as_of, note, sequence in SOURCES:
        sources[code], _ = Source.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "title_en": title,
                "publisher": publisher,
                "as_of": as_of,
                "as_of_note": note,
                "sequence": sequence,
            },
        )

    regions = {r.code: r for r in Region.objects.all()}
    for key, cycle, region, kind, titles, modality, place, statements, description in EVENTS:
        parsed = [
            (sources[src], which, wording, *parse(_wording_for_parse(wording), default_year=year))
            for src, which, wording, year in statements
        ]
        # The current value is what the newest source says.
        newest = {}
        for source, which, _wording, value, tentative in parsed:
            if which not in newest or source.sequence > newest[which][0].sequence:
                newest[which] = (source, value, tentative)
        defaults = {
            "cycle": cycles[cycle],
            "region": regions.get(region) if region else None,
            "kind": kind,
            "modality": modality,
            "place": place,
            "place_en": place,
            "description": description,
            "description_en": description,
            "start": newest[DateField.START][1],
            "start_tentative": newest[DateField.START][2],
            "end": newest[DateField.END][1] if DateField.END in newest else None,
            "subregions": SUBREGIONAL.get(key, ""),
        }
        if titles:
            defaults["title"] = titles[0]
            defaults.update({f"title_{lang}": title for lang, title in zip(LANGS, titles, strict=True)})
        event = Event.objects.filter(key=key).first()
        if event is None:
            event = Event(key=key, **defaults)
            event.save()
        for source, which, wording, value, tentative in parsed:
            DateStatement.objects.update_or_create(
                event=event,
                which=which,
                source=source,
                defaults={"wording": wording, "value": value, "tentative": tentative},
            )
    return {
        "regions": Region.objects.count(),
        "cycles": ReviewCycle.objects.count(),
        "sources": Source.objects.count(),
        "events": Event.objects.count(),
        "statements": DateStatement.objects.count(),
    }
