"""Dependence by partner: every year flagged observed, interpolated or carried (never silent)."""

from __future__ import annotations

import math

from multivector.measures import case_dependence, dependence_domain


def test_flags_values_and_ids(hand_kb):
    d = case_dependence(hand_kb, years=(1998, 2009))
    assert set(d["name"]) == {"trade_share"}          # an opinion poll is not a dependence
    s = d.set_index("year")
    assert (s.loc[1998, "flag"], s.loc[1998, "value"], s.loc[1998, "distance"]) == ("carried", 20.0, 2)
    assert s.loc[2000, "flag"] == "observed" and s.loc[2000, "indicator_ids"] == ["ind_kgz_trade_rus_2000"]
    assert s.loc[2002, "flag"] == "interpolated" and math.isclose(s.loc[2002, "value"], 30.0)
    assert s.loc[2002, "indicator_ids"] == ["ind_kgz_trade_rus_2000", "ind_kgz_trade_rus_2004"]
    assert math.isclose(s.loc[2005, "value"], 35.0) and s.loc[2005, "flag"] == "interpolated"
    assert s.loc[2006, "flag"] == s.loc[2007, "flag"] == "observed"      # inside the period 2006-2007
    assert s.loc[2007, "periods"] == ["2006-2007"]
    assert (s.loc[2009, "flag"], s.loc[2009, "value"], s.loc[2009, "distance"]) == ("carried", 30.0, 2)


def test_carry_can_be_limited_or_dropped(hand_kb):
    none = case_dependence(hand_kb, years=(1998, 2009), carry=False)
    assert "carried" not in set(none["flag"]) and none["year"].min() == 2000
    one = case_dependence(hand_kb, years=(1998, 2009), max_carry=1)
    assert sorted(one[one["flag"] == "carried"]["year"]) == [1999, 2008]


def test_domains():
    assert dependence_domain("trade_share") == "economic"
    assert dependence_domain("arms_imports_share") == "security"
    assert dependence_domain("negative_view") is None
