"""Risk grading: the engine (``engine``: four methods, exact arithmetic) and the grade/approve services (``report``)."""
