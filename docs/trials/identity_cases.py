"""The five cases of issue 16 as files: ``python docs/trials/identity_cases.py DIR`` (seeded)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/identity_cases")
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(16)
n = 5000  # 1. a bank's NPS export, ids 1000-5999 ...
pd.DataFrame({"CustomerId": np.arange(1000, 6000),
              "Date": pd.date_range("2026-01-01", periods=n, freq="37min").strftime("%Y-%m-%d %H:%M"),
              "Likelihood to recommend": rng.integers(0, 11, n)}).to_csv(out / "bank_nps.csv", index=False)
m = 3000  # ... and a ticket system's CSAT, ticket ids 1-3000
pd.DataFrame({"Ticket ID": np.arange(1, m + 1),
              "Ticket Created": pd.date_range("2026-02-01", periods=m, freq="53min").strftime("%Y-%m-%d %H:%M"),
              "Customer Satisfaction Rating": rng.choice([1, 2, 3, 4, 5], m, p=[.25, .2, .15, .2, .2]),
              "Market": np.random.default_rng(3).choice(["IT", "ES", "FR"], m)}).to_csv(out / "tickets.csv", index=False)
k = 8000  # 2. an e-commerce export with no id column, split in two
days = pd.date_range("2026-03-01", periods=30, freq="D").strftime("%Y-%m-%d")
e = pd.DataFrame({"order_date": rng.choice(days, k), "channel": rng.choice(["web", "app", "store"], k),
                  "CSAT Score": rng.choice([1, 2, 3, 4, 5], k, p=[.05, .05, .08, .3, .52]),
                  "Customer Remarks": np.where(rng.random(k) < .3, [f"remark {i}" for i in range(k)], "")})
e.insert(0, "Order_id", [f"ORD-{i:06d}" for i in range(k)])
e.iloc[:4000].to_csv(out / "ecom_part1.csv", index=False)
e.iloc[4000:].to_csv(out / "ecom_part2.csv", index=False)


def ids(a, b, seed):  # 4. two exports of one survey, ids 0-19,999 and 10,000-29,999
    r = np.random.default_rng(seed)
    return pd.DataFrame({"response_id": np.arange(a, b),
                         "date": pd.date_range("2026-04-01", periods=b - a, freq="3min").strftime("%Y-%m-%d %H:%M"),
                         "nps": r.integers(0, 11, b - a)})


ids(0, 20000, 1).to_csv(out / "A.csv", index=False)
ids(10000, 30000, 2).to_csv(out / "B.csv", index=False)
pd.DataFrame({"response_id": [1, 2, 3, 4], "date": ["2026-05-01", "9999-12-31", "2099-05-01", "0001-01-01"],
              "nps": [9, 10, 10, 0]}).to_csv(out / "dates.csv", index=False)  # 5. impossible dates
print(f"true CSAT of the e-commerce file: {e['CSAT Score'].isin([4, 5]).mean() * 100:.2f}% of {k}")
