import Hummingbird
import Synchronization

/// Which methods each registered path answers, so a request for a known path with another method is a 405 with
/// `Allow` (RFC 9110 §15.5.6) rather than the router's "no such endpoint" (404). Filled while the routes are
/// registered (through `RecordedRoutes`), read by `APIErrorMiddleware`.
public final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [String], method: HTTPRequest.Method)]>([])

    public init() {}

    func add(_ path: String, _ method: HTTPRequest.Method) {
        let segments = Self.segments(path)
        routes.withLock { $0.append((segments, method)) }
    }

    /// The methods registered for a concrete request path (a `{name}` capture or `*` in a route matches any one
    /// segment).
    public func methods(for path: String) -> [HTTPRequest.Method] {
        let requested = Self.segments(path)
        var found: [HTTPRequest.Method] = []
        routes.withLock { routes in
            for route in routes where route.segments.count == requested.count
                && zip(route.segments, requested).allSatisfy({ Self.matches($0, $1) }) && !found.contains(route.method) {
                found.append(route.method)
            }
        }
        return found
    }

    static func segments(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }

    private static func matches(_ route: String, _ segment: String) -> Bool {
        route == segment || route == "*" || (route.hasPrefix("{") && route.hasSuffix("}")) || route.hasPrefix(":")
    }
}

/// A router or group that records every route it registers in a `RouteTable`.
struct RecordedRoutes<Base: RouterMethods>: RouterMethods {
    typealias Context = Base.Context
    let base: Base
    let prefix: String
    let table: RouteTable

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        table.add(prefix + "/" + path.description, method)
        base.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        base.add(middleware: middleware)
        return self
    }
}
