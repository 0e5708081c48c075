"""A site that swaps Wagtail's base page model (``WAGTAIL_PAGE_MODEL``), as Wagtail 8 allows.

``tests/test_swapped_page_model.py`` migrates it from nothing and drives the app in it.
"""
