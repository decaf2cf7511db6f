"""Files in and out: GeoJSON, GeoPackage, zipped Shapefile and CSV.

Public names:

- :func:`read_layer_file` -- read and validate a file for a layer (pure; no store).
- :func:`import_layer` -- read, validate, assign points to units, write in one
  transaction; nothing is written when anything is wrong.
- :func:`export_layer` -- a stored layer to a file; :func:`write_frame` does the
  writing for any frame.
- :func:`check_nesting` -- do units nest into their parents without overlapping?
- :class:`ImportResult`, :class:`ImportReport` -- what a read or an import gives back.
- :class:`Problem` -- one finding: where (the feature, a unit, the file) and a
  :class:`Message` (an i18n key of :mod:`gridmap.i18n.io` with its values);
  ``text(lang)`` renders it in Chinese or English.
- :class:`ImportRejected` -- the refusal; ``.problems`` lists every error and
  ``.repairs`` the repairs made before it.
- :data:`DEFAULT_MAX_VERTICES`, :data:`DEFAULT_MAX_EXTENT_DEG` -- the per-feature
  limits; ``max_vertices=`` / ``max_extent_deg=`` of the two import functions change them.

Modules: ``sources`` (formats and encodings), ``jsontext`` (JSON depth guard, formats
recognised, why a feature has no geometry), ``archive`` (size limits, safe unzip),
``geometry`` (geometry checks, CRS, extent, precision, orientation, repairs),
``fields`` (attribute conversion and shapefile field names), ``nesting`` (units),
``read``, ``write``, ``transfer`` (store-backed import and export), ``problems``.
"""

from gridmap.io.fields import shapefile_names
from gridmap.io.nesting import check_nesting
from gridmap.io.problems import ImportRejected, ImportReport, ImportResult, Message, Problem
from gridmap.io.read import DEFAULT_MAX_BYTES, DEFAULT_MAX_EXTENT_DEG, DEFAULT_MAX_VERTICES, read_layer_file
from gridmap.io.transfer import export_layer, import_layer
from gridmap.io.write import FORMATS, table_csv, write_frame

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_EXTENT_DEG",
    "DEFAULT_MAX_VERTICES",
    "FORMATS",
    "ImportRejected",
    "ImportReport",
    "ImportResult",
    "Message",
    "Problem",
    "check_nesting",
    "export_layer",
    "import_layer",
    "read_layer_file",
    "shapefile_names",
    "table_csv",
    "write_frame",
]
