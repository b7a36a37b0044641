"""COW state codes → ISO 3166 alpha-3, and COW IGO column abbreviations → our organization ids.

State codes follow the Correlates of War State System Membership list (v2016,
"COW country codes"). A code maps to the state's ISO 3166-1 alpha-3 code; states
that no longer exist map to their ISO 3166-3 former code where one was reserved
(CSK, DDR, YMD, YUG is not used: COW 345 continues as Serbia, as COW 365 continues
the USSR as Russia). Other historical states (the German and Italian states
before unification, Korea before 1948, ...) and any code not listed keep the id
`COW<code>`, so no two codes share an id.
"""

from __future__ import annotations

# COW ccode -> ISO 3166 alpha-3 (ISO 3166-3 former codes for dissolved states).
COW_TO_ISO3: dict[int, str] = {
    2: "USA", 20: "CAN", 31: "BHS", 40: "CUB", 41: "HTI", 42: "DOM", 51: "JAM", 52: "TTO", 53: "BRB", 54: "DMA",
    55: "GRD", 56: "LCA", 57: "VCT", 58: "ATG", 60: "KNA", 70: "MEX", 80: "BLZ", 90: "GTM", 91: "HND", 92: "SLV",
    93: "NIC", 94: "CRI", 95: "PAN", 100: "COL", 101: "VEN", 110: "GUY", 115: "SUR", 130: "ECU", 135: "PER",
    140: "BRA", 145: "BOL", 150: "PRY", 155: "CHL", 160: "ARG", 165: "URY",
    200: "GBR", 205: "IRL", 210: "NLD", 211: "BEL", 212: "LUX", 220: "FRA", 221: "MCO", 223: "LIE", 225: "CHE",
    230: "ESP", 232: "AND", 235: "PRT", 255: "DEU", 265: "DDR", 290: "POL", 305: "AUT", 310: "HUN",
    315: "CSK", 316: "CZE", 317: "SVK", 325: "ITA", 331: "SMR", 338: "MLT", 339: "ALB", 341: "MNE", 343: "MKD",
    344: "HRV", 345: "SRB", 346: "BIH", 347: "XKX", 349: "SVN", 350: "GRC", 352: "CYP", 355: "BGR", 359: "MDA",
    360: "ROU", 365: "RUS", 366: "EST", 367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR", 371: "ARM", 372: "GEO",
    373: "AZE", 375: "FIN", 380: "SWE", 385: "NOR", 390: "DNK", 395: "ISL",
    402: "CPV", 403: "STP", 404: "GNB", 411: "GNQ", 420: "GMB", 432: "MLI", 433: "SEN", 434: "BEN", 435: "MRT",
    436: "NER", 437: "CIV", 438: "GIN", 439: "BFA", 450: "LBR", 451: "SLE", 452: "GHA", 461: "TGO", 471: "CMR",
    475: "NGA", 481: "GAB", 482: "CAF", 483: "TCD", 484: "COG", 490: "COD", 500: "UGA", 501: "KEN", 510: "TZA",
    516: "BDI", 517: "RWA", 520: "SOM", 522: "DJI", 530: "ETH", 531: "ERI", 540: "AGO", 541: "MOZ", 551: "ZMB",
    552: "ZWE", 553: "MWI", 560: "ZAF", 565: "NAM", 570: "LSO", 571: "BWA", 572: "SWZ", 580: "MDG", 581: "COM",
    590: "MUS", 591: "SYC", 600: "MAR", 615: "DZA", 616: "TUN", 620: "LBY", 625: "SDN", 626: "SSD",
    630: "IRN", 640: "TUR", 645: "IRQ", 651: "EGY", 652: "SYR", 660: "LBN", 663: "JOR", 666: "ISR", 670: "SAU",
    679: "YEM", 680: "YMD", 690: "KWT", 692: "BHR", 694: "QAT", 696: "ARE", 698: "OMN",
    700: "AFG", 701: "TKM", 702: "TJK", 703: "KGZ", 704: "UZB", 705: "KAZ", 710: "CHN", 712: "MNG", 713: "TWN",
    731: "PRK", 732: "KOR", 740: "JPN", 750: "IND", 760: "BTN", 770: "PAK", 771: "BGD", 775: "MMR", 780: "LKA",
    781: "MDV", 790: "NPL", 800: "THA", 811: "KHM", 812: "LAO", 816: "VNM", 820: "MYS", 830: "SGP", 835: "BRN",
    840: "PHL", 850: "IDN", 860: "TLS", 900: "AUS", 910: "PNG", 920: "NZL", 935: "VUT", 940: "SLB", 946: "KIR",
    947: "TUV", 950: "FJI", 955: "TON", 970: "NRU", 983: "MHL", 986: "PLW", 987: "FSM", 990: "WSM",
}

#: Historical COW states with no ISO code (kept as COW<code>), named for the record.
COW_HISTORICAL: dict[int, str] = {
    89: "United Provinces of Central America", 99: "Great Colombia", 240: "Hanover", 245: "Bavaria",
    260: "German Federal Republic (1955-1990)", 267: "Baden", 269: "Saxony", 271: "Wuerttemberg",
    273: "Hesse Electoral", 275: "Hesse Grand Ducal", 280: "Mecklenburg Schwerin", 300: "Austria-Hungary",
    327: "Papal States", 329: "Two Sicilies", 332: "Modena", 335: "Parma", 337: "Tuscany", 511: "Zanzibar",
    563: "Transvaal", 564: "Orange Free State", 678: "Yemen Arab Republic (to 1990)", 711: "Tibet",
    730: "Korea (to 1905)", 817: "Republic of Vietnam",
}


def state_id(ccode: int, overrides: dict[int, str] | None = None) -> str:
    """Our actor id for a COW state code: the case's own mapping first, then ISO3, else `COW<code>`.

    >>> state_id(372), state_id(712), state_id(260)
    ('GEO', 'MNG', 'COW260')
    """
    code = int(ccode)
    if overrides and code in overrides:
        return overrides[code]
    return COW_TO_ISO3.get(code, f"COW{code}")


# COW IGO column -> [(our org id, first year, last year)]; None = open-ended.
# Lines that COW codes in one column but the base splits into predecessor and successor
# are split by year (the base's founding dates: CAU → CACO in 2002, CST → CSTO in 2002,
# Shanghai Five → SCO in 2001).
COW_ORG_MAP: dict[str, list[tuple[str, int | None, int | None]]] = {
    "caecc": [("CAU", None, 2001), ("CACO", 2002, None)],
    "cica": [("CICA", None, None)],
    "cis": [("CIS", None, None)],
    "csto": [("CST", None, 2001), ("CSTO", 2002, None)],
    "eaec": [("EURASEC", None, None)],
    "eapc": [("EAPC", None, None)],
    "ebrd": [("EBRD", None, None)],
    "osce": [("OSCE", None, None)],
    "sco": [("SHANGHAI5", None, 2000), ("SCO", 2001, None)],
    "wto": [("WTO", None, None)],
    "un": [("UN", None, None)],
    "nato": [("NATO", None, None)],
}


def org_segments(column: str, mapping: dict | None = None) -> list[tuple[str, int | None, int | None]]:
    """Our organization id(s) for a COW column, with the years each covers.

    >>> org_segments("csto")
    [('CST', None, 2001), ('CSTO', 2002, None)]
    >>> org_segments("asdb")
    [('ASDB', None, None)]
    """
    mapping = COW_ORG_MAP if mapping is None else mapping
    col = column.lower()
    return list(mapping.get(col, [(col.upper(), None, None)]))


def mapping_from_case(kb) -> dict[str, list[tuple[str, int | None, int | None]]]:
    """The COW column mapping implied by a case's organizations (their `cow_abbrev`, founding and end).

    When a column serves several organizations of a line, each gets the years from its
    founding to the year before its successor's founding (a year shared by both goes to
    the successor). Columns the case does not name fall back to `COW_ORG_MAP`.
    """
    orgs = kb.sql("SELECT id, cow_abbrev, founded_year, ended_year FROM organizations "
                  "WHERE cow_abbrev IS NOT NULL ORDER BY founded_year, id")
    out = dict(COW_ORG_MAP)
    for col, grp in orgs.groupby("cow_abbrev", sort=False):
        grp = grp.sort_values("founded_year")
        segs = []
        rows = grp.to_dict(orient="records")
        for i, r in enumerate(rows):
            first = None if i == 0 else int(r["founded_year"])
            last = None if i == len(rows) - 1 else int(rows[i + 1]["founded_year"]) - 1
            segs.append((r["id"], first, last))
        out[str(col).lower()] = segs
    return out
