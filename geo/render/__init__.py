"""Rendering: the web map, print maps, annex tables and charts. Pure output, no reading of user files."""
