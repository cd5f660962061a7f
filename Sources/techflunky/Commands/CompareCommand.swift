import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// `techflunky compare SLUG SLUG [SLUG [SLUG]]`: listings side by side, one column each, as the TUI's compare view.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare 2 to 4 listings side by side: price, multiple, revenue, profit, margin, growth, package, seller.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "2 to 4 listing slugs.") var slugs: [String]

    func validate() throws {
        guard (2...ListingComparison.maxListings).contains(slugs.count) else {
            throw ValidationError("compare takes 2 to \(ListingComparison.maxListings) listing slugs (got \(slugs.count))")
        }
        guard Set(slugs).count == slugs.count else { throw ValidationError("each listing once: a slug is repeated") }
    }

    func run() async throws {
        try await connection.withClient { client in try await compare(client) }
    }

    private func compare(_ client: PlatformClient) async throws {
        var listings: [ComparedListing] = []
        for slug in slugs { listings.append(ComparedListing(try await client.listing(slug: slug))) }
        let comparison = ListingComparison(listings: listings)
        let out = TerminalOutput()
        if output.json { return try out.json(comparison) }
        func percent(_ p: Double?, signed: Bool = false) -> String { p.map { String(format: signed ? "%+.0f %%" : "%.0f %%", $0) } ?? "–" }
        func names(_ list: [String]) -> String { list.isEmpty ? "none" : "\(list.count): " + list.joined(separator: ", ") }
        let rows: [(String, (ComparedListing) -> String)] = [
            ("TITLE", { $0.title }),
            ("PRICE", { $0.askingPrice.formattedWhole }),
            ("MULTIPLE", { DisplayFormat.multiple($0.multiple) }),
            ("REVENUE/MO", { $0.monthlyRevenue.formattedWhole }),
            ("PROFIT/MO", { $0.monthlyProfit.formattedWhole }),
            ("MARGIN", { percent($0.marginPercent) }),
            ("GROWTH 12MO", { percent($0.revenueGrowth12MonthsPercent, signed: true) }),
            ("REVENUE 12MO", { $0.revenueSparkline.map { Sparkline.text($0) } ?? "–" }),
            ("AGE", { DisplayFormat.age(months: $0.ageMonths) }),
            ("VISITORS/MO", { DisplayFormat.grouped($0.monthlyVisitors) }),
            ("CATEGORY", { $0.category }),
            ("SELLER", { $0.seller.displayName }),
            ("WORKERS", { names($0.contents.workers) }),
            ("D1", { names($0.contents.d1Databases) }),
            ("R2", { names($0.contents.r2Buckets) }),
            ("DNS", { names($0.contents.dnsRecords) }),
        ]
        // One column per listing, headed by its slug (never cut); a row per figure.
        out.table([TerminalOutput.Column(title: "", maxWidth: nil)] + listings.map { TerminalOutput.Column(title: $0.slug, maxWidth: 36) },
                  rows.map { row in [row.0] + listings.map(row.1) })
    }
}
