"""closeknit's dashboard pages: one script per page, run by ``st.navigation`` in ``app.py``.

Pages only wire widgets to :mod:`dashboard` helpers (state, persistence, the cached pipeline,
figures, plain words) and render; everything they compute comes from :mod:`analysis`.
"""
