import Foundation
import Hummingbird
import TechFlunkyCore
import TechFlunkyHTTP

/// `/api/sandbox/*`, only on a platform running against the stand-ins: read and move the clock (holds are
/// re-checked at once), and pay an order's checkout with the test card as the hosted page's button does.
enum SandboxRoutes {
    static let maximumAdvance: TimeInterval = 366 * 86_400

    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        guard services.configuration.sandboxMode else { return }

        api.get("sandbox/clock") { _, context -> SandboxClockResponse in
            _ = try context.requireAccount()
            return clockResponse(services)
        }

        api.post("sandbox/advance") { request, context -> SandboxClockResponse in
            _ = try context.requireAccount()
            let body = try await request.decodeJSON(SandboxAdvanceRequest.self, context: context)
            guard let clock = services.clock as? MovableClock else {
                throw PlatformError.conflict("this platform's clock cannot be moved")
            }
            guard body.seconds.isFinite, body.seconds >= 0, body.seconds <= maximumAdvance else {
                throw PlatformError.validation("seconds must be between 0 and \(Int(maximumAdvance)) (the clock only moves forward)", field: "seconds")
            }
            clock.advance(by: body.seconds)
            await services.holds.releaseDue()
            await PlatformServer.releaseLapsedReservations(services)
            return clockResponse(services)
        }

        api.post("sandbox/pay") { request, context -> Order in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(SandboxPayRequest.self, context: context)
            guard let order = try await services.orders.order(id: body.orderId), order.buyerId == account.id else {
                throw PlatformError.notFound("no order `\(body.orderId)` of yours")
            }
            guard let session = order.checkoutSessionId, order.state == .pendingPayment else {
                throw PlatformError.conflict("order `\(order.id)` is \(order.state.rawValue), not waiting for payment")
            }
            guard let transport = services.configuration.httpTransport else { throw PlatformError.paymentProvider("no HTTP client is configured") }
            var base = services.configuration.stripeAPIBase
            while base.hasSuffix("/") { base.removeLast() }
            let response: TechFlunkyHTTP.HTTPResponse
            do {
                response = try await transport.send(TechFlunkyHTTP.HTTPRequest(
                    method: .POST, url: "\(base)/sandbox/checkout/\(PercentEncoding.segment(session))/pay",
                    headers: ["Content-Type": "application/json", "Authorization": "Bearer \(services.configuration.stripeSecretKey)"],
                    body: Data(#"{"outcome":"succeeded"}"#.utf8)))
            } catch {
                throw PlatformError.paymentProvider("could not reach the Stripe stand-in: \(error)")
            }
            guard (200..<300).contains(response.status) else {
                let message = (try? StripeJSON.parse(response.body))?["error"]["message"].string ?? "HTTP \(response.status)"
                throw PlatformError.paymentProvider("the Stripe stand-in refused the payment: \(message)")
            }
            // The stand-in delivers the signed webhook on its own; wait a little for it so the answer shows the
            // order paid, as the contract promises (a slow delivery still lands later).
            for _ in 0..<50 {
                if let current = try await services.orders.order(id: order.id), current.state != .pendingPayment { return current.order }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try await services.orders.order(id: order.id)?.order ?? order.order
        }
    }

    static func clockResponse(_ services: PlatformServices) -> SandboxClockResponse {
        SandboxClockResponse(now: services.clock.now(), offsetSeconds: (services.clock as? MovableClock)?.offsetSeconds ?? 0)
    }
}
