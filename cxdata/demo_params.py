"""The demo data's world and its planted stories: channels, segments, regions, products, the
effects that shape the scores and journeys, and ``DEMO_STORIES``. ``cxdata.demo`` generates from it."""

from __future__ import annotations

from datetime import date
from statistics import NormalDist

import numpy as np

from .schema import DEFAULT_STAGES

STAGES = DEFAULT_STAGES
CHANNELS = ("web", "app", "email", "social", "phone", "store", "chat")
SEGMENTS = ("Consumer", "Young professionals", "Families", "SME", "Enterprise")
SEGMENT_WEIGHTS = (0.40, 0.20, 0.22, 0.13, 0.05)
# Resident population in millions (ISTAT, rounded): regions are drawn in proportion.
REGIONS = {
    "Lombardia": 10.0, "Lazio": 5.7, "Campania": 5.6, "Veneto": 4.85, "Sicilia": 4.8,
    "Emilia-Romagna": 4.45, "Piemonte": 4.25, "Puglia": 3.9, "Toscana": 3.65, "Calabria": 1.85,
    "Sardegna": 1.57, "Liguria": 1.5, "Marche": 1.49, "Abruzzo": 1.27, "Friuli-Venezia Giulia": 1.19,
    "Trentino-Alto Adige": 1.08, "Umbria": 0.85, "Basilicata": 0.54, "Molise": 0.29,
    "Valle d'Aosta": 0.12,
}
PRODUCTS = ("Mobile", "Fibra", "Energia Luce", "Energia Gas", "Assicurazioni")
PRODUCT_MIX = np.array([  # per segment, in SEGMENTS order
    [0.34, 0.22, 0.22, 0.14, 0.08],
    [0.45, 0.30, 0.13, 0.07, 0.05],
    [0.20, 0.22, 0.25, 0.20, 0.13],
    [0.25, 0.30, 0.22, 0.13, 0.10],
    [0.30, 0.35, 0.17, 0.10, 0.08],
])
REVENUE_EUR = (140.0, 320.0, 620.0, 720.0, 380.0)  # median first-year value of a sale, per product
LOYALTY_TIERS = ("Bronze", "Silver", "Gold", "Platinum")
LOYALTY_MIX = (0.45, 0.30, 0.18, 0.07)
WAIT_BANDS = ("<2 min", "2-5 min", "5-10 min", ">10 min")

# channel -> touchpoints per stage, in STAGES order.
TOUCHPOINTS = {
    "web": (("homepage", "blog article"), ("product page", "price comparator"), ("checkout",),
            ("customer area", "online bill"), ("review page",)),
    "app": (("app store page",), ("offers in app", "plan configurator"), ("app checkout",),
            ("usage and bills",), ("refer a friend",)),
    "email": (("newsletter",), ("promo email",), ("order confirmation",), ("renewal reminder",),
              ("referral invite",)),
    "social": (("sponsored post", "influencer video"), ("social DM",), ("social shop link",),
               ("social customer care",), ("public review",)),
    "phone": (("outbound call",), ("sales call",), ("phone order",), ("support call",),
              ("satisfaction call",)),
    "store": (("shop window",), ("in-store consultant",), ("in-store cashier",),
              ("store assistance desk",), ("store event",)),
    "chat": (("chatbot welcome",), ("live chat",), ("chat assisted order",), ("live chat support",),
             ("chat feedback",)),
}

# --- interactions: where each stage happens, and how many go on --------------------------------
STAGE_CHANNEL_MIX = np.array([  # per stage, in CHANNELS order
    [0.20, 0.12, 0.15, 0.28, 0.03, 0.17, 0.05],
    [0.30, 0.22, 0.05, 0.08, 0.08, 0.18, 0.09],
    [0.28, 0.22, 0.02, 0.03, 0.10, 0.30, 0.05],
    [0.15, 0.25, 0.15, 0.03, 0.20, 0.07, 0.15],
    [0.20, 0.15, 0.10, 0.40, 0.02, 0.08, 0.05],
])
STAY_ON_CHANNEL = 0.65
GO_ON = (0.60, 0.42, 0.70, 0.35)  # awareness->consideration, ->purchase, ->retention, ->advocacy
BUY_BY_CHANNEL = np.array([0.42, 0.42, 0.35, 0.30, 0.45, 0.50, 0.40])  # consideration->purchase
APP_CHECKOUT_BROKEN = 0.12  # consideration->purchase on the app after the release
SOCIAL_TO_STORE_BUY = 0.85  # consideration->purchase of journeys found on social and bought in store
# Each customer's affinity (standard normal, fixed) lifts their scores' latent experience (this
# share of it, the rest noise), their chance to buy and come back (x exp(AFFINITY_IN_BUYING * a))
# and the value of their sales (x exp(AFFINITY_IN_REVENUE * a)): promoters spend more.
AFFINITY_IN_SCORES = 0.5
AFFINITY_IN_BUYING = 0.25
AFFINITY_IN_REVENUE = 0.15
GAP_DAYS = (1.5, 2.5, 8.0, 5.0)  # mean days between consecutive stages
EXTRA_EVENTS = (0.3, 1.2, 0.6, 0.4, 0.2)  # mean extra events in a stage's session

# --- responses ---------------------------------------------------------------------------------
RESPONSE_CHANNEL_MIX = (0.22, 0.18, 0.07, 0.05, 0.20, 0.16, 0.12)
RESPONSE_STAGE_MIX = np.array([  # per channel: which stage the surveyed touchpoint belongs to
    [0.10, 0.35, 0.25, 0.25, 0.05], [0.05, 0.25, 0.30, 0.35, 0.05], [0.30, 0.20, 0.15, 0.25, 0.10],
    [0.35, 0.25, 0.05, 0.10, 0.25], [0.02, 0.18, 0.15, 0.60, 0.05], [0.10, 0.30, 0.40, 0.15, 0.05],
    [0.03, 0.35, 0.10, 0.50, 0.02],
])
CHANNEL_EFFECT = np.array([0.05, -0.05, 0.0, -0.10, -0.10, 0.20, 0.0])
SEGMENT_EFFECT = np.array([0.10, 0.15, 0.10, -0.15, 0.15])
PRODUCT_EFFECT = np.array([0.0, -0.10, 0.05, 0.05, 0.10])
LOYALTY_EFFECT = np.array([-0.08, 0.0, 0.10, 0.20])
WAIT_MIX = {"phone": (0.35, 0.33, 0.20, 0.12), "phone_outsourced": (0.22, 0.32, 0.26, 0.20),
            "chat": (0.55, 0.30, 0.10, 0.05)}
WAIT_EFFECT = {"phone": np.array([0.35, 0.0, -0.55, -1.15]), "chat": np.array([0.10, 0.0, -0.30, -0.60])}
OUTSOURCING_EFFECT = -0.10  # on z, plus CSAT_OUTSOURCING on CSAT alone
CSAT_OUTSOURCING = -0.32
APP_REDESIGN_EFFECT = 0.28
CHAT_NEEDS_BOOST, CHAT_EFFORT_PENALTY = 0.55, 1.05

# Share of each answer for a neutral response (z = 0), in scale order.
MARGINALS = {
    "nps": (0.03, 0.015, 0.02, 0.025, 0.03, 0.05, 0.07, 0.11, 0.17, 0.22, 0.26),
    "csat": (0.04, 0.06, 0.10, 0.38, 0.42),
    "ces": (0.30, 0.28, 0.16, 0.11, 0.08, 0.05, 0.02),
    "needs_met": (0.04, 0.07, 0.14, 0.40, 0.35),
    "enjoyment": (0.06, 0.10, 0.22, 0.37, 0.25),
    "cx_level": (0.05, 0.15, 0.25, 0.25, 0.17, 0.10, 0.03),
}
LOADING = {"nps": 0.85, "csat": 0.80, "ces": -0.60, "needs_met": 0.65, "enjoyment": 0.75, "cx_level": 0.65}
LOWEST = {"nps": 0, "csat": 1, "ces": 1, "needs_met": 1, "enjoyment": 1, "cx_level": 0}
_THRESHOLDS = {k: np.array([NormalDist().inv_cdf(c) for c in np.cumsum(p)[:-1]])
               for k, p in MARGINALS.items()}

COMMENTS = {
    "positive": ("Servizio impeccabile, lo consiglio a tutti.", "Personale gentile e preparato.",
                 "Attivazione rapidissima, nessun problema.", "Ottimo rapporto qualità-prezzo.",
                 "Mi hanno risolto tutto al primo contatto.", "Finalmente una bolletta chiara."),
    "neutral": ("Tutto sommato va bene, ma i prezzi sono aumentati.", "Niente di speciale.",
                "Servizio nella media, tempi un po' lunghi.", "Offerta buona, sito migliorabile."),
    "negative": ("Ho dovuto chiamare tre volte per lo stesso problema.", "Bolletta più alta del previsto.",
                 "Nessuno mi ha richiamato come promesso.", "Problema ancora non risolto.",
                 "Contratto poco chiaro, costi nascosti."),
    "wait": ("Attesa al telefono troppo lunga.", "Più di venti minuti in attesa prima di parlare con qualcuno.",
             "Linea caduta dopo una lunga attesa."),
    "chat": ("In chat mi hanno aiutato, ma ho dovuto ripetere tutto più volte.",
             "Il chatbot non capiva la domanda, poi un operatore ha risolto.",
             "Risposta giusta ma quanta fatica per arrivarci."),
    "app": ("La nuova app è molto più semplice.", "Dall'app ora trovo subito consumi e bollette."),
}
COMMENT_RATE = 0.08


def _month_start(d: date, months_back: int) -> date:
    m = d.year * 12 + d.month - 1 - months_back
    return date(m // 12, m % 12 + 1, 1)


def story_dates(end: date = date(2026, 10, 31)) -> dict[str, date]:
    """The dates of the planted stories, placed relative to ``end`` (defaults: 2025-Q3 outsourcing,
    app redesign 1 Oct 2024, app release 1 Mar 2026)."""
    q = _month_start(end, 15)
    q = date(q.year, (q.month - 1) // 3 * 3 + 1, 1)
    return {"outsourcing_from": q, "outsourcing_to": _month_start(q, -3),
            "recovery_to": _month_start(q, -4), "app_redesign": _month_start(end, 24),
            "app_release": _month_start(end, 7)}


_D = story_dates()
_Q = f"{_D['outsourcing_from'].year}-Q{(_D['outsourcing_from'].month - 1) // 3 + 1}"
DEMO_STORIES = [
    {"title": "Phone CSAT fell during the call-centre outsourcing",
     "what": f"Phone CSAT drops about 15 points in {_Q} (support moved to an outsourced call centre; "
             "waits got longer, NPS fell too) and recovers the next quarter.",
     "how_to_see": f"Trends, channel = phone, grain quarter: the CSAT line dips in {_Q}; kpi_trend."},
    {"title": "App checkout breaks after a release",
     "what": f"Since the app release of {_D['app_release']:%d %b %Y} only about 1 in 8 customers who "
             "consider an offer on the app buy there, against about 4 in 10 before and elsewhere.",
     "how_to_see": f"Journey funnel from {_D['app_release']:%d %b %Y}: app loses ~90% between "
                   "consideration and purchase, the biggest drop-off; funnel_steps, worst_step."},
    {"title": "Long phone waits make detractors",
     "what": "Phone responses carry the attribute wait_band; NPS falls steeply with the wait, from "
             "about +40 under 2 minutes to about -45 over 10 minutes.",
     "how_to_see": "Segments, channel = phone, break down by attr:wait_band; segment_breakdown."},
    {"title": "SME customers are less loyal",
     "what": "The SME segment's NPS is about 15 points below the rest, in every channel and region.",
     "how_to_see": "Segments, break down by segment: SME is flagged below the rest; segment_breakdown."},
    {"title": "Chat meets needs but is rarely easy",
     "what": "Chat answers the question more often than most channels, yet few chat customers "
             "found it low effort: chat falls off the pyramid between 'meets needs' and 'easy'.",
     "how_to_see": "Pyramid by channel: chat is among the highest at 'Meets needs' and the lowest at "
                   "'Easy'; pyramid_distribution(by='channel')."},
    {"title": "The app redesign lifted NPS",
     "what": f"After the new app of {_D['app_redesign']:%d %b %Y} app NPS rises about 15 points.",
     "how_to_see": "Trends, channel = app: the NPS line steps up in Oct 2024; kpi_summary over the "
                   "12 months after against the 12 before."},
    {"title": "Discover on social, buy in the store",
     "what": "Journeys that start on social and go on in the store (ROPO: research online, purchase "
             "offline) buy more often than any other path: about 7 in 10 against 4 to 6 in 10.",
     "how_to_see": "Journeys, top paths before purchase: social > store has the highest conversion to "
                   "purchase, and the Sankey's social node feeds the store at purchase; paths.paths."},
    {"title": "Promoters spend more in the next year",
     "what": "A customer's revenue in the 365 days after their latest response rises with their NPS "
             "group: promoters spend about half as much again as detractors, beyond the noise.",
     "how_to_see": "Journeys, value of experience (or the Overview tile): promoters - detractors "
                   "revenue per customer, with its interval; value.value_of_experience."},
]
