"""closeknit's dashboard: one module per page, plus shared state (:mod:`app_pages.state`), the
cached pipeline (:mod:`app_pages.data`), figures (:mod:`app_pages.figures`), plain words
(:mod:`app_pages.words`) and graph-selection handling (:mod:`app_pages.selection`).

The page modules (``overview.py``, ``network.py``, ...) are scripts Streamlit runs through
``st.navigation`` in ``app.py``; everything they compute comes from :mod:`analysis`.
"""
