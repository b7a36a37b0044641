"""World Bank, World Development Indicators: one long file `iso3,year,value` per indicator.

The files are named after their series (see `WDI_FILES`); each indicator has its
own source row in the case's sources.yaml (indicator code and edition). WDI is
licensed CC BY 4.0 ("World Bank, World Development Indicators"). A year
missing from a file is not published and gets no point; nothing is filled.

>>> WDI_FILES["wdi_remittances_pct_gdp.csv"].indicator
'BX.TRF.PWKR.DT.GD.ZS'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .common import SeriesData, SeriesFileError, frame, iso3, number, once, read_records, year


@dataclass(frozen=True)
class WdiSpec:
    series: str
    indicator: str
    unit: str
    source: str  # citation id in sources.yaml


WDI_FILES: dict[str, WdiSpec] = {
    "wdi_remittances_pct_gdp.csv": WdiSpec("remittances_pct_gdp", "BX.TRF.PWKR.DT.GD.ZS", "percent of GDP",
                                           "bg_wdi_remittances"),
    "wdi_trade_pct_gdp.csv": WdiSpec("trade_pct_gdp", "NE.TRD.GNFS.ZS", "percent of GDP", "bg_wdi_trade"),
    "wdi_gdp_current_usd.csv": WdiSpec("gdp_current_usd", "NY.GDP.MKTP.CD", "current USD", "bg_wdi_gdp"),
    "wdi_military_exp_pct_gdp.csv": WdiSpec("military_exp_pct_gdp", "MS.MIL.XPND.GD.ZS", "percent of GDP",
                                            "bg_wdi_military"),
    "wdi_fuel_exports_pct_merch.csv": WdiSpec("fuel_exports_pct_merch", "TX.VAL.FUEL.ZS.UN",
                                              "percent of merchandise exports", "bg_wdi_fuel_exports"),
    "wdi_external_debt_pct_gni_vintage2013.csv": WdiSpec("external_debt_pct_gni", "DT.DOD.DECT.GN.ZS",
                                                         "percent of GNI", "bg_wdi_external_debt"),
}

REQUIRED = ("iso3", "year", "value")


def wdi_spec(path: str | Path) -> WdiSpec:
    """The series a WDI file holds, from its file name."""
    path = Path(path)
    spec = WDI_FILES.get(path.name)
    if spec is None:
        raise SeriesFileError(path, 0, "not a known WDI file name",
                              f"name it as one of {', '.join(WDI_FILES)} (the name says which indicator it holds)")
    return spec


def read_wdi(path: str | Path, spec: WdiSpec | None = None) -> SeriesData:
    """Read one WDI file (`iso3,year,value`) into its series; `spec` defaults to the file name's."""
    path = Path(path)
    spec = spec or wdi_spec(path)
    rows: list[dict] = []
    seen: dict = {}
    n = missing = 0
    for line, rec in read_records(path, REQUIRED, f"WDI file ({spec.indicator})",
                                  header_hint="the header must be iso3,year,value (long form, one row per "
                                              "state and year)"):
        n += 1
        actor = iso3(rec["iso3"], path, line, "iso3")
        yr = year(rec["year"], path, line)
        once(seen, (actor, yr), path, line, "state-year")
        value = number(rec["value"], path, line, "value")
        if value is None:
            missing += 1
            continue
        rows.append({"series": spec.series, "actor": actor, "partner": "", "year": yr, "value": value,
                     "unit": spec.unit, "sources": spec.source})
    return SeriesData(frame(rows), files=[str(path)], rows_read=n, not_published=missing, sources=[spec.source])
