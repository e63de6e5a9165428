# Django's Arabic formats give the date ("6 يناير، 2027") but no date and time, which then fall back to the
# American order ("يناير 6, 2027, 12:52 ص"). The same date, then the 24-hour time.
DATE_FORMAT = "j F، Y"
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
