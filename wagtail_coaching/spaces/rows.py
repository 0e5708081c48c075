"""Rows read by hand-written SQL, made into what the ORM would have made of them.

The busiest pages (My coaching, the next-session card) read their rows with SQL written once
a process: the ORM took longer to build those statements than the database took to run them.
These helpers turn such a row's values into Python values exactly as the ORM does for the
same fields on the same database (a UUID stored as text on SQLite, a time made aware, ...),
and into model instances holding only the fields read.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def field(model, name):
    """The field ``name`` of ``model`` ("pk": its primary key)."""
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


class _Reader:
    """How to make an instance of ``model`` from the values of its fields ``names`` read on
    ``connection``: the converters the ORM applies to each, and the order ``from_db`` takes
    them in (the model's)."""

    def __init__(self, connection, model, names):
        self.connection = connection
        self.model = model
        fields = [field(model, name) for name in names]
        given = {one.attname: index for index, one in enumerate(fields)}
        ordered = [one for one in model._meta.concrete_fields if one.attname in given]
        self.attnames = [one.attname for one in ordered]
        self.positions = [given[one.attname] for one in ordered]
        self.steps = []
        for one in ordered:
            column = one.get_col(model._meta.db_table)
            converters = [
                *connection.ops.get_db_converters(column),
                *column.get_db_converters(connection),
            ]
            self.steps.append((column, converters))

    def make(self, values):
        converted = []
        for position, (column, converters) in zip(self.positions, self.steps, strict=True):
            value = values[position]
            for converter in converters:
                value = converter(value, column, self.connection)
            converted.append(value)
        return self.model.from_db(self.connection.alias, self.attnames, converted)


_READERS = {}


def reader(model, names, using=DEFAULT_DB_ALIAS):
    """The :class:`_Reader` of ``model``'s fields ``names`` on the database ``using`` (made
    once a process)."""
    connection = connections[using]
    key = (using, connection.vendor, model, tuple(names))
    if key not in _READERS:
        _READERS[key] = _Reader(connection, model, names)
    return _READERS[key]


def instance(model, names, values, using=DEFAULT_DB_ALIAS):
    """An instance of ``model`` from the database values of its fields ``names`` (the other
    fields load on access, as with ``only()``)."""
    return reader(model, names, using).make(values)


def python_value(model_field, value, using=DEFAULT_DB_ALIAS):
    """``value`` of ``model_field``, as read from the database, as the ORM returns it."""
    one = reader(model_field.model, [model_field.name], using)
    column, converters = one.steps[0]
    for converter in converters:
        value = converter(value, column, one.connection)
    return value
