import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers `GET /api/listings` from the page cache in the connection's pipeline, before the request reaches
/// the router, when the exact bytes the route would send are already known.
///
/// The route's own work for a cached page is a dictionary lookup; what costs is the trip through the
/// framework (an async task per request, two middlewares, the router), which held the busiest public
/// endpoint to 0.4× what nginx serves from a file. Here a hit costs a URI parse and three writes on the event
/// loop. Anything else — a miss, another route, a request with a body or `Connection: close`, a request
/// behind one still being answered (responses must keep their order) — goes on to the router unchanged,
/// and the route fills the cache for next time. The bytes and headers are the route's: one cache, one encoder.
final class ListingPageFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let pages: ListingPageCache
    private let generation: CatalogGeneration
    /// Requests passed on to the router whose responses have not ended yet.
    private var unanswered = 0
    /// A candidate's head, held until its end shows it has no body.
    private var held: HTTPRequest?
    private var date = HTTPDate()
    private let metrics: PlatformMetrics?
    /// The router's template for the route this answers for, so hits and misses count as one series.
    static let routeTemplate = "/api/listings"

    init(pages: ListingPageCache, generation: CatalogGeneration, metrics: PlatformMetrics? = nil) {
        self.pages = pages
        self.generation = generation
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if unanswered == 0, held == nil, Self.isCandidate(request) {
                held = request
                return
            }
            pass(.head(request), context)
        case .body:
            if let head = held {
                held = nil
                pass(.head(head), context)
            }
            pass(part, context)
        case .end:
            if let head = held {
                held = nil
                if let body = cachedBody(for: head) {
                    // Counted as the route would count it; the time is the lookup's, which is what a hit costs.
                    let started = ContinuousClock.now
                    defer { metrics?.cachedListingPage(duration: ContinuousClock.now - started) }
                    respond(with: body, requestID: PlatformRequestID.resolve(head.headerFields[.requestID]), context)
                    return
                }
                pass(.head(head), context)
            }
            pass(part, context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    private func pass(_ part: HTTPRequestPart, _ context: ChannelHandlerContext) {
        if case .head = part { unanswered += 1 }
        context.fireChannelRead(wrapInboundOut(part))
    }

    static func isCandidate(_ request: HTTPRequest) -> Bool {
        guard request.method == .get, let path = request.path, path.hasPrefix("/api/listings") else { return false }
        let rest = path.utf8.dropFirst("/api/listings".utf8.count)
        guard rest.isEmpty || rest.first == UInt8(ascii: "?") else { return false }
        return !(request.headerFields[.connection]?.lowercased().contains("close") ?? false)
    }

    private func cachedBody(for request: HTTPRequest) -> ByteBuffer? {
        let uri = URI(request.path ?? "")
        guard uri.path == "/api/listings", let query = try? CatalogRoutes.parseQuery(uri.queryParameters) else { return nil }
        return pages.cached(for: query, generation: generation.current)
    }

    private func respond(with body: ByteBuffer, requestID: String, _ context: ChannelHandlerContext) {
        var fields = HTTPFields()
        fields[.contentType] = WireResponseEncoder.contentType
        // As `RequestIDMiddleware` answers on the router's path; a cache hit logs nothing, so the id is only echoed.
        fields[.requestID] = requestID
        fields[.contentLength] = String(body.readableBytes)
        fields[.date] = date.now()
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// The `Date` header's IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted once a second.
struct HTTPDate {
    private var second = -1
    private var text = ""

    mutating func now() -> String {
        var seconds = time(nil)
        if Int(seconds) != second {
            var parts = tm()
            gmtime_r(&seconds, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
            text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
            second = Int(seconds)
        }
        return text
    }
}
