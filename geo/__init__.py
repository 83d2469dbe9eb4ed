"""geo: poverty-targeting maps, priority lists and annexes for Vietnamese planners.

The library behind the Streamlit app and the ``python -m geo`` command line.
Layers run one way: io (registry, boundaries, tables) -> join -> analysis ->
render/export -> app pages and CLI.
"""

from geo._errors import GeoError

__all__ = ["GeoError"]
__version__ = "0.1.0"
