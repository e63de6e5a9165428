"""A transactional test says why it is one, on its marker: ``# transactional: <reason>``.

Such a test commits for real and flushes every table afterwards: slow, and only needed when another
connection must see committed rows (threads racing on PostgreSQL, a real Celery worker, a live server) or
for behaviour that only a real COMMIT shows. Anything else is an ordinary ``django_db`` test, with
``django_capture_on_commit_callbacks(execute=True)`` to run what waits for the commit. tests/browser and
tests/deployment drive live servers throughout and are not scanned.
"""

import ast
import io
import tokenize
from pathlib import Path

TESTS = Path(__file__).resolve().parent
NOT_SCANNED = ("browser", "deployment")
REASON = "# transactional:"
# Fixtures and base classes that make a test transactional (``live_server`` requests ``transactional_db``).
FIXTURES = {"transactional_db", "live_server"}
BASES = {"TransactionTestCase", "LiveServerTestCase", "StaticLiveServerTestCase"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _makes_transactional(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and _name(node.func) == "django_db":
        return any(keyword.arg == "transaction" and not _false(keyword.value) for keyword in node.keywords)
    if isinstance(node, ast.ClassDef):
        return any(_name(base) in BASES for base in node.bases)
    return (isinstance(node, ast.arg) and node.arg in FIXTURES) or (
        isinstance(node, ast.Constant) and node.value in FIXTURES
    )


def transactional_spans(source: str) -> list[tuple[int, int]]:
    """The first and last line of each thing in ``source`` that makes a test transactional (a class: its first)."""
    return sorted(
        (node.lineno, node.lineno if isinstance(node, ast.ClassDef) else node.end_lineno)
        for node in ast.walk(ast.parse(source))
        if _makes_transactional(node)
    )


def unexplained(source: str) -> list[int]:
    """Lines where a test becomes transactional with no reason comment on that line or the line before."""
    reasons = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
        and token.string.startswith(REASON)
        and token.string.removeprefix(REASON).strip()
    }
    return [first for first, last in transactional_spans(source) if not reasons & set(range(first - 1, last + 1))]


def test_every_transactional_test_outside_the_live_server_suites_says_why():
    missing = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS)
        if relative.parts[0] in NOT_SCANNED or path == Path(__file__).resolve():
            continue
        missing += [f"tests/{relative}:{line}" for line in unexplained(path.read_text())]

    assert missing == [], f"transactional without a '{REASON} <reason>' comment on the line or the one above"


def test_the_scan_finds_each_way_of_being_transactional_and_accepts_a_reason():
    source = """
import pytest
from django.test import TransactionTestCase

pytestmark = pytest.mark.django_db(transaction=True)

@pytest.mark.django_db(
    transaction=True,
)
def test_a(): ...

@pytest.mark.usefixtures("transactional_db")
def test_b(): ...

def test_c(live_server): ...

class TestD(TransactionTestCase): ...

# transactional: threads race, each on its own connection
@pytest.mark.django_db(transaction=True)
def test_e(): ...

def test_f(transactional_db):  # transactional: a real Celery worker reads the rows
    ...

# transactional:
@pytest.mark.django_db(transaction=True)
def test_g(): ...

@pytest.mark.django_db(transaction=False)
def test_h(db): ...
"""

    assert unexplained(source) == [5, 7, 12, 15, 17, 27]
