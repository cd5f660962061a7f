import Foundation
import TechFlunkyCore
import TechFlunkyText

/// The buyer's orders with their payment state and deployments. Enter watches the newest deployment of the
/// selected order (re-attaching to a running one), opens the deploy form for a paid order without one, or goes
/// back to the checkout of an unpaid order; `n` starts another deployment of a paid order. Refreshes while open.
public struct OrdersPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, top, bottom, open, newDeployment, update, documents, refresh }

    public let kind = PaneKind.orders
    public private(set) var orders: [Order] = []
    public private(set) var loaded = false
    public private(set) var failure: String?
    public private(set) var table = TableState()
    var request: RequestID?
    /// The listing being fetched to open its business documents (`v`).
    var documentsRequest: RequestID?
    var refreshTimer: TimerID?

    public static let refreshInterval: Duration = .seconds(5)

    public init(orders: [Order]? = nil) {
        if let orders {
            self.orders = orders
            loaded = true
        }
    }

    public var title: String { "Orders" }
    public var isAnimating: Bool { !loaded && failure == nil }

    var selectedOrder: Order? { orders.indices.contains(table.selected) ? orders[table.selected] : nil }

    public func keyMap() -> [KeyBinding<Action>] {
        let order = selectedOrder
        let openLabel: String
        var openDisabled: String?
        if let order {
            if !order.deployments.isEmpty { openLabel = "watch deployment" }
            else if order.isDeployable { openLabel = "deploy" }
            else if order.state == .pendingPayment { openLabel = "pay" }
            else { openLabel = "open"; openDisabled = "this order is \(OrdersPane.paymentLabel(order.state).lowercased())" }
        } else {
            openLabel = "open"
            openDisabled = "no order selected"
        }
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.home, .char("g")], "first", .top, footer: false),
            KeyBinding([.end, .char("G")], "last", .bottom, footer: false),
            KeyBinding([.enter], openLabel, .open, disabled: openDisabled),
            KeyBinding([.char("n")], "new deployment", .newDeployment,
                       footer: order?.isDeployable == true && order?.deployments.isEmpty == false,
                       disabled: order?.isDeployable == true ? nil : "only a paid order can be deployed"),
            KeyBinding([.char("u")], "deploy update", .update, footer: order?.updateAvailable == true,
                       disabled: order?.updateAvailable == true ? nil : "no newer version than the one deployed"),
            // The business plan, market research and handover notes: whole once the order is paid.
            KeyBinding([.char("v")], "business documents", .documents, footer: false,
                       disabled: order == nil ? "no order selected" : (documentsRequest == nil ? nil : "a moment…")),
            KeyBinding([.char("r")], "refresh", .refresh),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        refreshTimer = nil
        let id = ctx.newRequestID()
        request = id
        return [.request(id, .orders)]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        let visible = max(1, ctx.area.height - 4)
        switch action {
        case .up: table.selected -= 1
        case .down: table.selected += 1
        case .top: table.selected = 0
        case .bottom: table.selected = orders.count - 1
        case .refresh: return load(&ctx)
        case .open:
            guard let order = selectedOrder else { return [] }
            if let newest = order.deployments.first {
                return [.push(DeployProgressPane(deploymentId: newest.id, listingTitle: order.listingTitle, initialState: newest.state))]
            }
            if order.isDeployable { return [.push(DeployFormPane(order: order))] }
            if order.state == .pendingPayment { return [.push(CheckoutPane(resuming: order))] }
            return []
        case .newDeployment:
            guard let order = selectedOrder, order.isDeployable else { return [] }
            return [.push(DeployFormPane(order: order))]
        case .update:
            guard let order = selectedOrder, order.updateAvailable, let live = order.liveDeployment else { return [] }
            return [.push(DeployFormPane(updating: live.id, order: order))]
        case .documents:
            guard let order = selectedOrder, documentsRequest == nil else { return [] }
            let id = ctx.newRequestID()
            documentsRequest = id
            return [.request(id, .listing(slug: order.listingSlug))]
        }
        table.clamp(count: orders.count, visibleRows: visible)
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == documentsRequest:
            documentsRequest = nil
            switch result {
            case let .success(.listing(listing)) where !listing.assets.isEmpty:
                return [.push(DocumentViewerPane(listing: listing))]
            case .success(.listing):
                return [.status(.info("This business has no documents"))]
            case let .failure(f):
                return [.status(.error(f.message))]
            case .success:
                return [.status(.error("unexpected answer from the platform"))]
            }
        case let .response(id, result) where id == request:
            request = nil
            switch result {
            case let .success(.orders(fresh)):
                // Keep the same order selected across refreshes.
                let selectedId = selectedOrder?.id
                orders = fresh.sorted { $0.createdAt > $1.createdAt }
                if let selectedId, let i = orders.firstIndex(where: { $0.id == selectedId }) { table.selected = i }
                table.clamp(count: orders.count, visibleRows: max(1, ctx.area.height - 4))
                loaded = true
                failure = nil
            case let .failure(f):
                failure = f.message
            case .success:
                failure = "unexpected answer from the platform"
            }
            let timer = ctx.newTimerID()
            refreshTimer = timer
            return [.timer(timer, after: OrdersPane.refreshInterval)]
        case let .timerFired(id) where id == refreshTimer:
            return load(&ctx)
        case let .mouse(event):
            if case .wheelUp = event { table.selected -= 1 }
            if case .wheelDown = event { table.selected += 1 }
            table.clamp(count: orders.count, visibleRows: max(1, ctx.area.height - 4))
        default:
            break
        }
        return []
    }

    // MARK: Rendering

    static func paymentLabel(_ state: OrderState) -> String {
        switch state {
        case .pendingPayment: "Awaiting payment"
        case .paid: "Paid"
        case .inReview: "Paid · in review"
        case .released: "Paid · released"
        case .refunded: "Refunded"
        case .disputed: "Disputed"
        case .expired: "Expired"
        }
    }

    static func deploymentLabel(_ order: Order) -> String {
        guard let d = order.deployments.first else { return order.isDeployable ? "not deployed" : "–" }
        var text: String = switch d.state {
        case .queued: "queued"
        case .running: "running" + (d.currentStep.map { " · step \($0.number)/9" } ?? "")
        case .provisioned: "provisioned · certificate pending"
        case .succeeded: "live" + (d.url.map { " · " + $0 } ?? "")
        case .failed: "failed" + (d.currentStep.map { " at step \($0.number)" } ?? "")
        case .interrupted: "interrupted"
        case .rollingBack: "rolling back"
        case .rolledBack: "rolled back"
        }
        if d.updateOf != nil, let version = d.packageVersion { text = "update to \(version) " + text }
        if order.deployments.count > 1 { text += " (\(order.deployments.count) runs)" }
        if order.updateAvailable, let latest = order.latestVersion { text = "⬆ \(latest) available · " + text }
        return text
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 4, area.height > 1 else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        if !loaded {
            if let failure {
                canvas.writeFitted("Could not load your orders: \(failure)", x: inner.x, y: inner.y + 1, width: inner.width, style: .error)
                canvas.writeFitted("Press r to retry.", x: inner.x, y: inner.y + 2, width: inner.width, style: .muted)
            } else {
                canvas.writeFitted(SpinnerWidget.frame(ctx.frame) + " Loading your orders…", x: inner.x, y: inner.y + 1,
                                   width: inner.width, style: .muted)
            }
            return
        }
        canvas.writeFitted("Your orders (\(orders.count))", x: inner.x, y: inner.y, width: inner.width, style: CellStyle(.accent, bold: true))
        if orders.isEmpty {
            canvas.writeFitted("No orders yet. Browse (1), open a listing and press b to buy it.", x: inner.x, y: inner.y + 2,
                               width: inner.width, style: .muted)
            return
        }
        // The table's narrowest layout (listing and payment columns) needs this much; below it, say so.
        guard inner.width >= 34, inner.height >= 3 else {
            canvas.writeFitted("Widen the terminal to see orders", x: inner.x, y: inner.y + 1, width: inner.width, style: .muted)
            return
        }
        let rows = orders
        // Listing grows first (up to its longest title), then Deployment; Amount goes first when narrow, then Date.
        let listingWidth = rows.map { DisplayWidth.of(TextSanitizer.line($0.listingTitle)) }.max() ?? 0
        let deploymentWidth = rows.map { DisplayWidth.of(OrdersPane.deploymentLabel($0)) }.max() ?? 0
        let columns = [
            TableColumn("Date", .fixed(10), dropPriority: 2),
            TableColumn("Listing", .flexible(min: 16, natural: listingWidth)),
            TableColumn("Amount", .fixed(12), alignRight: true, dropPriority: 1),
            TableColumn("Payment", .fixed(16)),
            TableColumn("Deployment", .flexible(min: 14, natural: max(10, deploymentWidth)), growOrder: 1),
        ]
        let tableArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - (failure == nil ? 1 : 2))
        TableWidget(columns: columns, rowCount: rows.count, state: table, row: { i in
            let o = rows[i]
            return [DisplayFormat.day(o.createdAt), o.listingTitle, o.amount.formatted, OrdersPane.paymentLabel(o.state),
                    OrdersPane.deploymentLabel(o)]
        }, rowStyle: { i in
            switch rows[i].deployments.first?.state {
            case .failed?: CellStyle.error
            case .succeeded?: CellStyle.text
            case .running?, .queued?, .rollingBack?, .provisioned?: CellStyle.accent
            default: rows[i].state == .pendingPayment || rows[i].state == .expired ? CellStyle.muted : CellStyle.text
            }
        }).render(into: &canvas, area: tableArea)
        if let failure {
            canvas.writeFitted("Refresh failed: \(failure)", x: inner.x, y: area.maxY - 1, width: inner.width, style: .warning)
        }
    }
}
