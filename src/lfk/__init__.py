"""lfk (廉防控): lint, grade, draw, compare, monitor and publish 廉政风险防控 registers."""

__version__ = "0.1.0"
