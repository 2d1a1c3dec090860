"""Every lint rule, one module per topic; importing this package registers them all."""

from lfk.lint.rules import files, structure  # noqa: F401

try:  # topic modules added by later work register themselves when present
    from lfk.lint.rules import authorities, benchmarks, disclosure, flows, measures, risks  # noqa: F401
except ImportError:  # pragma: no cover
    pass
