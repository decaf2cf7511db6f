"""Files in and out: GeoJSON, GeoPackage, zipped Shapefile and CSV.

Public names:

- :func:`read_layer_file` -- read and validate a file for a layer (pure; no store).
- :func:`import_layer` -- read, validate, assign points to units, write in one
  transaction; nothing is written when anything is wrong.
- :func:`export_layer` -- a stored layer to a file; :func:`write_frame` does the
  writing for any frame.
- :func:`check_nesting` -- do units nest into their parents without overlapping?
- :class:`ImportResult`, :class:`ImportReport` -- what a read or an import gives back.
- :class:`Problem` -- one finding, with a Chinese message naming the feature.
- :class:`ImportRejected` -- the refusal; ``.problems`` lists every error.

Modules: ``sources`` (formats and encodings), ``archive`` (size limits, safe unzip),
``geometry`` (geometry checks, CRS, repairs), ``fields`` (attribute conversion and
shapefile field names), ``nesting`` (units), ``read``, ``write``, ``transfer``
(store-backed import and export).
"""

from gridmap.io.fields import shapefile_names
from gridmap.io.nesting import check_nesting
from gridmap.io.problems import ImportRejected, ImportReport, ImportResult, Problem
from gridmap.io.read import DEFAULT_MAX_BYTES, read_layer_file
from gridmap.io.transfer import export_layer, import_layer
from gridmap.io.write import FORMATS, write_frame

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "ImportRejected",
    "ImportReport",
    "ImportResult",
    "Problem",
    "check_nesting",
    "export_layer",
    "import_layer",
    "read_layer_file",
    "shapefile_names",
    "write_frame",
]
