import Foundation
import TechFlunkyCore
import TechFlunkyText

/// Where to deploy a paid order: the buyer's Cloudflare account id, an API token in a masked field, and an
/// optional custom domain. Everything is checked before sending. The token is never drawn (one `•` per
/// character), never stored, and cleared from the pane the moment the request is made; it lives on only in
/// that one request. When the platform accepts, the deployment progress pane takes this pane's place.
public struct DeployFormPane: Pane {
    public enum Field: Int, CaseIterable, Sendable, Hashable { case accountId, apiToken, domain }
    public enum Action: Sendable, Hashable { case next, previous, submit, useSandboxAccount }

    public let kind = PaneKind.deploy
    public let orderId: String
    public let listingTitle: String
    public private(set) var accountId: TextInput
    public private(set) var apiToken = TextInput(masked: true, placeholder: "paste your API token", maxLength: 256)
    public private(set) var domain = TextInput(placeholder: "optional, e.g. shop.example.com", maxLength: 253)
    public private(set) var focus: Field = .accountId
    public private(set) var problems: [Field: String] = [:]
    /// Why the platform refused the last attempt.
    public private(set) var submitError: String?
    public private(set) var submitRequest: RequestID?

    /// The sandbox's demo account, when the platform is the embedded sandbox (see `UIEnvironment`).
    var sandboxAccount: CloudflareCredentials?
    var sandboxZone: String?
    let listingSlug: String
    /// The account id the form opened with (remembered from an earlier deployment), which is not typed input.
    let initialAccountId: String
    /// Set when the form corrects a failed deployment (its id): submitting retries it instead of starting one.
    public let retrying: String?
    /// Set when the form deploys a newer package version over a live deployment (its id): only the token is asked
    /// (the update goes into that deployment's account and domain), the account id comes from the deployment.
    public let updating: String?
    /// The versions the update goes from and to, for the heading.
    let updateVersions: (from: String?, to: String?)
    var accountRequest: RequestID?

    public init(order: Order, accountId: String = "") {
        orderId = order.id
        listingTitle = order.listingTitle
        listingSlug = order.listingSlug
        initialAccountId = accountId
        retrying = nil
        updating = nil
        updateVersions = (nil, nil)
        self.accountId = TextInput(text: accountId, placeholder: "32 hexadecimal digits", maxLength: 64)
    }

    /// A form that deploys the order's newer version over its live deployment `deploymentId`.
    public init(updating deploymentId: String, order: Order) {
        orderId = order.id
        listingTitle = order.listingTitle
        listingSlug = order.listingSlug
        initialAccountId = ""
        retrying = nil
        updating = deploymentId
        updateVersions = (order.deployedVersion, order.latestVersion)
        accountId = TextInput(placeholder: "32 hexadecimal digits", maxLength: 64)
        focus = .apiToken
    }

    /// A form that retries the failed deployment `deploymentId` with a corrected account id or domain (prefilled
    /// with what it used) and the token again.
    public init(retrying deploymentId: String, orderId: String, listingTitle: String, listingSlug: String, accountId: String, domain: String?) {
        self.orderId = orderId
        self.listingTitle = listingTitle
        self.listingSlug = listingSlug
        initialAccountId = accountId
        retrying = deploymentId
        updating = nil
        updateVersions = (nil, nil)
        self.accountId = TextInput(text: accountId, placeholder: "32 hexadecimal digits", maxLength: 64)
        self.domain = TextInput(text: domain ?? "", placeholder: "empty: workers.dev", maxLength: 253)
        focus = .apiToken
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] {
        sandboxAccount = ctx.environment.sandboxCloudflare
        sandboxZone = ctx.environment.sandboxZone
        if let zone = sandboxZone {
            // The usual example.com placeholder would fail ("no zone"): name the zone a domain must be in.
            domain = TextInput(text: domain.text, placeholder: "e.g. shop.\(zone) (sandbox zone)", maxLength: 253)
        }
        if let updating {
            // The update goes into the live deployment's account: read it rather than ask for it.
            let id = ctx.newRequestID()
            accountRequest = id
            return [.request(id, .deployment(id: updating))]
        }
        return []
    }

    /// The fields this form asks for: an update asks only for the token (and shows the account it goes into).
    var fields: [Field] { updating == nil ? Field.allCases : [.apiToken] }
    var lastField: Field { fields[fields.count - 1] }

    public var title: String { updating == nil ? "Deploy" : "Update" }

    /// Typed input is lost on quit; the account id the form prefills is not "typed".
    public var quitWarning: String? {
        apiToken.text.isEmpty && domain.text.isEmpty && accountId.text == initialAccountId ? nil : "the deploy form holds what you typed"
    }
    public var capturesText: Bool { true }
    public var isAnimating: Bool { submitRequest != nil }

    public func keyMap() -> [KeyBinding<Action>] {
        let sending: String? = submitRequest != nil ? "sending…" : (accountRequest != nil ? "reading the deployment…" : nil)
        let verb = updating == nil ? "deploy" : "deploy update"
        return [
            KeyBinding([.tab, .down], "next field", .next, footer: fields.count > 1),
            KeyBinding([.backTab, .up], "previous field", .previous, footer: false),
            KeyBinding([.enter], focus == lastField ? verb : "next / deploy", focus == lastField ? .submit : .next, disabled: sending),
            KeyBinding([.ctrl("s")], verb, .submit, footer: focus != lastField, disabled: sending),
            KeyBinding([.ctrl("t")], "use the sandbox demo account", .useSandboxAccount, footer: sandboxAccount != nil,
                       disabled: sandboxAccount == nil ? "only in the embedded sandbox" : nil),
        ]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch action {
        case .next:
            let i = fields.firstIndex(of: focus) ?? 0
            focus = fields[(i + 1) % fields.count]
            return []
        case .previous:
            let i = fields.firstIndex(of: focus) ?? 0
            focus = fields[(i + fields.count - 1) % fields.count]
            return []
        case .submit:
            return submit(&ctx)
        case .useSandboxAccount:
            guard let demo = sandboxAccount else { return [] }
            apiToken.setText(demo.apiToken.secretValue)
            if updating != nil {
                // The account is the deployment's; only the token is filled in.
                problems = [:]
                return []
            }
            accountId.setText(demo.accountId)
            if let zone = sandboxZone, domain.text.isEmpty {
                domain.setText("\(String(listingSlug.prefix(40))).\(zone)")
            }
            problems = [:]
            focus = .domain
            return []
        }
    }

    public mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? {
        let handled: Bool
        switch focus {
        case .accountId: handled = accountId.handle(key)
        case .apiToken: handled = apiToken.handle(key)
        case .domain: handled = domain.handle(key)
        }
        if handled { problems[focus] = nil }
        return handled ? [] : nil
    }

    /// The form's field for a request field the platform refused (`error.field` of `POST /api/deploy` and retry).
    static func field(refused requestField: String?) -> Field? {
        switch DeployRequestValidator.Problem.Field.allCases.first(where: { $0.requestPath == requestField }) {
        case .domain: .domain
        case .accountId: .accountId
        case .apiToken: .apiToken
        case nil: nil
        }
    }

    /// Checks every field; sends the deploy request only when all pass. The token leaves the pane here.
    mutating func submit(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard submitRequest == nil else { return [] }
        problems = [:]
        submitError = nil
        let account = DeployRequestValidator.accountId(accountId.text)
        let token = DeployRequestValidator.apiToken(apiToken.text)
        let host = updating == nil ? DeployRequestValidator.domain(domain.text) : .success(nil)
        if case let .failure(p) = account { problems[.accountId] = p.message }
        if case let .failure(p) = token { problems[.apiToken] = p.message }
        if case let .failure(p) = host { problems[.domain] = p.message }
        guard case let .success(accountValue) = account, case let .success(tokenValue) = token,
              case let .success(domainValue) = host else {
            focus = Field.allCases.first { problems[$0] != nil } ?? focus
            return [.status(.error("Check the highlighted field\(problems.count == 1 ? "" : "s") before deploying."))]
        }
        let id = ctx.newRequestID()
        submitRequest = id
        apiToken = TextInput(masked: true, placeholder: "paste your API token", maxLength: 256)
        let credentials = CloudflareCredentials(accountId: accountValue, apiToken: tokenValue)
        if let updating {
            return [.request(id, .updateDeployment(id: updating, credentials: credentials))]
        }
        if let retrying {
            // The domain is always sent: an emptied field means workers.dev now.
            return [.request(id, .retryDeploymentCorrected(id: retrying, credentials: credentials, domain: domainValue ?? ""))]
        }
        let request = DeployRequest(orderId: orderId, cloudflare: credentials, domain: domainValue)
        return [.request(id, .deploy(request))]
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        if case let .response(id, result) = message, id == accountRequest {
            accountRequest = nil
            switch result {
            case let .success(.deployment(deployment)): accountId.setText(deployment.accountId)
            case let .failure(failure): submitError = "could not read the deployment: \(failure.message)"
            case .success: break
            }
            return []
        }
        guard case let .response(id, result) = message, id == submitRequest else { return [] }
        submitRequest = nil
        switch result {
        case let .success(.deployAccepted(accepted)):
            let progress = DeployProgressPane(deploymentId: accepted.deploymentId, listingTitle: listingTitle,
                                              initialState: accepted.state)
            // A correction replaces the failed run's pane under this form too.
            return retrying == nil ? [.pop, .push(progress)] : [.pop, .pop, .push(progress)]
        case let .failure(failure):
            submitError = failure.message
            // The platform names the field it refused; point at ours. Anything else: the token is asked again.
            focus = Self.field(refused: failure.field) ?? .apiToken
            return []
        case .success:
            submitError = "unexpected answer from the platform"
            return []
        }
    }

    // MARK: Rendering

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 10, area.height > 0 else { return }
        let x = area.x + 2
        let width = min(78, area.width - 4)
        var y = area.y
        func line(_ text: String, _ style: CellStyle = .text) {
            for wrapped in TextLayout.wrap(TextSanitizer.line(text), width: max(1, width)) where y < area.maxY {
                canvas.write(wrapped, x: x, y: y, maxWidth: width, style: style)
                y += 1
            }
        }
        if updating != nil {
            let versions = [updateVersions.from.map { "from \($0)" }, updateVersions.to.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
            line("Update \(listingTitle) \(versions)", CellStyle(.accent, bold: true))
            line("in Cloudflare account \(accountId.text.isEmpty ? "…" : accountId.text). Changed Workers go up as new versions and switch "
                 + "over together; only new migrations run; your data is not touched. If a step fails, the Workers serve their previous "
                 + "version again. The token is used for this update only and is never stored.", .muted)
        } else {
            line("Deploy \(listingTitle)", CellStyle(.accent, bold: true))
            line("into your own Cloudflare account. The token is used for this deployment only: it is never shown, "
                 + "stored or logged, and you give it again to retry or roll back.", .muted)
        }
        y += 1
        let labelWidth = 16
        let shown = Set(self.fields)
        let fields: [(Field, String, TextInput)] = [(.accountId, "Account id", accountId), (.apiToken, "API token", apiToken),
                                                   (.domain, "Custom domain", domain)].filter { shown.contains($0.0) }
        for (field, label, input) in fields where y < area.maxY {
            let focused = field == focus
            canvas.write((focused ? "› " : "  ") + label, x: x, y: y, maxWidth: labelWidth,
                         style: focused ? CellStyle(.accent, bold: true) : .text)
            let inputWidth = max(4, min(48, width - labelWidth))
            TextFieldWidget(input, focused: focused, style: CellStyle(.text, underline: true))
                .render(into: &canvas, area: Rect(x: x + labelWidth, y: y, width: inputWidth, height: 1))
            y += 1
            if let problem = problems[field] {
                for wrapped in TextLayout.wrap("✖ " + problem, width: max(1, width - labelWidth)) where y < area.maxY {
                    canvas.write(wrapped, x: x + labelWidth, y: y, maxWidth: width - labelWidth, style: .error)
                    y += 1
                }
            }
        }
        y += 1
        if submitRequest != nil {
            guard y < area.maxY else { return }
            canvas.write(SpinnerWidget.frame(ctx.frame) + (updating == nil ? " Starting the deployment…" : " Starting the update…"), x: x, y: y, maxWidth: width, style: .accent)
        } else if let submitError {
            line("The platform refused: \(submitError)", .error)
            line("The token was cleared when it was sent; enter it again to retry.", .muted)
        } else if updating != nil {
            line("Enter deploys the update" + (sandboxAccount != nil ? "; Ctrl-T fills in the sandbox's demo token." : "."), .muted)
        } else {
            line("Enter moves to the next field and deploys from the last; without a domain the business gets a "
                 + "workers.dev address.", .muted)
            if sandboxAccount != nil {
                line("Sandbox: Ctrl-T fills in the stand-in's demo Cloudflare account and token"
                     + (sandboxZone.map { ", and a hostname in its zone \($0) (clear it for workers.dev)." } ?? "."), .warning)
            }
        }
    }
}
