"""Exceptions raised by dataclean.

A *data* failure (a bad NHS number in a column) is a result, never an exception: column
functions return masks, statuses and reason codes. Exceptions are for the scalar
``validate`` functions and for configuration, input-file and backend problems.

Every :class:`ValidationError` carries a machine-readable ``reason`` code (``"invalid_checksum"``,
``"placeholder"``, ...) matching the reason column produced by the ``*_series`` functions.
Messages never include the raw value, so they are safe to log.
"""

from __future__ import annotations


class DatacleanError(Exception):
    """Root of every exception raised by dataclean."""


class ValidationError(DatacleanError, ValueError):
    """A single value is not valid for its kind.

    ``reason`` is a stable, machine-readable code; ``str(exc)`` is a human message that
    never contains the raw value.
    """

    reason: str = "invalid"
    default_message: str = "The value is not valid."

    def __init__(self, message: str | None = None, *, reason: str | None = None) -> None:
        if reason is not None:
            self.reason = reason
        super().__init__(message or self.default_message)


class InvalidType(ValidationError):
    """The value is not text or a whole number (bytes, lists, floats with fractions...)."""

    reason = "invalid_type"
    default_message = "The value is not text or a whole number."


class MissingValue(ValidationError):
    """The value is empty, null or NaN."""

    reason = "missing"
    default_message = "The value is missing."


class InvalidFormat(ValidationError):
    """The value does not have the shape of this kind of value."""

    reason = "invalid_format"
    default_message = "The value has an invalid format."


class InvalidLength(InvalidFormat):
    """The value has the wrong number of characters."""

    reason = "invalid_length"
    default_message = "The value has an invalid length."


class InvalidChecksum(ValidationError):
    """The check digit does not match."""

    reason = "invalid_checksum"
    default_message = "The check digit does not match."


class InvalidComponent(ValidationError):
    """A part of the value (a prefix, a letter, a month) is not allowed."""

    reason = "invalid_component"
    default_message = "A part of the value is not allowed."


class PlaceholderValue(ValidationError):
    """The value is a known placeholder or sentinel (``UNKNOWN``, ``ZZ99 3VZ``, ``01/01/1900``)."""

    reason = "placeholder"
    default_message = "The value is a placeholder, not real data."


# --- addresses (dataclean.fields.address) -------------------------------------


class NoFixedAbode(PlaceholderValue):
    """The address says the person has no fixed abode (``NFA``, ``ZZ99 3VZ``)."""

    reason = "no_fixed_abode"
    default_message = "The address records no fixed abode."


class InvalidPostcode(InvalidFormat):
    """The address holds a postcode-shaped run that is not a valid UK postcode."""

    reason = "invalid_postcode"
    default_message = "The address has an invalid postcode."


# --- dates of birth (dataclean.fields.date_of_birth) --------------------------


class ImpossibleDate(InvalidComponent):
    """The value has a date's shape but no such day exists (31 February, month 13)."""

    reason = "impossible_date"
    default_message = "There is no such date."


class SentinelDate(PlaceholderValue):
    """A date systems write when the real date is unknown (01/01/1900, 31/12/9999...)."""

    reason = "sentinel_date"
    default_message = "The date is a placeholder for an unknown date of birth."


class FutureDate(ValidationError):
    """The date of birth is after the reference date."""

    reason = "future_date"
    default_message = "The date of birth is in the future."


class ImplausibleDate(ValidationError):
    """Before 1900-01-01 or older than MAX_AGE_YEARS on the reference date."""

    reason = "implausible_date"
    default_message = "The date of birth is implausibly early."


class PartialDate(InvalidFormat):
    """Only a year, or a month and year."""

    reason = "partial_date"
    default_message = "The value is not a full date (day, month and year)."


# --- phone numbers (dataclean.fields.phone) -----------------------------------


class InvalidNumber(ValidationError):
    """The number has a possible length but is not in an assigned range (phonenumbers metadata)."""

    reason = "invalid_number"
    default_message = "The phone number is not in an assigned number range."


class InvalidCountryCode(ValidationError):
    """The international prefix names no country."""

    reason = "invalid_country_code"
    default_message = "The phone number has an unknown country code."


class MultipleNumbers(InvalidFormat):
    """The cell holds more than one number."""

    reason = "multiple_numbers"
    default_message = "The value holds more than one phone number."


class ConfigError(DatacleanError):
    """A suite file, a CLI argument or an API argument is wrong.

    ``problems`` lists every problem found (configuration is checked as a whole, so the user
    can fix everything in one go); ``source`` names the file when there is one.
    """

    def __init__(self, problems: str | list[str], *, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            text = head + self.problems[0]
        else:
            text = head + f"{len(self.problems)} problems:\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)


class DataFileError(DatacleanError):
    """An input data file cannot be read (missing, empty, wrong encoding, ragged rows)."""


class BackendUnavailable(DatacleanError, ImportError):
    """An optional backend or extra is not installed; the message names what to install."""
