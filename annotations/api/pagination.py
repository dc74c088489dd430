"""Cursor pagination: stable while rows are added, no COUNT query, pages of up to 500."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Ordered by id: rows created later always come after, so a walk never skips or
    repeats a row when someone adds one meanwhile."""

    ordering = ("id",)
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = "Rows per page (1–500, default 100)."
