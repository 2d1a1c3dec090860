"""The clause-16 assessment card (``card``)."""
