"""A participant's zip of their space, prepared the way the worker does it, in the test's
own transaction (the task the request queues runs only after a commit)."""

from wagtail_coaching.privacy import background


def prepare_export(space, user):
    export = background.request_export(space, user)
    background.build(export.pk)
    export.refresh_from_db()
    return export
