"""Every action of the main window and its keyboard shortcuts, in one place.

Like git-cola's hotkeys.py: the window wires behaviour to these actions by name, menus and the
toolbar place them, and the keyboard-shortcuts dialog lists them from here, so a shortcut is
changed (and checked for clashes) in one file.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle

from archive_viewer.statement_html import GROUPINGS
from archive_viewer.ui import icons

Key = QKeySequence.StandardKey
SP = QStyle.StandardPixmap

#: The action of each grouping of the detail pane's statements.
GROUPING_ACTIONS = {"speaker": "group_by_speaker", "document": "document_order",
                    "sides": "side_by_side"}


@dataclass(frozen=True)
class ActionSpec:
    name: str  # attribute of WindowActions
    text: str  # menu text, with its & accelerator
    shortcuts: tuple[Key | str, ...] = ()
    tip: str = ""
    theme_icon: str = ""  # freedesktop icon name, tried when app_icon has none
    fallback_icon: SP | None = None  # Qt's own, when the desktop has no icon theme
    checkable: bool = False
    menu: str = ""  # the menu that lists it (for the shortcuts dialog)
    app_icon: str = ""  # a name for icons.action_icon (painted to follow the palette), tried first


SPECS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("new_archive", "&New Archive…", (Key.New,), "Create an empty archive and open it",
               "document-new", SP.SP_FileIcon, menu="File", app_icon="new"),
    ActionSpec("open_archive", "&Open Archive…", (Key.Open,), "Open another archive file",
               "document-open", SP.SP_DialogOpenButton, menu="File", app_icon="open"),
    ActionSpec("import_files", "&Import Documents…", ("Ctrl+I",),
               "Import meeting documents (.txt, .htm, .html) into this archive",
               "document-import", SP.SP_ArrowDown, menu="File", app_icon="import"),
    ActionSpec("import_folder", "Import &Folder…", ("Ctrl+Shift+I",),
               "Import every document in a folder and its subfolders",
               "folder-download", SP.SP_DirOpenIcon, menu="File"),
    ActionSpec("export_pdf", "&Export to PDF…", ("Ctrl+E",),
               "Save the selected meeting, section or item as a PDF to cite",
               "document-export", SP.SP_DialogSaveButton, menu="File"),
    ActionSpec("export_filter_pdf", "Export &Matching Sections to PDF…", ("Ctrl+Shift+E",),
               "Save every section matching the filter as one PDF, with a contents page",
               "document-export", None, menu="File"),
    ActionSpec("export_statements", "Export &Statements…", (),
               "Save the statements matching the filter as CSV or JSON, one row per statement",
               "document-export", None, menu="File"),
    ActionSpec("export_bundle", "Export Archive as &Bundle…", (),
               "Save the whole archive as one portable JSON file another installation imports",
               "document-save-as", None, menu="File"),
    ActionSpec("import_bundle", "Import &Bundle…", (),
               "Import the documents of an archive bundle into this archive",
               "document-import", None, menu="File"),
    ActionSpec("export_timeline_pdf", "Export Issue &Timeline to PDF…", (),
               "Save the issue timeline as shown, with its statements grouped by meeting, as a PDF",
               "document-export", None, menu="File"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "Close Archive Viewer",
               "application-exit", SP.SP_DialogCloseButton, menu="File", app_icon="quit"),
    # Edit
    ActionSpec("undo", "&Undo", (Key.Undo,),
               "Undo the last change to your notes and tags (in a text field: its own undo)",
               "edit-undo", None, menu="Edit"),
    ActionSpec("redo", "&Redo", (Key.Redo,), "Redo the change to your notes and tags undone last",
               "edit-redo", None, menu="Edit"),
    ActionSpec("copy", "&Copy", (Key.Copy,), "Copy the selected text",
               "edit-copy", None, menu="Edit"),
    ActionSpec("copy_citation", "Copy with &Citation", ("Ctrl+Shift+C",),
               "Copy the selected text, or the selected meeting, section or item, with its "
               "citation (in the style of Edit ▸ Copy Citation As)",
               "edit-copy", SP.SP_FileDialogDetailedView, menu="Edit"),
    ActionSpec("copy_link", "Copy &Link", ("Ctrl+L",),
               "Copy a link to the selected statement, item, section or meeting "
               "(archive-viewer://…), which opens it again",
               "edit-link", None, menu="Edit"),
    ActionSpec("find", "&Find…", (Key.Find,), "Search the statements (the sidebar's search box)",
               "edit-find", SP.SP_FileDialogContentsView, menu="Edit", app_icon="search"),
    ActionSpec("clear_filters", "C&lear All Filters", ("Ctrl+Shift+Backspace",),
               "Remove the search and every facet filter",
               "edit-clear", SP.SP_DialogResetButton, menu="Edit",
               app_icon="clear_filters"),
    ActionSpec("save_search", "&Save Search…", ("Ctrl+S",),
               "Keep the current search and filters under a name, in the sidebar's Saved "
               "searches, with what is new in them after each import",
               "document-save", None, menu="Edit"),
    # Notes
    ActionSpec("add_note", "Add &Note…", ("Ctrl+Shift+N",),
               "Write a note on the selected statement (in the statements pane), or on the "
               "meeting, section or item selected in the tree",
               "document-edit", None, menu="Notes"),
    ActionSpec("tag_node", "&Tag…", ("Ctrl+Shift+G",),
               "Put your own tags on the selected statement, or on the meeting, section or "
               "item selected in the tree", "tag", None, menu="Notes"),
    ActionSpec("all_notes", "&All Notes…", (),
               "Every note you wrote, searchable, with where it is", "view-list-text", None,
               menu="Notes"),
    ActionSpec("manage_tags", "&Manage Tags…", (), "Rename or delete your tags",
               "tag", None, menu="Notes"),
    ActionSpec("unattached_notes", "&Unattached Notes and Tags…", (),
               "Notes and tags of records no longer in the archive (a document deleted or "
               "changed): read, copy or delete them", "dialog-warning", None, menu="Notes"),
    # View
    ActionSpec("toggle_sidebar", "Show &Filter Sidebar", ("Ctrl+B",),
               "Show or hide the filter sidebar", "view-filter", None, checkable=True,
               menu="View", app_icon="sidebar"),
    ActionSpec("refresh", "&Refresh", ("F5",),
               "Read the archive again: what another window or the command line imported",
               "view-refresh", SP.SP_BrowserReload, menu="View"),
    ActionSpec("issue_timeline", "Issue &Timeline…", ("Ctrl+Shift+T",),
               "One issue's statements through time, by country or speaker",
               "view-calendar-timeline", None, menu="View"),
    ActionSpec("group_by_speaker", "Group by &Speaker", ("Ctrl+G",),
               "Statements grouped by speaker: each principal, then joint, then no speaker",
               "view-list-tree", None, checkable=True, menu="View"),
    ActionSpec("document_order", "&Document Order", ("Ctrl+D",),
               "Statements in the order of the document, with the speaker on each",
               "view-list-text", None, checkable=True, menu="View"),
    ActionSpec("side_by_side", "Side &by Side", ("Ctrl+T",),
               "Statements in one column per side, aligned by agenda item; joint ones across the columns",
               "view-split-left-right", None, checkable=True, menu="View"),
    ActionSpec("text_larger", "&Larger Text", (Key.ZoomIn, "Ctrl+="), "Larger text in the detail pane",
               "zoom-in", None, menu="View"),
    ActionSpec("text_smaller", "S&maller Text", (Key.ZoomOut,), "Smaller text in the detail pane",
               "zoom-out", None, menu="View"),
    ActionSpec("text_reset", "&Reset Text Size", ("Ctrl+0",), "The system's text size",
               "zoom-original", None, menu="View"),
    ActionSpec("next_pane", "&Next Pane", ("F6",), "Move to the next pane", menu="View"),
    ActionSpec("previous_pane", "&Previous Pane", ("Shift+F6",), "Move to the previous pane",
               menu="View"),
    ActionSpec("focus_sidebar", "Go to &Filters", ("Ctrl+1",), "Move to the filter sidebar",
               menu="View"),
    ActionSpec("focus_tree", "Go to &Meetings", ("Ctrl+2",), "Move to the meeting tree",
               menu="View"),
    ActionSpec("focus_detail", "Go to &Statements", ("Ctrl+3",), "Move to the detail pane",
               menu="View"),
    # Help
    ActionSpec("shortcuts", "&Keyboard Shortcuts", ("F1",), "List every keyboard shortcut",
               "help-keyboard-shortcuts", None, menu="Help"),
    ActionSpec("about", "&About Archive Viewer", (), "Version and the archive in use",
               "help-about", SP.SP_MessageBoxInformation, menu="Help", app_icon="about"),
)


class WindowActions(QObject):
    """The window's QActions as attributes named like their specs (``actions.import_files``)."""

    new_archive: QAction
    open_archive: QAction
    import_files: QAction
    import_folder: QAction
    export_pdf: QAction
    export_filter_pdf: QAction
    export_statements: QAction
    export_bundle: QAction
    import_bundle: QAction
    export_timeline_pdf: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    save_search: QAction
    add_note: QAction
    tag_node: QAction
    all_notes: QAction
    manage_tags: QAction
    unattached_notes: QAction
    copy: QAction
    copy_citation: QAction
    copy_link: QAction
    find: QAction
    clear_filters: QAction
    toggle_sidebar: QAction
    refresh: QAction
    issue_timeline: QAction
    group_by_speaker: QAction
    document_order: QAction
    side_by_side: QAction
    text_larger: QAction
    text_smaller: QAction
    text_reset: QAction
    next_pane: QAction
    previous_pane: QAction
    focus_sidebar: QAction
    focus_tree: QAction
    focus_detail: QAction
    shortcuts: QAction
    about: QAction

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._by_name: dict[str, QAction] = {}
        for spec in SPECS:
            action = QAction(spec.text, parent)
            action.setObjectName(f"action_{spec.name}")
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            tip = spec.tip or spec.text.replace("&", "")
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            action.setStatusTip(tip)
            action.setCheckable(spec.checkable)
            icon = _icon(spec)
            if icon is not None:
                action.setIcon(icon)
            setattr(self, spec.name, action)
            self._by_name[spec.name] = action
        # The groupings exclude each other.
        self.grouping = QActionGroup(self)
        for grouping in GROUPINGS:
            self.grouping.addAction(self.grouping_action(grouping))
        self.grouping.setExclusive(True)

    def by_name(self, name: str) -> QAction:
        return self._by_name[name]

    def grouping_action(self, grouping: str) -> QAction:
        """The action that shows the statements in ``grouping`` (one of GROUPINGS)."""
        return self._by_name[GROUPING_ACTIONS[grouping]]


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(menu, action, shortcuts) for every action that has a shortcut, for the help dialog."""
    rows = []
    for spec in SPECS:
        if not spec.shortcuts:
            continue
        keys = ", ".join(
            QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts
        )
        rows.append((spec.menu, spec.text.replace("&", ""), keys))
    return rows


def _icon(spec: ActionSpec) -> QIcon | None:
    if spec.app_icon:
        icon = icons.action_icon(spec.app_icon)
        if not icon.isNull():
            return icon
    if spec.theme_icon and QIcon.hasThemeIcon(spec.theme_icon):
        return QIcon.fromTheme(spec.theme_icon)
    if spec.fallback_icon is not None:
        style = QApplication.style()
        if style is not None:
            return style.standardIcon(spec.fallback_icon)
    return None
