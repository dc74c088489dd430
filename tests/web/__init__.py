"""Tests of the page views, one module per area of annotations/web/."""
