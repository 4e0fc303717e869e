"""Identify's pure pipeline: risk rules, the cohort, and record matching. It imports no Django.

Placeholder; the full tour is written with the matching slice.
"""
