"""What Open311 export and import share: the spec's request fields, its limits, the kinds.

See the package docstring (:mod:`gridmap.io.open311`) for the mapping to gridmap.
"""

from __future__ import annotations

from gridmap.domain import Channel

SPEC_DESCRIPTION_LIMIT = 4000  # "free form text limited to 4,000 characters"
ID_LIMIT = 64
TEXT_LIMIT = 1000  # address, status notes, names, URLs
DEFAULT_MAX_BYTES = 200 * 2**20
# A request arrives by the 12345 hotline's channel unless its extension says otherwise:
# 12345 is China's 311.
DEFAULT_CHANNEL = str(Channel.HOTLINE)
# The fields of a request in the spec (GET Service Requests), and the extension.
REQUEST_FIELDS: tuple[str, ...] = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url", "extended_attributes",
    # Accepted on input (POST Service Request, Spark's XML mapping) and kept in the note.
    "address_string", "token", "account_id", "attributes",
)
KINDS = ("open", "closed")

__all__ = ["DEFAULT_CHANNEL", "DEFAULT_MAX_BYTES", "ID_LIMIT", "KINDS", "REQUEST_FIELDS", "SPEC_DESCRIPTION_LIMIT",
           "TEXT_LIMIT"]
