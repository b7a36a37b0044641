"""The HTML report: one self-contained file with the case's timelines, network, measures and evidence."""

from .build import CHART_IDS, build_report, evidence_rows, summary_sentences

__all__ = ["CHART_IDS", "build_report", "evidence_rows", "summary_sentences"]
