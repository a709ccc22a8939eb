"""A page for AppTest that draws the alert banner (as of 1 Aug 2025) and the comment themes of the
KPI in the link's ``kpi`` (nps or csat): how a page calls them (tests/test_insight_ui.py)."""

from datetime import date

import streamlit as st

from cxdata import ui
from cxdata.ui import links
from cxdata.ui.alerts_view import show_alert_banner
from cxdata.ui.themes_view import show_themes

# This file is the entry file of its test run, so dashboard.py is no page there: no navigation.
links.render_nav = lambda current, params: None
kpi = st.query_params.get("kpi", "nps")  # read before start: the view keeps only its own keys
view = ui.start("Overview", "Alerts and comment themes")
show_alert_banner(view, as_of=date(2025, 8, 1))
show_themes(view, kpi)
