"""Page views, one module per area; annotations/urls.py routes them."""
