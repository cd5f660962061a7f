import TechFlunkyCore

/// Where panes that belong to other parts of the UI are made, so that part 2 (checkout, orders, payouts) plugs
/// in by changing one line each here.
public enum PaneFactory {
    /// The root pane of a tab.
    public static func root(for tab: TabKind) -> any Pane {
        switch tab {
        case .browse: BrowsePane()
        case .orders: OrdersPane()
        case .payouts: PayoutsPane()
        case .inbox: InboxPane()
        case .selling: SellingPane()
        }
    }

    /// The pane `b` opens on a listing.
    public static func checkout(for listing: Listing) -> any Pane {
        CheckoutPane(listing: listing.summary)
    }
}
