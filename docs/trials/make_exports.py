"""Build the CSV exports of the import trials (docs/import-trials.md), seeded, and print the truth.

    python docs/trials/make_exports.py OUT_DIR [--seed N]

Each file imitates the shape and quirks of a real tool's export or of a public data set of that
kind (Kaggle's airline passenger satisfaction, customer support tickets and Flipkart e-commerce
CSAT files; SurveyMonkey, Qualtrics legacy and current, Google Forms; an Italian Excel CSV).
The truth (NPS, CSAT, CES and their n, per file and per month) is computed here by hand from the
rows written and saved as OUT_DIR/truth.json; it is printed too.
Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import string
from datetime import date, datetime, timedelta
from pathlib import Path

TRUTH: dict[str, dict] = {}


# ---------------------------------------------------------------- the KPIs, by hand
def nps(scores):
    s = [x for x in scores if x is not None]
    if not s:
        return {"value": None, "n": 0}
    p = sum(1 for x in s if x >= 9)
    d = sum(1 for x in s if x <= 6)
    return {"value": round(100 * (p - d) / len(s), 2), "n": len(s), "promoters": p, "detractors": d}


def csat(scores):
    s = [x for x in scores if x is not None]
    if not s:
        return {"value": None, "n": 0}
    return {"value": round(100 * sum(1 for x in s if x >= 4) / len(s), 2), "n": len(s)}


def ces(scores):
    s = [x for x in scores if x is not None]
    if not s:
        return {"mean": None, "n": 0}
    return {"mean": round(sum(s) / len(s), 3), "n": len(s),
            "low_effort_pct": round(100 * sum(1 for x in s if x <= 2) / len(s), 2)}


def kpis(rows, month_of=None):
    """rows: dicts with optional 'nps', 'csat', 'ces' (already on the dashboard's scales)."""
    out = {"rows": len(rows),
           "nps": nps([r.get("nps") for r in rows]),
           "csat": csat([r.get("csat") for r in rows]),
           "ces": ces([r.get("ces") for r in rows])}
    for k in ("nps", "csat", "ces"):
        if out[k]["n"] == 0:
            del out[k]
    if month_of:
        months = sorted({month_of(r) for r in rows if month_of(r)})
        out["by_month"] = {m: kpis([r for r in rows if month_of(r) == m]) for m in months}
    return out


def write(path: Path, header_rows, rows, *, delimiter=",", encoding="utf-8", newline="\r\n"):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator=newline)
        for h in header_rows:
            w.writerow(h)
        for r in rows:
            w.writerow(r)


def weighted(rng, values, weights):
    return rng.choices(values, weights=weights, k=1)[0]


def rand_dt(rng, start: date, end: date) -> datetime:
    days = (end - start).days
    d = start + timedelta(days=rng.randrange(days + 1))
    return datetime(d.year, d.month, d.day, rng.randrange(7, 23), rng.randrange(60), rng.randrange(60))


FIRST = ["Marco", "Giulia", "John", "Emily", "Luca", "Sara", "David", "Anna", "Michael", "Laura",
         "James", "Chiara", "Robert", "Maria", "William", "Elena", "Joseph", "Francesca", "Thomas",
         "Jessica", "Daniel", "Ashley", "Paolo", "Martina"]
LAST = ["Rossi", "Smith", "Bianchi", "Johnson", "Romano", "Williams", "Colombo", "Brown",
        "Ricci", "Jones", "Marino", "Garcia", "Greco", "Miller", "Bruno", "Davis", "Gallo",
        "Wilson", "Conti", "Moore", "O'Brien", "De Luca"]


def person(rng):
    f, last = rng.choice(FIRST), rng.choice(LAST)
    mail = f"{f.lower()}.{last.lower().replace(' ', '').replace(chr(39), '')}{rng.randrange(100)}@" + \
        rng.choice(["gmail.com", "yahoo.com", "outlook.com", "example.org", "libero.it"])
    return f, last, mail


def ip(rng):
    return ".".join(str(rng.randrange(1, 255)) for _ in range(4))


# ---------------------------------------------------------------- 1. airline (Kaggle-like)
AIR_RATINGS = ["Inflight wifi service", "Departure/Arrival time convenient", "Ease of Online booking",
               "Gate location", "Food and drink", "Online boarding", "Seat comfort",
               "Inflight entertainment", "On-board service", "Leg room service", "Baggage handling",
               "Checkin service", "Inflight service", "Cleanliness"]


def airline(out: Path, rng: random.Random, n=2000):
    header = ["", "id", "Gender", "Customer Type", "Age", "Type of Travel", "Class",
              "Flight Distance"] + AIR_RATINGS + ["Departure Delay in Minutes",
                                                  "Arrival Delay in Minutes", "satisfaction"]
    rows, truth = [], []
    ids = rng.sample(range(1, 130000), n)
    for i in range(n):
        biz = rng.random() < 0.48
        sat = rng.random() < (0.70 if biz else 0.20)
        ratings = []
        for _ in AIR_RATINGS:
            if rng.random() < 0.03:
                ratings.append(0)  # not applicable
            else:
                base = 3.6 if sat else 2.7
                ratings.append(max(1, min(5, round(rng.gauss(base, 1.1)))))
        dep = int(rng.expovariate(1 / 15)) if rng.random() < 0.45 else 0
        arr = "" if rng.random() < 0.003 else float(max(0, dep + rng.randint(-10, 10)))
        rows.append([i, ids[i], rng.choice(["Female", "Male"]),
                     weighted(rng, ["Loyal Customer", "disloyal Customer"], [82, 18]),
                     rng.randint(7, 85), "Business travel" if biz else "Personal Travel",
                     "Business" if biz and rng.random() < 0.85 else weighted(rng, ["Eco", "Eco Plus"], [85, 15]),
                     rng.randint(31, 4983)] + ratings + [dep, arr,
                     "satisfied" if sat else "neutral or dissatisfied"])
        ease = ratings[AIR_RATINGS.index("Ease of Online booking")]
        truth.append({"csat": 5 if sat else 2, "ease": ease or None})
    write(out / "airline_satisfaction.csv", [header], rows, newline="\n")
    t = kpis(truth)
    e = [r["ease"] for r in truth if r["ease"]]
    t["note"] = "csat: satisfied counted as satisfied (4-5), 'neutral or dissatisfied' as not"
    t["ease_of_online_booking"] = {"answered_1_5": len(e), "not_applicable_0": n - len(e),
                                   "mean_1_5": round(sum(e) / len(e), 3),
                                   "pct_4_5": round(100 * sum(1 for x in e if x >= 4) / len(e), 2)}
    TRUTH["airline_satisfaction.csv"] = t


# ---------------------------------------------------------------- 2. support tickets (Kaggle-like)
PRODUCTS = ["GoPro Hero", "LG Smart TV", "Dell XPS", "Microsoft Office", "Autodesk AutoCAD",
            "Fitbit Versa Smartwatch", "Philips Hue Lights", "Apple AirPods", "Sony PlayStation",
            "Nest Thermostat", "Amazon Kindle", "Canon EOS", "Xbox", "Nintendo Switch"]
TICKET_TYPES = ["Technical issue", "Billing inquiry", "Product inquiry", "Refund request",
                "Cancellation request"]
SUBJECTS = ["Product setup", "Peripheral compatibility", "Network problem", "Account access",
            "Data loss", "Payment issue", "Refund request", "Battery life", "Installation support",
            "Software bug", "Hardware issue", "Delivery problem"]
DESC = ["I'm having an issue with the {p}. Please assist.",
        "I've noticed a problem with my {p}, it stops working after the latest update; "
        "I've tried restarting, resetting and reinstalling.",
        "The {p} is not turning on. I've checked the power cable, the outlet and the \"reset\" button.",
        "I was charged twice for my {p}, please refund the duplicate payment.\nOrder attached.",
        "Can you tell me how to set up the {p}? The manual says \"see online help\", which is empty.",
        "My {p} keeps disconnecting from Wi-Fi, is this a known issue? Thanks, regards",
        "I'd like to cancel my {p} subscription, effective immediately."]


def tickets(out: Path, rng: random.Random, n=3000):
    header = ["Ticket ID", "Customer Name", "Customer Email", "Customer Age", "Customer Gender",
              "Product Purchased", "Date of Purchase", "Ticket Type", "Ticket Subject",
              "Ticket Description", "Ticket Status", "Resolution", "Ticket Priority",
              "Ticket Channel", "Ticket Created", "First Response Time", "Time to Resolution",
              "Customer Satisfaction Rating"]
    rows, truth = [], []
    for tid in range(1, n + 1):
        f, last, mail = person(rng)
        p = rng.choice(PRODUCTS)
        status = weighted(rng, ["Closed", "Open", "Pending Customer Response"], [33, 34, 33])
        created = rand_dt(rng, date(2023, 5, 1), date(2023, 6, 30))
        first = created + timedelta(minutes=rng.randint(5, 60 * 20))
        resolved = first + timedelta(hours=rng.randint(1, 72)) if status == "Closed" else None
        rating = weighted(rng, [1, 2, 3, 4, 5], [20, 20, 21, 19, 20]) if status == "Closed" else None
        fmt = "%Y-%m-%d %H:%M:%S"
        rows.append([tid, f"{f} {last}", mail, rng.randint(18, 70),
                     weighted(rng, ["Male", "Female", "Other"], [34, 33, 33]), p,
                     (date(2020, 1, 1) + timedelta(days=rng.randrange(730))).isoformat(),
                     rng.choice(TICKET_TYPES), rng.choice(SUBJECTS), rng.choice(DESC).format(p=p),
                     status, rng.choice(["Case maybe show recently my computer follow.",
                                         "Try capital clearly never color toward story.",
                                         "West decision evidence bit."]) if status == "Closed" else "",
                     rng.choice(["Low", "Medium", "High", "Critical"]),
                     weighted(rng, ["Email", "Phone", "Chat", "Social media"], [25, 26, 24, 25]),
                     created.strftime(fmt),
                     first.strftime(fmt) if status != "Open" else "",
                     resolved.strftime(fmt) if resolved else "",
                     f"{rating:.1f}" if rating else ""])
        truth.append({"csat": rating, "created": created, "resolved": resolved, "id": tid,
                      "first": first if status != "Open" else None})
    write(out / "support_tickets.csv", [header], rows)
    t = kpis(truth, month_of=lambda r: r["resolved"].strftime("%Y-%m") if r["resolved"] else None)
    t["note"] = "by_month: month of Time to Resolution (the answer comes after the ticket is closed)"
    t["by_created_month"] = {m: kpis([r for r in truth if r["created"].strftime("%Y-%m") == m])
                             for m in ("2023-05", "2023-06")}
    t["by_first_response_month"] = {m: kpis([r for r in truth if r["first"] and r["first"].strftime("%Y-%m") == m])
                                    for m in ("2023-05", "2023-06", "2023-07")}
    t["rated_ids_1000_5999"] = sum(1 for r in truth if r["csat"] and 1000 <= r["id"] <= 5999)
    TRUTH["support_tickets.csv"] = t


# ---------------------------------------------------------------- 3. e-commerce CSAT, two months
CATS = {"Returns": ["Reverse Pickup Enquiry", "Return request", "Fraudulent User"],
        "Order Related": ["Delayed", "Order status enquiry", "Installation/demo"],
        "Refund Related": ["Refund Enquiry", "Refund Related Issues"],
        "Product Queries": ["Product Specific Information", "Life Insurance"],
        "Cancellation": ["Not Needed", "Seller Cancelled Order"],
        "Shopzilla Related": ["Shopzila Premium Related", "General Enquiry"],
        "Payments related": ["Online Payment Issues", "COD Refund Details"],
        "Feedback": ["UnProfessional Behaviour", "Other"],
        "Offers & Cashback": ["Payment pending for Cashback"],
        "Others": ["Others"]}
REMARKS_GOOD = ["Good", "Very good", "Nice", "Thank you", "Excellent service", "Good job",
                "Very helpful, resolved in one call", "Superb", "nice service 👍"]
REMARKS_BAD = ["Very bad", "Worst service ever", "Not resolved yet", "refund still not received",
               "Agent disconnected the call", "Useless", "product not delivered, no update"]
CITIES = ["NAGPUR", "DELHI", "MUMBAI", "PUNE", "HYDERABAD", "BANGALORE", "KOLKATA", "CHENNAI", ""]


def ecommerce(out: Path, rng: random.Random, n=(1400, 1600)):
    header = ["Unique id", "channel_name", "category", "Sub-category", "Customer Remarks",
              "Order_id", "order_date_time", "Issue_reported at", "issue_responded",
              "Survey_response_Date", "Customer_City", "Product_category", "Item_price",
              "connected_handling_time", "Agent_name", "Supervisor", "Manager", "Tenure Bucket",
              "Agent Shift", "CSAT Score"]
    agents = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(60)]
    months = [(date(2023, 7, 1), date(2023, 7, 31)), (date(2023, 8, 1), date(2023, 8, 31))]
    all_truth = {}
    for k, (m0, m1) in enumerate(months):
        rows, truth = [], []
        for _ in range(n[k]):
            uid = "-".join(f"{rng.getrandbits(b):0{b // 4}x}" for b in (32, 16, 16, 16, 48))
            score = weighted(rng, [1, 2, 3, 4, 5], [13, 2, 3, 13, 69])
            rep = rand_dt(rng, m0, m1)
            resp = rep + timedelta(minutes=rng.randint(1, 300))
            remark = ""
            if rng.random() < 0.33:
                remark = rng.choice(REMARKS_GOOD if score >= 4 else REMARKS_BAD)
            cat = weighted(rng, list(CATS), [52, 27, 5, 4, 3, 3, 2, 2, 1, 1])
            has_order = rng.random() < 0.8
            order_dt = rep - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
            fmt = "%d/%m/%Y %H:%M"
            rows.append([uid, weighted(rng, ["Inbound", "Outcall", "Email"], [79, 17, 4]), cat,
                         rng.choice(CATS[cat]), remark,
                         "-".join(f"{rng.getrandbits(b):0{b // 4}x}" for b in (32, 16)) if has_order else "",
                         order_dt.strftime(fmt) if has_order and rng.random() < 0.25 else "",
                         rep.strftime(fmt), resp.strftime(fmt), resp.strftime("%d-%b-%y"),
                         rng.choice(CITIES) if rng.random() < 0.2 else "",
                         rng.choice(["Electronics", "LifeStyle", "Books & General merchandise",
                                     "Mobile", "Home"]) if rng.random() < 0.2 else "",
                         str(rng.choice([199, 499, 999, 1299, 4999, 15999])) if rng.random() < 0.2 else "",
                         str(rng.randint(100, 900)) if rng.random() < 0.03 else "",
                         rng.choice(agents), rng.choice(["Mia Hughes", "Elijah Yamaguchi", "Nathan Patel",
                                                         "Zoe Yamamoto", "Olivia Tanaka"]),
                         rng.choice(["Jennifer Nguyen", "Michael Lee", "Emily Chen", "John Smith"]),
                         rng.choice(["On Job Training", ">90", "0-30", "31-60", "61-90"]),
                         rng.choice(["Morning", "Evening", "Split", "Afternoon", "Night"]), score])
            truth.append({"csat": score, "day": resp.date(), "remark": remark})
        name = f"ecommerce_csat_{m0:%Y_%m}.csv"
        write(out / name, [header], rows)
        t = kpis(truth, month_of=lambda r: r["day"].strftime("%Y-%m"))
        t["rows_with_remarks"] = sum(1 for r in truth if r["remark"])
        TRUTH[name] = t
        all_truth[name] = truth
        if k == 0:  # the same month downloaded again: rows in another order, LF line ends
            again = rows[:]
            rng.shuffle(again)
            write(out / f"ecommerce_csat_{m0:%Y_%m}_redownload.csv", [header], again, newline="\n")
    TRUTH["ecommerce both months"] = kpis([r for v in all_truth.values() for r in v])


# ---------------------------------------------------------------- 4. bank NPS, ids 1000-5999
REGIONS_IT = ["Lombardia", "Lazio", "Campania", "Sicilia", "Veneto", "Piemonte", "Toscana",
              "Puglia", "Emilia-Romagna", "Sardegna"]
REGIONS_EN = {"Lombardia": "Lombardy", "Sicilia": "Sicily", "Toscana": "Tuscany",
              "Piemonte": "Piedmont", "Puglia": "Apulia", "Sardegna": "Sardinia"}


def bank(out: Path, rng: random.Random):
    header = ["ID", "Survey Date", "Region", "Product", "Age Group", "Tenure (years)",
              "How likely are you to recommend Banca Esempio to a friend or colleague?",
              "What is the main reason for your score?"]
    rows, truth = [], []
    for rid in range(1000, 6000):
        d = rand_dt(rng, date(2023, 1, 1), date(2023, 3, 31))
        reg = rng.choice(REGIONS_IT)
        shown = REGIONS_EN.get(reg, reg) if rng.random() < 0.4 else reg
        prod = weighted(rng, ["Current account", "Mortgage", "Credit card", "Savings", "Loan"],
                        [40, 15, 25, 12, 8])
        score = None if rng.random() < 0.04 else weighted(
            rng, list(range(11)), [4, 2, 3, 4, 4, 8, 9, 17, 19, 15, 15])
        reason = ""
        if score is not None and rng.random() < 0.4:
            reason = rng.choice(["Friendly staff at the branch", "App keeps crashing",
                                 "High fees, compared to online banks", "Quick mortgage approval",
                                 "Too long on hold", "Nothing special"])
        rows.append([rid, d.strftime("%Y-%m-%d"), shown, prod, rng.choice(["18-24", "25-34", "35-44",
                     "45-54", "55-64", "65+"]), rng.randint(0, 30),
                     "" if score is None else score, reason])
        truth.append({"nps": score, "day": d})
    write(out / "bank_nps.csv", [header], rows)
    TRUTH["bank_nps.csv"] = kpis(truth, month_of=lambda r: r["day"].strftime("%Y-%m"))


# ---------------------------------------------------------------- 5. SurveyMonkey, 2-row header
SAT5 = ["Very satisfied", "Satisfied", "Neither satisfied nor dissatisfied", "Dissatisfied",
        "Very dissatisfied"]


def surveymonkey(out: Path, rng: random.Random, n=800):
    q_nps = "How likely is it that you would recommend the city's transport services to a friend or colleague?"
    q_area = "Which planning area do you live in?"
    q_sat = ("Overall, how satisfied are you with the road pricing scheme, given that the revenue it "
             "raises is reinvested in public transport?")
    q_use = "Which of the following do you use at least once a week? (select all that apply)"
    use_opts = ["Bus", "Tram", "Metro", "Bike sharing", "Other (please specify)"]
    q_open = "Is there anything else you would like to tell us?"
    row1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1", q_nps, q_area, q_sat,
            q_use] + [""] * (len(use_opts) - 1) + [q_open]
    row2 = [""] * 9 + ["Response", "Response", "Response"] + use_opts + ["Open-Ended Response"]
    areas = ["Bedok", "Tampines", "Jurong West", "Woodlands", "Ang Mo Kio", "Queenstown",
             "Central Area", "Punggol"]
    rows, truth = [], []
    rid = 11498700000
    for _ in range(n):
        rid += rng.randint(1000, 90000)
        start = rand_dt(rng, date(2023, 10, 1), date(2023, 10, 31))
        end = start + timedelta(seconds=rng.randint(40, 900))
        score = None if rng.random() < 0.06 else weighted(
            rng, list(range(11)), [6, 3, 4, 6, 6, 12, 10, 15, 14, 11, 13])
        sat_i = None if rng.random() < 0.08 else weighted(rng, range(5), [14, 31, 22, 19, 14])
        f, last, mail = person(rng)
        anon = rng.random() < 0.7
        uses = [o if rng.random() < 0.4 else "" for o in use_opts[:-1]] + [
            "Ferry" if rng.random() < 0.02 else ""]
        sm_fmt = "%m/%d/%Y %I:%M:%S %p"
        rows.append([rid, 253104578 if rng.random() < 0.7 else 253104601, start.strftime(sm_fmt),
                     end.strftime(sm_fmt), ip(rng), "" if anon else mail, "" if anon else f,
                     "" if anon else last, "", "" if score is None else score, rng.choice(areas),
                     "" if sat_i is None else SAT5[sat_i]] + uses + [
                     rng.choice(["", "", "", "More buses at night please", "The ERP gantry on "
                                 "my road is unfair, I pay twice a day", "n/a"])])
        truth.append({"nps": score, "csat": None if sat_i is None else 5 - sat_i})
    write(out / "surveymonkey_city.csv", [row1, row2], rows)
    t = kpis(truth)
    t["note"] = "csat from labels: Very satisfied=5 ... Very dissatisfied=1; all in 2023-10"
    TRUTH["surveymonkey_city.csv"] = t


# ---------------------------------------------------------------- 6. Qualtrics legacy and current
def rid_q(rng):
    return "R_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(15))


def qualtrics_legacy(out: Path, rng: random.Random, n=600):
    meta = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
            "IPAddress", "Status", "StartDate", "EndDate", "Finished"]
    qs = [("Q1", "How likely are you to recommend Acme Insurance to a friend or colleague?"),
          ("Q2", "Overall, how satisfied were you with the handling of your claim?"),
          ("Q3", "How easy was it to file your claim? (1 = very easy, 7 = very difficult)"),
          ("Q4", "Which type of policy do you hold?"),
          ("Q5", "Please tell us why you gave that rating.")]
    row1 = [f"V{i}" for i in range(1, 11)] + [c for c, _ in qs] + [
        "LocationLatitude", "LocationLongitude", "LocationAccuracy", ""]
    row2 = meta + [t for _, t in qs] + ["LocationLatitude", "LocationLongitude", "LocationAccuracy", ""]
    rows, truth = [], []
    for _ in range(n):
        start = rand_dt(rng, date(2017, 3, 1), date(2017, 3, 31))
        end = start + timedelta(seconds=rng.randint(60, 1200))
        finished = rng.random() > 0.07
        s1 = weighted(rng, list(range(11)), [3, 2, 3, 4, 5, 9, 10, 17, 18, 14, 15])
        s2 = weighted(rng, [1, 2, 3, 4, 5], [8, 10, 17, 35, 30])
        s3 = weighted(rng, [1, 2, 3, 4, 5, 6, 7], [25, 24, 17, 12, 9, 7, 6])
        if not finished:
            s2 = s3 = None
        fmt = "%Y-%m-%d %H:%M:%S"
        rows.append([rid_q(rng), "Default Response Set", "Anonymous", "", "", ip(rng), 0,
                     start.strftime(fmt), end.strftime(fmt), int(finished), s1,
                     "" if s2 is None else s2, "" if s3 is None else s3,
                     rng.choice(["Auto", "Home", "Life", "Travel"]),
                     rng.choice(["", "", "Quick payout", "Too much paperwork, I had to call 3 times",
                                 "Adjuster was very kind"]),
                     f"{rng.uniform(25, 48):.6f}", f"{rng.uniform(-122, -71):.6f}", -1, ""])
        truth.append({"nps": s1, "csat": s2, "ces": s3})
    write(out / "qualtrics_legacy.csv", [row1, row2], rows)
    t = kpis(truth)
    t["note"] = "all in 2017-03; CES 1 = very easy (effort direction)"
    TRUTH["qualtrics_legacy.csv"] = t


def qualtrics_current(out: Path, rng: random.Random, n=900):
    meta = [("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Denver"}'),
            ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Denver"}'),
            ("Status", "Response Type", '{"ImportId":"status"}'),
            ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
            ("Progress", "Progress", '{"ImportId":"progress"}'),
            ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
            ("Finished", "Finished", '{"ImportId":"finished"}'),
            ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"America/Denver"}'),
            ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
            ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
            ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
            ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
            ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
            ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
            ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
            ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
            ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
            ("Q1", "How likely are you to recommend TelcoNet to a friend or colleague? - 0 = Not at all likely, 10 = Extremely likely", '{"ImportId":"QID1"}'),
            ("Q2", "How satisfied are you with your most recent support contact?", '{"ImportId":"QID2"}'),
            ("Q3", "TelcoNet made it easy for me to handle my issue.", '{"ImportId":"QID3"}'),
            ("Q4", "How did you contact us?", '{"ImportId":"QID4"}'),
            ("Q5", "Which plan are you on?", '{"ImportId":"QID5"}'),
            ("Q6", "What could we do better?", '{"ImportId":"QID6_TEXT"}')]
    rows, truth = [], []
    for _ in range(n):
        preview = rng.random() < 0.006
        start = rand_dt(rng, date(2023, 12, 1), date(2023, 12, 31))
        dur = rng.randint(45, 1500)
        end = start + timedelta(seconds=dur)
        finished = rng.random() > 0.05
        s1 = weighted(rng, list(range(11)), [5, 3, 3, 5, 5, 10, 10, 16, 17, 12, 14])
        s2 = weighted(rng, [1, 2, 3, 4, 5], [10, 12, 18, 32, 28]) if finished else None
        # agreement 1-7, 7 = strongly agree that it was easy (ease direction)
        s3 = weighted(rng, [1, 2, 3, 4, 5, 6, 7], [5, 6, 8, 12, 20, 25, 24]) if finished else None
        f, last, mail = person(rng)
        fmt = "%Y-%m-%d %H:%M:%S"
        rows.append([start.strftime(fmt), end.strftime(fmt), 1 if preview else 0, ip(rng),
                     100 if finished else rng.randint(20, 90), dur, int(finished),
                     end.strftime(fmt), "R_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(15)),
                     last, f, mail, "", f"{rng.uniform(25, 48):.4f}", f"{rng.uniform(-122, -71):.4f}",
                     "preview" if preview else "email", "EN", s1,
                     "" if s2 is None else s2, "" if s3 is None else s3,
                     rng.choice(["Phone", "Chat", "Store", "Email"]),
                     rng.choice(["Prepaid", "Postpaid", "Business"]),
                     rng.choice(["", "", "", "Shorter wait times", "Nothing, all good",
                                 "Stop asking me to restart the router"])])
        truth.append({"nps": s1, "csat": s2, "ces_ease": s3, "preview": preview,
                      "recorded": end})
    write(out / "qualtrics_current.csv", [[m[0] for m in meta], [m[1] for m in meta],
                                           [m[2] for m in meta]], rows)
    real = [r for r in truth if not r["preview"]]
    t = kpis(real)
    eases = [r["ces_ease"] for r in real if r["ces_ease"]]
    t["ces_ease_1_7"] = {"mean": round(sum(eases) / len(eases), 3), "n": len(eases),
                         "pct_6_7_easy": round(100 * sum(1 for x in eases if x >= 6) / len(eases), 2),
                         "as_effort_mean_8_minus": round(sum(8 - x for x in eases) / len(eases), 3)}
    t["preview_rows"] = sum(1 for r in truth if r["preview"])
    t["with_preview_rows"] = kpis(truth)
    t["note"] = ("Status 1 = Survey Preview rows, not real answers; Q3 is agreement 1-7 with "
                 "'easy' (7 = easiest); dates in America/Denver, 2023-12")
    TRUTH["qualtrics_current.csv"] = t


# ---------------------------------------------------------------- 7. Italian Excel CSV
SODD = ["Molto soddisfatto", "Soddisfatto", "Né soddisfatto né insoddisfatto", "Insoddisfatto",
        "Molto insoddisfatto"]


def italian(out: Path, rng: random.Random, n=1200):
    header = ["ID risposta", "Data risposta", "Canale", "Segmento", "Regione", "Prodotto",
              "Quanto è probabile che consiglieresti Energia Chiara a un amico o collega?",
              "Soddisfazione complessiva", "Importo ultima bolletta (€)", "Attesa (minuti)",
              "Commento"]
    rows, truth = [], []
    for i in range(n):
        d = rand_dt(rng, date(2024, 1, 1), date(2024, 2, 29))
        ch = weighted(rng, ["Telefono", "Negozio", "Sito web", "E-mail"], [40, 25, 25, 10])
        shown_ch = ch
        if ch == "Telefono" and rng.random() < 0.08:
            shown_ch = rng.choice(["telefono", "Call center", "TELEFONO "])
        typo = i == 777  # a hand-typed year: 2204 for 2024
        shown_day = d.strftime("%d/%m/%Y").replace("/2024", "/2204") if typo else d.strftime("%d/%m/%Y")
        seg = weighted(rng, ["Privati", "Aziende"], [80, 20])
        s1 = None if rng.random() < 0.05 else weighted(rng, list(range(11)), [5, 3, 4, 5, 6, 11, 11, 16, 15, 11, 13])
        s2 = None if rng.random() < 0.1 else weighted(rng, range(5), [22, 38, 20, 12, 8])
        rows.append([f"EC-{2024}{i:05d}", shown_day, shown_ch, seg, rng.choice(REGIONS_IT),
                     rng.choice(["Luce", "Gas", "Luce e Gas", "Fibra"]),
                     "" if s1 is None else s1, "" if s2 is None else SODD[s2],
                     f"{rng.uniform(25, 400):.2f}".replace(".", ","),
                     f"{rng.uniform(0, 25):.1f}".replace(".", ","),
                     rng.choice(["", "", "", "Operatore gentile e competente",
                                 "Bolletta troppo alta; nessuno mi ha richiamato",
                                 "Attesa lunga al telefono, 20 minuti"])])
        if typo:
            continue  # the row dated 2204 must be rejected: not part of the truth
        truth.append({"nps": s1, "csat": None if s2 is None else 5 - s2, "day": d, "channel": ch,
                      "segment": seg})
    write(out / "italiano_soddisfazione.csv", [header], rows, delimiter=";", encoding="cp1252")
    t = kpis(truth, month_of=lambda r: r["day"].strftime("%Y-%m"))
    t["by_channel"] = {c: kpis([r for r in truth if r["channel"] == c])
                       for c in ["Telefono", "Negozio", "Sito web", "E-mail"]}
    t["by_segment"] = {s: kpis([r for r in truth if r["segment"] == s]) for s in ["Privati", "Aziende"]}
    t["note"] = ("Windows-1252, ';', decimal commas, dd/mm/yyyy; 2024-01..02; line 779 (ID "
                 "EC-202400777) is dated 2204 by a typo and is left out of the truth")
    TRUTH["italiano_soddisfazione.csv"] = t


# ---------------------------------------------------------------- 8. no date; journey events
def one_off(out: Path, rng: random.Random, n=400):
    header = ["Respondent", "Department", "Office",
              "How likely are you to recommend IT support to a colleague?",
              "Overall satisfaction (1-5)", "Comments"]
    rows, truth = [], []
    for i in range(1, n + 1):
        s1 = None if rng.random() < 0.03 else weighted(rng, list(range(11)), [2, 1, 2, 3, 4, 8, 10, 20, 20, 15, 15])
        s2 = None if rng.random() < 0.03 else weighted(rng, [1, 2, 3, 4, 5], [5, 8, 20, 40, 27])
        rows.append([i, rng.choice(["Finance", "HR", "Sales", "Operations", "Legal", "Marketing"]),
                     rng.choice(["Milan", "Rome", "London"]), "" if s1 is None else s1,
                     "" if s2 is None else s2, rng.choice(["", "", "Laptop took 3 weeks",
                                                          "Great helpdesk"])])
        truth.append({"nps": s1, "csat": s2})
    write(out / "it_survey_oneoff.csv", [header], rows)
    t = kpis(truth)
    t["note"] = "no date column: the survey ran 11-15 March 2024"
    TRUTH["it_survey_oneoff.csv"] = t


def journey(out: Path, rng: random.Random, customers=900):
    header = ["event_id", "customer_id", "session_id", "timestamp", "stage", "channel", "revenue"]
    order = ["awareness", "consideration", "cart", "purchase", "retention"]
    keep = [1.0, 0.62, 0.45, 0.55, 0.40]
    rows, reached = [], {s: 0 for s in order}
    eid = 0
    for c in range(customers):
        t0 = rand_dt(rng, date(2024, 3, 1), date(2024, 3, 24))
        ch = weighted(rng, ["web", "app", "store"], [55, 35, 10])
        sess = f"s{rng.getrandbits(40):010x}"
        t = t0
        for k, st in enumerate(order):
            if rng.random() > keep[k]:
                break
            eid += 1
            reached[st] += 1
            rev = f"{rng.uniform(10, 400):.2f}" if st == "purchase" else ""
            rows.append([eid, f"C{c:05d}", sess, t.strftime("%Y-%m-%dT%H:%M:%S"), st, ch, rev])
            t += timedelta(hours=rng.randint(1, 96))
    rng.shuffle(rows)
    write(out / "journey_events.csv", [header], rows, newline="\n")
    TRUTH["journey_events.csv"] = {"rows": len(rows), "customers_reaching_stage": reached,
                                   "note": "each customer's events are one path in order; "
                                           "'cart' is between consideration and purchase; 2024-03"}


# ---------------------------------------------------------------- 9. Google Forms, two overlapping exports
def google_forms(out: Path, rng: random.Random, n=700):
    header = ["Timestamp", "How easy was it to complete your order today?",
              "How likely are you to recommend us to a friend?", "Which store did you visit?",
              "Anything else?"]
    answers = []
    for _ in range(n):
        ts = rand_dt(rng, date(2024, 4, 1), date(2024, 4, 30))
        s1 = weighted(rng, [1, 2, 3, 4, 5, 6, 7], [4, 6, 8, 14, 22, 24, 22])
        s2 = weighted(rng, list(range(11)), [3, 2, 3, 4, 5, 9, 10, 18, 18, 14, 14])
        answers.append((ts, s1, s2, rng.choice(["Via Roma", "Corso Italia", "Online pickup"]),
                        rng.choice(["", "", "", "Fast", "Queue too long"])))
    answers.sort()

    def row(a):
        ts = a[0]
        return [f"{ts.month}/{ts.day}/{ts.year} {ts.hour}:{ts:%M:%S}", a[1], a[2], a[3], a[4]]
    first = [a for a in answers if a[0] < datetime(2024, 4, 21)]
    write(out / "gforms_store_2024-04-20.csv", [header], [row(a) for a in first])
    write(out / "gforms_store_2024-05-01.csv", [header], [row(a) for a in answers])
    TRUTH["gforms_store_2024-04-20.csv"] = kpis([{"nps": a[2], "ces_ease": a[1]} for a in first])
    t = kpis([{"nps": a[2]} for a in answers])
    t["overlap_with_first_export"] = len(first)
    eases = [a[1] for a in answers]
    t["ease_1_7_mean"] = round(sum(eases) / len(eases), 3)
    t["as_effort_8_minus"] = ces([8 - x for x in eases])
    t["note"] = ("the second export holds every row of the first; the CES question is ease, "
                 "7 = very easy")
    TRUTH["gforms_store_2024-05-01.csv"] = t
    # the next week's download of the same form: 1-7 May only, every day number <= 12
    may = []
    for _ in range(160):
        ts = rand_dt(rng, date(2024, 5, 1), date(2024, 5, 7))
        may.append((ts, weighted(rng, [1, 2, 3, 4, 5, 6, 7], [4, 6, 8, 14, 22, 24, 22]),
                    weighted(rng, list(range(11)), [3, 2, 3, 4, 5, 9, 10, 18, 18, 14, 14]),
                    rng.choice(["Via Roma", "Corso Italia", "Online pickup"]), ""))
    may.sort()
    write(out / "gforms_store_2024-05-08.csv", [header], [row(a) for a in may])
    t = kpis([{"nps": a[2], "ces": 8 - a[1]} for a in may])
    t["note"] = "answers of 1-7 May 2024 only (m/d/yyyy: 5/1/2024 ... 5/7/2024)"
    TRUTH["gforms_store_2024-05-08.csv"] = t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for i, fn in enumerate([airline, tickets, ecommerce, bank, surveymonkey, qualtrics_legacy,
                            qualtrics_current, italian, one_off, journey, google_forms]):
        fn(out, random.Random(a.seed * 100 + i))
    (out / "truth.json").write_text(json.dumps(TRUTH, indent=1, default=str))
    for name, t in TRUTH.items():
        brief = {k: v for k, v in t.items() if k not in ("by_month", "by_channel", "by_segment",
                                                         "by_created_month", "with_preview_rows")}
        print(name, json.dumps(brief, default=str))
        for m, v in t.get("by_month", {}).items():
            print("   ", m, json.dumps({k: v[k] for k in v if k in ("rows", "nps", "csat", "ces")}))


if __name__ == "__main__":
    main()
