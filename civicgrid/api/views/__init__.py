"""The API's operations, one module per part of the domain.

Importing this package declares every operation (see operations.py) in the order the
document lists them. Each module holds its part's shapes (what it answers) and its
operations; shapes shared across parts live in civicgrid/api/shapes.py.
"""

from civicgrid.api.views import tokens, cases, areas  # noqa: F401, I001
from civicgrid.api.views import campaigns, inspections, scoring, ledgers  # noqa: F401, I001
from civicgrid.api.views import meta  # noqa: F401, I001
