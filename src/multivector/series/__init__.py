"""Published yearly series (UNGA voting, World Bank WDI, AidData) read into the evidence base's long form.

One module per source; each reader returns a `SeriesData` whose `frame` has the
columns of the case's `series/*.csv` files and raises a one-line `ValueError`
(`file:line: what — how to fix`) on a file it cannot read.

>>> from multivector.series import read_unga, read_wdi, read_aiddata, read_econ
"""

from .aiddata import AIDDATA_SOURCE, read_aiddata
from .casefile import Selection, for_case, missing_sources, render, series_path, write_series_file
from .common import SERIES_COLUMNS, SeriesData, SeriesFileError, series_summary
from .econ import ECON_FILES, EconData, read_econ
from .unga import UNGA_SERIES, UNGA_SOURCES, read_unga
from .wdi import WDI_FILES, WdiSpec, read_wdi

__all__ = [
    "AIDDATA_SOURCE", "ECON_FILES", "SERIES_COLUMNS", "UNGA_SERIES", "UNGA_SOURCES", "WDI_FILES", "EconData",
    "Selection", "SeriesData", "SeriesFileError", "WdiSpec", "for_case", "missing_sources", "read_aiddata",
    "read_econ", "read_unga", "read_wdi", "render", "series_path", "series_summary", "write_series_file",
]
