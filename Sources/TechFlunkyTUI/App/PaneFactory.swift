import TechFlunkyCore

/// Where panes that belong to other parts of the UI are made, so that part 2 (checkout, orders, payouts) plugs
/// in by changing one line each here.
public enum PaneFactory {
    /// The root pane of a tab.
    public static func root(for tab: TabKind) -> any Pane {
        switch tab {
        case .browse: BrowsePane()
        case .orders: PlaceholderPane(kind: .orders, title: "Orders",
                                      lines: ["Your orders and deployments appear here."])
        case .payouts: PlaceholderPane(kind: .payouts, title: "Payouts",
                                       lines: ["Your sales, holds and payouts appear here."])
        }
    }

    /// The pane `b` opens on a listing.
    public static func checkout(for listing: Listing) -> any Pane {
        PlaceholderPane(kind: .checkout, title: "Checkout",
                        lines: ["Checkout for \(listing.summary.title) (\(listing.summary.askingPrice.formatted)).",
                                "Checkout is not available in this build yet."])
    }
}
