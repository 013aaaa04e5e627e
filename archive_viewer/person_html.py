"""A person's page as text and HTML: the person page's summary line and the person PDF. No Qt.

Every string from the archive goes through :func:`esc`, as in statement_html. The HTML keeps to
what Qt's rich-text engine lays out on paper: paragraphs rather than long tables (a table cell
running over a page break repeats lines in the PDF's text layer), and a per-year chart of small
tables whose cells are coloured bars.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from archive_viewer import __version__
from archive_viewer.statement_html import Colours, esc, readable_date
from archive_viewer.store.person_profile import IssueCount, PersonProfile, ProfileMeeting

#: Width in pixels of the longest bar of the meetings-per-year chart.
BAR_WIDTH = 360


def facts_line(profile: PersonProfile) -> str:
    """ "Japan · 4 meetings (4 as principal) · 10 November 2011 – 28 September 2012 · 11
    statements, and 5 joint statements of meetings they led" (plain text)."""
    meetings = len(profile.meetings)
    roles = []
    if profile.principal_meetings:
        roles.append(f"{profile.principal_meetings:,} as principal")
    if profile.attendee_meetings:
        roles.append(f"{profile.attendee_meetings:,} attending")
    parts = [profile.country or "Country unknown",
             f"{meetings:,} meeting{'' if meetings == 1 else 's'}"
             + (f" ({', '.join(roles)})" if roles else "")]
    first, last = readable_date(profile.first_held), readable_date(profile.last_held)
    if first:
        parts.append(first if first == last else f"{first} – {last}")
    said = f"{profile.statements:,} statement{'' if profile.statements == 1 else 's'}"
    if profile.has_details and profile.joint_statements:
        said += f", and {profile.joint_statements:,} joint statements of meetings they led"
    parts.append(said)
    return " · ".join(parts)


def other_names(profile: PersonProfile) -> list[str]:
    """The spellings and aliases of the person besides the name shown."""
    others = [s.name for s in profile.spellings if s.name != profile.name]
    return list(dict.fromkeys([*others, *profile.aliases]))


def person_html(profile: PersonProfile, *, exported_on: date, archive_name: str,
                colours: Colours | None = None) -> str:
    """The whole person page for paper."""
    c = colours or Colours()
    parts = [
        "<style>h1 { font-size: x-large; margin-bottom: 2px; }"
        "h2 { font-size: large; margin-top: 16px; margin-bottom: 4px; }</style>",
        f"<h1>{esc(profile.name)}</h1>",
        f'<p style="color:{c.muted}; margin-top:0px;">{esc(facts_line(profile))}</p>',
    ]
    rows = []
    names = other_names(profile)
    if names:
        rows.append(_row("Also written", esc(", ".join(names)), c))
    if profile.merged_spellings:
        rows.append(_row("Merged by hand", esc(", ".join(profile.merged_spellings)), c))
    if profile.titles:
        rows.append(_row("Titles", "<br>".join(
            f"{esc(span.title)} <span style=\"color:{c.muted};\">— {esc(_span_dates(span.first, span.last))}"
            f", {span.meetings:,} meeting{'' if span.meetings == 1 else 's'}</span>"
            for span in profile.titles), c))
    if rows:
        parts.append(f'<table cellspacing="0" cellpadding="2">{"".join(rows)}</table>')
    parts.append(_years_chart(profile, c))
    parts.append("<h2>Meetings</h2>")
    # With one title, it is in the Titles above: not repeated on every line.
    titled = len(profile.titles) > 1
    parts.extend(_meeting_line(m, c, titled=titled) for m in profile.meetings)
    if profile.issues:
        parts.append("<h2>Statements by issue</h2>")
        parts.append(f'<p style="color:{c.muted};">Statements {esc(profile.name)} made, counted '
                     "under each issue and every broader one.</p>")
        parts.extend(_issue_lines(profile.issues, c))
    if profile.counterparts:
        parts.append("<h2>Counterparts met most</h2>")
        for other in profile.counterparts:
            who = esc(other.name) + (f" ({esc(other.country)})" if other.country else "")
            parts.append(f'<p style="margin:0px 0px 3px 0px;">{who} '
                         f'<span style="color:{c.muted};">— {other.meetings:,} meeting'
                         f"{'' if other.meetings == 1 else 's'}, {other.as_principal:,} as "
                         "principal</span></p>")
    parts.append(
        f'<hr><p style="color:{c.muted};">Exported {esc(readable_date(exported_on.isoformat()))} '
        f"from the archive {esc(archive_name)} with Archive Viewer {esc(__version__)}. Meetings are "
        "those whose records list the person or their statements; names are as the records "
        "write them.</p>")
    return "\n".join(parts)


def _row(label: str, value_html: str, c: Colours) -> str:
    return (f'<tr><td valign="top" style="color:{c.muted}; padding-right:12px;">{esc(label)}</td>'
            f'<td valign="top">{value_html}</td></tr>')


def _span_dates(first: str | None, last: str | None) -> str:
    first_text, last_text = readable_date(first), readable_date(last)
    if not first_text:
        return "undated"
    return first_text if first_text == last_text else f"{first_text} – {last_text}"


def _years_chart(profile: PersonProfile, c: Colours) -> str:
    """Meetings per year as bars: principal meetings dark, others light."""
    principal = Counter(m.held_on[:4] for m in profile.meetings if m.held_on and m.role == "principal")
    others = Counter(m.held_on[:4] for m in profile.meetings if m.held_on and m.role != "principal")
    years = sorted(set(principal) | set(others))
    if not years:
        return ""
    span = range(int(years[0]), int(years[-1]) + 1)
    most = max(principal[str(y)] + others[str(y)] for y in span) or 1
    rows = []
    for year in span:
        p, o = principal[str(year)], others[str(year)]
        bars = "".join(
            f'<td width="{max(1, round(BAR_WIDTH * n / most))}" bgcolor="{colour}">&nbsp;</td>'
            for n, colour in ((p, c.link), (o, c.rule)) if n)
        bar = (f'<table cellspacing="0" cellpadding="0" height="9"><tr>{bars}</tr></table>'
               if bars else "")
        rows.append(f'<tr><td style="color:{c.muted}; padding-right:8px;">{year}</td>'
                    f"<td>{bar}</td>"
                    f'<td align="right" style="padding-left:8px;">{p + o or ""}</td></tr>')
    legend = (f'<p style="color:{c.muted};"><span style="background-color:{c.link};">&nbsp;&nbsp;'
              f"</span> as principal &nbsp; <span style=\"background-color:{c.rule};\">&nbsp;&nbsp;"
              "</span> attending or speaking</p>")
    return ("<h2>Meetings by year</h2>"
            f'<table cellspacing="0" cellpadding="1">{"".join(rows)}</table>{legend}')


def _meeting_line(meeting: ProfileMeeting, c: Colours, *, titled: bool) -> str:
    role = {"principal": "principal", "attendee": "attending"}.get(meeting.role or "", "speaking")
    about = ", ".join(part for part in (role, meeting.title_held if titled else None) if part)
    facts = " · ".join(esc(part) for part in (meeting.location, about) if part)
    said = (f", {meeting.statements:,} statement{'' if meeting.statements == 1 else 's'}"
            if meeting.statements else "")
    return (f'<p style="margin:0px 0px 3px 0px;"><span style="color:{c.muted};">'
            f"{esc(meeting.held_on or 'undated')}</span>&nbsp; {esc(meeting.title)} "
            f'<span style="color:{c.muted};">— {facts}{said}</span></p>')


def _issue_lines(issues: Sequence[IssueCount], c: Colours) -> list[str]:
    """Issues as an indented tree, each level by statements."""
    children: dict[int | None, list[IssueCount]] = {}
    known = {i.issue_id for i in issues}
    for issue in issues:
        parent = issue.parent_id if issue.parent_id in known else None
        children.setdefault(parent, []).append(issue)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for issue in children.get(parent, []):
            lines.append(f'<p style="margin:0px 0px 2px {depth * 18}px;">{esc(issue.name)} '
                         f'<span style="color:{c.muted};">— {issue.statements:,}</span></p>')
            if depth < 8:
                walk(issue.issue_id, depth + 1)

    walk(None, 0)
    return lines
