"""Staff upload the participant report Zoom, Teams or Webex exports, and get one attendee per person with the
minutes they spent in the meeting: the samples below follow the platforms' own layouts, summary blocks,
encodings and delimiters included."""

import codecs

import pytest

from consultations.platform_reports import MAX_BYTES, MAX_ROWS, Attendee, ReportError, read_participant_report


def utf16(lines: list[str]) -> bytes:
    """As Teams and Webex write their reports: UTF-16 LE with a BOM, CRLF line ends."""
    return codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le")


ZOOM_PARTICIPANTS = [
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,In Waiting Room,",
    "GCM Secretariat,host@un.org,03/12/2025 09:58:41 AM,03/12/2025 12:04:10 PM,126,No,,No,",
    "Amina Diallo,Amina.Diallo@Example.org,03/12/2025 10:00:02 AM,03/12/2025 10:41:30 AM,42,Yes,Y,No,",
    '"Pérez, José (José P.)",jose.perez@example.net,03/12/2025 10:02:15 AM,03/12/2025 11:37:00 AM,95,Yes,Y,No,',
    "Amina Diallo (phone),amina.diallo@example.org,03/12/2025 10:44:10 AM,03/12/2025 12:01:00 PM,77,Yes,Y,No,",
    "+41 22 555 01 23,,03/12/2025 10:05:00 AM,03/12/2025 10:35:00 AM,30,Yes,,No,",
]
ZOOM_ATTENDEES = [
    Attendee(email="host@un.org", name="GCM Secretariat", minutes=126),
    Attendee(email="amina.diallo@example.org", name="Amina Diallo", minutes=119),
    Attendee(email="jose.perez@example.net", name="Pérez, José (José P.)", minutes=95),
    Attendee(email="", name="+41 22 555 01 23", minutes=30),
]


def test_reads_zoom_report_with_meeting_summary():
    # The summary's "User Email" is the host's: the participants are the table after the blank line.
    data = "\n".join(
        [
            "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,",
            '812 3456 7890,"Regional Review, civil society consultation",03/12/2025 09:58:41 AM,'
            "03/12/2025 12:04:10 PM,host@un.org,126,4,",
            "",
            *ZOOM_PARTICIPANTS,
            "",
        ]
    ).encode()

    assert read_participant_report(data) == ZOOM_ATTENDEES


def test_reads_zoom_report_without_meeting_summary():
    data = ("\ufeff" + "\r\n".join(ZOOM_PARTICIPANTS) + "\r\n").encode()

    assert read_participant_report(data) == ZOOM_ATTENDEES


def test_reads_older_zoom_report_with_total_durations():
    data = b"\n".join(
        [
            b"Name (Original Name),User Email,Total Duration (Minutes),Guest",
            b"GCM Secretariat,host@un.org,126,No",
            b"Amina Diallo,amina.diallo@example.org,119,Yes",
            b"iPhone,,12,Yes",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="host@un.org", name="GCM Secretariat", minutes=126),
        Attendee(email="amina.diallo@example.org", name="Amina Diallo", minutes=119),
        Attendee(email="", name="iPhone", minutes=12),
    ]


def test_reads_teams_attendance_report_in_utf16_with_sections():
    data = utf16(
        [
            "1. Summary",
            "Meeting title\tRegional Review – consultation with stakeholders",
            "Attended participants\t4",
            "Start time\t3/12/25, 9:58:12 AM",
            "End time\t3/12/25, 12:03:40 PM",
            "Meeting duration\t2h 5m 28s",
            "Average attendance time\t1h 9m 35s",
            "",
            "2. Participants",
            "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
            "GCM Office\t3/12/25, 9:58:12 AM\t3/12/25, 12:03:40 PM\t2h 5m 28s\thost@un.org\thost@un.org\tOrganizer",
            "Amina Diallo\t3/12/25, 10:00:02 AM\t3/12/25, 11:02:05 AM\t1h 2m 3s\tAmina.Diallo@example.org\t\tAttendee",
            "Guest (Unverified)\t3/12/25, 10:10:00 AM\t3/12/25, 10:55:10 AM\t45m 10s\t\t\tAttendee",
            "Zoë Müller\t3/12/25, 10:01:00 AM\t3/12/25, 10:46:40 AM\t45m 40s\tZOE.MULLER@example.de\t\tPresenter",
            "",
            "3. In-Meeting Activities",
            "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
            "GCM Office\t3/12/25, 9:58:12 AM\t3/12/25, 12:03:40 PM\t2h 5m 28s\thost@un.org\tOrganizer",
            "Amina Diallo\t3/12/25, 10:00:02 AM\t3/12/25, 10:30:00 AM\t29m 58s\tAmina.Diallo@example.org\tAttendee",
            "Amina Diallo\t3/12/25, 10:30:00 AM\t3/12/25, 11:02:05 AM\t32m 5s\tAmina.Diallo@example.org\tAttendee",
            "Guest (Unverified)\t3/12/25, 10:10:00 AM\t3/12/25, 10:55:10 AM\t45m 10s\t\tAttendee",
            "Zoë Müller\t3/12/25, 10:01:00 AM\t3/12/25, 10:46:40 AM\t45m 40s\tZOE.MULLER@example.de\tPresenter",
        ]
    )

    # Rounded to the nearest minute; the activities section, which repeats everyone, is not read.
    assert read_participant_report(data) == [
        Attendee(email="host@un.org", name="GCM Office", minutes=125),
        Attendee(email="amina.diallo@example.org", name="Amina Diallo", minutes=62),
        Attendee(email="", name="Guest (Unverified)", minutes=45),
        Attendee(email="zoe.muller@example.de", name="Zoë Müller", minutes=46),
    ]


def test_stops_at_the_next_section_title_even_without_a_blank_line():
    data = utf16(
        [
            "2. Participants",
            "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
            "Amina Diallo\t3/12/25, 10:00:02 AM\t3/12/25, 11:02:05 AM\t1h 2m 3s\tamina@example.org\t\tAttendee",
            "3. In-Meeting Activities",
            "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
            "Amina Diallo\t3/12/25, 10:00:02 AM\t3/12/25, 11:02:05 AM\t1h 2m 3s\tamina@example.org\tAttendee",
        ]
    )

    assert read_participant_report(data) == [Attendee(email="amina@example.org", name="Amina Diallo", minutes=62)]


def test_reads_teams_report_with_lower_case_headers_and_no_bom():
    data = "\r\n".join(
        [
            "2. Participants",
            "Name\tFirst join\tLast leave\tIn-meeting duration\tEmail\tParticipant ID (UPN)\tRole",
            "Amina Diallo\t7/22/25, 7:02:11 PM\t7/22/25, 8:30:02 PM\t1h 27m 51s\tamina@example.org\t\tAttendee",
        ]
    ).encode("utf-16-le")

    assert read_participant_report(data) == [Attendee(email="amina@example.org", name="Amina Diallo", minutes=88)]


def test_reads_teams_report_of_2021_with_full_names():
    data = utf16(
        [
            "Meeting Summary",
            "Total Number of Participants\t2",
            "Meeting Title\tRegional Review consultation",
            "Meeting Start Time\t6/10/2021, 9:58:05 AM",
            "Meeting End Time\t6/10/2021, 11:01:12 AM",
            "",
            "Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)",
            "GCM Office\t6/10/2021, 9:58:05 AM\t6/10/2021, 11:01:12 AM\t1h 3m\thost@un.org\tOrganizer\thost@un.org",
            "Amina Diallo\t6/10/2021, 10:00:40 AM\t6/10/2021, 10:20:40 AM\t20m\tamina@example.org\tAttendee\t",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="host@un.org", name="GCM Office", minutes=63),
        Attendee(email="amina@example.org", name="Amina Diallo", minutes=20),
    ]


def test_reads_first_teams_attendance_list_by_summing_joined_to_left():
    # No e-mail column in that format: people are known by name, and whoever had not left when the list was
    # downloaded counts until its last entry.
    data = utf16(
        [
            "Full Name\tUser Action\tTimestamp",
            "GCM Secretariat\tJoined\t3/15/2021, 10:00:00 AM",
            "Amina Diallo\tJoined\t3/15/2021, 10:02:33 AM",
            "Amina Diallo\tLeft\t3/15/2021, 10:30:00 AM",
            "Rob Okafor\tJoined before\t3/15/2021, 9:55:00 AM",
            "Amina Diallo\tJoined\t3/15/2021, 10:35:00 AM",
            "Rob Okafor\tLeft\t3/15/2021, 10:40:00 AM",
            "Amina Diallo\tLeft\t3/15/2021, 11:00:00 AM",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="", name="GCM Secretariat", minutes=60),
        Attendee(email="", name="Amina Diallo", minutes=52),
        Attendee(email="", name="Rob Okafor", minutes=45),
    ]


def test_reads_webex_attendee_report_in_minutes():
    data = b"\r\n".join(
        [
            b'"Name","Email","Join Time","Leave Time","Duration"',
            b'"GCM Secretariat","host@un.org","03/12/2025 09:58 AM","03/12/2025 12:04 PM","126"',
            b'"Amina Diallo","amina.diallo@example.org","03/12/2025 10:00 AM","03/12/2025 10:42 AM","42"',
            b'"Amina Diallo","amina.diallo@example.org","03/12/2025 10:44 AM","03/12/2025 12:01 PM","77"',
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="host@un.org", name="GCM Secretariat", minutes=126),
        Attendee(email="amina.diallo@example.org", name="Amina Diallo", minutes=119),
    ]


def test_reads_webex_report_with_attendee_email_and_clock_durations():
    data = utf16(
        [
            "Attendee Name\tAttendee Email\tJoin Time\tLeave Time\tDuration",
            "GCM Secretariat\thost@un.org\t2025-03-12 09:58:41\t2025-03-12 12:04:10\t02:05:29",
            "Amina Diallo\tamina.diallo@example.org\t2025-03-12 10:00:02\t2025-03-12 10:41:30\t00:41:28",
            "Amina Diallo\tamina.diallo@example.org\t2025-03-12 10:44:10\t2025-03-12 12:01:00\t01:16:50",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="host@un.org", name="GCM Secretariat", minutes=125),
        Attendee(email="amina.diallo@example.org", name="Amina Diallo", minutes=118),
    ]


def test_counts_the_time_from_join_to_leave_when_the_duration_is_missing():
    data = b"\n".join(
        [
            b"Name,Email,Join Time,Leave Time,Duration",
            b"Amina Diallo,amina@example.org,03/12/2025 10:00:00 AM,03/12/2025 10:42:00 AM,",
            b"Rob Okafor,rob@example.org,13/03/2025 10:00,13/03/2025 10:20,",
            b"Kim Lee,kim@example.org,yesterday,today,",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="amina@example.org", name="Amina Diallo", minutes=42),
        Attendee(email="rob@example.org", name="Rob Okafor", minutes=20),
        Attendee(email="kim@example.org", name="Kim Lee", minutes=0),
    ]


def test_reads_semicolon_report_saved_by_excel_in_french():
    data = "\r\n".join(
        [
            "Nom;Adresse e-mail;Heure d'arrivée;Heure de départ;Durée (minutes)",
            "Hélène Martin;helene.martin@example.fr;12/03/2025 10:00;12/03/2025 11:30;90",
            "Benoît Lefèvre;benoit@example.fr;12/03/2025 10:05;12/03/2025 10:50;44,6",
            "Hélène Martin;HELENE.MARTIN@example.fr;12/03/2025 11:40;12/03/2025 12:00;20",
        ]
    ).encode("cp1252")

    assert read_participant_report(data) == [
        Attendee(email="helene.martin@example.fr", name="Hélène Martin", minutes=110),
        Attendee(email="benoit@example.fr", name="Benoît Lefèvre", minutes=45),
    ]


def test_reads_spanish_headers_in_utf8():
    data = "\n".join(
        [
            "Nombre (nombre original),Correo electrónico,Duración (minutos)",
            "Inés Gómez,ines.gomez@example.es,58",
        ]
    ).encode("utf-8-sig")

    assert read_participant_report(data) == [Attendee(email="ines.gomez@example.es", name="Inés Gómez", minutes=58)]


def test_matches_headers_whatever_their_case_spaces_and_quotes():
    data = b"\n".join([b' "NAME" , " USER EMAIL " , duration (MINUTES) ', b"Amina Diallo,amina@example.org,12"])

    assert read_participant_report(data) == [Attendee(email="amina@example.org", name="Amina Diallo", minutes=12)]


def test_joins_first_and_last_names_when_there_is_no_name_column():
    data = b"First Name,Last Name,Email,Duration\nAmina,Diallo,amina@example.org,12\n,,nobody-named@example.org,3"

    assert read_participant_report(data) == [
        Attendee(email="amina@example.org", name="Amina Diallo", minutes=12),
        Attendee(email="nobody-named@example.org", name="", minutes=3),
    ]


def test_merges_the_rows_of_a_person_who_rejoined():
    data = b"\n".join(
        [
            b"Name (Original Name),User Email,Duration (Minutes)",
            b",amina@example.org,10",
            b"Rob Okafor,,5",
            b"Amina Diallo,AMINA@example.org,20",
            b"Amina D.,amina@example.org ,30",
            b"rob  okafor,,7",
            b",,99",
        ]
    )

    # Keyed by e-mail, else by name; the first name found is kept; a row naming nobody is dropped.
    assert read_participant_report(data) == [
        Attendee(email="amina@example.org", name="Amina Diallo", minutes=60),
        Attendee(email="", name="Rob Okafor", minutes=12),
    ]


def test_keeps_a_row_with_an_invalid_email_by_its_name():
    data = b"\n".join(
        [
            b"Name,Email,Duration",
            b"Amina Diallo,amina.diallo[at]example.org,10",
            b"Rob Okafor,rob@localhost,20",
            b"Kim Lee,kim@lee@example.org,30",
            b"Ana Silva,ana silva@example.org,40",
            b",not-an-address,50",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="", name="Amina Diallo", minutes=10),
        Attendee(email="", name="Rob Okafor", minutes=20),
        Attendee(email="", name="Kim Lee", minutes=30),
        Attendee(email="", name="Ana Silva", minutes=40),
    ]


def test_keeps_formula_like_cells_as_text():
    data = b"\n".join(
        [
            b"Name,Email,Duration",
            b'"=HYPERLINK(""http://evil.example"",""Click"")",,10',
            b"@SUM(A1:A9),,20",
            b"-Rob,,30",
            b"=cmd|' /C calc'!A0,=amina@example.org,40",
        ]
    )

    assert read_participant_report(data) == [
        Attendee(email="", name='=HYPERLINK("http://evil.example","Click")', minutes=10),
        Attendee(email="", name="@SUM(A1:A9)", minutes=20),
        Attendee(email="", name="-Rob", minutes=30),
        Attendee(email="=amina@example.org", name="=cmd|' /C calc'!A0", minutes=40),
    ]


def test_a_duration_that_cannot_be_read_counts_as_zero_minutes():
    data = b"Name,Email,Duration\nAmina Diallo,amina@example.org,a while\nRob Okafor,rob@example.org,"

    assert read_participant_report(data) == [
        Attendee(email="amina@example.org", name="Amina Diallo", minutes=0),
        Attendee(email="rob@example.org", name="Rob Okafor", minutes=0),
    ]


@pytest.mark.parametrize("data", [b"", b" \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le")])
def test_refuses_an_empty_file(data):
    with pytest.raises(ReportError) as error:
        read_participant_report(data)

    assert str(error.value) == "This file is empty."


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Name,Email\n\x81\x8d\x8f\x90",
        codecs.BOM_UTF16_LE + b"N\x00a",
        b'Name,Email,Duration\nAmina Diallo,amina@example.org,"' + b"4" * 200_000,
    ],
    ids=["pdf", "xlsx", "xls", "png", "undecodable", "truncated-utf16", "unclosed-quote"],
)
def test_refuses_a_file_that_is_not_a_text_report(data):
    with pytest.raises(ReportError) as error:
        read_participant_report(data)

    assert str(error.value) == "This file is not a CSV participant report."


def test_refuses_a_report_without_email_addresses():
    data = b"\n".join(
        [
            b"Name (Original Name),Join Time,Leave Time,Duration (Minutes),Guest",
            b"Amina Diallo,03/12/2025 10:00:02 AM,03/12/2025 10:41:30 AM,42,Yes",
        ]
    )

    with pytest.raises(ReportError) as error:
        read_participant_report(data)

    assert str(error.value) == (
        "No column of e-mail addresses was found: export the participant report with e-mail addresses."
    )


def rows_of(count: int) -> bytes:
    lines = ["Name,Email,Duration"] + [f"Person {n},person{n}@example.org,{n % 90}" for n in range(count)]
    return "\n".join(lines).encode()


def test_reads_up_to_the_limit_of_attendee_rows():
    assert read_participant_report(rows_of(MAX_ROWS)) == [
        Attendee(email=f"person{n}@example.org", name=f"Person {n}", minutes=n % 90) for n in range(MAX_ROWS)
    ]


def test_refuses_more_attendee_rows_than_the_limit():
    with pytest.raises(ReportError) as error:
        read_participant_report(rows_of(MAX_ROWS + 1))

    assert str(error.value) == "The report has more than 5,000 attendee rows: upload the report of one meeting."


def padded_to(size: int) -> bytes:
    report = b"Name,Email,Duration\nAmina Diallo,amina@example.org,42\n"
    # Blank lines end the section, so the padding is never read as attendees.
    line = b" " * 1023 + b"\n"
    padding = line * ((size - len(report)) // len(line))
    return report + padding + b"\n" * (size - len(report) - len(padding))


def test_reads_a_file_of_exactly_the_size_limit():
    data = padded_to(MAX_BYTES)

    assert len(data) == MAX_BYTES
    assert read_participant_report(data) == [Attendee(email="amina@example.org", name="Amina Diallo", minutes=42)]


@pytest.mark.parametrize("data", [padded_to(MAX_BYTES + 1), bytes(MAX_BYTES + 1)], ids=["report", "binary"])
def test_refuses_a_file_over_the_size_limit_before_reading_it(data):
    with pytest.raises(ReportError) as error:
        read_participant_report(data)

    assert str(error.value) == "This file is larger than 5 MB: upload the participant report of the meeting only."
