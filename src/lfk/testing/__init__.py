"""Test tooling shipped with lfk: seeded register damage (``fuzz``) and synthetic case logs (``synth``)."""
