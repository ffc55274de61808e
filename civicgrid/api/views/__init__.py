"""The API's operations, one module per part of the domain.

Importing this package declares every operation (see operations.py) in the order the
document lists them: tokens, cases, areas and catalogues, then the rest; the document
itself last.
"""

from civicgrid.api.views import tokens, cases, areas, meta  # noqa: F401, I001
