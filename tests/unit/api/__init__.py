"""Tests of lfk.api."""
