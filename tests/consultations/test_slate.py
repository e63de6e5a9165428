import pytest

from consultations.slate import Candidate, balance, suggest


def c(id, constituency="civil_society", country="KE", subregion="014", gender="woman"):
    return Candidate(id=id, arrival=id, constituency=constituency, country=country, subregion=subregion, gender=gender)


CASES = [
    # name, candidates, size, expected ids
    (
        "arrival order when balanced",
        [
            c(1, "migrant", "KE", "014", "woman"),
            c(2, "academia", "NG", "011", "man"),
            c(3, "trade_union", "MX", "013", "non_binary"),
        ],
        3,
        [1, 2, 3],
    ),
    (
        "skips a fourth from the same country in a slate of eight",
        [c(i, f"s{i}", "KE", f"r{i}", ["woman", "man"][i % 2]) for i in range(1, 5)]
        + [c(5, "s5", "NG", "r5", "woman")],
        8,
        [1, 2, 5, 3, 4],
    ),
    (
        "skipped people fill the list if nobody else is left",
        [c(i, "migrant", "KE", "014", "woman") for i in range(1, 5)],
        4,
        [1, 2, 3, 4],
    ),
    (
        "undisclosed gender is never limited",
        [c(i, f"s{i}", f"C{i}", f"r{i}", "undisclosed") for i in range(1, 6)],
        5,
        [1, 2, 3, 4, 5],
    ),
    (
        "gender share caps at 60 percent of ten",
        [c(i, f"s{i}", f"C{i}", f"r{i}", "man") for i in range(1, 9)]
        + [c(9, "s9", "C9", "r9", "woman"), c(10, "s10", "C10", "r10", "woman")],
        10,
        [1, 2, 3, 4, 5, 6, 9, 10, 7, 8],
    ),
    ("stops at the size", [c(i, f"s{i}", f"C{i}", f"r{i}") for i in range(1, 20)], 3, [1, 2, 3]),
    ("empty pool", [], 5, []),
]


@pytest.mark.parametrize(("name", "candidates", "size", "expected"), CASES, ids=[case[0] for case in CASES])
def test_suggested_slate(name, candidates, size, expected):
    assert suggest(candidates, size=size) == expected


def test_same_input_in_any_order_gives_the_same_slate():
    people = [c(i, f"s{i % 3}", f"C{i % 4}", f"r{i % 2}", ["woman", "man"][i % 2]) for i in range(1, 30)]

    assert suggest(people, size=8) == suggest(list(reversed(people)), size=8)


def test_balance_counts_and_shares():
    table = balance({"slate": [c(1), c(2, gender="man")], "pool": [c(1), c(2, gender="man"), c(3, gender="man")]})

    assert table["gender"] == [
        {"value": "man", "slate": (1, 50), "pool": (2, 67)},
        {"value": "woman", "slate": (1, 50), "pool": (1, 33)},
    ]
