"""Test support: pages, signing in, factories and the shared set-ups of each area.

Tests import from here, never from another test module or from conftest."""
