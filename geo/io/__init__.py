"""Reading and writing planners' files: the safe upload reader, boundaries, tables, templates, writers.

Imports :mod:`geo.text` and :mod:`geo.units` below it, never a higher layer.
"""
