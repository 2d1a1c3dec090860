"""Roll-up: the export tables of several registers (a county's units in separate repositories) as one.

``merge_tables`` puts the rows of every register's ``build_tables`` into one table per kind: columns
are the union by key (registers may grade with different factors), 序号 runs on across registers,
and rows keep their unit and group apart (a group is prefixed by the register it came from).
``merge_json`` does the same for ``register_json``: one list of units, each naming its register.
"""

from __future__ import annotations

from typing import Any

from lfk.tables.export import TableData


def merge_tables(parts: list[tuple[str, dict[str, TableData]]]) -> dict[str, TableData]:
    """One ``TableData`` per table from ``(register label, tables)`` pairs, in the order given."""
    out: dict[str, TableData] = {}
    for _label, tables in parts:
        for key, td in tables.items():
            merged = out.get(key)
            if merged is None:
                merged = out[key] = TableData(td.table, list(td.columns), merge_keys=td.merge_keys)
            known = {c.key for c in merged.columns}
            for c in td.columns:
                if c.key not in known:
                    merged.columns.append(c)
                    known.add(c.key)
                    for row in merged.rows:
                        row.append(None)
    seqs = {key: 0 for key in out}
    for label, tables in parts:
        for key, td in tables.items():
            merged = out[key]
            at = {c.key: i for i, c in enumerate(td.columns)}
            last_seq: Any = object()
            for row, unit, group in zip(td.rows, td.unit_of_row, td.group_of_row, strict=True):
                cells = {k: row[i] for k, i in at.items()}
                if "seq" in cells:
                    if cells["seq"] != last_seq:
                        seqs[key] += 1
                        last_seq = cells["seq"]
                    cells["seq"] = seqs[key]
                merged.rows.append([cells.get(c.key) for c in merged.columns])
                merged.unit_of_row.append(f"{label}/{unit}")
                merged.group_of_row.append((label, group))
    return out


def merge_json(parts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One ``lfk-register-tables/1`` document from ``(register label, register_json)`` pairs."""
    first = parts[0][1]
    out: dict[str, Any] = {"format": first["format"], "register": first["register"], "year": first["year"],
                           "registers": [], "units": []}
    for label, doc in parts:
        out["registers"].append({"root": label, "name": doc["register"], "year": doc["year"],
                                 "units": [u["id"] for u in doc["units"]]})
        out["units"].extend({"register": doc["register"], **u} for u in doc["units"])
    return out
