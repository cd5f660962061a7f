"""The demo catalog's businesses: one entry per listing, the per-business parameters the generator
(generate.py beside this file) turns into listing.json, techflunky.json, worker modules, SQL
migrations and business assets.

Money is in whole US dollars here; the generator writes minor units. `multiple` is the asking
price over annual profit; the generator rounds the price to a figure a seller would ask.
"""

SELLERS = {
    "northwind": ("Northwind Labs", "northwind@demo.techflunky.dev"),
    "amelie": ("Amélie Laurent", "amelie@demo.techflunky.dev"),
    "kofi": ("Kofi Mensah", "kofi@demo.techflunky.dev"),
    "harbor": ("Harbor & Pine Studio", "harborpine@demo.techflunky.dev"),
    "yuki": ("Yuki Tanaka", "yuki@demo.techflunky.dev"),
    "bytesmith": ("Bytesmith Holdings", "bytesmith@demo.techflunky.dev"),
    None: None,  # the demo account itself (demo@techflunky.dev)
}

# Each entity: (table, [(column, sql type, required)], search column, [seed rows as tuples]).
# Shapes: workers = roles of extra workers beyond the API ("cron", "site", "webhooks");
# dbs = extra databases beyond the main one ("analytics", "audit"), or main_db=False for none;
# buckets = R2 roles ("uploads", "exports", "media"); dns = a profile name.

L = []


def listing(**kw):
    L.append(kw)


# ---------------------------------------------------------------- SaaS
listing(slug="recipebox", title="RecipeBox — meal planning for busy households", category="SaaS",
        tagline="Weekly meal plans, shopping lists and a family recipe vault",
        pitch="RecipeBox turns a family’s favourite recipes into a weekly plan and a shopping list sorted by aisle. Households import recipes from any site, tag them, and share the plan with everyone at home.",
        audience="Parents of young children, mostly in the US and Canada, who cook at home four or more nights a week",
        reason="I’m starting a full-time role at a food-tech company and can’t keep giving RecipeBox the attention it deserves",
        revenue=3100, margin=0.62, multiple=2.9, age=27, visitors=18400, seller="amelie",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe Billing"],
        entity=("recipes", [("title", "TEXT", True), ("cuisine", "TEXT", False), ("minutes", "INTEGER", True), ("servings", "INTEGER", False)], "title",
                [("Weeknight chicken tikka", "Indian", 35, 4), ("Crème brûlée for two", "French", 50, 2), ("Sheet-pan gnocchi", "Italian", 25, 4), ("Black bean tacos", "Mexican", 20, 3)]),
        workers=["cron"], dbs=["analytics"], buckets=["uploads"], dns="saas-mail",
        vars={"PLAN_LIMIT_FREE": "25", "SITE_NAME": "RecipeBox"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="invoicely", title="Invoicely — invoicing for freelancers", category="SaaS",
        tagline="Send invoices, chase late payers politely, get paid",
        pitch="Invoicely lets freelancers send branded invoices in under a minute and follows up automatically when a payment is late. Clients pay by card or bank transfer from a hosted page.",
        audience="Designers, developers and copywriters billing 3–20 clients a month",
        reason="We’re a two-person team and want to focus on our agency work",
        revenue=7800, margin=0.71, multiple=3.1, age=41, visitors=26500, seller="northwind",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe"],
        entity=("invoices", [("client", "TEXT", True), ("amount_cents", "INTEGER", True), ("currency", "TEXT", True), ("status", "TEXT", True), ("due_on", "TEXT", False)], "client",
                [("Acme Design Co.", 240000, "USD", "paid", "2026-10-01"), ("Bureau Noël", 95000, "EUR", "sent", "2026-11-30"), ("Lumen Studio", 410000, "USD", "overdue", "2026-10-15")]),
        workers=["cron", "webhooks"], dbs=["audit"], buckets=["exports"], dns="saas-full",
        vars={"DEFAULT_CURRENCY": "USD", "REMINDER_DAYS": "3,7,14"}, secrets=["ADMIN_TOKEN", "WEBHOOK_SECRET"])

listing(slug="shiftboard", title="ShiftBoard — rota planning for small teams", category="SaaS",
        tagline="Drag-and-drop staff schedules with swap requests",
        pitch="ShiftBoard replaces the spreadsheet rota in cafés, clinics and shops. Managers drag shifts onto a week, staff swap shifts from their phones, and everyone gets a reminder the night before.",
        audience="Owner-managed venues with 5–40 hourly staff",
        reason="The product is stable and I want to start something new",
        revenue=4650, margin=0.58, multiple=2.6, age=33, visitors=9100, seller="kofi",
        stack=["Cloudflare Workers", "D1", "Hono"],
        entity=("shifts", [("employee", "TEXT", True), ("role", "TEXT", True), ("starts_at", "TEXT", True), ("ends_at", "TEXT", True)], "employee",
                [("Maya", "Barista", "2026-12-01T07:00", "2026-12-01T15:00"), ("José", "Kitchen", "2026-12-01T11:00", "2026-12-01T19:00"), ("Priya", "Front desk", "2026-12-02T08:00", "2026-12-02T16:00")]),
        workers=["cron"], dbs=[], buckets=[], dns="saas-mail",
        vars={"WEEK_STARTS_ON": "monday"}, secrets=["ADMIN_TOKEN"])

listing(slug="formfox", title="FormFox — forms and surveys with logic", category="SaaS",
        tagline="Conditional forms, file uploads and webhook delivery",
        pitch="FormFox is a form builder with branching logic, file uploads and instant webhook delivery. It is embedded on roughly 2,300 sites and keeps a generous free tier that converts steadily to paid.",
        audience="Marketing teams and indie makers collecting leads and feedback",
        reason="I’m relocating and want a clean handover to someone who will keep building",
        revenue=12400, margin=0.66, multiple=3.4, age=52, visitors=61000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "R2", "TypeScript"],
        entity=("submissions", [("form_slug", "TEXT", True), ("email", "TEXT", False), ("answers_json", "TEXT", True), ("score", "INTEGER", False)], "form_slug",
                [("nps-q4", "ana@example.com", "{\"nps\":9}", 9), ("beta-signup", "li@example.org", "{\"role\":\"PM\"}", None), ("nps-q4", None, "{\"nps\":6}", 6)]),
        workers=["webhooks", "cron"], dbs=["analytics"], buckets=["uploads", "exports"], dns="saas-full",
        vars={"MAX_UPLOAD_MB": "10"}, secrets=["ADMIN_TOKEN", "WEBHOOK_SECRET", "SIGNING_KEY"])

listing(slug="uptimepal", title="UptimePal — website monitoring and status pages", category="SaaS",
        tagline="One-minute checks, SMS alerts and public status pages",
        pitch="UptimePal checks websites and APIs every minute from the edge and publishes a clean status page for each customer. Incidents are opened and closed automatically.",
        audience="Agencies and SaaS founders with 5–200 endpoints to watch",
        reason="It runs itself; I’d rather it belonged to someone who will market it",
        revenue=5200, margin=0.74, multiple=3.0, age=38, visitors=14800, seller="harbor",
        stack=["Cloudflare Workers", "D1", "Cron Triggers"],
        entity=("checks", [("url", "TEXT", True), ("interval_seconds", "INTEGER", True), ("last_status", "INTEGER", False), ("last_latency_ms", "INTEGER", False)], "url",
                [("https://status.example.com", 60, 200, 84), ("https://api.example.org/health", 60, 200, 132), ("https://shop.example.net", 300, 503, 2100)]),
        workers=["cron", "site"], dbs=["audit"], buckets=[], dns="saas-mail",
        vars={"ALERT_AFTER_FAILURES": "2"}, secrets=["ADMIN_TOKEN", "SMS_API_KEY"])

listing(slug="quotecraft", title="QuoteCraft — proposals that close", category="SaaS",
        tagline="Interactive proposals with e-signature and deposits",
        pitch="QuoteCraft lets contractors send interactive proposals where clients pick options, sign and pay a deposit on one page. Average proposal-to-signature time is under two days.",
        audience="Home-improvement contractors and small agencies",
        reason="I built it for my own renovation firm and now want to sell the software side",
        revenue=2300, margin=0.55, multiple=2.4, age=19, visitors=5200, seller=None,
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("proposals", [("client", "TEXT", True), ("title", "TEXT", True), ("total_cents", "INTEGER", True), ("signed", "INTEGER", True)], "title",
                [("M. Okafor", "Kitchen refit", 1850000, 1), ("Dubois family", "Loft insulation", 620000, 0), ("Riverside Café", "Terrace decking", 930000, 1)]),
        workers=[], dbs=[], buckets=["uploads"], dns="apex-a",
        vars={"DEPOSIT_PERCENT": "25"}, secrets=["ADMIN_TOKEN"])

# ---------------------------------------------------------------- E-commerce
listing(slug="tea-trove", title="Tea Trove — loose-leaf tea subscription store", category="E-commerce",
        tagline="Curated monthly tea boxes with 1,100 active subscribers",
        pitch="Tea Trove sells curated loose-leaf tea boxes by monthly subscription, plus a one-off shop. Sourcing relationships with three estates and a fulfilment partner are included.",
        audience="Tea enthusiasts aged 25–55, mainly in the UK and US",
        reason="After five years I’m moving on to a family business",
        revenue=21000, margin=0.27, multiple=2.7, age=63, visitors=42000, seller="amelie",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe", "ShipStation"],
        entity=("products", [("name", "TEXT", True), ("origin", "TEXT", True), ("price_cents", "INTEGER", True), ("stock", "INTEGER", True)], "name",
                [("Darjeeling First Flush", "India", 1800, 120), ("Sencha Asatsuyu", "Japan", 2200, 64), ("Tieguanyin Oolong", "China", 2600, 40), ("Rooibos Crème", "South Africa", 1200, 210)]),
        workers=["webhooks", "site"], dbs=["analytics"], buckets=["media"], dns="shop",
        vars={"CURRENCY": "GBP", "FREE_SHIPPING_OVER": "4000"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="printpeak", title="PrintPeak — print-on-demand posters", category="E-commerce",
        tagline="Minimalist travel posters, printed and shipped on demand",
        pitch="PrintPeak sells minimalist city and mountain posters printed on demand by partners in the US and EU. There is no inventory: orders flow straight to the printer’s API.",
        audience="Travellers and home-décor buyers",
        reason="I want to focus on illustration rather than running a shop",
        revenue=6400, margin=0.38, multiple=2.2, age=30, visitors=37000, seller="harbor",
        stack=["Cloudflare Workers", "D1", "R2", "Printful API"],
        entity=("posters", [("title", "TEXT", True), ("city", "TEXT", True), ("size", "TEXT", True), ("price_cents", "INTEGER", True)], "city",
                [("Lisbon Trams", "Lisbon", "50x70", 3900), ("Zürich Lake", "Zürich", "30x40", 2900), ("Kyoto Gates", "Kyoto", "50x70", 3900), ("Denali Dawn", "Anchorage", "61x91", 4900)]),
        workers=["webhooks"], dbs=[], buckets=["media", "exports"], dns="shop",
        vars={"PRINT_PARTNER": "printful"}, secrets=["ADMIN_TOKEN", "PRINT_API_KEY"])

listing(slug="petpantry", title="PetPantry — natural dog treats store", category="E-commerce",
        tagline="Single-ingredient dog treats with a loyal repeat base",
        pitch="PetPantry sells single-ingredient, air-dried dog treats. 58 % of orders come from returning customers and the brand has a small but very engaged Instagram following.",
        audience="Dog owners who read ingredient labels",
        reason="We’re expecting our second child and need the time back",
        revenue=9800, margin=0.31, multiple=2.3, age=44, visitors=23000, seller="kofi",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe"],
        entity=("products", [("name", "TEXT", True), ("protein", "TEXT", True), ("grams", "INTEGER", True), ("price_cents", "INTEGER", True)], "name",
                [("Beef lung puffs", "beef", 100, 899), ("Sweet potato chews", "none", 200, 799), ("Salmon skin twists", "salmon", 120, 1099)]),
        workers=["cron"], dbs=["audit"], buckets=["media"], dns="shop",
        vars={"LOW_STOCK_THRESHOLD": "15"}, secrets=["ADMIN_TOKEN"])

listing(slug="keycap-corner", title="Keycap Corner — mechanical keyboard parts shop", category="E-commerce",
        tagline="Keycaps, switches and group-buy management",
        pitch="Keycap Corner sells keycap sets and switches and runs group buys for limited designs. The group-buy engine tracks pledges, deadlines and production batches.",
        audience="Mechanical keyboard hobbyists worldwide",
        reason="I’m burnt out on customer support across time zones",
        revenue=15800, margin=0.24, multiple=2.1, age=36, visitors=51000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe"],
        entity=("group_buys", [("design", "TEXT", True), ("pledges", "INTEGER", True), ("target", "INTEGER", True), ("closes_on", "TEXT", True)], "design",
                [("GMK Aurora", 412, 300, "2026-12-15"), ("Matcha Latte PBT", 188, 250, "2027-01-10"), ("Retro Beige", 96, 200, "2027-02-01")]),
        workers=["webhooks", "cron"], dbs=["analytics", "audit"], buckets=["media"], dns="shop",
        vars={"CURRENCY": "USD"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="seedling-supply", title="Seedling Supply — heirloom seed shop", category="E-commerce",
        tagline="Heirloom vegetable seeds with growing guides",
        pitch="Seedling Supply sells open-pollinated heirloom seeds with a growing guide for every variety. Sales peak in late winter; the guides bring steady search traffic all year.",
        audience="Home gardeners and allotment growers",
        reason="Retiring — this was my lockdown project that grew",
        revenue=1900, margin=0.44, multiple=1.9, age=48, visitors=12000, seller=None,
        stack=["Cloudflare Workers", "D1"],
        entity=("varieties", [("name", "TEXT", True), ("crop", "TEXT", True), ("days_to_harvest", "INTEGER", True), ("packet_cents", "INTEGER", True)], "name",
                [("Cherokee Purple", "tomato", 80, 350), ("Dragon Tongue", "bean", 60, 300), ("Lemon Cucumber", "cucumber", 65, 325)]),
        workers=[], dbs=[], buckets=[], dns="apex-a",
        vars={"SEASON": "spring"}, secrets=[])

listing(slug="cafe-capsule", title="Café Capsule — compostable coffee pods", category="E-commerce",
        tagline="Specialty coffee in compostable pods, by subscription",
        pitch="Café Capsule roasts with two partner roasteries and sells compostable pods compatible with the most common machines. Subscriptions make up 71 % of revenue.",
        audience="Office workers and households with pod machines who care about waste",
        reason="Our roastery partner made an offer on the physical side; the online shop is sold separately",
        revenue=33500, margin=0.22, multiple=2.5, age=58, visitors=68000, seller="amelie",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe Billing"],
        entity=("blends", [("name", "TEXT", True), ("roast", "TEXT", True), ("intensity", "INTEGER", True), ("price_cents", "INTEGER", True)], "name",
                [("Morning Brûlée", "medium", 7, 499), ("Huila Decaf", "medium", 5, 529), ("Espresso Noir", "dark", 10, 499)]),
        workers=["webhooks", "site"], dbs=["analytics"], buckets=["media", "exports"], dns="shop",
        vars={"CURRENCY": "EUR"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

# ---------------------------------------------------------------- Content & Media
listing(slug="devdigest", title="DevDigest — weekly newsletter for web developers", category="Content & Media",
        tagline="38,000 subscribers, sponsorships booked three months ahead",
        pitch="DevDigest is a hand-curated weekly newsletter covering web platform news, tools and tutorials. Sponsorship slots are booked roughly three months ahead.",
        audience="Front-end and full-stack developers",
        reason="I’ve taken a developer-relations role that conflicts with running sponsorships",
        revenue=8200, margin=0.81, multiple=2.8, age=71, visitors=22000, seller="northwind",
        stack=["Cloudflare Workers", "D1", "R2", "Email API"],
        entity=("issues", [("number", "INTEGER", True), ("subject", "TEXT", True), ("sent_on", "TEXT", True), ("open_rate", "REAL", False)], "subject",
                [(312, "View transitions land everywhere", "2026-11-20", 0.52), (311, "The state of CSS nesting", "2026-11-13", 0.49), (310, "Edge databases compared", "2026-11-06", 0.55)]),
        workers=["cron", "site"], dbs=["analytics"], buckets=["media"], dns="content",
        vars={"SEND_DAY": "thursday"}, secrets=["ADMIN_TOKEN", "EMAIL_API_KEY"])

listing(slug="trailnotes", title="TrailNotes — hiking route guides", category="Content & Media",
        tagline="900 hand-written hiking routes with GPX downloads",
        pitch="TrailNotes publishes detailed hiking route guides with maps and GPX downloads. Revenue comes from a membership for offline maps plus affiliate links to outdoor gear.",
        audience="Hikers in the Alps, the Pyrenees and the UK uplands",
        reason="Knee surgery means I can no longer research new routes myself",
        revenue=3600, margin=0.77, multiple=3.2, age=84, visitors=96000, seller="harbor",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("routes", [("name", "TEXT", True), ("region", "TEXT", True), ("distance_km", "REAL", True), ("ascent_m", "INTEGER", True)], "name",
                [("Tour des Aiguilles Rouges", "Chamonix", 21.5, 1650), ("Helvellyn via Striding Edge", "Lake District", 12.8, 950), ("Pica d’Estats", "Pyrenees", 18.2, 1420)]),
        workers=["site"], dbs=[], buckets=["media"], dns="content",
        vars={"UNITS": "metric"}, secrets=["ADMIN_TOKEN"])

listing(slug="podclips", title="PodClips — audiogram generator for podcasters", category="Content & Media",
        tagline="Turn podcast moments into captioned video clips",
        pitch="PodClips turns a podcast excerpt into a captioned, waveform-animated video ready for social media. Rendering runs on a queue; storage and delivery are on R2.",
        audience="Independent podcasters and small networks",
        reason="I’m joining a larger media company",
        revenue=4300, margin=0.52, multiple=2.5, age=22, visitors=15500, seller="yuki",
        stack=["Cloudflare Workers", "D1", "R2", "Queues"],
        entity=("clips", [("show", "TEXT", True), ("title", "TEXT", True), ("seconds", "INTEGER", True), ("status", "TEXT", True)], "show",
                [("Founders’ Hour", "Why we raised late", 48, "rendered"), ("Café Philo", "Naïve realism", 33, "queued"), ("Build Log", "Shipping on Fridays", 59, "rendered")]),
        workers=["cron"], dbs=["audit"], buckets=["uploads", "media"], dns="saas-mail",
        vars={"MAX_CLIP_SECONDS": "90"}, secrets=["ADMIN_TOKEN", "TRANSCRIBE_API_KEY"])

listing(slug="indie-reads", title="Indie Reads — book review site and newsletter", category="Content & Media",
        tagline="Reviews of independent-press fiction, 14,000 subscribers",
        pitch="Indie Reads reviews fiction from independent presses and sends a fortnightly newsletter. Income is affiliate commission plus a modest reader-supported membership.",
        audience="Literary-fiction readers",
        reason="I’m going back to full-time editing",
        revenue=1250, margin=0.83, multiple=2.6, age=66, visitors=31000, seller="amelie",
        stack=["Cloudflare Workers", "D1"],
        entity=("reviews", [("book", "TEXT", True), ("author", "TEXT", True), ("press", "TEXT", True), ("stars", "INTEGER", True)], "book",
                [("The Salt Line", "Inès Ferrer", "Fitzcarraldo", 5), ("Small Hours", "Tomás Rivera", "Tilted Axis", 4), ("Pale Harbour", "Mara Quinn", "Galley Beggar", 4)]),
        workers=[], dbs=[], buckets=[], dns="content",
        vars={"AFFILIATE_TAG": "indiereads-21"}, secrets=[])

listing(slug="stockshots", title="StockShots — niche stock photo library", category="Content & Media",
        tagline="12,000 licensed photos of food, hands and workspaces",
        pitch="StockShots is a niche stock library of food, hands-at-work and workspace photography with a simple per-image and subscription licence. All originals live on R2.",
        audience="Bloggers, agencies and SaaS marketing teams",
        reason="The photographer partner is emigrating; we’re selling the whole library",
        revenue=5900, margin=0.69, multiple=3.0, age=57, visitors=44000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "R2", "Image Resizing"],
        entity=("photos", [("title", "TEXT", True), ("category", "TEXT", True), ("width", "INTEGER", True), ("height", "INTEGER", True)], "title",
                [("Hands kneading dough", "food", 6000, 4000), ("Desk with plants", "workspace", 5472, 3648), ("Pour-over coffee", "food", 4000, 6000)]),
        workers=["site", "cron"], dbs=["analytics"], buckets=["media", "exports"], dns="content",
        vars={"WATERMARK": "on"}, secrets=["ADMIN_TOKEN", "SIGNING_KEY"])

# ---------------------------------------------------------------- Marketplaces
listing(slug="tutorhub", title="TutorHub — local tutoring marketplace", category="Marketplaces",
        tagline="Matches parents with vetted tutors; 15 % take rate",
        pitch="TutorHub matches parents with vetted local tutors for maths, languages and music. The platform takes 15 % of each booked lesson and handles scheduling and reminders.",
        audience="Parents of school-age children in three mid-sized cities",
        reason="Expanding to more cities needs capital and energy I don’t have",
        revenue=11200, margin=0.46, multiple=2.9, age=40, visitors=27000, seller="kofi",
        stack=["Cloudflare Workers", "D1", "Stripe Connect"],
        entity=("tutors", [("name", "TEXT", True), ("subject", "TEXT", True), ("hourly_cents", "INTEGER", True), ("rating", "REAL", False)], "subject",
                [("Chloé Martin", "French", 4500, 4.9), ("Daniel Osei", "Maths", 5000, 4.8), ("Sofía Romero", "Piano", 5500, 5.0)]),
        workers=["webhooks", "cron"], dbs=["audit"], buckets=["uploads"], dns="saas-full",
        vars={"TAKE_RATE_PERCENT": "15"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="gearswap", title="GearSwap — used outdoor gear marketplace", category="Marketplaces",
        tagline="Buy and sell used outdoor gear with buyer protection",
        pitch="GearSwap is a peer-to-peer marketplace for used tents, packs and climbing gear, with escrowed payments and prepaid shipping labels.",
        audience="Outdoor enthusiasts upgrading or clearing out gear",
        reason="Co-founders are parting ways amicably",
        revenue=7300, margin=0.41, multiple=2.4, age=35, visitors=48000, seller="harbor",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe Connect"],
        entity=("items", [("title", "TEXT", True), ("condition", "TEXT", True), ("price_cents", "INTEGER", True), ("seller", "TEXT", True)], "title",
                [("MSR Hubba Hubba NX 2", "good", 21000, "alpine_ana"), ("Osprey Exos 48", "like new", 13500, "kurt.w"), ("Black Diamond harness", "fair", 3500, "ropegun")]),
        workers=["webhooks", "site"], dbs=["analytics", "audit"], buckets=["uploads"], dns="shop",
        vars={"ESCROW_DAYS": "5"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET", "SHIPPING_API_KEY"])

listing(slug="venuefinder", title="VenueFinder — small event venue bookings", category="Marketplaces",
        tagline="Book rooms for 10–80 people by the hour",
        pitch="VenueFinder lists meeting rooms, studios and back rooms of cafés that can be booked by the hour. Venues pay a commission on confirmed bookings.",
        audience="Meetup organisers, workshop hosts and small companies",
        reason="I’ve been offered a job at one of our larger venue partners",
        revenue=5600, margin=0.52, multiple=2.7, age=29, visitors=19000, seller="northwind",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("venues", [("name", "TEXT", True), ("city", "TEXT", True), ("capacity", "INTEGER", True), ("hourly_cents", "INTEGER", True)], "city",
                [("The Loft at Rue Oberkampf", "Paris", 40, 9000), ("Canal Studio", "Amsterdam", 25, 7500), ("Back Room, Café Lumière", "Montréal", 18, 4000)]),
        workers=["cron"], dbs=[], buckets=["media"], dns="saas-mail",
        vars={"COMMISSION_PERCENT": "12"}, secrets=["ADMIN_TOKEN"])

listing(slug="skillswap-local", title="SkillSwap Local — neighbourhood skill exchange", category="Marketplaces",
        tagline="Trade an hour of your skill for an hour of someone else’s",
        pitch="SkillSwap Local is a time-bank marketplace: members trade hours of help (bike repair for Spanish lessons, say). Revenue comes from council partnerships that sponsor local chapters.",
        audience="Community organisers and local councils",
        reason="It needs a buyer with public-sector sales experience",
        revenue=950, margin=0.60, multiple=1.4, age=24, visitors=6100, seller="kofi",
        stack=["Cloudflare Workers", "D1"],
        entity=("offers", [("member", "TEXT", True), ("skill", "TEXT", True), ("hours", "INTEGER", True), ("area", "TEXT", True)], "skill",
                [("Ruth", "Bike repair", 2, "Leith"), ("Amir", "Spanish conversation", 1, "Gorgie"), ("Zoë", "CV review", 1, "Portobello")]),
        workers=[], dbs=[], buckets=[], dns="apex-a",
        vars={"CHAPTER": "Edinburgh"}, secrets=[])

listing(slug="freelance-fleet", title="Freelance Fleet — vetted developer marketplace", category="Marketplaces",
        tagline="Pre-vetted contract developers, 20 % placement margin",
        pitch="Freelance Fleet places pre-vetted contract developers with startups. Each engagement carries a 20 % margin; the vetting pipeline and talent pool of 640 developers are included.",
        audience="Seed to Series B startups needing short contracts",
        reason="I’m selling to fund a new venture in climate tech",
        revenue=31000, margin=0.33, multiple=3.0, age=54, visitors=21000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "R2", "Stripe Connect"],
        entity=("developers", [("name", "TEXT", True), ("skills", "TEXT", True), ("day_rate_cents", "INTEGER", True), ("available_from", "TEXT", False)], "skills",
                [("Lena Fischer", "Rust, Postgres", 72000, "2026-12-08"), ("Ravi Patel", "Swift, iOS", 68000, None), ("Aoife Byrne", "React, TypeScript", 60000, "2027-01-05")]),
        workers=["webhooks", "cron"], dbs=["audit", "analytics"], buckets=["uploads", "exports"], dns="saas-full",
        vars={"MARGIN_PERCENT": "20"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

# ---------------------------------------------------------------- Developer Tools
listing(slug="cronitor-lite", title="CronWatch — cron job monitoring", category="Developer Tools",
        tagline="Dead-man’s-switch monitoring for scheduled jobs",
        pitch="CronWatch gives every scheduled job a ping URL and alerts when a ping is late or a run fails. It is used by about 900 teams, 160 of them paying.",
        audience="Backend developers and small ops teams",
        reason="I maintain it alone and would like it to have a team behind it",
        revenue=3900, margin=0.79, multiple=3.3, age=46, visitors=11000, seller="yuki",
        stack=["Cloudflare Workers", "D1", "Cron Triggers"],
        entity=("monitors", [("name", "TEXT", True), ("schedule", "TEXT", True), ("grace_seconds", "INTEGER", True), ("last_ping_at", "TEXT", False)], "name",
                [("nightly-backup", "0 3 * * *", 900, "2026-11-26T03:00:12Z"), ("invoice-run", "0 6 1 * *", 3600, None), ("cache-warm", "*/15 * * * *", 120, "2026-11-26T18:30:02Z")]),
        workers=["cron"], dbs=["audit"], buckets=[], dns="saas-mail",
        vars={"DEFAULT_GRACE_SECONDS": "300"}, secrets=["ADMIN_TOKEN", "SLACK_WEBHOOK_URL"])

listing(slug="snippetvault", title="SnippetVault — team code snippet manager", category="Developer Tools",
        tagline="Searchable, shareable code snippets with syntax highlighting",
        pitch="SnippetVault is a shared library of code snippets with full-text search, tags and an editor extension. Teams use it for runbooks and boilerplate.",
        audience="Engineering teams of 5–50",
        reason="I’ve lost interest in developer tooling and want a new challenge",
        revenue=1700, margin=0.72, multiple=2.5, age=31, visitors=7400, seller="northwind",
        stack=["Cloudflare Workers", "D1"],
        entity=("snippets", [("title", "TEXT", True), ("language", "TEXT", True), ("body", "TEXT", True), ("stars", "INTEGER", False)], "title",
                [("Retry with jitter", "swift", "for attempt in 1...5 { }", 12), ("Debounce hook", "typescript", "export function useDebounce() {}", 31), ("Tail a log", "bash", "tail -F app.log | grep ERROR", 7)]),
        workers=[], dbs=["analytics"], buckets=[], dns="saas-mail",
        vars={"MAX_SNIPPET_KB": "64"}, secrets=["ADMIN_TOKEN"])

listing(slug="apimock", title="APIMock — hosted mock APIs", category="Developer Tools",
        tagline="Mock REST endpoints from an OpenAPI file in seconds",
        pitch="APIMock turns an OpenAPI document into a hosted mock server with realistic example data, latency simulation and request logs. Popular with front-end teams working ahead of the back end.",
        audience="Front-end and QA engineers",
        reason="The acquirer of my day-job company wants me full-time",
        revenue=6100, margin=0.75, multiple=3.5, age=37, visitors=24000, seller="yuki",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("mocks", [("name", "TEXT", True), ("spec_key", "TEXT", True), ("latency_ms", "INTEGER", True), ("requests", "INTEGER", True)], "name",
                [("payments-sandbox", "specs/payments.yaml", 120, 18230), ("catalog-v2", "specs/catalog.json", 40, 5120), ("auth-stub", "specs/auth.yaml", 0, 90211)]),
        workers=["site"], dbs=["audit"], buckets=["uploads"], dns="saas-full",
        vars={"MAX_LATENCY_MS": "5000"}, secrets=["ADMIN_TOKEN"])

listing(slug="logleaf", title="LogLeaf — lightweight log search", category="Developer Tools",
        tagline="Ship logs over HTTPS, search them in milliseconds",
        pitch="LogLeaf ingests logs over HTTPS, keeps 14 days hot in D1 and archives older days to R2 as compressed files. Pricing is per GB ingested.",
        audience="Indie SaaS teams who find big observability suites overkill",
        reason="Selling to concentrate on a consultancy",
        revenue=9400, margin=0.63, multiple=3.1, age=43, visitors=16000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "R2", "Queues"],
        entity=("log_lines", [("service", "TEXT", True), ("level", "TEXT", True), ("message", "TEXT", True), ("logged_at", "TEXT", True)], "message",
                [("billing", "error", "card_declined for cus_123", "2026-11-26T10:01:00Z"), ("api", "info", "GET /v1/users 200 12ms", "2026-11-26T10:01:02Z"), ("worker", "warn", "queue depth 1200", "2026-11-26T10:02:40Z")]),
        workers=["cron", "webhooks"], dbs=["analytics"], buckets=["exports"], dns="saas-full",
        vars={"HOT_DAYS": "14"}, secrets=["ADMIN_TOKEN", "INGEST_KEY"])

listing(slug="feature-flagger", title="FlagPole — feature flags at the edge", category="Developer Tools",
        tagline="Feature flags evaluated in under a millisecond at the edge",
        pitch="FlagPole evaluates feature flags and percentage rollouts at the edge, with SDKs for JavaScript, Swift and Go and an audit trail of every change.",
        audience="Product engineering teams doing trunk-based development",
        reason="I want to sell while growth is strong and move on",
        revenue=13200, margin=0.70, multiple=3.8, age=39, visitors=20000, seller="northwind",
        stack=["Cloudflare Workers", "D1", "KV"],
        entity=("flags", [("key", "TEXT", True), ("description", "TEXT", False), ("rollout_percent", "INTEGER", True), ("enabled", "INTEGER", True)], "key",
                [("new-checkout", "Redesigned checkout", 25, 1), ("dark-mode", "Dark theme", 100, 1), ("ai-summary", "Summaries in inbox", 0, 0)]),
        workers=["site"], dbs=["audit", "analytics"], buckets=[], dns="saas-mail",
        vars={"DEFAULT_ROLLOUT": "0"}, secrets=["ADMIN_TOKEN", "SDK_SIGNING_KEY"])

listing(slug="status-badge", title="BadgeKit — README status badges", category="Developer Tools",
        tagline="Custom SVG badges for READMEs and dashboards",
        pitch="BadgeKit serves custom SVG status badges for READMEs and dashboards from any JSON endpoint, with caching and a small paid tier for private sources.",
        audience="Open-source maintainers",
        reason="Side project; I don’t have time to grow it",
        revenue=180, margin=0.85, multiple=2.6, age=16, visitors=32000, seller="yuki",
        stack=["Cloudflare Workers", "R2"],
        entity=None,
        workers=[], dbs=[], main_db=False, buckets=["media"], dns="apex-a",
        vars={"CACHE_SECONDS": "300"}, secrets=[])

# ---------------------------------------------------------------- AI & Automation
listing(slug="inboxpilot", title="InboxPilot — AI email triage", category="AI & Automation",
        tagline="Sorts, summarises and drafts replies for shared inboxes",
        pitch="InboxPilot connects to a shared support inbox, labels every message by intent and urgency, summarises long threads and drafts replies for a human to approve.",
        audience="Support teams of 2–15 at e-commerce and SaaS companies",
        reason="We’re pivoting the company to enterprise and this product no longer fits",
        revenue=18900, margin=0.57, multiple=3.4, age=21, visitors=25000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "Workers AI", "R2"],
        entity=("messages", [("sender", "TEXT", True), ("subject", "TEXT", True), ("intent", "TEXT", False), ("urgency", "INTEGER", False)], "subject",
                [("ana@example.com", "Where is my order #4412?", "order_status", 2), ("li@example.org", "Refund request — damaged item", "refund", 3), ("sam@example.net", "Partnership idea", "sales", 1)]),
        workers=["webhooks", "cron"], dbs=["audit"], buckets=["uploads"], dns="saas-full",
        vars={"MODEL": "@cf/meta/llama-3.1-8b-instruct"}, secrets=["ADMIN_TOKEN", "IMAP_PASSWORD", "WEBHOOK_SECRET"])

listing(slug="receiptbot", title="ReceiptBot — expense capture by email", category="AI & Automation",
        tagline="Forward a receipt, get a categorised expense line",
        pitch="ReceiptBot reads forwarded receipts (PDF or photo), extracts merchant, date, amount and VAT, and syncs them to accounting tools. Accuracy on the test set is 97 %.",
        audience="Freelancers and small-business owners",
        reason="I’ve accepted an acquisition offer for my main product and need to simplify",
        revenue=4800, margin=0.61, multiple=2.9, age=26, visitors=13000, seller="amelie",
        stack=["Cloudflare Workers", "D1", "R2", "Workers AI"],
        entity=("expenses", [("merchant", "TEXT", True), ("spent_on", "TEXT", True), ("amount_cents", "INTEGER", True), ("category", "TEXT", False)], "merchant",
                [("Café de Flore", "2026-11-12", 1840, "meals"), ("Deutsche Bahn", "2026-11-14", 8990, "travel"), ("Figma", "2026-11-01", 1500, "software")]),
        workers=["webhooks"], dbs=[], buckets=["uploads"], dns="saas-mail",
        vars={"DEFAULT_CURRENCY": "EUR"}, secrets=["ADMIN_TOKEN", "ACCOUNTING_API_KEY"])

listing(slug="socialsched", title="PostPlanner — AI social media scheduler", category="AI & Automation",
        tagline="Plan a month of posts in an afternoon",
        pitch="PostPlanner drafts a month of social posts from a company’s blog and product updates, lets the team edit them in a calendar, and publishes on schedule.",
        audience="Small marketing teams and solo founders",
        reason="I want to spend more time with family",
        revenue=7100, margin=0.64, multiple=2.8, age=28, visitors=29000, seller="harbor",
        stack=["Cloudflare Workers", "D1", "Workers AI", "Cron Triggers"],
        entity=("posts", [("channel", "TEXT", True), ("body", "TEXT", True), ("publish_at", "TEXT", True), ("status", "TEXT", True)], "body",
                [("linkedin", "Three lessons from our first 1,000 customers", "2026-12-01T09:00:00Z", "scheduled"), ("mastodon", "New: CSV export is here", "2026-12-02T15:00:00Z", "draft"), ("x", "We’re hiring a designer", "2026-11-28T12:00:00Z", "published")]),
        workers=["cron"], dbs=["analytics"], buckets=["media"], dns="saas-mail",
        vars={"TIMEZONE": "Europe/London"}, secrets=["ADMIN_TOKEN", "SOCIAL_API_KEY"])

listing(slug="leadscore", title="LeadScore — AI lead qualification", category="AI & Automation",
        tagline="Scores inbound leads and routes the hot ones to sales",
        pitch="LeadScore enriches each inbound lead, scores it against the customer’s ideal profile and routes the best ones to the right salesperson within a minute.",
        audience="B2B SaaS companies with a small sales team",
        reason="Selling as part of a portfolio clean-up",
        revenue=16500, margin=0.59, multiple=3.6, age=34, visitors=17000, seller="northwind",
        stack=["Cloudflare Workers", "D1", "Workers AI", "Queues"],
        entity=("leads", [("company", "TEXT", True), ("email", "TEXT", True), ("score", "INTEGER", True), ("owner", "TEXT", False)], "company",
                [("Globex", "ops@globex.example", 87, "dana"), ("Initech", "it@initech.example", 42, None), ("Umbrella Labs", "cto@umbrella.example", 93, "lee")]),
        workers=["webhooks", "cron"], dbs=["analytics", "audit"], buckets=[], dns="saas-full",
        vars={"HOT_SCORE": "80"}, secrets=["ADMIN_TOKEN", "CRM_API_KEY", "WEBHOOK_SECRET"])

listing(slug="alt-text-ai", title="AltText AI — image descriptions for accessibility", category="AI & Automation",
        tagline="Accurate alt text for every image on a site",
        pitch="AltText AI crawls a site, writes accurate alt text for every image and exposes it through an API and a CMS plug-in. Agencies use it to pass accessibility audits.",
        audience="Web agencies and e-commerce stores",
        reason="I’m a solo founder and have been offered a role I can’t refuse",
        revenue=3300, margin=0.68, multiple=3.0, age=18, visitors=9800, seller="yuki",
        stack=["Cloudflare Workers", "D1", "R2", "Workers AI"],
        entity=("images", [("page_url", "TEXT", True), ("image_key", "TEXT", True), ("alt_text", "TEXT", False), ("reviewed", "INTEGER", True)], "page_url",
                [("https://shop.example.com/p/1", "img/red-kettle.jpg", "A red enamel kettle on a gas hob", 1), ("https://shop.example.com/p/2", "img/linen.jpg", None, 0), ("https://blog.example.com/a", "img/team.jpg", "Five people laughing around a café table", 1)]),
        workers=["cron"], dbs=[], buckets=["uploads"], dns="saas-mail",
        vars={"LANGUAGE": "en"}, secrets=["ADMIN_TOKEN"])

listing(slug="meeting-minutes", title="MinuteTaker — meeting notes automation", category="AI & Automation",
        tagline="Transcribes calls and emails action items to attendees",
        pitch="MinuteTaker joins video calls, transcribes them and emails a summary with owners and due dates for every action item. Integrations with two calendar providers are included.",
        audience="Consultancies and remote teams",
        reason="Competition from bundled tools; I’d rather sell to someone with distribution",
        revenue=2100, margin=0.49, multiple=1.8, age=15, visitors=8800, seller="kofi",
        stack=["Cloudflare Workers", "D1", "R2", "Workers AI"],
        entity=("meetings", [("title", "TEXT", True), ("held_on", "TEXT", True), ("minutes", "INTEGER", True), ("action_items", "INTEGER", True)], "title",
                [("Weekly product sync", "2026-11-24", 42, 5), ("Client kickoff — Maison Dupré", "2026-11-25", 58, 9), ("Hiring debrief", "2026-11-26", 25, 3)]),
        workers=["webhooks"], dbs=["audit"], buckets=["uploads", "exports"], dns="saas-mail",
        vars={"SUMMARY_LANGUAGE": "en"}, secrets=["ADMIN_TOKEN", "CALENDAR_CLIENT_SECRET"])

# ---------------------------------------------------------------- Education
listing(slug="kanji-sensei", title="Kanji Sensei 漢字 — spaced repetition for Japanese", category="Education",
        tagline="Learn 2,136 jōyō kanji with mnemonics and spaced repetition",
        pitch="Kanji Sensei teaches the 2,136 jōyō kanji with hand-written mnemonics, stroke-order animations and a spaced-repetition scheduler. Learners review on the web and on their phones.",
        audience="Adult learners of Japanese preparing for the JLPT",
        reason="I’m moving to Japan to teach in person and can’t maintain the app",
        revenue=6800, margin=0.73, multiple=3.2, age=49, visitors=54000, seller="yuki",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("kanji", [("character", "TEXT", True), ("meaning", "TEXT", True), ("jlpt_level", "INTEGER", True), ("strokes", "INTEGER", True)], "meaning",
                [("日", "sun, day", 5, 4), ("学", "study", 5, 8), ("語", "language", 5, 14), ("鬱", "gloom", 1, 29)]),
        workers=["cron", "site"], dbs=["analytics"], buckets=["media"], dns="content",
        vars={"NEW_CARDS_PER_DAY": "15"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="codecamp-mini", title="CodeCamp Mini — coding courses for teens", category="Education",
        tagline="Project-based JavaScript courses for ages 12–17",
        pitch="CodeCamp Mini teaches JavaScript to teenagers through game projects, with an in-browser editor and a mentor review on every final project. Schools buy class licences.",
        audience="Parents of teenagers and secondary-school IT teachers",
        reason="I’m returning to classroom teaching",
        revenue=9200, margin=0.56, multiple=2.8, age=42, visitors=33000, seller="kofi",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("courses", [("title", "TEXT", True), ("level", "TEXT", True), ("lessons", "INTEGER", True), ("enrolled", "INTEGER", True)], "title",
                [("Build a platformer", "beginner", 18, 1240), ("Snake in the browser", "beginner", 12, 2210), ("Multiplayer quiz", "intermediate", 22, 640)]),
        workers=["site", "webhooks"], dbs=["audit"], buckets=["uploads"], dns="content",
        vars={"MENTOR_SLA_HOURS": "48"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="examprep-nursing", title="NurseReady — NCLEX exam prep", category="Education",
        tagline="4,800 practice questions with rationales",
        pitch="NurseReady is a question bank for the NCLEX with 4,800 practice questions, detailed rationales and adaptive practice tests. Pass-rate surveys show 94 % of subscribers pass first time.",
        audience="Nursing students in the US",
        reason="I’m a nurse educator and my university now requires exclusivity",
        revenue=15500, margin=0.68, multiple=3.3, age=60, visitors=72000, seller="amelie",
        stack=["Cloudflare Workers", "D1", "Stripe Billing"],
        entity=("questions", [("topic", "TEXT", True), ("stem", "TEXT", True), ("difficulty", "INTEGER", True), ("correct_rate", "REAL", False)], "topic",
                [("Pharmacology", "Which finding requires holding digoxin?", 3, 0.61), ("Pediatrics", "Priority action for a child with epiglottitis?", 4, 0.48), ("Safety", "Correct order for donning PPE?", 2, 0.83)]),
        workers=["cron", "webhooks"], dbs=["analytics", "audit"], buckets=[], dns="saas-full",
        vars={"PASS_MARK": "0.7"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET"])

listing(slug="guitar-grooves", title="Guitar Grooves — video guitar lessons", category="Education",
        tagline="300 lessons from first chords to fingerstyle",
        pitch="Guitar Grooves offers 300 short video lessons with tabs and play-along tracks, from first chords to fingerstyle arrangements. All media is stored on R2 and streamed with signed URLs.",
        audience="Adult beginners and returning players",
        reason="I’m touring again next year",
        revenue=3900, margin=0.71, multiple=2.7, age=55, visitors=26000, seller="harbor",
        stack=["Cloudflare Workers", "D1", "R2", "Stream"],
        entity=("lessons", [("title", "TEXT", True), ("level", "TEXT", True), ("minutes", "INTEGER", True), ("has_tab", "INTEGER", True)], "title",
                [("Your first three chords", "beginner", 9, 1), ("Travis picking", "intermediate", 14, 1), ("Blues turnaround in A", "intermediate", 11, 1)]),
        workers=["site"], dbs=[], buckets=["media"], dns="content",
        vars={"FREE_LESSONS": "12"}, secrets=["ADMIN_TOKEN", "SIGNING_KEY"])

listing(slug="flashcard-forge", title="Flashcard Forge — flashcards from your notes", category="Education",
        tagline="Paste notes, get a deck; review on any device",
        pitch="Flashcard Forge turns pasted notes or a PDF into a flashcard deck and schedules reviews with a spaced-repetition algorithm. Students share decks with classmates.",
        audience="University students",
        reason="I graduated and the project needs a new owner",
        revenue=0, margin=0.0, multiple=0, price=900, age=11, visitors=4200, seller=None,
        stack=["Cloudflare Workers", "D1"],
        entity=("cards", [("deck", "TEXT", True), ("front", "TEXT", True), ("back", "TEXT", True), ("interval_days", "INTEGER", True)], "deck",
                [("Biochem 101", "Km means?", "Substrate concentration at half Vmax", 3), ("Biochem 101", "ATP yield of glycolysis?", "2 net ATP", 1), ("French B1", "se méfier de", "to be wary of", 7)]),
        workers=[], dbs=[], buckets=[], dns="apex-a",
        vars={"MAX_DECKS_FREE": "5"}, secrets=[])

# ---------------------------------------------------------------- Fintech
listing(slug="splitwise-lite", title="SplitEasy — shared expenses for groups", category="Fintech",
        tagline="Track who owes whom on trips and in shared homes",
        pitch="SplitEasy tracks shared expenses for trips, flat-shares and couples, simplifies debts and settles up with payment links. Premium adds receipts, currencies and exports.",
        audience="Flatmates, couples and travel groups",
        reason="I’m joining a bank’s innovation lab",
        revenue=5400, margin=0.66, multiple=3.0, age=45, visitors=39000, seller="kofi",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("expenses", [("group_name", "TEXT", True), ("paid_by", "TEXT", True), ("amount_cents", "INTEGER", True), ("note", "TEXT", False)], "group_name",
                [("Lisbon trip", "Marta", 18400, "Dinner at Taberna"), ("Flat 3B", "Tom", 6230, "Electricity"), ("Lisbon trip", "Jonas", 4500, "Tram passes")]),
        workers=["cron"], dbs=["audit"], buckets=["uploads", "exports"], dns="saas-mail",
        vars={"DEFAULT_CURRENCY": "EUR"}, secrets=["ADMIN_TOKEN"])

listing(slug="taxtally", title="TaxTally — quarterly tax estimates for freelancers", category="Fintech",
        tagline="Know what to set aside every quarter",
        pitch="TaxTally connects to a freelancer’s bank feed, categorises income and expenses and estimates quarterly tax payments, with reminders before each deadline.",
        audience="US freelancers and sole proprietors",
        reason="Regulatory work is not my passion; a fintech owner will do better",
        revenue=13800, margin=0.61, multiple=3.5, age=47, visitors=30000, seller="northwind",
        stack=["Cloudflare Workers", "D1", "Plaid"],
        entity=("transactions", [("description", "TEXT", True), ("amount_cents", "INTEGER", True), ("category", "TEXT", False), ("booked_on", "TEXT", True)], "description",
                [("Client payment — Lumen", 420000, "income", "2026-11-03"), ("Adobe Creative Cloud", -5999, "software", "2026-11-05"), ("Co-working day pass", -2500, "office", "2026-11-10")]),
        workers=["cron", "webhooks"], dbs=["analytics", "audit"], buckets=["exports"], dns="saas-full",
        vars={"TAX_YEAR": "2026"}, secrets=["ADMIN_TOKEN", "PLAID_SECRET", "WEBHOOK_SECRET"])

listing(slug="payroll-pal", title="PayrollPal — payroll for micro-businesses", category="Fintech",
        tagline="Run payroll for up to ten employees in five minutes",
        pitch="PayrollPal runs payroll for businesses with up to ten employees: payslips, tax filings and direct deposits. It has a 99.3 % on-time filing record over four years.",
        audience="Micro-businesses and household employers",
        reason="Selling to a buyer with compliance staff; I’m a solo founder",
        revenue=24000, margin=0.42, multiple=3.4, age=62, visitors=45000, seller="bytesmith",
        stack=["Cloudflare Workers", "D1", "R2", "ACH API"],
        entity=("payslips", [("employee", "TEXT", True), ("period", "TEXT", True), ("gross_cents", "INTEGER", True), ("net_cents", "INTEGER", True)], "employee",
                [("Rosa Díaz", "2026-11", 420000, 331500), ("Ken Adams", "2026-11", 380000, 302100), ("Ama Owusu", "2026-11", 295000, 240800)]),
        workers=["cron", "webhooks"], dbs=["audit", "analytics"], buckets=["exports", "uploads"], dns="saas-full",
        vars={"PAY_SCHEDULE": "monthly"}, secrets=["ADMIN_TOKEN", "ACH_API_KEY", "WEBHOOK_SECRET"])

listing(slug="coinjar-savings", title="CoinJar — round-up savings goals", category="Fintech",
        tagline="Round up card purchases into savings goals",
        pitch="CoinJar rounds up card purchases and sweeps the spare change into named savings goals, with streaks and gentle nudges. Revenue is a small monthly subscription.",
        audience="Young adults saving for a first big purchase",
        reason="I want to concentrate on my consulting clients",
        revenue=2600, margin=0.57, multiple=2.3, age=23, visitors=14000, seller="harbor",
        stack=["Cloudflare Workers", "D1", "Open Banking API"],
        entity=("goals", [("member", "TEXT", True), ("name", "TEXT", True), ("target_cents", "INTEGER", True), ("saved_cents", "INTEGER", True)], "name",
                [("jules", "Vélo électrique", 150000, 48250), ("mina", "Tokyo trip", 220000, 131900), ("theo", "Emergency fund", 100000, 100000)]),
        workers=["cron"], dbs=[], buckets=[], dns="saas-mail",
        vars={"ROUND_TO_CENTS": "100"}, secrets=["ADMIN_TOKEN", "BANKING_API_SECRET"])

listing(slug="invoice-factoring", title="CashBridge — invoice financing for agencies", category="Fintech",
        tagline="Advance 85 % of an invoice within 24 hours",
        pitch="CashBridge advances up to 85 % of an agency’s unpaid invoices within 24 hours and collects from the client at term. The underwriting rules engine and funder relationships are included.",
        audience="Creative and digital agencies with 30–90 day payment terms",
        reason="We’re merging with a larger lender that has its own platform",
        revenue=41000, margin=0.48, multiple=2.3, price=450000, age=68, visitors=12000, seller="northwind",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("advances", [("agency", "TEXT", True), ("invoice_cents", "INTEGER", True), ("advanced_cents", "INTEGER", True), ("status", "TEXT", True)], "agency",
                [("Studio Mère", 1200000, 1020000, "repaid"), ("Pixel & Post", 860000, 731000, "outstanding"), ("North Sea Digital", 2400000, 2040000, "outstanding")]),
        workers=["cron", "webhooks"], dbs=["audit", "analytics"], buckets=["uploads"], dns="saas-full",
        vars={"ADVANCE_RATE": "0.85"}, secrets=["ADMIN_TOKEN", "FUNDER_API_KEY", "WEBHOOK_SECRET"])

# ---------------------------------------------------------------- Local Services
listing(slug="barber-booking", title="ChairTime — booking for barbershops", category="Local Services",
        tagline="Online booking and no-show protection for 140 shops",
        pitch="ChairTime gives barbershops online booking, deposits that cut no-shows by two thirds, and a simple till. 140 shops pay a flat monthly fee.",
        audience="Independent barbershops and salons",
        reason="I’m opening my own shop again — the best problem to have",
        revenue=10800, margin=0.64, multiple=3.1, age=50, visitors=20000, seller="kofi",
        stack=["Cloudflare Workers", "D1", "Stripe"],
        entity=("appointments", [("client", "TEXT", True), ("service", "TEXT", True), ("starts_at", "TEXT", True), ("deposit_cents", "INTEGER", True)], "client",
                [("Marcus", "Skin fade", "2026-11-28T10:00", 500), ("Andrés", "Beard trim", "2026-11-28T10:45", 0), ("Theo", "Cut & shave", "2026-11-28T11:30", 1000)]),
        workers=["cron", "webhooks"], dbs=["audit"], buckets=[], dns="saas-mail",
        vars={"DEPOSIT_CENTS": "500"}, secrets=["ADMIN_TOKEN", "STRIPE_WEBHOOK_SECRET", "SMS_API_KEY"])

listing(slug="cleaner-connect", title="SparkleRoute — route planning for cleaning crews", category="Local Services",
        tagline="Plans daily routes and checklists for cleaning companies",
        pitch="SparkleRoute plans daily routes for residential cleaning crews, sends digital checklists to each cleaner and collects photo proof of completion.",
        audience="Cleaning companies with 3–30 crews",
        reason="I’d like to sell to someone with field-service experience",
        revenue=6900, margin=0.59, multiple=2.6, age=32, visitors=8700, seller="harbor",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("jobs", [("address", "TEXT", True), ("crew", "TEXT", True), ("scheduled_on", "TEXT", True), ("done", "INTEGER", True)], "address",
                [("12 Rue des Lilas", "Crew A", "2026-11-27", 0), ("4 Harbour Row", "Crew B", "2026-11-27", 1), ("88 Elm Street", "Crew A", "2026-11-28", 0)]),
        workers=["cron"], dbs=[], buckets=["uploads"], dns="saas-mail",
        vars={"DEPOT_LAT_LON": "51.5072,-0.1276"}, secrets=["ADMIN_TOKEN", "MAPS_API_KEY"])

listing(slug="menu-qr", title="MenuQR — QR menus for restaurants", category="Local Services",
        tagline="Editable QR menus with allergen filters",
        pitch="MenuQR gives restaurants a menu behind a QR code that staff can edit in seconds, with allergen filters and translations. 380 venues pay a small monthly fee.",
        audience="Independent restaurants, cafés and bars",
        reason="It’s a great little business but I want to focus on hardware",
        revenue=4100, margin=0.78, multiple=3.0, age=44, visitors=88000, seller="amelie",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("dishes", [("venue", "TEXT", True), ("name", "TEXT", True), ("price_cents", "INTEGER", True), ("allergens", "TEXT", False)], "name",
                [("Café Lumière", "Croque-monsieur", 1150, "gluten,milk"), ("Café Lumière", "Salade niçoise", 1350, "egg,fish"), ("Taquería Sol", "Tacos al pastor", 950, None)]),
        workers=["site"], dbs=["analytics"], buckets=["media"], dns="content",
        vars={"DEFAULT_LANGUAGE": "en"}, secrets=["ADMIN_TOKEN"])

listing(slug="dog-walkers", title="WalkieTalkie — dog-walking business software", category="Local Services",
        tagline="Scheduling, GPS walk reports and invoicing for dog walkers",
        pitch="WalkieTalkie helps dog-walking businesses schedule walks, share GPS walk reports with owners and invoice monthly. Owners love the photo updates.",
        audience="Dog walkers and pet-sitting businesses",
        reason="Selling to fund a move abroad",
        revenue=1400, margin=0.66, multiple=2.2, age=20, visitors=5400, seller="yuki",
        stack=["Cloudflare Workers", "D1", "R2"],
        entity=("walks", [("dog", "TEXT", True), ("walker", "TEXT", True), ("walked_on", "TEXT", True), ("km", "REAL", True)], "dog",
                [("Biscuit", "Hana", "2026-11-25", 3.2), ("Pépin", "Hana", "2026-11-25", 2.1), ("Rex", "Omar", "2026-11-26", 4.8)]),
        workers=[], dbs=[], buckets=["uploads"], dns="apex-a",
        vars={"INVOICE_DAY": "1"}, secrets=["ADMIN_TOKEN"])
