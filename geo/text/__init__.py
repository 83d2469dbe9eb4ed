"""Text: Vietnamese names, numbers in either style, legacy encodings, the message catalogue.

The lowest layer: it imports nothing from the rest of :mod:`geo` but the error type and settings.
"""
