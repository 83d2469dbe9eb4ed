"""Administrative units: the GSO registry of both vintages, default boundaries, designations, search.

Imports only :mod:`geo.text` below it.
"""
