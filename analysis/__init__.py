"""closeknit's analysis library: importers, identity resolution and support-network metrics.

A plain, UI-free library. Every stage is a function from documented pandas DataFrames (see
:mod:`analysis.model`) to documented DataFrames or NetworkX graphs. It never imports streamlit,
never prints and never logs personal data.
"""

__version__ = "0.1.0"
