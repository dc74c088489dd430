"""Tests of the importers, one module per module of annotations/importers/."""
