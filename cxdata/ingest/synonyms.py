"""The importer's word lists, English and Italian: header synonyms per canonical field, category
value synonyms, and the names of personal-data and survey-metadata columns. Data only; the rules
that use them are in ``headers``, ``columns`` (personal columns) and ``categories`` (values).

Header phrases are written as ``norm_text`` gives them (lowercase, no accents, punctuation as one
space) and carry a prefix that says where they may match:

- ``=phrase``: only the whole header ("id", "date", "score", "area" are too common to mean more
  inside a longer header or a question);
- ``~phrase``: anywhere in a header or question text, as whole words ("recommend", "how satisfied");
- ``phrase``: as whole words covering at least half of the header's words ("Submit Date (UTC)",
  "Ticket Channel"), never as one word of a long question ("Which planning area do you live in?").

Earlier phrases of a field are preferred to later ones at the same level of match.
"""

from __future__ import annotations

from ..i18n import N_
from .scales import norm_text

_COMMON = {
    "customer_id": ["customer id", "customerid", "id cliente", "codice cliente", "client id",
                    "=cliente", "=customer", "user id", "userid", "contact id", "account id"],
    "channel": ["~channel", "~canale", "canale di contatto", "contact channel", "channel used"],
    "touchpoint": ["touchpoint", "touch point", "punto di contatto", "point of contact"],
    "segment": ["segment", "segmento", "customer segment", "customer type", "tipo cliente",
                "tipologia cliente", "categoria cliente"],
    "region": ["region", "regione", "=area", "=zona", "country", "paese", "nazione", "territory",
               "provincia"],
    "product": ["product", "prodotto", "product name", "nome prodotto", "=servizio", "=service"],
}
HEADERS: dict[str, dict[str, list[str]]] = {
    "responses": _COMMON | {
        "response_id": ["response id", "responseid", "respondent id", "respondentid", "id risposta",
                        "=#", "record id", "submission id", "survey response id", "unique id",
                        "ticket id", "id ticket", "id questionario", "id intervista",
                        "codice risposta", "=uuid", "=id", "=codice", "=identificativo"],
        "responded_at": ["responded at", "response date", "data risposta", "recordeddate",
                         "recorded date", "submit date", "submitted at", "date submitted",
                         "submission date", "=enddate", "end date", "response timestamp formatted",
                         "response timestamp", "data compilazione", "timestamp",
                         "informazioni cronologiche", "=data", "=date", "created at",
                         "completed at", "=startdate", "start date"],
        "journey_stage": ["journey stage", "stage", "fase", "fase del percorso", "lifecycle stage"],
        "nps": ["nps", "net promoter", "~how likely are you to recommend",
                "~likely to recommend", "~likelihood to recommend", "~would you recommend",
                "~recommend", "~probabilita di consigliare", "~consiglieresti", "~consigliare",
                "~raccomandare", "=voto", "=ltr", "nps score", "punteggio nps", "=score"],
        "csat": ["csat", "~customer satisfaction", "~overall satisfaction", "~how satisfied",
                 "~satisfaction", "~satisfied", "~soddisfazione", "~soddisfatto", "csat score"],
        "ces": ["ces", "~customer effort", "~effort", "~sforzo", "~how easy", "=ease", "=easy",
                "~quanto e stato facile", "=facile", "=facilita", "ces score"],
        "needs_met": ["needs met", "~found what", "~trovato", "~bisogni", "~esigenze"],
        "enjoyment": ["enjoyment", "~enjoyable", "~enjoy", "~pleasant", "~piacevole", "~gradevole"],
        "cx_level": ["cx level", "livello cx", "pyramid level", "livello piramide"],
        "comment": ["comment", "~comments", "commento", "~commenti", "~feedback", "verbatim",
                    "open ended", "~why", "~perche", "~motivo", "~reason", "~suggerimenti", "~remarks", "~osservazioni",
                    "=note", "=notes", "~anything else", "=altro"],
    },
    "interactions": _COMMON | {
        "event_id": ["event id", "eventid", "id evento", "interaction id", "activity id", "=id"],
        "occurred_at": ["occurred at", "event time", "data evento", "timestamp", "datetime",
                        "=date", "=data", "created at", "=time"],
        "stage": ["stage", "fase", "journey stage", "funnel stage", "=step"],
        "session_id": ["session id", "sessionid", "id sessione", "=session", "=sessione", "visit id"],
        "revenue": ["revenue", "ricavo", "ricavi", "fatturato", "=amount", "=importo",
                    "order value", "=valore", "=value"],
    },
}

# Words in the name of a date column that make it the response's date, or some other date
# (the purchase, the customer's birth, the start of the survey), when dates are found by values.
RESPONSE_DATE_WORDS = ("response", "responded", "risposta", "submitted", "submit", "submission",
                       "recorded", "completed", "completion", "end", "fine", "compilazione",
                       "survey", "sondaggio", "feedback", "answered", "resolution", "resolved",
                       "closed", "chiusura")
OTHER_DATE_WORDS = ("purchase", "purchased", "acquisto", "order", "ordine", "birth", "nascita",
                    "delivery", "consegna", "shipping", "spedizione", "start", "inizio", "signup",
                    "registration", "registrazione", "expiry", "scadenza", "contract", "contratto")

# Category values: norm_text of a source value -> the value stored. The channel names are the
# dashboard's own (demo data, filters); segments and regions follow the demo's spelling.
_CHANNEL = {
    "phone": ["telefono", "phone", "telephone", "tel", "call center", "call centre", "callcenter",
              "contact center", "contact centre", "telefonico", "telefonata", "chiamata",
              "phone call", "numero verde", "servizio clienti telefonico"],
    "store": ["negozio", "punto vendita", "store", "shop", "in store", "instore", "negozio fisico",
              "pdv", "filiale", "branch", "retail store", "physical store", "boutique"],
    "web": ["sito", "sito web", "sito internet", "website", "web site", "web", "online", "internet",
            "www", "web portal", "portale"],
    "email": ["e mail", "email", "mail", "posta elettronica", "posta"],
    "app": ["app", "mobile app", "app mobile", "applicazione", "applicazione mobile", "smartphone app"],
    "chat": ["chat", "live chat", "chat online", "webchat", "web chat"],
    "social": ["social", "social media", "social network", "socials", "reti sociali"],
}
_SEGMENT = {
    "Consumer": ["privati", "privato", "consumer", "consumers", "b2c", "clienti privati",
                 "residenziale", "residential", "individual", "individuals", "private",
                 "persone fisiche"],
    "Business": ["aziende", "azienda", "business", "b2b", "imprese", "impresa", "clienti business"],
    "SME": ["pmi", "sme", "smes", "smb", "piccole e medie imprese"],
    "Enterprise": ["enterprise", "grandi aziende", "grandi imprese", "large enterprise", "corporate"],
    "Families": ["famiglie", "families", "family", "famiglia"],
    "Young professionals": ["young professionals", "giovani professionisti"],
}
_REGIONS = ("Lombardia", "Lazio", "Campania", "Veneto", "Sicilia", "Emilia-Romagna", "Piemonte",
            "Puglia", "Toscana", "Calabria", "Sardegna", "Liguria", "Marche", "Abruzzo",
            "Friuli-Venezia Giulia", "Trentino-Alto Adige", "Umbria", "Basilicata", "Molise",
            "Valle d'Aosta")
_REGION = {r: [] for r in _REGIONS} | {
    "Lombardia": ["lombardy"], "Toscana": ["tuscany"], "Sicilia": ["sicily"],
    "Sardegna": ["sardinia"], "Piemonte": ["piedmont"], "Puglia": ["apulia"],
    "Valle d'Aosta": ["aosta valley", "valle d aosta", "vallee d aoste"],
    "Trentino-Alto Adige": ["trentino south tyrol", "trentino alto adige sudtirol"],
    "Friuli-Venezia Giulia": ["friuli venezia giulia", "friuli"],
}
_STAGE = {
    "awareness": ["awareness", "consapevolezza", "scoperta", "discovery", "notorieta"],
    "consideration": ["consideration", "considerazione", "valutazione", "evaluation"],
    "purchase": ["purchase", "acquisto", "buy", "acquisti"],
    "retention": ["retention", "fidelizzazione", "mantenimento", "post vendita", "after sales",
                  "aftersales"],
    "advocacy": ["advocacy", "passaparola", "raccomandazione"],
}
_TOUCHPOINT = {
    "homepage": ["homepage", "home page", "pagina iniziale"],
    "product page": ["product page", "pagina prodotto", "scheda prodotto"],
    "checkout": ["checkout", "check out", "cassa"],
    "customer area": ["customer area", "area clienti", "area riservata"],
}


def _table(groups: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for value, words in groups.items():
        out[norm_text(value)] = value
        for w in words:
            out[norm_text(w)] = value
    return out


VALUES: dict[str, dict[str, str]] = {
    "channel": _table(_CHANNEL), "segment": _table(_SEGMENT), "region": _table(_REGION),
    "stage": _table(_STAGE), "journey_stage": _table(_STAGE), "touchpoint": _table(_TOUCHPOINT),
    "product": {},
}

# Personal data and survey metadata about the respondent: left out of the attributes (every
# attribute becomes a filter any viewer sees) unless the import is told to keep the column.
# norm_text of a whole header -> the reason.
_PERSONAL_GROUPS = {  # why, marked for the catalogue (a sentence shows _(why))
    N_("an IP address"): ["ipaddress", "ip address", "ip", "indirizzo ip", "ip addr"],
    N_("a location (latitude, longitude)"): [
        "locationlatitude", "locationlongitude", "locationaccuracy", "location latitude",
        "location longitude", "location accuracy", "latitude", "longitude", "lat", "lon", "lng",
        "long", "latitudine", "longitudine", "geolocation", "geolocalizzazione", "coordinates",
        "coordinate", "gps"],
    N_("an e-mail address"): ["email", "e mail", "email address", "e mail address", "recipientemail",
                          "recipient email", "customer email", "indirizzo email",
                          "indirizzo e mail", "posta elettronica", "mail"],
    N_("a person's name"): ["name", "first name", "last name", "full name", "firstname", "lastname",
                        "surname", "nome", "cognome", "nome e cognome", "nominativo",
                        "recipientfirstname", "recipientlastname", "recipient first name",
                        "recipient last name", "customer name", "nome cliente",
                        "respondent name"],
    N_("a phone number"): ["phone", "phone number", "telephone", "telephone number", "mobile",
                       "mobile number", "mobile phone", "cell", "cellphone", "telefono",
                       "numero di telefono", "cellulare", "recipientphone", "recipient phone"],
}
PERSONAL: dict[str, str] = {w: reason for reason, words in _PERSONAL_GROUPS.items() for w in words}
