"""Every lint rule, one module per topic; importing this package registers them all."""

from lfk.lint.rules import (
    acceptances,  # noqa: F401  - LFK805-LFK807
    authorities,  # noqa: F401  - LFK2xx
    baseline,  # noqa: F401  - LFK111-LFK115
    benchmarks,  # noqa: F401  - LFK6xx
    disclosure,  # noqa: F401  - LFK7xx
    disposals,  # noqa: F401  - LFK8xx
    files,  # noqa: F401  - LFK0xx
    flows,  # noqa: F401  - LFK3xx
    laws,  # noqa: F401  - LFK210
    measures,  # noqa: F401  - LFK5xx
    residual,  # noqa: F401  - LFK412-LFK413
    risks,  # noqa: F401  - LFK4xx
    structure,  # noqa: F401  - LFK1xx
)
