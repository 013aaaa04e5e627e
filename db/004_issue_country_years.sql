-- Archive Viewer archive schema, version 4: statements per issue, country and year.
--
-- "An issue in one country's meetings over some years" is the commonest research filter after
-- an issue alone. The issues facet then counts, per issue, the statements in the meetings the
-- country and the dates leave: on an archive of 100,000 meetings that was the sum of some
-- 200,000 per-meeting rows (meeting_issue_counts) on every filter change. Kept per issue,
-- country and year, it is a few thousand rows, plus the per-meeting rows of the at most two
-- years the date range only partly covers (archive_viewer/store/summary.py).
--
-- Derived like the tables of db/003: kept by Archive.refresh_counts from the stale meetings'
-- rows (taken out with their old countries from counted_countries, added back with the new).

-- issue_country_year_counts: per country, year and issue (0: any), the meetings about the
-- issue and their statements about it.
--   year  the year the meeting was held; 0 for undated meetings
CREATE TABLE issue_country_year_counts (
    country    TEXT NOT NULL,
    year       INTEGER NOT NULL,
    issue_id   INTEGER NOT NULL,
    meetings   INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (country, year, issue_id)
) WITHOUT ROWID;

INSERT INTO issue_country_year_counts (country, year, issue_id, meetings, statements)
SELECT counted.country, ifnull(CAST(substr(c.held_on, 1, 4) AS INTEGER), 0) AS year,
       c.issue_id, count(*), sum(c.statements)
FROM counted_countries AS counted
CROSS JOIN meeting_issue_counts AS c ON c.meeting_id = counted.meeting_id
GROUP BY counted.country, year, c.issue_id;
