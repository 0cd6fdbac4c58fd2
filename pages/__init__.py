"""The app's Streamlit pages (listed in app.py's st.navigation) and their shared helpers (common.py, click_image.py,
scroll_here.py).

Importing this package runs the one workaround the app keeps for a Streamlit behaviour (below), once per process.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def _open_deep_links_inside_navigation() -> None:
    """Streamlit (1.67) decides at server start whether an app is an old-style "pages/ folder" app by whether a
    folder named pages/ sits beside the main script (PagesManager.uses_pages_directory); only a run of
    st.navigation clears that flag. So right after a start, a visitor whose first request is a deep link
    (/infogan_controls, a shared link) gets pages/<name>.py run on its own, without app.py's navigation, and the
    sidebar lists every file in pages/. Streamlit has no public API to say "this app uses st.navigation" before
    app.py first runs, and the design card fixes the folder's name, so clear the flag as st.navigation would and
    rerun: app.py then runs and opens the same page. Tested by
    tests/test_e2e_browser.py::test_a_deep_link_as_the_first_visit_gets_the_apps_navigation (fails without it)."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_open_deep_links_inside_navigation()
