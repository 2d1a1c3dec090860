"""The monitor's checks as SQL (``checks.sql``), run on DuckDB (embedded) or Spark (local or a cluster).

See ``lfk.monitor.sql.engine`` and docs/monitor.md ("Engines").
"""
