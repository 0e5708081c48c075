"""Accounts and logging in: throttling of failed log-ins (django-axes) on the site's login and
Wagtail's admin login, and the staff screen that unlocks an account."""
