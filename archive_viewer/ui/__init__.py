"""The Qt user interface: the only layer that imports PySide6.

Start it with :func:`archive_viewer.ui.app.run`; importing this package does not import Qt.
"""
