"""The per-meeting count tables (db/003, store/summary.py) give exactly the counts that counting
statements gives, for every filter they answer, and are never used while stale."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_viewer.store import Archive, delete_document, migrations, queries, summary
from archive_viewer.store.filters import Filter
from bench.generate import build_archive


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("summary") / "generated.sqlite"
    build_archive(path, 150, seed=7, progress=False)
    return path


@contextmanager
def _reader(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def _counting_statements() -> Iterator[None]:
    with mock.patch.object(summary, "answers", return_value=False):
        yield


def _everything(conn: sqlite3.Connection, f: Filter) -> dict[str, object]:
    years = queries.years(conn, f)
    return {
        "totals": queries.totals(conn, f),
        "years": years,
        "meetings": {y.year: queries.meetings(conn, f, y.year, offset=0, limit=500) for y in years},
        "pages": {y.year: queries.meetings(conn, f, y.year, offset=2, limit=3) for y in years},
        "counts": {y.year: queries.meeting_count(conn, f, y.year) for y in years},
        "facets": queries.facets(conn, f),
    }


def _archive_values(path: Path) -> tuple[list[int], list[str], list[str], list[str], list[int]]:
    with _reader(path) as conn:
        issues = [row[0] for row in conn.execute(
            "SELECT DISTINCT issue_id FROM statement_issue_closure ORDER BY 1")]
        countries = [row[0] for row in conn.execute(
            "SELECT DISTINCT country FROM meeting_countries ORDER BY 1")]
        kinds = [row[0] for row in conn.execute("SELECT DISTINCT kind FROM meetings ORDER BY 1")]
        days = [row[0] for row in conn.execute(
            "SELECT DISTINCT held_on FROM meetings WHERE held_on IS NOT NULL ORDER BY 1")]
        people = [row[0] for row in conn.execute(
            "SELECT person_id FROM participants GROUP BY person_id ORDER BY count(*) DESC, 1")]
    return issues, countries, kinds, days, people


def _filters(path: Path) -> st.SearchStrategy[Filter]:
    issues, countries, kinds, days, people = _archive_values(path)
    years = sorted({int(d[:4]) for d in days})
    # Meeting days, and the first and last days of years (whole years come from the sums).
    edges = [date(y, 1, 1) for y in years] + [date(y, 12, 31) for y in years]
    day = st.sampled_from(days).map(date.fromisoformat) | st.sampled_from(edges)
    # The people most often met first: hypothesis shrinks towards them.
    person = st.sampled_from(people[:40]).map(lambda p: frozenset({p}))
    return st.builds(
        Filter,
        issues=st.one_of(st.just(frozenset()), st.sampled_from(issues).map(lambda i: frozenset({i}))),
        people=st.one_of(st.just(frozenset()), person),
        countries=st.frozensets(st.sampled_from(countries), max_size=2),
        kinds=st.frozensets(st.sampled_from(kinds), max_size=2),
        date_from=st.none() | day,
        date_to=st.none() | day,
    )


def test_the_count_tables_answer_exactly_what_counting_statements_answers(generated: Path) -> None:
    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(f=_filters(generated))
    def check(f: Filter) -> None:
        with _reader(generated) as conn:
            assert summary.answers(conn, f)
            fast = _everything(conn, f)
            with _counting_statements():
                slow = _everything(conn, f)
        assert fast == slow

    check()


def test_one_country_and_dates_count_the_issues_from_whole_years_and_the_days_left(
        generated: Path) -> None:
    _issues, countries, _kinds, days, _people = _archive_values(generated)
    first, last = int(days[0][:4]), int(days[-1][:4])
    middle = (first + last) // 2
    ranges = [
        (None, None), (date(first, 1, 1), date(last, 12, 31)),  # everything, whole years
        (date(middle, 1, 1), None), (None, date(middle, 12, 31)),  # open at one end
        (date(first, 3, 15), date(last, 9, 30)),  # days at both ends, whole years between
        (date(middle, 2, 1), date(middle, 11, 30)),  # within one year
        (date(middle, 6, 1), date(middle + 1, 5, 31)),  # two part-years, no whole one
        (date(middle, 1, 1), date(middle, 12, 31)),  # exactly one year
        (date(last, 1, 1), date(first, 12, 31)),  # the wrong way round: nothing
    ]
    executed: list[str] = []
    with _reader(generated) as conn:
        for country in countries[:4]:
            for date_from, date_to in ranges:
                f = Filter(countries=frozenset({country}), date_from=date_from, date_to=date_to)
                conn.set_trace_callback(executed.append)
                fast = queries.facets(conn, f).issues
                conn.set_trace_callback(None)
                with _counting_statements():
                    slow = queries.facets(conn, f).issues
                assert fast == slow, f
    assert any("issue_country_year_counts" in sql for sql in executed)


def test_the_sample_documents_count_the_same_both_ways(samples_archive: Path) -> None:
    issues, countries, _kinds, _days, people = _archive_values(samples_archive)
    with _reader(samples_archive) as conn:
        for f in [Filter(), *(Filter(issues=frozenset({i})) for i in issues),
                  *(Filter(countries=frozenset({c})) for c in countries),
                  *(Filter(people=frozenset({p})) for p in people),
                  *(Filter(people=frozenset({p}), issues=frozenset({i}))
                    for p in people[:3] for i in issues)]:
            fast = _everything(conn, f)
            with _counting_statements():
                assert _everything(conn, f) == fast, f


def test_filters_the_tables_cannot_answer_count_statements(generated: Path) -> None:
    issues, _countries, _kinds, _days, people = _archive_values(generated)
    with _reader(generated) as conn:
        assert not summary.answers(conn, Filter(text="cooperation"))
        assert not summary.answers(conn, Filter(people=frozenset(people[:2])))
        assert not summary.answers(conn, Filter(issues=frozenset(issues[:2])))
        # A search box holding only punctuation searches nothing: the tables answer.
        assert summary.answers(conn, Filter(text=" * "))


def test_a_hand_edit_makes_counts_stale_until_the_archive_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "edited.sqlite"
    build_archive(path, 12, seed=3, progress=False)
    issue = Filter(issues=frozenset({_archive_values(path)[0][0]}))
    # A researcher deletes statements with the sqlite3 shell: no app code runs.
    edit = sqlite3.connect(path)
    edit.execute("PRAGMA foreign_keys = ON")
    with edit:
        edit.execute("DELETE FROM statements WHERE id IN (SELECT statement_id FROM "
                     "statement_issue_closure WHERE issue_id = ? LIMIT 3)", (min(issue.issues),))
    edit.close()
    with _reader(path) as conn:
        assert not summary.answers(conn, issue)  # stale: counted from the statements
        with _counting_statements():
            expected = _everything(conn, issue)
        assert _everything(conn, issue) == expected
    Archive.open(path).close()  # opening brings the counts up to date
    with _reader(path) as conn:
        assert summary.answers(conn, issue)
        assert _everything(conn, issue) == expected
        assert conn.execute("SELECT count(*) FROM stale_meetings").fetchone()[0] == 0


def test_the_per_issue_sums_follow_an_import_by_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "growing.sqlite"
    build_archive(path, 5, seed=1, progress=False)
    with _reader(path) as conn:
        before = queries.facets(conn, Filter())
        build_archive(path, 5, seed=2, progress=False)  # another connection imports more
        after = queries.facets(conn, Filter())
        with _counting_statements():
            assert queries.facets(conn, Filter()) == after
    assert sum(v.count for v in after.kinds) == 2 * sum(v.count for v in before.kinds)


def test_the_per_issue_sums_follow_deleted_and_replaced_documents(tmp_path: Path) -> None:
    path = tmp_path / "changing.sqlite"
    build_archive(path, 30, seed=5, progress=False)
    issues, countries, _kinds, _days, people = _archive_values(path)
    with Archive.open(path) as archive:
        with archive.transaction() as conn:
            for document_id in (2, 7, 11):
                delete_document(conn, document_id)
            # A meeting moved to another year and kind, and given another country.
            conn.execute("UPDATE meetings SET held_on = '1999-05-05', kind = 'other' WHERE id = 3")
            conn.execute("UPDATE meeting_countries SET country = 'Iceland' WHERE meeting_id = 3 "
                         "AND ordinal = 2")
        assert archive.refresh_counts() > 0
    filters = [Filter(), *(Filter(issues=frozenset({i})) for i in issues[:25]),
               *(Filter(people=frozenset({p})) for p in people[:5]),
               Filter(countries=frozenset({"Iceland"}))]
    with _reader(path) as conn:
        for f in filters:
            assert summary.answers(conn, f)
            fast = _everything(conn, f)
            with _counting_statements():
                assert _everything(conn, f) == fast, f
        assert conn.execute("SELECT count(*) FROM issue_year_counts WHERE meetings <= 0 "
                            "OR statements < 0").fetchone()[0] == 0


def downgrade(path: Path, version: int) -> None:
    """Take the archive back to schema ``version``: what later migrations made is dropped."""
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    for migration in reversed(migrations.discover()):
        if migration.version <= version:
            break
        sql = migration.path.read_text(encoding="utf-8")
        for kind, name in re.findall(r"CREATE (TRIGGER|VIEW|TABLE|INDEX) (\w+)", sql):
            old.execute(f"DROP {kind} IF EXISTS {name}")
        for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", sql):
            old.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    old.execute(f"PRAGMA user_version = {int(version)}")
    old.execute("COMMIT")
    old.close()


_DERIVED = ("meeting_issue_counts", "meeting_speaker_counts", "meeting_person_counts",
            "counted_countries", "counted_principals", "issue_year_counts",
            "issue_country_counts", "issue_people_counts", "person_year_counts",
            "person_country_counts", "issue_country_year_counts")


def test_an_archive_of_schema_2_is_counted_by_the_migration_as_by_imports(tmp_path: Path) -> None:
    path = tmp_path / "upgraded.sqlite"
    build_archive(path, 40, seed=9, progress=False)
    with _reader(path) as conn:
        built = {table: sorted(conn.execute(f"SELECT * FROM {table}")) for table in _DERIVED}
    downgrade(path, 2)
    with Archive.open(path) as archive:
        assert archive.schema_version == migrations.latest_version()
    with _reader(path) as conn:
        assert conn.execute("SELECT count(*) FROM stale_meetings").fetchone()[0] == 0
        assert {table: sorted(conn.execute(f"SELECT * FROM {table}")) for table in _DERIVED} == built
        assert all(built.values())
