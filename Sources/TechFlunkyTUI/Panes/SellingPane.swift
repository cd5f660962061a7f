import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// The seller's own listings in every status the platform reports (live, unpublished, and any it adds: draft,
/// reserved, sold), with price, package version and how many buyers own each. From here the seller changes the
/// price (`e`) or the description (`d`), unpublishes (`x`, after a confirmation) and publishes a new version of
/// the package from a directory on this machine with a changelog (`v`). Refreshes while open.
public struct SellingPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, top, bottom, refresh, editPrice, editDescription, unpublish, release, submit, nextField, cancel }

    /// What the line under the table is doing.
    public enum Editor: Sendable, Hashable {
        case price(slug: String, input: TextInput)
        case description(slug: String, input: TextInput)
        case confirmUnpublish(slug: String)
        case release(slug: String, directory: TextInput, changelog: TextInput, onChangelog: Bool)
    }

    public let kind = PaneKind.selling
    public private(set) var listings: [SellerListing] = []
    public private(set) var loaded = false
    public private(set) var failure: String?
    public private(set) var table = TableState()
    public private(set) var editor: Editor?
    /// Why the platform refused the last change (shown under the editor).
    public private(set) var problem: String?
    var listRequest: RequestID?
    var changeRequest: RequestID?
    /// The description editor waits for the listing's current text.
    var descriptionRequest: RequestID?
    var refreshTimer: TimerID?

    public static let refreshInterval: Duration = .seconds(15)

    public init(listings: [SellerListing]? = nil) {
        if let listings {
            self.listings = listings
            loaded = true
        }
    }

    public var title: String { "Selling" }
    public var isAnimating: Bool { (!loaded && failure == nil) || changeRequest != nil }
    public var capturesText: Bool {
        switch editor {
        case .price?, .description?, .release?: true
        default: false
        }
    }
    public var quitWarning: String? {
        switch editor {
        case .price?, .description?, .release?: "the listing editor holds what you typed"
        default: nil
        }
    }

    var selected: SellerListing? { listings.indices.contains(table.selected) ? listings[table.selected] : nil }

    public func keyMap() -> [KeyBinding<Action>] {
        let busy: String? = changeRequest != nil ? "working…" : nil
        if let editor {
            let confirm: String
            switch editor {
            case .confirmUnpublish: return [KeyBinding([.char("y")], "unpublish", .submit, disabled: busy),
                                             KeyBinding([.char("n"), .escape], "keep it", .cancel)]
            case .price: confirm = "save price"
            case .description: confirm = "save description"
            case .release: confirm = "publish version"
            }
            var keys: [KeyBinding<Action>] = [KeyBinding([.enter], confirm, .submit, disabled: busy), KeyBinding([.escape], "cancel", .cancel)]
            if case .release = editor { keys.append(KeyBinding([.tab], "next field", .nextField)) }
            return keys
        }
        let none: String? = selected == nil ? "no listing selected" : nil
        let live: String? = none ?? (selected?.status == "withdrawn" ? "this listing is unpublished" : nil)
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.home, .char("g")], "first", .top, footer: false),
            KeyBinding([.end, .char("G")], "last", .bottom, footer: false),
            KeyBinding([.char("e")], "price", .editPrice, disabled: live ?? busy),
            KeyBinding([.char("d")], "description", .editDescription, disabled: live ?? busy),
            KeyBinding([.char("v")], "new version", .release, disabled: live ?? busy),
            KeyBinding([.char("x")], "unpublish", .unpublish, disabled: live ?? busy),
            KeyBinding([.char("r")], "refresh", .refresh),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        refreshTimer = nil
        let id = ctx.newRequestID()
        listRequest = id
        return [.request(id, .sellerListings)]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch action {
        case .up: table.selected -= 1
        case .down: table.selected += 1
        case .top: table.selected = 0
        case .bottom: table.selected = listings.count - 1
        case .refresh: return load(&ctx)
        case .editPrice:
            guard let l = selected else { return [] }
            problem = nil
            editor = .price(slug: l.slug, input: TextInput(text: Self.dollars(l.askingPrice), placeholder: "e.g. 95000, 95k or 1.2m", maxLength: 20))
        case .editDescription:
            guard let l = selected else { return [] }
            problem = nil
            let id = ctx.newRequestID()
            descriptionRequest = id
            editor = .description(slug: l.slug, input: TextInput(placeholder: "loading the current description…", maxLength: 20_000))
            return [.request(id, .listing(slug: l.slug))]
        case .unpublish:
            guard let l = selected else { return [] }
            problem = nil
            editor = .confirmUnpublish(slug: l.slug)
        case .release:
            guard let l = selected else { return [] }
            problem = nil
            editor = .release(slug: l.slug, directory: TextInput(placeholder: "the package directory, e.g. ./my-business", maxLength: 1024),
                              changelog: TextInput(placeholder: "what changed in this version", maxLength: PackageVersion.maxChangelogLength),
                              onChangelog: false)
        case .nextField:
            if case let .release(slug, directory, changelog, onChangelog) = editor {
                editor = .release(slug: slug, directory: directory, changelog: changelog, onChangelog: !onChangelog)
            }
        case .cancel:
            editor = nil
            problem = nil
            descriptionRequest = nil
        case .submit:
            return submit(&ctx)
        }
        table.clamp(count: listings.count, visibleRows: max(1, ctx.area.height - 5))
        return []
    }

    mutating func submit(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard changeRequest == nil, let editor else { return [] }
        let request: ServiceRequest
        switch editor {
        case let .price(slug, input):
            guard let minor = Money.parseMajorUnits(input.text), minor > 0 else {
                problem = "Type the price in dollars: 95000, 95k or 1.2m"
                return []
            }
            let currency = listings.first { $0.slug == slug }?.askingPrice.currency ?? .usd
            request = .editListing(slug: slug, patch: ListingPatchRequest(askingPrice: Money(minorUnits: minor, currency: currency)))
        case let .description(slug, input):
            guard descriptionRequest == nil else { return [] }
            guard !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                problem = "The description cannot be empty"
                return []
            }
            request = .editListing(slug: slug, patch: ListingPatchRequest(description: input.text))
        case let .confirmUnpublish(slug):
            request = .withdrawListing(slug: slug)
        case let .release(slug, directory, changelog, _):
            guard !directory.text.trimmingCharacters(in: .whitespaces).isEmpty else {
                problem = "Name the package directory (it holds techflunky.json with the new version)"
                return []
            }
            guard !changelog.text.trimmingCharacters(in: .whitespaces).isEmpty else {
                problem = "Say what changed: buyers see the changelog"
                self.editor = .release(slug: slug, directory: directory, changelog: changelog, onChangelog: true)
                return []
            }
            let path = (directory.text.trimmingCharacters(in: .whitespaces) as NSString).expandingTildeInPath
            request = .publishVersionFromDirectory(slug: slug, directory: path, changelog: changelog.text)
        }
        problem = nil
        let id = ctx.newRequestID()
        changeRequest = id
        return [.request(id, request)]
    }

    public mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? {
        switch editor {
        case var .price(slug, input)?:
            guard input.handle(key) else { return nil }
            editor = .price(slug: slug, input: input)
        case var .description(slug, input)?:
            guard descriptionRequest == nil, input.handle(key) else { return nil }
            editor = .description(slug: slug, input: input)
        case .release(let slug, var directory, var changelog, let onChangelog)?:
            guard onChangelog ? changelog.handle(key) : directory.handle(key) else { return nil }
            editor = .release(slug: slug, directory: directory, changelog: changelog, onChangelog: onChangelog)
        default:
            return nil
        }
        problem = nil
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == listRequest:
            listRequest = nil
            switch result {
            case let .success(.sellerListings(fresh)):
                let selectedSlug = selected?.slug
                listings = fresh
                if let selectedSlug, let i = listings.firstIndex(where: { $0.slug == selectedSlug }) { table.selected = i }
                table.clamp(count: listings.count, visibleRows: max(1, ctx.area.height - 5))
                loaded = true
                failure = nil
            case let .failure(f): failure = f.message
            case .success: failure = "unexpected answer from the platform"
            }
            let timer = ctx.newTimerID()
            refreshTimer = timer
            return [.timer(timer, after: SellingPane.refreshInterval)]
        case let .response(id, result) where id == descriptionRequest:
            descriptionRequest = nil
            guard case let .description(slug, _)? = editor else { return [] }
            switch result {
            case let .success(.listing(listing)):
                editor = .description(slug: slug, input: TextInput(text: listing.description, placeholder: "the listing's description", maxLength: 20_000))
            case let .failure(f):
                editor = nil
                return [.status(.error("Could not load the description: \(f.message)"))]
            case .success:
                editor = nil
            }
            return []
        case let .response(id, result) where id == changeRequest:
            changeRequest = nil
            switch result {
            case let .success(answer):
                let done: String
                switch (editor, answer) {
                case (.release?, .listing(let listing)): done = "Published \(listing.summary.slug) \(listing.package.version); buyers see the update"
                case (.confirmUnpublish(let slug)?, _): done = "Unpublished \(slug)"
                case (.price?, .listing(let listing)): done = "Price of \(listing.summary.slug) is now \(listing.summary.askingPrice.formatted)"
                default: done = "Saved"
                }
                editor = nil
                problem = nil
                return [.status(.info(done))] + load(&ctx)
            case let .failure(f):
                problem = f.field.map { "\(f.message) (\($0))" } ?? f.message
            }
            return []
        case let .timerFired(id) where id == refreshTimer:
            return load(&ctx)
        case let .mouse(event):
            if case .wheelUp = event { table.selected -= 1 }
            if case .wheelDown = event { table.selected += 1 }
            table.clamp(count: listings.count, visibleRows: max(1, ctx.area.height - 5))
        default:
            break
        }
        return []
    }

    // MARK: Rendering

    static func dollars(_ money: Money) -> String {
        let units = money.minorUnits / 100
        return money.minorUnits % 100 == 0 ? String(units) : String(format: "%lld.%02lld", units, money.minorUnits % 100)
    }

    /// How a status reads: the platform's words, with `active` as "live" and `withdrawn` as "unpublished".
    static func statusLabel(_ status: String) -> String {
        switch status {
        case "active": "live"
        case "withdrawn": "unpublished"
        default: status.replacingOccurrences(of: "_", with: " ")
        }
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 4, area.height > 1 else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        if !loaded {
            if let failure {
                canvas.writeFitted("Could not load your listings: \(failure)", x: inner.x, y: inner.y + 1, width: inner.width, style: .error)
                canvas.writeFitted("Press r to retry.", x: inner.x, y: inner.y + 2, width: inner.width, style: .muted)
            } else {
                canvas.writeFitted(SpinnerWidget.frame(ctx.frame) + " Loading your listings…", x: inner.x, y: inner.y + 1, width: inner.width, style: .muted)
            }
            return
        }
        canvas.writeFitted("Your listings (\(listings.count))", x: inner.x, y: inner.y, width: inner.width, style: CellStyle(.accent, bold: true))
        if listings.isEmpty {
            canvas.writeFitted("Nothing listed yet. Publish a package with `techflunky package publish DIR`.", x: inner.x, y: inner.y + 2,
                               width: inner.width, style: .muted)
            return
        }
        guard inner.width >= 30, inner.height >= 4 else {
            canvas.writeFitted("Widen the terminal to see your listings", x: inner.x, y: inner.y + 1, width: inner.width, style: .muted)
            return
        }
        let editorLines = editor == nil ? 0 : (problem == nil ? 2 : 3)
        let rows = listings
        let titleWidth = rows.map { DisplayWidth.of(TextSanitizer.line($0.title)) }.max() ?? 0
        let columns = [
            TableColumn("Listing", .flexible(min: 14, natural: titleWidth)),
            TableColumn("Status", .fixed(11)),
            TableColumn("Price", .fixed(12), alignRight: true),
            TableColumn("Version", .fixed(9), dropPriority: 2),
            TableColumn("Buyers", .fixed(6), alignRight: true, dropPriority: 1),
            TableColumn("Updated", .fixed(10), dropPriority: 3),
        ]
        let tableArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(1, inner.height - 1 - editorLines))
        TableWidget(columns: columns, rowCount: rows.count, state: table, row: { i in
            let l = rows[i]
            return [l.title, SellingPane.statusLabel(l.status), l.askingPrice.formatted, l.version, String(l.buyers), DisplayFormat.day(l.updatedAt)]
        }, rowStyle: { i in
            switch rows[i].status {
            case "active": CellStyle.text
            case "withdrawn": CellStyle.muted
            default: CellStyle.accent
            }
        }).render(into: &canvas, area: tableArea)
        guard let editor else { return }
        var y = inner.maxY - editorLines
        func field(_ label: String, _ input: TextInput, focused: Bool) {
            let labelWidth = min(DisplayWidth.of(label) + 1, inner.width / 2)
            canvas.writeFitted(label, x: inner.x, y: y, width: labelWidth, style: focused ? CellStyle(.accent, bold: true) : .text)
            TextFieldWidget(input, focused: focused, style: CellStyle(.text, underline: true))
                .render(into: &canvas, area: Rect(x: inner.x + labelWidth, y: y, width: max(4, inner.width - labelWidth), height: 1))
        }
        switch editor {
        case let .price(slug, input):
            field("New price of \(TextSanitizer.line(slug)) ($):", input, focused: true)
            y += 1
            canvas.writeFitted(changeRequest != nil ? "Saving…" : "Enter saves · Esc cancels", x: inner.x, y: y, width: inner.width, style: .muted)
        case let .description(_, input):
            field("Description:", input, focused: descriptionRequest == nil)
            y += 1
            canvas.writeFitted(descriptionRequest != nil ? "Loading…" : (changeRequest != nil ? "Saving…" : "Enter saves · Esc cancels"),
                               x: inner.x, y: y, width: inner.width, style: .muted)
        case let .confirmUnpublish(slug):
            canvas.writeFitted("Unpublish \(TextSanitizer.line(slug))? It leaves the catalog; orders already placed are kept.",
                               x: inner.x, y: y, width: inner.width, style: .warning)
            y += 1
            canvas.writeFitted(changeRequest != nil ? "Unpublishing…" : "y unpublish · n keep it", x: inner.x, y: y, width: inner.width, style: .muted)
        case let .release(_, directory, changelog, onChangelog):
            field("Package directory:", directory, focused: !onChangelog)
            y += 1
            field("Changelog:", changelog, focused: onChangelog)
        }
        if let problem {
            canvas.writeFitted("✖ " + problem, x: inner.x, y: inner.maxY - 1, width: inner.width, style: .error)
        }
    }
}
