import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

extension ListingSort: ExpressibleByArgument {}

/// `techflunky listings`
struct ListingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "listings", abstract: "Browse and search the catalog.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Full-text search.") var search: String?
    @Option(name: .long, help: "Only this category (any case: saas finds SaaS).") var category: String?
    @Option(name: .long, help: ArgumentHelp("Order: \(ListingSort.allCases.map(\.rawValue).joined(separator: ", ")).")) var sort: ListingSort?
    @Flag(name: .long, help: "The sort's order turned around: oldest first, lowest revenue first, least relevant first.") var reverse = false
    // Unconditional: `--limit -5` is a bad limit, not a missing value followed by an unknown option.
    @Option(name: .long, parsing: .unconditional, help: "How many listings (pages are fetched as needed).") var limit: Int = ListingQuery.defaultLimit
    @Option(name: .long, help: "Minimum asking price in dollars: 50000, 50k, 1.5m.") var minPrice: String?
    @Option(name: .long, help: "Maximum asking price in dollars: 250000, 250k.") var maxPrice: String?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number (got \(limit))") }
        for (flag, value) in [("--min-price", minPrice), ("--max-price", maxPrice)] {
            if let value, Money.parseMajorUnits(value) == nil {
                throw ValidationError("\(flag) is an amount in dollars such as 50000, 50k or 1.5m (got \(value))")
            }
        }
    }

    func run() async throws {
        try await connection.withClient { client in try await list(client) }
    }

    private func list(_ client: PlatformClient) async throws {
        // Categories are matched as a person types them: case does not matter, the platform's spelling is used.
        var category = self.category
        if let wanted = category {
            let known = try await client.categories()
            guard let match = known.first(where: { $0.name.caseInsensitiveCompare(wanted) == .orderedSame }) else {
                throw CommandRefusal("no category \(wanted); the categories are \(known.map(\.name).joined(separator: ", "))")
            }
            category = match.name
        }
        var query = ListingQuery(q: search, category: category, minPrice: minPrice.flatMap(Money.parseMajorUnits),
                                 maxPrice: maxPrice.flatMap(Money.parseMajorUnits), sort: sort,
                                 reverse: reverse, limit: min(limit, ListingQuery.maxLimit))
        var page = try await client.listings(query)
        var items = page.items
        while items.count < limit, let cursor = page.nextCursor, !page.items.isEmpty {
            query.cursor = cursor
            query.limit = min(limit - items.count, ListingQuery.maxLimit)
            page = try await client.listings(query)
            items += page.items
        }
        let result = ListingPage(items: Array(items.prefix(limit)), nextCursor: items.count > limit ? nil : page.nextCursor, total: page.total,
                                 totalIsLowerBound: page.totalIsLowerBound)
        let out = TerminalOutput()
        if output.json { return try out.json(result) }
        if result.items.isEmpty {
            out.line("No listings match.")
            return
        }
        out.table([
            .init(title: "SLUG", maxWidth: nil), .init(title: "PRICE", alignRight: true), .init(title: "PROFIT/MO", alignRight: true),
            .init(title: "MULTIPLE", alignRight: true), .init(title: "CATEGORY", maxWidth: 16), .init(title: "TITLE", maxWidth: 60),
        ], result.items.map { item in
            [item.slug, item.askingPrice.formattedWhole, item.monthlyProfit.formattedWhole, DisplayFormat.multiple(item.multiple),
             item.category, item.title]
        })
        TerminalOutput.note("\(result.items.count) of \(result.totalText) listing\(result.total == 1 && !result.totalIsLowerBound ? "" : "s")")
    }
}

/// `techflunky show SLUG`
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one listing: metrics, package, assets, seller.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The listing's slug.", completion: CompletionCandidates.completion(.listings)) var slug: String

    func run() async throws {
        try await connection.withClient { client in try await show(client) }
    }

    private func show(_ client: PlatformClient) async throws {
        let listing = try await client.listing(slug: slug)
        let out = TerminalOutput()
        if output.json { return try out.json(listing) }
        let s = listing.summary
        out.line(out.paint(TerminalOutput.clean(s.title), .bold) + "  " + out.paint(TerminalOutput.clean(s.tagline), .dim))
        out.line()
        let fee = FeeSplitText.describe(s.askingPrice)
        out.fields([
            ("Price", s.askingPrice.formatted + "  " + fee),
            ("Revenue", s.monthlyRevenue.formatted + " / month"),
            ("Profit", s.monthlyProfit.formatted + " / month"),
            ("Multiple", DisplayFormat.multiple(s.multiple)),
            ("Age", DisplayFormat.age(months: s.ageMonths)),
            ("Visitors", DisplayFormat.grouped(s.monthlyVisitors) + " / month"),
            ("Category", s.category),
            ("Stack", s.techStack.joined(separator: ", ")),
            ("Seller", s.seller.displayName),
            ("Status", listing.reservedUntil.map { "reserved until \(TerminalOutput.date($0)) (a buyer's checkout holds it)" } ?? listing.saleState.label),
        ])
        if let history = listing.history, !history.isEmpty {
            // The trend at a glance; the figures month by month are in `--json` (`history`).
            let currency = s.monthlyRevenue.currency
            out.line()
            out.line(out.paint("History (\(history.first!.month) to \(history.last!.month), \(history.count) month\(history.count == 1 ? "" : "s"))", .bold))
            var rows: [(String, String)] = [
                ("Revenue", Sparkline.text(history.map(\.revenue)) + "  " + Money(minorUnits: history.last!.revenue, currency: currency).formattedCompact),
                ("Profit", Sparkline.text(history.map(\.profit)) + "  " + Money(minorUnits: history.last!.profit, currency: currency).formattedCompact),
                ("Visitors", Sparkline.text(history.map { Int64($0.visitors) }) + "  " + DisplayFormat.grouped(history.last!.visitors)),
            ]
            if let growth = ListingHistory.revenueGrowth(history) {
                rows.append(("Growth", String(format: "%+.0f %% revenue over 12 months", growth * 100)))
            }
            out.fields(rows)
        }
        out.line()
        for paragraph in TextLayout.wrap(TextSanitizer.multiline(listing.description), width: 78) {
            out.line(paragraph)
        }
        let cf = listing.package.cloudflare
        out.line()
        out.line(out.paint("Package \(TerminalOutput.clean(listing.package.name)) \(TerminalOutput.clean(listing.package.version))", .bold))
        for worker in cf.workers { out.line("  worker    \(TerminalOutput.clean(worker.name))  (\(TerminalOutput.clean(worker.main)))") }
        for db in cf.d1Databases { out.line("  d1        \(TerminalOutput.clean(db.name))  (\(db.migrations.count) migration\(db.migrations.count == 1 ? "" : "s"))") }
        for bucket in cf.r2Buckets { out.line("  r2        \(TerminalOutput.clean(bucket.name))") }
        for record in cf.dnsRecords { out.line("  dns       \(TerminalOutput.clean(record.type)) \(TerminalOutput.clean(record.name))") }
        if !listing.assets.isEmpty {
            out.line()
            out.line(out.paint("Assets", .bold))
            let kinds = listing.assets.map { TerminalOutput.clean($0.kind) }
            let paths = listing.assets.map { TerminalOutput.clean($0.path) }
            let kindWidth = kinds.map { DisplayWidth.of($0) }.max() ?? 0
            let pathWidth = min(60, paths.map { DisplayWidth.of($0) }.max() ?? 0)
            for (index, asset) in listing.assets.enumerated() {
                out.line("  " + TextLayout.fit(kinds[index], to: kindWidth) + "  " + TextLayout.fit(paths[index], to: pathWidth)
                         + "  " + TextLayout.fit(DisplayFormat.bytes(asset.bytes), to: 8, alignRight: true))
            }
        }
    }
}

/// The buyer-facing fee split of a price, as the checkout shows it.
enum FeeSplitText {
    static func describe(_ price: Money) -> String {
        guard let split = try? FeePolicy.standard.split(price) else { return "" }
        return "(platform fee \(split.platformFee.formatted), seller gets \(split.sellerShare.formatted))"
    }
}
