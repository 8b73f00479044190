"""Rule-based extraction from supplier mail: classes, durations, dates, SKUs, POs, reasons.

English, German and French. Pure functions over text and master data, used by the Risk
Monitor; the optional LLM path is checked against the same master data.
"""
