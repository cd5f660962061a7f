import Foundation
import Hummingbird
import TechFlunkyCore

/// `POST /api/checkout/webhook`: verifies `Stripe-Signature` over the raw body, reduces the event to a
/// `PaymentFact`, and records it with its event id in one transaction (a repeat is a no-op). Answers 400 to a
/// bad signature, 5xx when a needed Stripe lookup fails (so Stripe delivers again), 200 otherwise.
enum StripeWebhookRoutes {
    static let maxPayloadBytes = 1_048_576

    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.post("checkout/webhook") { request, _ -> WebhookReceipt in
            let buffer = try await request.body.collect(upTo: maxPayloadBytes)
            let payload = Data(buffer.readableBytesView)
            try verify(request.headers[values: HTTPFields.Element.Name("Stripe-Signature")!].first, payload: payload, services: services)
            guard let event = try? StripeJSON.parse(payload), let id = event["id"].string, let type = event["type"].string else {
                services.metrics.webhookRejected(reason: "not_an_event")
                throw PlatformError.badRequest("the event is not a Stripe event object")
            }
            services.metrics.webhookReceived(type: type)
            let fact = try await fact(for: type, object: event["data"]["object"], services: services)
            let outcome = try await services.orders.apply(eventId: id, eventType: type, fact: fact,
                                                          holdInterval: services.configuration.feePolicy.holdInterval, now: services.clock.now())
            services.logger.info("stripe event", metadata: ["event": "\(id)", "type": "\(type)", "outcome": "\(outcome)"])
            if outcome == .duplicate { services.metrics.webhookDeduplicated() }
            if case .paid = fact, case let .applied(_, before, after) = outcome, before == OrderState.pendingPayment.rawValue || before == OrderState.expired.rawValue,
               after == OrderState.inReview.rawValue || after == OrderState.paid.rawValue {
                services.metrics.checkoutPaid()
            }
            if case let .applied(orderId?, before, "refunded") = outcome, before == OrderState.released.rawValue,
               let order = try await services.orders.order(id: orderId), let transfer = order.transferId {
                await services.holds.reverse(transferId: transfer, orderId: orderId)
            }
            return WebhookReceipt(received: true, duplicate: outcome == .duplicate)
        }
    }

    /// Verifies `Stripe-Signature` against the configured signing secret, or any of several separated by
    /// commas: a platform's payment events and its connected accounts' events (`connect=true`) come from two
    /// endpoints with a secret each.
    static func verify(_ header: String?, payload: Data, services: PlatformServices) throws {
        let secrets = services.configuration.stripeWebhookSecret.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !secrets.isEmpty else {
            services.metrics.webhookRejected(reason: "not_configured")
            throw PlatformError(.serviceUnavailable, code: APIErrorCode.paymentProvider, message: "webhooks are not configured (STRIPE_WEBHOOK_SECRET)")
        }
        var firstFailure: StripeSignature.Failure?
        for secret in secrets {
            do {
                try StripeSignature.verify(header: header, payload: payload, secret: secret, now: Date())
                return
            } catch let failure as StripeSignature.Failure {
                // The sandbox signs with its own clock, which moves with the platform's; accept either there.
                if services.configuration.sandboxMode, case .timestampOutsideTolerance = failure,
                   (try? StripeSignature.verify(header: header, payload: payload, secret: secret, now: services.clock.now())) != nil {
                    return
                }
                if firstFailure == nil { firstFailure = failure }
            }
        }
        let failure = firstFailure!
        services.logger.warning("webhook signature refused", metadata: ["reason": "\(failure)"])
        services.metrics.webhookRejected(reason: failure.metricsReason)
        throw PlatformError(.badRequest, code: APIErrorCode.badRequest, message: failure.description, field: "Stripe-Signature")
    }

    /// What the event means for the platform. Looks things up at Stripe where the event alone is not enough.
    static func fact(for type: String, object: StripeJSON, services: PlatformServices) async throws -> PaymentFact {
        let orderId = object["client_reference_id"].string ?? object["metadata"]["order_id"].string
        switch type {
        case "checkout.session.completed", "checkout.session.async_payment_succeeded":
            guard let session = object["id"].string else { return .ignored }
            let status = object["payment_status"].string
            guard status == "paid" || type == "checkout.session.async_payment_succeeded" else {
                return .awaitingPayment(orderId: orderId, sessionId: session, paymentIntentId: object["payment_intent"].id)
            }
            // The transfer's source_transaction is the charge: the PaymentIntent's latest_charge.
            var intent = object["payment_intent"]
            if intent["latest_charge"].isNull {
                do { intent = try await services.stripe.retrieveCheckoutSession(id: session)["payment_intent"] } catch {
                    throw PlatformError(.serviceUnavailable, code: APIErrorCode.paymentProvider, message: "could not read the session's charge: \(error)")
                }
            }
            return .paid(orderId: orderId, sessionId: session, paymentIntentId: intent.id, chargeId: intent["latest_charge"].id)
        case "checkout.session.async_payment_failed":
            guard let session = object["id"].string else { return .ignored }
            return .paymentFailed(orderId: orderId, sessionId: session)
        case "checkout.session.expired":
            guard let session = object["id"].string else { return .ignored }
            return .sessionExpired(orderId: orderId, sessionId: session)
        case "charge.refunded":
            guard let charge = object["id"].string else { return .ignored }
            // Only a full refund ends the sale; a partial one is recorded and left to a person.
            guard object["refunded"].bool == true else { return .ignored }
            return .refunded(orderId: object["transfer_group"].string, chargeId: charge, paymentIntentId: object["payment_intent"].id)
        case "charge.dispute.created":
            guard let charge = object["charge"].id else { return .ignored }
            // The dispute may come before the payment's own event: the charge's transfer group names the order.
            var group = object["charge"]["transfer_group"].string
            if group == nil {
                do { group = try await services.stripe.retrieveCharge(id: charge)["transfer_group"].string } catch {
                    throw PlatformError(.serviceUnavailable, code: APIErrorCode.paymentProvider, message: "could not read the disputed charge: \(error)")
                }
            }
            return .disputed(orderId: group, chargeId: charge, paymentIntentId: object["payment_intent"].id)
        case "charge.dispute.closed":
            guard let charge = object["charge"].id else { return .ignored }
            var group = object["charge"]["transfer_group"].string
            if group == nil { group = try? await services.stripe.retrieveCharge(id: charge)["transfer_group"].string }
            // `won` returns the money to the platform; `lost` (and `warning_closed` is not a loss) ends as a refund.
            switch object["status"].string {
            case "won", "warning_closed": return .disputeClosed(orderId: group, chargeId: charge, paymentIntentId: object["payment_intent"].id, won: true)
            case "lost": return .disputeClosed(orderId: group, chargeId: charge, paymentIntentId: object["payment_intent"].id, won: false)
            default: return .ignored
            }
        case "account.updated":
            guard let account = object["id"].string else { return .ignored }
            return .connectAccountUpdated(stripeAccountId: account, detailsSubmitted: object["details_submitted"].bool ?? false,
                                          chargesEnabled: object["charges_enabled"].bool ?? false, payoutsEnabled: object["payouts_enabled"].bool ?? false)
        default:
            return .ignored
        }
    }
}

extension StripeSignature.Failure {
    /// The bounded label `techflunky_webhooks_rejected_total` counts this failure under.
    var metricsReason: String {
        switch self {
        case .missingHeader: "missing_signature"
        case .malformedHeader, .noV1Signature: "malformed_signature"
        case .timestampOutsideTolerance: "stale_timestamp"
        case .mismatch: "signature_mismatch"
        }
    }
}
