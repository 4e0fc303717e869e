"""The `id` path converter: a record id in a page's URL, 1 to the largest bigint.

Django's `int` takes any number of digits, and a number past 64 bits reached the database as a server error;
with `id` such a URL is a 404 like any id that names nothing.
"""

from __future__ import annotations

from casework.core import limits


class IdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > limits.MAX_ID:
            raise ValueError("past the largest id")  # Django answers 404: no pattern matched
        return number

    def to_url(self, value) -> str:
        return str(value)
