"""One person under many spellings: compatible names, automatic and researcher's merges, splits,
re-imports, and the count tables staying equal to a recount through all of it."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_store_summary import _counting_statements, _everything, _reader, downgrade

from archive_viewer import paths
from archive_viewer.store import Archive, delete_document, migrations, queries, summary
from archive_viewer.store.filters import Filter
from archive_viewer.store.names import compatible, match_key
from archive_viewer.store.people_merge import PeopleError, spellings_of
from bench.generate import build_archive

#: The schema just before db/*_people_identity.sql: what an older archive has.
BEFORE_PEOPLE = next(m.version for m in migrations.discover()
                     if m.path.name.endswith("_people_identity.sql")) - 1
DERIVED = ("meeting_issue_counts", "meeting_speaker_counts", "meeting_person_counts",
           "counted_countries", "counted_principals", "issue_year_counts",
           "issue_country_counts", "issue_people_counts", "person_year_counts",
           "person_country_counts", "issue_country_year_counts")

DOCUMENT = """\
Japan-China Foreign Ministers' Meeting (Overview)

{day}

On {day}, Mr. {minister}, {office} of Japan, held a meeting with Mr. Wang Yi, Minister of \
Foreign Affairs of the People's Republic of China, in Tokyo. Also in attendance was \
Mr. Shinsuke Sugiyama, Vice-Minister for Foreign Affairs, from the Japanese side. An overview \
follows.

1. Japan-China Relations

(1) Minister {family} stated that Japan would work with China on North Korea and its missile \
launches.

(2) Minister Wang replied that China valued the relationship with Japan.

(3) The two ministers agreed to keep in close contact on the abduction issue.
{extra}"""


def write_document(folder: Path, name: str, minister: str, day: str, *,
                   office: str = "Minister for Foreign Affairs", extra: str = "") -> Path:
    family = minister.split()[-1]
    path = folder / name
    path.write_text(DOCUMENT.format(minister=minister, family=family, day=day, office=office,
                                    extra=extra), encoding="utf-8")
    return path


# -- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "country"), [
    ("Taro Kono", "Kōno Tarō", "Japan"),
    ("Taro Kouno", "KONO Taro", "Japan"),
    ("Kohno Taro", "Taro Kono", "Japan"),
    ("Koichiro Gemba", "GENBA Koichiro", "Japan"),
    ("Wang Yi", "Yi Wang", "China"),
    ("KANG Kyung-wha", "Kang Kyung-wha", "Republic of Korea"),
    ("Kang Kyung-wha", "Kang Kyungwha", "Republic of Korea"),
    ("Kyung Wha Kang", "KANG Kyung-wha", "Republic of Korea"),
    ("H.E. Mr. Wang Yi", "Wang Yi", "China"),
    ("Dato' Sri Anifah Aman", "Anifah Aman", "Malaysia"),
    ("the Rt Hon William Hague MP", "William Hague", "United Kingdom"),
    ("Đặng Văn Minh", "Dang Van Minh", "Viet Nam"),
    ("Radosław Sikorski", "Radoslaw Sikorski", "Poland"),
    ("Lavrov, Sergey Viktorovich", "Sergey Viktorovich Lavrov", "Russia"),
])
def test_spellings_of_one_name_are_compatible(a: str, b: str, country: str) -> None:
    assert compatible(a, b, country) and compatible(b, a, country)
    assert match_key(a, country) == match_key(b, country)


@pytest.mark.parametrize(("a", "b", "country"), [
    ("Kim Sung-hwan", "Kim Hwan-sung", "Republic of Korea"),  # the same syllables, another name
    ("Yoon Jae-in", "Yoon In-jae", "Republic of Korea"),
    ("Barack Obama", "Barack H. Obama", "United States"),  # a missing part is not a spelling
    ("Taro Kono", "Taro Kano", "Japan"),
    ("Gemba Koichiro", "Genba Koichiro", "China"),  # the Japanese folds are for Japanese names
    ("Mr.", "Ms.", None),  # no letters left: compatible with nothing
])
def test_other_names_are_not_compatible(a: str, b: str, country: str | None) -> None:
    assert not compatible(a, b, country)


# -- count tables -------------------------------------------------------------------------------

def _insert_statements() -> list[str]:
    """The statements of db/003 and db/004 that fill the derived tables from scratch."""
    bodies = []
    for name in ("003_meeting_counts.sql", "004_issue_country_years.sql"):
        sql = (paths.SCHEMA_DIR / name).read_text(encoding="utf-8")
        bodies += [re.sub(r"^\s*--.*$", "", s, flags=re.M).strip() for s in migrations.split_sql(sql)]
    return [s for s in bodies if "INSERT INTO" in s and not s.startswith("CREATE")]


def assert_counts_are_a_recount(path: Path, tmp_path: Path) -> None:
    """Every count table of the archive equals what counting it afresh gives."""
    with _reader(path) as conn:
        assert conn.execute("SELECT count(*) FROM stale_meetings").fetchone()[0] == 0
        kept = {table: sorted(conn.execute(f"SELECT * FROM {table}")) for table in DERIVED}
    copy = tmp_path / "recount.sqlite"
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as conn:
        for table in DERIVED:
            conn.execute(f"DELETE FROM {table}")
        for statement in _insert_statements():
            conn.execute(statement)
        recounted = {table: sorted(conn.execute(f"SELECT * FROM {table}")) for table in DERIVED}
    copy.unlink()
    assert kept == recounted


def assert_fast_equals_slow(path: Path, people: list[int]) -> None:
    with _reader(path) as conn:
        for f in [Filter(), *(Filter(people=frozenset({p})) for p in people)]:
            assert summary.answers(conn, f)
            fast = _everything(conn, f)
            with _counting_statements():
                assert _everything(conn, f) == fast, f


def people_named(path: Path, pattern: str) -> list[tuple[int, str]]:
    with _reader(path) as conn:
        return [(pid, name) for pid, name in conn.execute("SELECT id, name FROM people ORDER BY id")
                if re.search(pattern, name)]


def facet_count(path: Path, person_id: int) -> int:
    with _reader(path) as conn:
        values = {v.key: v.count for v in queries.facets(conn, Filter()).people}
    return values.get(person_id, 0)


# -- automatic merges ---------------------------------------------------------------------------

def test_two_spellings_of_a_minister_are_one_person_also_after_reimport(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a = write_document(docs, "a.txt", "Taro Kouno", "March 3, 2018")
    b = write_document(docs, "b.txt", "Tarō Kōno", "April 9, 2019", office="Foreign Minister")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        assert archive.import_document(a).status == "imported"
        alone = people_named(path, "Kouno|Kōno")
        assert len(alone) == 1
        single = facet_count(path, alone[0][0])
        assert archive.import_document(b).status == "imported"
    kono = people_named(path, "Kouno|Kōno")
    assert len(kono) == 1, kono  # listed once in the people facet ...
    person = kono[0][0]
    assert facet_count(path, person) == 2 * single  # ... with the counts of both meetings
    with _reader(path) as conn:
        assert sorted(spellings_of(conn, person)) == [("kono taro", "Japan"), ("kouno taro", "Japan")]
        assert "Tarō Kōno" in json.loads(conn.execute(
            "SELECT aliases FROM people WHERE id = ?", (person,)).fetchone()[0])
    assert_counts_are_a_recount(path, tmp_path)
    assert_fast_equals_slow(path, [person])

    # Both documents changed on disk and imported again: their old records are replaced.
    for doc in (a, b):
        doc.write_text(doc.read_text(encoding="utf-8") + "\n(4) Page Top\n", encoding="utf-8")
    with Archive.open(path) as archive:
        assert [r.status for r in archive.import_paths([b, a], workers=1).results] == [
            "replaced", "replaced"]
    again = people_named(path, "Kouno|Kōno")
    assert len(again) == 1 and facet_count(path, again[0][0]) == 2 * single
    assert_counts_are_a_recount(path, tmp_path)


def test_people_named_in_one_meeting_are_never_merged(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    # A Japanese minister and an attendee whose names fold alike: two people.
    doc = write_document(docs, "a.txt", "Taro Kono", "March 3, 2018")
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "Mr. Shinsuke Sugiyama", "Mr. Taro Kouno"), encoding="utf-8")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([doc]).failures
        both = people_named(path, "Kono|Kouno")
        assert len(both) == 2
        with pytest.raises(PeopleError, match="both appear in one meeting"):
            archive.merge_people(both[0][0], both[1][0])
    assert len(people_named(path, "Kono|Kouno")) == 2


# -- a researcher's merge and split -------------------------------------------------------------

def test_a_merge_survives_reimport_and_a_split_restores_two(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    # A middle initial is not a spelling: these two stay apart until a researcher merges them.
    a = write_document(docs, "a.txt", "Taro Kono", "March 3, 2018")
    b = write_document(docs, "b.txt", "Taro K. Kono", "April 9, 2019")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([a, b], workers=1).failures
    (first, first_name), (second, second_name) = people_named(path, "Kono")
    counts = {first_name: facet_count(path, first), second_name: facet_count(path, second)}
    with _reader(path) as conn:
        before = {table: sorted(conn.execute(f"SELECT * FROM {table}")) for table in DERIVED}
    assert_fast_equals_slow(path, [first, second])

    with Archive.open(path) as archive:
        assert archive.merge_people(first, second) == first
    merged = people_named(path, "Kono")
    assert merged == [(first, "Taro Kono")]
    assert facet_count(path, first) == sum(counts.values())
    assert_counts_are_a_recount(path, tmp_path)
    assert_fast_equals_slow(path, [first])

    # Both documents removed (the person goes with them), then imported again in the other
    # order: still one person, under the name the merge kept.
    with Archive.open(path) as archive:
        with archive.transaction() as conn:
            for document_id, in conn.execute("SELECT id FROM documents").fetchall():
                delete_document(conn, document_id)
        assert people_named(path, "Kono") == []
        assert [r.status for r in archive.import_paths([b, a], workers=1).results] == [
            "imported", "imported"]
    merged = people_named(path, "Kono")
    assert [name for _id, name in merged] == ["Taro Kono"]
    person = merged[0][0]
    assert facet_count(path, person) == sum(counts.values())
    assert_counts_are_a_recount(path, tmp_path)

    with Archive.open(path) as archive:
        result = archive.split_person(person)
    assert len(result.new_ids) == 1
    apart = people_named(path, "Kono")
    assert sorted(name for _id, name in apart) == sorted(counts)
    for person_id, name in apart:
        assert facet_count(path, person_id) == counts[name]
    assert_counts_are_a_recount(path, tmp_path)
    assert_fast_equals_slow(path, [pid for pid, _name in apart])
    with _reader(path) as conn:
        after = {table: sorted(conn.execute(f"SELECT * FROM {table}")) for table in DERIVED}
    # The same counts as before the merge, up to the ids of the people.
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}
    # And the split is remembered: opening (which merges spellings) leaves them apart.
    Archive.open(path).close()
    assert len(people_named(path, "Kono")) == 2


def test_a_split_spelling_is_not_merged_again(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a = write_document(docs, "a.txt", "Koichiro Gemba", "March 3, 2012")
    b = write_document(docs, "b.txt", "Koichiro Genba", "April 9, 2012")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([a, b], workers=1).failures
        [(person, _name)] = people_named(path, "Gemba|Genba")
        archive.split_person(person, [("genba koichiro", "Japan")])
        assert len(people_named(path, "Gemba|Genba")) == 2
        c = write_document(docs, "c.txt", "Koichiro Genba", "May 9, 2012")
        assert archive.import_document(c).status == "imported"
    names = [name for _id, name in people_named(path, "Gemba|Genba")]
    assert sorted(names) == ["Koichiro Gemba", "Koichiro Genba"]
    assert_counts_are_a_recount(path, tmp_path)


def test_merging_two_people_of_a_generated_archive_keeps_every_count(tmp_path: Path) -> None:
    master = tmp_path / "generated.sqlite"
    build_archive(master, 60, seed=11, progress=False)
    with _reader(master) as conn:
        people = [row[0] for row in conn.execute("SELECT id FROM people ORDER BY id")]
        pairs = [(a, b) for a in people[:12] for b in people[:12] if a < b and not conn.execute(
            "SELECT 1 FROM participants x JOIN participants y USING (meeting_id) "
            "WHERE x.person_id = ? AND y.person_id = ?", (a, b)).fetchone()]
    assert pairs

    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.function_scoped_fixture])
    @given(pair=st.sampled_from(pairs), split_back=st.booleans())
    def check(pair: tuple[int, int], split_back: bool) -> None:
        path = tmp_path / "merged.sqlite"
        shutil.copy(master, path)
        with Archive.open(path) as archive:
            archive.merge_people(*pair)
            if split_back:
                archive.split_person(pair[0])
        assert_counts_are_a_recount(path, tmp_path)
        assert_fast_equals_slow(path, [pair[0]])
        path.unlink()

    check()


# -- migration ----------------------------------------------------------------------------------

def test_an_archive_from_before_people_identity_is_upgraded_with_its_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([paths.SAMPLES_DIR]).failures
    tables = ("documents", "meetings", "sections", "items", "statements", "people",
              "participants", "issues", "statement_issues", *DERIVED)
    with _reader(path) as conn:
        people_columns = "id, name, name_key, country, aliases"
        data = {t: sorted(conn.execute(
            f"SELECT {people_columns if t == 'people' else '*'} FROM {t}")) for t in tables}
        participations = sorted(conn.execute("SELECT meeting_id, person_id FROM participants"))
    downgrade(path, BEFORE_PEOPLE)
    with _reader(path) as conn:
        assert "match_key" not in {row[1] for row in conn.execute("PRAGMA table_info(people)")}
    with Archive.open(path) as archive:
        assert archive.schema_version == migrations.latest_version()
    with _reader(path) as conn:
        assert {t: sorted(conn.execute(
            f"SELECT {people_columns if t == 'people' else '*'} FROM {t}")) for t in tables} == data
        assert conn.execute("SELECT count(*) FROM people WHERE match_key IS NULL").fetchone()[0] == 0
        mentioned = sorted(conn.execute("SELECT meeting_id, person_id FROM person_mentions"))
        assert set(participations) <= set(mentioned)
    assert_counts_are_a_recount(path, tmp_path)


def test_people_of_an_older_archive_are_merged_when_it_is_opened(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a = write_document(docs, "a.txt", "Koichiro Gemba", "March 3, 2012")
    b = write_document(docs, "b.txt", "Koichiro Genba", "April 9, 2012")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([a, b], workers=1).failures
        [(person, _name)] = people_named(path, "Gemba|Genba")
        archive.split_person(person)  # two rows, as an archive of an older schema would hold them
    downgrade(path, BEFORE_PEOPLE)  # which drops the decision to keep them apart, too
    assert len(people_named(path, "Gemba|Genba")) == 2
    Archive.open(path).close()
    assert [name for _id, name in people_named(path, "Gemba|Genba")] == ["Koichiro Gemba"]
    assert_counts_are_a_recount(path, tmp_path)
