"""One module per field kind, each with the same small API (see :mod:`dataclean.registry`)."""
