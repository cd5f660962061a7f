import Foundation
import TechFlunkyCore

/// Entry points for the benchmark command (measured there, never asserted in tests).
public enum TUIBenchmarks {
    /// A UI state showing the Browse pane at `width`×`height` holding `listingCount` listings, ready for
    /// `AppRenderer.render(_:)`. Rendering cost should not grow with `listingCount`: only visible rows are laid out.
    public static func browseState(listingCount: Int, width: Int = 200, height: Int = 60) -> AppState {
        let listings = (0..<listingCount).map(syntheticListing)
        let pane = BrowsePane(preloaded: listings, total: listingCount)
        return AppState(width: width, height: height, environment: UIEnvironment(platformLabel: "benchmark"),
                        tabRoots: { $0 == .browse ? pane : PaneFactory.root(for: $0) })
    }

    /// Moves the Browse selection by `rows` (as paging would), returning the new state.
    public static func scrollBrowse(_ state: AppState, by rows: Int) -> AppState {
        var s = state
        _ = AppUpdate.update(&s, .key(rows >= 0 ? .down : .up))
        for _ in 1..<max(1, abs(rows)) { _ = AppUpdate.update(&s, .key(rows >= 0 ? .down : .up)) }
        return s
    }

    public static func syntheticListing(_ i: Int) -> ListingSummary {
        let categories = ["SaaS", "Newsletter", "E-commerce", "Developer tools", "Marketplace", "Content"]
        return ListingSummary(
            id: "lst_\(i)", slug: "listing-\(i)", title: "Listing \(i) — a ready-to-run business", tagline: "Tagline \(i)",
            category: categories[i % categories.count], askingPrice: .usd(Int64(500_000 + (i % 977) * 10_000)),
            monthlyRevenue: .usd(Int64(40_000 + (i % 311) * 1_000)), monthlyProfit: .usd(Int64(15_000 + (i % 173) * 700)),
            ageMonths: 3 + i % 90, techStack: ["Workers", "D1", "R2"], monthlyVisitors: 1_000 + i % 50_000,
            seller: SellerSummary(id: "acct_\(i % 50)", displayName: "Seller \(i % 50)"),
            createdAt: Date(timeIntervalSince1970: 1_700_000_000 - Double(i) * 600))
    }
}
