"""frontlines: conflict news in; sourced, geolocated, ACLED-coded events, control and a cited report out."""
__version__ = "0.1.0"
