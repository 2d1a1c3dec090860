"""Tables officers file (职权目录, 廉政风险防控登记表, 防控措施, 裁量基准): export to xlsx/csv/json and import back.

``build_tables`` / ``workbook_bytes`` / ``write_csv`` / ``register_json`` export; ``run_import`` reads
an xlsx, csv (UTF-8 or GBK) or json file into a unit's YAML (see ``lfk.tables.importer``).
"""

from lfk.tables.columns import TABLE_ORDER, TABLES, Column, Table
from lfk.tables.export import TableData, build_tables, register_json, write_csv
from lfk.tables.importer import ImportResult, PlannedFile, plan_import, read_items, run_import
from lfk.tables.xlsx import workbook_bytes

__all__ = [
    "TABLES", "TABLE_ORDER", "Column", "ImportResult", "PlannedFile", "Table", "TableData", "build_tables",
    "plan_import", "read_items", "register_json", "run_import", "workbook_bytes", "write_csv",
]
