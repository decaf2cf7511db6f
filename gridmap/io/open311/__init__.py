"""Open311 GeoReport v2 in and out: service lists and service requests as JSON.

The package's front door; the work is in :mod:`.spec` (the fields and limits both
directions share), :mod:`.export` (services and requests out) and :mod:`.reader`
(requests in).

The spec (``wiki.open311.org/GeoReport_v2``, kept in ``shared/data/open311_spec/``)
has two resources this module speaks:

- **services** (GET Service List): our issue categories, :func:`export_services`.
- **requests** (GET Service Requests): our issues, :func:`export_requests` out and
  :func:`import_requests` in. ``python -m gridmap import issues FILE`` and the import
  page recognise such a file from its content (:func:`is_requests_file`) and come here.

The mapping (both ways):

========================  ==============================================================
Open311                   gridmap
========================  ==============================================================
``service_request_id``    ``id`` (kept as given; at most 64 characters)
``status`` open/closed    the lifecycle's open/closed kind (:data:`ISSUE_LIFECYCLE`):
                          in, ``open`` -> 已上报 reported, ``closed`` -> 结案 closed, unless
                          ``extended_attributes.status`` names a status of the same kind
``service_code``          ``category`` (our codes; ``service_name`` may name one in
                          Chinese or English; others by a mapping or a fallback category)
``requested_datetime``    ``reported_at`` (converted to Beijing time)
``updated_datetime``      ``closed_at`` of a closed request; the time of its last step
``expected_datetime``     ``deadline`` (in, when missing: the category's deadline)
``agency_responsible``    ``department`` (in: a department code or name, else routed)
``lat``/``long``          the point (WGS84); in no micro-grid: kept, ``outside`` flagged
``address``, ``address_id``  out: the unit names, most specific first, and the micro-grid
                          code; in: kept in the first history row's note
``media_url``             out: for an issue with photos, its page in the app
                          (``GRIDMAP_PUBLIC_URL`` + ``/issue?id=...``; the photos are
                          shown after sign-in); in: kept in the first history row's note
                          and counted in the report, never downloaded (offline)
========================  ==============================================================

Out, ``extended_attributes`` (the spec's documented extension) carries what open/closed
cannot say: the lifecycle status, the channel, the department code and ``outside``, so
an export imports back exactly. The reporter's name is personal data and stays out.

An import is all or nothing, in one transaction, with history rows as the lifecycle
keeps them: 上报 at ``requested_datetime`` and, for a request past that, one row to its
status at ``updated_datetime`` (the steps in between happened in the other system).
Every problem names the record (its number and ``service_request_id``) and the field.
"""

from __future__ import annotations

from gridmap.io.open311.export import dumps, export_requests, export_services, media_url
from gridmap.io.open311.reader import Open311Report, import_requests, is_requests_file
from gridmap.io.open311.spec import DEFAULT_CHANNEL, DEFAULT_MAX_BYTES, REQUEST_FIELDS, SPEC_DESCRIPTION_LIMIT

__all__ = [
    "DEFAULT_CHANNEL",
    "DEFAULT_MAX_BYTES",
    "REQUEST_FIELDS",
    "SPEC_DESCRIPTION_LIMIT",
    "Open311Report",
    "dumps",
    "export_requests",
    "export_services",
    "import_requests",
    "is_requests_file",
    "media_url",
]
