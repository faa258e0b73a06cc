"""Every list endpoint of the API router is paginated (the project's page-number pagination)."""

from __future__ import annotations

from congress.api import Pagination
from congress.api_urls import router


def test_every_list_endpoint_of_the_router_is_paginated():
    lists = [
        (prefix, viewset) for prefix, viewset, _ in router.registry if hasattr(viewset, "list")
    ]
    assert len(lists) >= 20
    unpaginated = [
        prefix
        for prefix, viewset in lists
        if viewset.pagination_class is None or not issubclass(viewset.pagination_class, Pagination)
    ]
    assert unpaginated == []
    assert Pagination.max_page_size <= 100  # a client cannot ask for every row at once
