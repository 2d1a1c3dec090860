"""Reading sources: the register's YAML (the only package that touches a YAML library) and tables.

``read`` parses files fast (PyYAML's C composer) into plain data with source positions beside it;
``roundtrip`` edits files in place through ruamel.yaml's round-trip mode, keeping comments and
layout, and writes atomically. ``sheets`` reads the tables units keep (.xlsx, .xls, .docx, .html, .csv)
into rows of cells, for ``lfk import`` and for event logs kept as spreadsheets (``lfk monitor``).
"""

from lfk.loader.read import UNREADABLE, LoadedFile, Suppression, load_bytes, load_file

__all__ = ["UNREADABLE", "LoadedFile", "Suppression", "load_bytes", "load_file"]
