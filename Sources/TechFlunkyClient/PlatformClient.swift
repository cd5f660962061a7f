import Foundation
import TechFlunkyCore
import TechFlunkyHTTP

/// A typed call for every platform endpoint. Holds the base URL and the session token (set by
/// `login`/`signup`, cleared by `logout`); safe to share between tasks. Every failure is a
/// `ClientError`.
public final class PlatformClient: Sendable {
    public let baseURL: String
    public let transport: any HTTPTransport
    private let session: LockedValue<String?>

    /// `baseURL` without a trailing slash (`http://127.0.0.1:8080`).
    public init(baseURL: String, token: String? = nil, transport: any HTTPTransport = CurlHTTPClient()) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        session = LockedValue(token)
    }

    /// The bearer token sent with each call.
    public var token: String? {
        get { session.withValue { $0 } }
        set { session.withValue { $0 = newValue } }
    }

    // MARK: Health and accounts

    public func health() async throws -> HealthResponse {
        try await call(.GET, "/healthz", authenticated: false)
    }

    /// `GET /api/health` (signed in): database, Stripe and Cloudflare reachability, running deployments, holds
    /// past due, webhooks refused lately.
    public func platformHealth() async throws -> PlatformHealth {
        try await call(.GET, "/api/health")
    }

    /// Creates an account and signs in as it.
    public func signup(email: String, password: String, displayName: String) async throws -> AuthResponse {
        let auth: AuthResponse = try await call(.POST, "/api/auth/signup", body: SignupRequest(email: email, password: password, displayName: displayName), authenticated: false)
        token = auth.token
        return auth
    }

    /// A wrong email or password is `.rejected(401, …)` with the server's message (not `.signedOut`,
    /// whose advice is to log in).
    public func login(email: String, password: String) async throws -> AuthResponse {
        do {
            let auth: AuthResponse = try await call(.POST, "/api/auth/login", body: LoginRequest(email: email, password: password), authenticated: false)
            token = auth.token
            return auth
        } catch let ClientError.signedOut(message) {
            throw ClientError.rejected(status: 401, error: .init(code: APIErrorCode.unauthorized, message: message))
        }
    }

    /// Revokes the session on the server and forgets it here.
    public func logout() async throws {
        defer { token = nil }
        try await callWithoutResult(.POST, "/api/auth/logout")
    }

    public func me() async throws -> MeResponse {
        try await call(.GET, "/api/me")
    }

    // MARK: Catalog

    public func listings(_ query: ListingQuery = ListingQuery()) async throws -> ListingPage {
        try await call(.GET, "/api/listings", query: query.queryItems, authenticated: false)
    }

    public func listing(slug: String) async throws -> Listing {
        try await call(.GET, "/api/listings/\(PercentEncoding.segment(slug))", authenticated: false)
    }

    public func categories() async throws -> [CategoryCount] {
        let response: CategoriesResponse = try await call(.GET, "/api/categories", authenticated: false)
        return response.categories
    }

    // MARK: Checkout and orders

    /// Opens a checkout session. Pass the same `idempotencyKey` when repeating after a failure, so a
    /// retry cannot create a second order; the request is retried automatically on transient errors.
    /// With `offerId` (an accepted offer of the caller's on the listing), the checkout is at the agreed price.
    public func createCheckoutSession(listingSlug: String, offerId: String? = nil, idempotencyKey: String = UUID().uuidString) async throws -> CheckoutSessionResponse {
        try await call(.POST, "/api/checkout/create-session", body: CreateCheckoutSessionRequest(listingSlug: listingSlug, offerId: offerId),
                       headers: ["Idempotency-Key": idempotencyKey], retryable: true)
    }

    public func orders() async throws -> [Order] {
        let response: OrdersResponse = try await call(.GET, "/api/orders")
        return response.orders
    }

    public func order(id: String) async throws -> Order {
        try await call(.GET, "/api/orders/\(PercentEncoding.segment(id))")
    }

    // MARK: Deployment

    /// Starts deploying a paid order into the buyer's Cloudflare account; answers at once with the id.
    public func deploy(_ request: DeployRequest) async throws -> DeployAccepted {
        try await call(.POST, "/api/deploy", body: request)
    }

    /// The snapshot: every step with its state, created resources, last event id.
    public func deployment(id: String) async throws -> Deployment {
        try await call(.GET, "/api/deploy", query: [("deploymentId", id)])
    }

    public func retryDeployment(id: String, cloudflare: CloudflareCredentials, domain: String? = nil) async throws -> DeployAccepted {
        try await call(.POST, "/api/deploy/\(PercentEncoding.segment(id))/retry", body: DeployCredentialsRequest(cloudflare: cloudflare, domain: domain))
    }

    /// Deploys the listing's newer package version over a live deployment (a new deployment; its id in the answer).
    public func updateDeployment(id: String, cloudflare: CloudflareCredentials) async throws -> DeployAccepted {
        try await call(.POST, "/api/deploy/\(PercentEncoding.segment(id))/update", body: DeployUpdateRequest(cloudflare: cloudflare))
    }

    /// The secrets a deployment generated, once: the platform forgets them as it answers (410 after).
    public func revealDeploymentSecrets(id: String) async throws -> GeneratedSecrets {
        try await call(.POST, "/api/deploy/\(PercentEncoding.segment(id))/secrets", body: EmptyBody())
    }

    public func rollbackDeployment(id: String, cloudflare: CloudflareCredentials) async throws -> DeployAccepted {
        try await call(.POST, "/api/deploy/\(PercentEncoding.segment(id))/rollback", body: DeployCredentialsRequest(cloudflare: cloudflare))
    }

    /// The live events of a deployment after `afterSeq` (0 = from the start), resuming across broken
    /// connections; see `DeploymentEventStream`.
    public func deploymentEvents(id: String, after afterSeq: Int = 0,
                                 options: DeploymentEventStream.Options = .init()) -> DeploymentEventStream {
        DeploymentEventStream(client: self, deploymentId: id, after: afterSeq, options: options)
    }

    /// The request `GET /api/deploy/{id}/events` with `Last-Event-ID` (used by `DeploymentEventStream`).
    func eventStreamRequest(deploymentId: String, lastEventId: Int) -> HTTPRequest {
        var headers: HTTPHeaders = ["Accept": "text/event-stream", "Cache-Control": "no-cache"]
        if lastEventId > 0 { headers["Last-Event-ID"] = String(lastEventId) }
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return HTTPRequest(url: baseURL + "/api/deploy/\(PercentEncoding.segment(deploymentId))/events", headers: headers, timeouts: .streaming)
    }

    // MARK: Sellers

    /// Creates (or finds) the seller's Stripe Connect account and returns a fresh onboarding link.
    public func createSellerAccount() async throws -> SellerAccountStatus {
        try await call(.POST, "/api/seller/create-account", body: EmptyBody(), retryable: true)
    }

    public func sellerAccount() async throws -> SellerAccountStatus {
        try await call(.GET, "/api/seller/account")
    }

    public func payouts() async throws -> PayoutsResponse {
        try await call(.GET, "/api/seller/payouts")
    }

    /// Publishes a listing with its package bundle (validated by the server; problems come back in
    /// `ClientError.rejected(422, …).problems`).
    public func publishListing(_ upload: ListingUploadRequest) async throws -> Listing {
        try await call(.POST, "/api/seller/listings", body: upload)
    }

    /// Updates one's own listing: text and metrics, and the package when `upload.bundle` is set.
    public func updateListing(slug: String, _ upload: ListingUploadRequest) async throws -> Listing {
        try await call(.PUT, "/api/seller/listings/\(PercentEncoding.segment(slug))", body: upload)
    }

    /// Publishes a package as a `.tar.gz` (`techflunky.json`, every file it names, and `listing.json` with the listing's
    /// text). `draft`: kept as a draft only its seller sees (allowed before Stripe onboarding is finished).
    public func publishListing(archive: Data, draft: Bool = false) async throws -> Listing {
        try await call(.POST, "/api/seller/listings", query: draft ? [("draft", "true")] : [], rawBody: archive, contentType: "application/gzip")
    }

    /// Replaces one's own listing's text and package with an archive (as `publishListing(archive:)`).
    public func updateListing(slug: String, archive: Data) async throws -> Listing {
        try await call(.PUT, "/api/seller/listings/\(PercentEncoding.segment(slug))", query: [], rawBody: archive, contentType: "application/gzip")
    }

    /// Makes one's own draft live (refused with `payouts_required` until Stripe onboarding is finished).
    public func publishDraft(slug: String) async throws -> Listing {
        try await call(.POST, "/api/seller/listings/\(PercentEncoding.segment(slug))/publish")
    }

    /// Publishes a new version of one's own listing's package (its manifest's `version`, above the current one).
    public func publishVersion(slug: String, _ request: PublishVersionRequest) async throws -> Listing {
        try await call(.POST, "/api/seller/listings/\(PercentEncoding.segment(slug))/versions", body: request)
    }

    /// The listing's current version and every version with its changelog, newest first.
    public func packageVersions(slug: String) async throws -> PackageVersionsResponse {
        try await call(.GET, "/api/listings/\(PercentEncoding.segment(slug))/versions")
    }

    /// The caller's own listings in every status.
    public func sellerListings() async throws -> [SellerListing] {
        let response: SellerListingsResponse = try await call(.GET, "/api/seller/listings")
        return response.listings
    }

    /// Changes some of one's own listing's text or its price.
    public func editListing(slug: String, _ patch: ListingPatchRequest) async throws -> Listing {
        try await call(.PATCH, "/api/seller/listings/\(PercentEncoding.segment(slug))", body: patch)
    }

    /// Withdraws one's own listing from the catalog.
    public func withdrawListing(slug: String) async throws {
        try await callWithoutResult(.DELETE, "/api/seller/listings/\(PercentEncoding.segment(slug))")
    }

    // MARK: Sandbox (only when the platform runs against the stand-ins)

    public func sandboxClock() async throws -> SandboxClockResponse {
        try await call(.GET, "/api/sandbox/clock")
    }

    public func advanceSandboxClock(seconds: Double) async throws -> SandboxClockResponse {
        try await call(.POST, "/api/sandbox/advance", body: SandboxAdvanceRequest(seconds: seconds))
    }

    /// Pays an order's checkout session with the test card, as the hosted page's button does (the
    /// webhook that marks the order paid follows on its own: poll `order(id:)`).
    public func sandboxPay(orderId: String) async throws {
        let _: Order = try await call(.POST, "/api/sandbox/pay", body: SandboxPayRequest(orderId: orderId))
    }

    // MARK: Plumbing

    struct EmptyBody: Codable, Sendable {}

    /// One call: builds the request, maps transport failures and non-2xx answers to `ClientError`,
    /// decodes the body as `Response`.
    func call<Response: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                   headers: HTTPHeaders = [:], authenticated: Bool = true, retryable: Bool? = nil) async throws -> Response {
        try await call(method, path, query: query, body: Optional<EmptyBody>.none, headers: headers, authenticated: authenticated, retryable: retryable)
    }

    func call<Body: Encodable, Response: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                                    body: Body?, headers: HTTPHeaders = [:], authenticated: Bool = true,
                                                    retryable: Bool? = nil) async throws -> Response {
        let (url, response) = try await perform(method, path, query: query, body: body, headers: headers, authenticated: authenticated, retryable: retryable)
        do {
            return try WireJSON.decode(Response.self, from: response.body)
        } catch {
            throw ClientError.undecodable(url: url, expected: Self.describe(Response.self), detail: Self.describe(error))
        }
    }

    /// A call whose body is not JSON (a package archive).
    func call<Response: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)], rawBody: Data, contentType: String) async throws -> Response {
        let (url, response) = try await send(method, path, query: query, body: (rawBody, contentType), headers: [:], authenticated: true, retryable: nil)
        do {
            return try WireJSON.decode(Response.self, from: response.body)
        } catch {
            throw ClientError.undecodable(url: url, expected: Self.describe(Response.self), detail: Self.describe(error))
        }
    }

    func callWithoutResult(_ method: HTTPMethod, _ path: String) async throws {
        _ = try await perform(method, path, query: [], body: Optional<EmptyBody>.none, headers: [:], authenticated: true, retryable: nil)
    }

    func callWithoutResult<Body: Encodable>(_ method: HTTPMethod, _ path: String, body: Body) async throws {
        _ = try await perform(method, path, query: [], body: body, headers: [:], authenticated: true, retryable: nil)
    }

    func perform<Body: Encodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Body?,
                                          headers: HTTPHeaders, authenticated: Bool, retryable: Bool?) async throws -> (String, HTTPResponse) {
        try await send(method, path, query: query, body: try body.map { (try WireJSON.encode($0), "application/json") }, headers: headers,
                       authenticated: authenticated, retryable: retryable)
    }

    private func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: (Data, String)?,
                      headers: HTTPHeaders, authenticated: Bool, retryable: Bool?) async throws -> (String, HTTPResponse) {
        let url = baseURL + path + PercentEncoding.queryString(query)
        var headers = headers
        headers["Accept"] = "application/json"
        if authenticated, let token { headers["Authorization"] = "Bearer \(token)" }
        if let body { headers["Content-Type"] = body.1 }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body?.0, retryable: retryable)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPError {
            throw ClientError.from(error, base: baseURL)
        } catch is CancellationError {
            throw ClientError.cancelled
        }
        guard (200..<300).contains(response.status) else {
            throw ClientError.from(status: response.status, body: response.body)
        }
        return (url, response)
    }

    private static func describe(_ type: Any.Type) -> String {
        String(describing: type)
    }

    /// A decoding error in a line: what was wrong and where (`items[3].askingPrice`).
    static func describe(_ error: Error) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "top level" : text)
        }
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing \(path(context.codingPath + [key]))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case let DecodingError.dataCorrupted(context):
            return context.codingPath.isEmpty ? "not JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }
}
