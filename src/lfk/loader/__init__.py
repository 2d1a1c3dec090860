"""The only package that touches a YAML library.

``read`` parses files fast (PyYAML's C composer) into plain data with source positions beside it;
``roundtrip`` edits files in place through ruamel.yaml's round-trip mode, keeping comments and
layout, and writes atomically.
"""

from lfk.loader.read import UNREADABLE, LoadedFile, Suppression, load_bytes, load_file

__all__ = ["UNREADABLE", "LoadedFile", "Suppression", "load_bytes", "load_file"]
