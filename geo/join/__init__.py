"""Joining indicator rows to boundary units: GSO codes first, names within their parent unit second."""
