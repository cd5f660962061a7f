"""Monthly histories for the demo catalog (the manifest's `history`): revenue, profit and visitors for up to
36 months, ending with the catalog's current month, deterministic per slug.

Each series is a trend (growth that slows as a business ages, a ramp for young ones), a seasonal pattern for
the business's category and a little noise, then scaled so that the last twelve months average exactly the
listing's monthly revenue and profit (and about its visitors): the description's "over the last twelve months
the business has averaged …" holds for the chart.
"""
import math
import random
import zlib

# The last month of every history: the month before the demo world's "now" (December 2026).
END_YEAR, END_MONTH = 2026, 11
MAX_MONTHS = 36

# Per category: twelve multipliers, January first (1.0 = an ordinary month).
SEASONS = {
    "E-commerce":      [0.86, 0.84, 0.92, 0.95, 0.98, 0.94, 0.90, 0.93, 0.99, 1.06, 1.28, 1.45],
    "Education":       [1.18, 1.10, 1.04, 1.00, 0.96, 0.82, 0.74, 0.88, 1.20, 1.10, 1.02, 0.86],
    "Local Services":  [0.86, 0.90, 1.00, 1.06, 1.10, 1.12, 1.08, 1.04, 1.02, 0.98, 0.92, 0.90],
    "Marketplaces":    [0.84, 0.88, 0.98, 1.06, 1.14, 1.18, 1.10, 1.04, 1.06, 1.00, 0.90, 0.92],
    "Content & Media": [0.92, 0.94, 1.00, 1.04, 1.08, 1.14, 1.16, 1.10, 0.98, 0.94, 0.88, 0.86],
    "Fintech":         [1.24, 1.16, 1.20, 1.22, 0.92, 1.00, 0.88, 0.86, 1.02, 0.90, 0.84, 0.82],
    "SaaS":            [1.02, 1.00, 1.02, 1.01, 1.00, 0.98, 0.96, 0.96, 1.02, 1.03, 1.01, 0.94],
    "Developer Tools": [1.02, 1.02, 1.03, 1.01, 1.00, 0.97, 0.94, 0.95, 1.02, 1.04, 1.03, 0.92],
    "AI & Automation": [1.00, 1.01, 1.02, 1.01, 1.00, 0.98, 0.96, 0.97, 1.01, 1.03, 1.02, 0.96],
}


def months_back(count):
    """(year, month) pairs, oldest first, ending with END_YEAR-END_MONTH."""
    out = []
    y, m = END_YEAR, END_MONTH
    for _ in range(count):
        out.append((y, m))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


def scaled(raw, target_avg, unit):
    """`raw` scaled so that its last twelve values average `target_avg`, rounded to `unit`; the newest value
    takes the rounding so the average is exact when `target_avg` × 12 is a multiple of `unit`."""
    tail = raw[-12:]
    factor = target_avg * len(tail) / sum(tail)
    out = [max(0, int(round(v * factor / unit)) * unit) for v in raw]
    out[-1] += target_avg * len(tail) - sum(out[-len(tail):])
    return out


def history(spec, revenue_cents, profit_cents, visitors):
    """The manifest's `history` for one business."""
    slug = spec["slug"]
    rng = random.Random(zlib.crc32(slug.encode()))
    count = min(spec["age"], MAX_MONTHS)
    months = months_back(count)
    season = SEASONS.get(spec["category"], SEASONS["SaaS"])
    # Yearly growth: most businesses grow, a few have flattened or slipped (a reason to sell).
    yearly = rng.choice([-0.12, -0.04, 0.02, 0.08, 0.15, 0.22, 0.30, 0.45])
    monthly = (1 + yearly) ** (1 / 12) - 1
    age_at_start = spec["age"] - count
    revenue_raw, visitors_raw, margins = [], [], []
    for i, (_, month) in enumerate(months):
        age = age_at_start + i
        # Young businesses ramp up over their first year and a half.
        ramp = 1 - math.exp(-(age + 1) / 7)
        trend = (1 + monthly) ** i * ramp
        noise = 1 + rng.uniform(-0.045, 0.045)
        revenue_raw.append(trend * season[month - 1] * noise)
        visitors_raw.append(trend * (0.6 + 0.4 * season[month - 1]) * (1 + rng.uniform(-0.07, 0.07)))
        # Margins are thinner while ramping and in the busiest months (more support, more ads).
        margins.append(rng.uniform(-0.035, 0.035) - 0.08 * (1 - ramp) - 0.03 * (season[month - 1] - 1))
    revenue = scaled(revenue_raw, revenue_cents, 100)
    base_margin = profit_cents / revenue_cents if revenue_cents else 0
    profit_raw = [max(0.0, r * (base_margin + d)) for r, d in zip(revenue, margins)]
    profit = scaled(profit_raw, profit_cents, 100) if sum(profit_raw[-12:]) > 0 else [0] * count
    profit = [min(p, r) for p, r in zip(profit, revenue)]
    visitors_out = scaled(visitors_raw, visitors, 10)
    return [{"month": f"{y:04d}-{m:02d}", "revenue": r, "profit": p, "visitors": v}
            for (y, m), r, p, v in zip(months, revenue, profit, visitors_out)]
