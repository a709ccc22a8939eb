"""Pyramid: how responses distribute over the levels of the CX pyramid, by group and over time."""

import streamlit as st

from cxdata import ui
from cxdata.i18n import N_, _
from cxdata.ui import charts, controls, figures, pyramids, segments, state

view = ui.start("Pyramid", N_("How high up the CX pyramid customers get"))
db, filters = view.db, view.filters

a, b, c = st.columns([2, 2, 3])
model = view.choice(_("Model"), pyramids.MODEL_CHOICES, key="model", default=3,
                    format_func=pyramids.model_label, widget="radio", container=a)
by = view.choice(_("Compare by"), controls.dimensions(view), key="by", default="channel",
                 format_func=controls.dim_label, container=b)
grain = view.choice(_("Over time by"), ["week", "month", "quarter"], key="grain", default=controls.pyramid_grain(filters),
                    format_func=controls.grain_label, widget="radio", container=c)
st.caption(pyramids.model_note(model))

dist = pyramids.level_names(state.pyramid_distribution(db.cur, db.key, db.version, filters, model))
if not charts.empty(dist, N_("answered pyramid questions")):
    total = pyramids.total(dist)
    st.markdown(pyramids.summary_sentence(dist, model))
    left, right = st.columns([2, 3])
    with left:
        charts.show(view, figures.pyramid(dist, model, _("The CX pyramid: share reaching each level")),
                    dist, key="pyramid_all", n=total, note=_("bar width: % at this level or higher"))
    with right:
        groups = pyramids.level_names(state.pyramid_distribution(db.cur, db.key, db.version, filters, model, by=by))
        title = _("The pyramid by {dimension} (largest groups)").format(dimension=controls.dim_label(by).lower())
        stages = state.stages(db.cur, db.key, db.version)
        charts.show(view, figures.pyramids_side_by_side(groups, model, title, 6, segments.axis_order(by, stages)), groups,
                    key="pyramid_groups", n=total, note=pyramids.small_groups_note(groups))
    over_time = pyramids.level_names(state.pyramid_distribution(db.cur, db.key, db.version, filters, model,
                                                                 grain=grain))
    partial = controls.partial_periods(grain, filters, state.date_bounds(db.cur, db.key, db.version))
    title = _("How the levels move, per {grain}").format(grain=controls.grain_word(grain))
    charts.show(view, figures.pyramid_over_time(over_time, model, title, partial), over_time, key="pyramid_time",
                n=total)
