import Foundation
import XCTest
@testable import TechFlunkySandbox

final class StripeStandInTests: XCTestCase {
    func testCheckoutSessionIsCreatedFromFormAndRetrievable() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let session = try await sandbox.createSession()
            let id = try XCTUnwrap(session["id"]?.stringValue)
            XCTAssertTrue(id.hasPrefix("cs_test_"))
            XCTAssertEqual(session["object"], "checkout.session")
            XCTAssertEqual(session["amount_total"], 250000)
            XCTAssertEqual(session["currency"], "usd")
            XCTAssertEqual(session["status"], "open")
            XCTAssertEqual(session["payment_status"], "unpaid")
            XCTAssertEqual(session["client_reference_id"], "ord_123")
            XCTAssertEqual(session["metadata"]?["order_id"], "ord_123")
            XCTAssertEqual(session["payment_intent"], .null)
            XCTAssertEqual(session["url"]?.stringValue, "\(sandbox.server.baseURL)/checkout/\(id)")

            let fetched = try await sandbox.stripe(.get, "/v1/checkout/sessions/\(id)", [("expand[]", "line_items")])
            XCTAssertEqual(fetched.status, 200)
            XCTAssertEqual(fetched.json["id"]?.stringValue, id)
            XCTAssertEqual(fetched.json["line_items"]?["data"]?.arrayValue?.first?["description"], "Invoice SaaS <starter>")

            let missing = try await sandbox.stripe(.get, "/v1/checkout/sessions/cs_test_nope")
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.json["error"]?["code"], "resource_missing")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testMissingAndBadParametersGetStripesValidationErrors() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let noCurrency = LiveSandbox.sessionForm.filter { $0.0 != "line_items[0][price_data][currency]" }
            let r1 = try await sandbox.stripe(.post, "/v1/checkout/sessions", noCurrency)
            XCTAssertEqual(r1.status, 400)
            XCTAssertEqual(r1.json["error"]?["type"], "invalid_request_error")
            XCTAssertEqual(r1.json["error"]?["code"], "parameter_missing")
            XCTAssertEqual(r1.json["error"]?["param"], "line_items[0][price_data][currency]")

            let badAmount = LiveSandbox.sessionForm.map { $0.0 == "line_items[0][price_data][unit_amount]" ? ($0.0, "12.5") : $0 }
            let r2 = try await sandbox.stripe(.post, "/v1/checkout/sessions", badAmount)
            XCTAssertEqual(r2.json["error"]?["code"], "parameter_invalid_integer")

            let r3 = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm + [("application_fee_amount", "5")])
            XCTAssertEqual(r3.json["error"]?["code"], "parameter_unknown")

            let r4 = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm.filter { $0.0 != "mode" })
            XCTAssertEqual(r4.json["error"]?["param"], "mode")

            let r5 = try await sandbox.stripe(.post, "/v1/checkout/sessions",
                                              LiveSandbox.sessionForm + [("expires_at", String(Int(Date().timeIntervalSince1970) + 60))])
            XCTAssertEqual(r5.json["error"]?["param"], "expires_at")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testRequestsWithoutAValidKeyAreUnauthorised() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let none = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm, key: nil)
            XCTAssertEqual(none.status, 401)
            XCTAssertEqual(none.json["error"]?["type"], "invalid_request_error")
            let wrong = try await sandbox.stripe(.get, "/v1/accounts/acct_x", key: "pk_live_abcdef123456")
            XCTAssertEqual(wrong.status, 401)
            XCTAssertFalse(wrong.json["error"]?["message"]?.stringValue?.contains("abcdef") ?? true, "a key is never echoed whole")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testIdempotencyKeyReplaysTheFirstResponseAndRejectsOtherParameters() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let first = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm, idempotencyKey: "k1")
            let again = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm, idempotencyKey: "k1")
            XCTAssertEqual(first.json["id"], again.json["id"])
            XCTAssertEqual(again.headers.first { $0.name.canonicalName == "idempotent-replayed" }?.value, "true")
            let other = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm + [("metadata[x]", "y")],
                                                 idempotencyKey: "k1")
            XCTAssertEqual(other.status, 400)
            XCTAssertEqual(other.json["error"]?["type"], "idempotency_error")
            let fresh = try await sandbox.stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm, idempotencyKey: "k2")
            XCTAssertNotEqual(fresh.json["id"], first.json["id"])
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testPayingCompletesTheSessionAndDeliversASignedWebhook() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let sandbox = try await LiveSandbox.start(webhookURL: await receiver.url)
        do {
            let session = try await sandbox.createSession()
            let id = try XCTUnwrap(session["id"]?.stringValue)
            let paid = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay")
            XCTAssertEqual(paid.status, 200, "\(paid.json)")
            XCTAssertEqual(paid.json["payment_status"], "paid")
            XCTAssertEqual(paid.json["status"], "complete")
            let piId = try XCTUnwrap(paid.json["payment_intent"]?.stringValue)
            XCTAssertTrue(piId.hasPrefix("pi_"))

            let pi = try await sandbox.stripe(.get, "/v1/payment_intents/\(piId)", [("expand[]", "latest_charge")])
            XCTAssertEqual(pi.json["status"], "succeeded")
            XCTAssertEqual(pi.json["transfer_group"], "ord_123")
            XCTAssertTrue(pi.json["latest_charge"]?["id"]?.stringValue?.hasPrefix("ch_") ?? false)
            XCTAssertEqual(pi.json["latest_charge"]?["amount"], 250000)

            let deliveries = await receiver.waitFor(1)
            let delivery = try XCTUnwrap(deliveries.first)
            let event = try JSONValue.decode(delivery.body)
            XCTAssertEqual(event["type"], "checkout.session.completed")
            XCTAssertEqual(event["object"], "event")
            XCTAssertTrue(event["id"]?.stringValue?.hasPrefix("evt_") ?? false)
            XCTAssertEqual(event["data"]?["object"]?["id"]?.stringValue, id)
            XCTAssertEqual(event["data"]?["object"]?["payment_status"], "paid")
            let header = try XCTUnwrap(delivery.signature)
            let parts = Dictionary(header.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
                .map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
            let t = try XCTUnwrap(parts["t"].flatMap { Int64($0) })
            XCTAssertEqual(parts["v1"], StripeSignature.v1(secret: "whsec_test_secret", timestamp: t, payload: delivery.body))

            let twice = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay")
            XCTAssertEqual(twice.status, 400, "a completed session cannot be paid again")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
        await receiver.stop()
    }

    func testFailedWebhookDeliveryIsRetriedUntilTheEndpointAccepts() async throws {
        let receiver = WebhookReceiver(failFirst: 2)
        try await receiver.start()
        let sandbox = try await LiveSandbox.start(webhookURL: await receiver.url)
        do {
            let id = try await sandbox.createSessionId()
            _ = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay")
            let deliveries = await receiver.waitFor(3, seconds: 15)
            XCTAssertEqual(deliveries.count, 3)
            let ids = Set(deliveries.compactMap { try? JSONValue.decode($0.body)["id"]?.stringValue })
            XCTAssertEqual(ids.count, 1, "the same event is retried")
            // The stand-in records the delivery after the receiver has answered: wait for it, briefly.
            var log = try await sandbox.request(.get, "/sandbox/stripe/events")
            for _ in 0..<50 where log.json["data"]?.arrayValue?.first?["delivered"] != true {
                try await Task.sleep(for: .milliseconds(100))
                log = try await sandbox.request(.get, "/sandbox/stripe/events")
            }
            XCTAssertEqual(log.json["data"]?.arrayValue?.first?["delivered"], true)
            XCTAssertEqual(log.json["data"]?.arrayValue?.first?["attempts"], 3)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
        await receiver.stop()
    }

    func testDeclinedCardLeavesTheSessionOpen() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let id = try await sandbox.createSessionId()
            let declined = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay", ["outcome": "declined"])
            XCTAssertEqual(declined.status, 402)
            XCTAssertEqual(declined.json["error"]?["code"], "card_declined")
            let s = try await sandbox.stripe(.get, "/v1/checkout/sessions/\(id)")
            XCTAssertEqual(s.json["status"], "open")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testSessionsExpireWhenTheirTimeComesAndCanBeExpiredOnRequest() async throws {
        let clock = MovableClock()
        let sandbox = try await LiveSandbox.start(clock: clock)
        do {
            let a = try await sandbox.createSessionId()
            let b = try await sandbox.createSessionId()
            let expired = try await sandbox.stripe(.post, "/v1/checkout/sessions/\(a)/expire")
            XCTAssertEqual(expired.json["status"], "expired")
            let again = try await sandbox.stripe(.post, "/v1/checkout/sessions/\(a)/expire")
            XCTAssertEqual(again.status, 400)
            clock.advance(by: 86_401)
            let late = try await sandbox.stripe(.get, "/v1/checkout/sessions/\(b)")
            XCTAssertEqual(late.json["status"], "expired")
            let pay = try await sandbox.sandbox("/sandbox/checkout/\(b)/pay")
            XCTAssertEqual(pay.status, 400)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testOnboardingThenTransferFromTheChargeAndRefundAndDisputeTriggers() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let sandbox = try await LiveSandbox.start(webhookURL: await receiver.url)
        do {
            let created = try await sandbox.stripe(.post, "/v1/accounts", [("type", "express"), ("capabilities[transfers][requested]", "true")])
            let account = try XCTUnwrap(created.json["id"]?.stringValue)
            XCTAssertTrue(account.hasPrefix("acct_"))
            XCTAssertEqual(created.json["details_submitted"], false)
            XCTAssertEqual(created.json["capabilities"]?["transfers"], "inactive")

            let link = try await sandbox.stripe(.post, "/v1/account_links", [
                ("account", account), ("type", "account_onboarding"),
                ("refresh_url", "http://127.0.0.1:9/refresh"), ("return_url", "http://127.0.0.1:9/return"),
            ])
            XCTAssertEqual(link.json["object"], "account_link")
            let url = try XCTUnwrap(link.json["url"]?.stringValue)
            let path = String(url.dropFirst(sandbox.server.baseURL.count))
            let page = try await sandbox.request(.get, path)
            XCTAssertEqual(page.status, 200)
            XCTAssertTrue(page.text.contains("Complete onboarding"))
            let submitted = try await sandbox.request(.post, path)
            XCTAssertEqual(submitted.status, 303)
            XCTAssertEqual(submitted.headers.first { $0.name.canonicalName == "location" }?.value, "http://127.0.0.1:9/return")

            let onboarded = try await sandbox.stripe(.get, "/v1/accounts/\(account)")
            XCTAssertEqual(onboarded.json["details_submitted"], true)
            XCTAssertEqual(onboarded.json["charges_enabled"], true)
            XCTAssertEqual(onboarded.json["payouts_enabled"], true)

            let id = try await sandbox.createSessionId()
            let paid = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay")
            let pi = try await sandbox.stripe(.get, "/v1/payment_intents/\(paid.json["payment_intent"]?.stringValue ?? "")")
            let charge = try XCTUnwrap(pi.json["latest_charge"]?.stringValue)

            let transfer = try await sandbox.stripe(.post, "/v1/transfers", [
                ("amount", "212500"), ("currency", "usd"), ("destination", account), ("transfer_group", "ord_123"),
                ("source_transaction", charge),
            ], idempotencyKey: "release-ord_123")
            XCTAssertEqual(transfer.status, 200, "\(transfer.json)")
            XCTAssertTrue(transfer.json["id"]?.stringValue?.hasPrefix("tr_") ?? false)
            XCTAssertEqual(transfer.json["amount"], 212500)
            XCTAssertEqual(transfer.json["destination"]?.stringValue, account)
            XCTAssertEqual(transfer.json["source_transaction"]?.stringValue, charge)

            let tooMuch = try await sandbox.stripe(.post, "/v1/transfers", [
                ("amount", "50000"), ("currency", "usd"), ("destination", account), ("source_transaction", charge),
            ])
            XCTAssertEqual(tooMuch.status, 400, "only what is left of the charge can be transferred")

            let refund = try await sandbox.sandbox("/sandbox/trigger/refund", ["charge": .string(charge), "amount": 1000])
            XCTAssertEqual(refund.status, 200, "\(refund.json)")
            XCTAssertTrue(refund.json["id"]?.stringValue?.hasPrefix("re_") ?? false)
            let dispute = try await sandbox.sandbox("/sandbox/trigger/dispute", ["charge": .string(charge)])
            XCTAssertEqual(dispute.json["object"], "dispute")
            let refundAfterDispute = try await sandbox.stripe(.post, "/v1/refunds", [("charge", charge)])
            XCTAssertEqual(refundAfterDispute.json["error"]?["code"], "charge_disputed")

            let deliveries = await receiver.waitFor(5)
            let events = deliveries.compactMap { try? JSONValue.decode($0.body) }
            let types = Set(events.compactMap { $0["type"]?.stringValue })
            let updated = try XCTUnwrap(events.first { $0["type"]?.stringValue == "account.updated" })
            XCTAssertEqual(updated["account"]?.stringValue, account, "a Connect event names its account")
            XCTAssertEqual(updated["data"]?["previous_attributes"]?["details_submitted"], false)
            XCTAssertEqual(updated["data"]?["object"]?["details_submitted"], true)
            XCTAssertTrue(types.isSuperset(of: ["account.updated", "checkout.session.completed", "charge.refunded",
                                                "charge.dispute.created"]), "\(types)")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
        await receiver.stop()
    }

    func testRefundByPaymentIntentAndItsErrors() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let id = try await sandbox.createSessionId()
            let paid = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay")
            let pi = try XCTUnwrap(paid.json["payment_intent"]?.stringValue)
            let none = try await sandbox.stripe(.post, "/v1/refunds", [])
            XCTAssertEqual(none.json["error"]?["code"], "parameter_missing")
            let big = try await sandbox.stripe(.post, "/v1/refunds", [("payment_intent", pi), ("amount", "999999999")])
            XCTAssertEqual(big.json["error"]?["code"], "amount_too_large")
            let full = try await sandbox.stripe(.post, "/v1/refunds", [("payment_intent", pi)])
            XCTAssertEqual(full.json["amount"], 250000)
            XCTAssertEqual(full.json["status"], "succeeded")
            let again = try await sandbox.stripe(.post, "/v1/refunds", [("payment_intent", pi)])
            XCTAssertEqual(again.json["error"]?["code"], "charge_already_refunded")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testHostedCheckoutPageEscapesTextAndPaysWithTheTestCard() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let id = try await sandbox.createSessionId()
            let page = try await sandbox.request(.get, "/checkout/\(id)")
            XCTAssertEqual(page.status, 200)
            XCTAssertTrue(page.text.contains("Invoice SaaS &lt;starter&gt;"))
            XCTAssertFalse(page.text.contains("<starter>"))
            XCTAssertTrue(page.text.contains("Pay with test card 4242 4242 4242 4242"))
            XCTAssertTrue(page.text.contains("$2,500.00"))
            let paid = try await sandbox.request(.post, "/checkout/\(id)/pay", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                 body: "card=4242424242424242")
            XCTAssertEqual(paid.status, 303)
            XCTAssertEqual(paid.headers.first { $0.name.canonicalName == "location" }?.value,
                           "http://127.0.0.1:9/success?session=\(id)")
            let s = try await sandbox.stripe(.get, "/v1/checkout/sessions/\(id)")
            XCTAssertEqual(s.json["payment_status"], "paid")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testStateSurvivesARestart() async throws {
        let dir = temporaryDirectory()
        let first = try await LiveSandbox.start(dataDir: dir)
        let id = try await first.createSessionId()
        await first.stop()
        let second = try await LiveSandbox.start(dataDir: dir)
        do {
            let s = try await second.stripe(.get, "/v1/checkout/sessions/\(id)")
            XCTAssertEqual(s.status, 200)
            XCTAssertEqual(s.json["amount_total"], 250000)
        } catch { XCTFail("\(error)") }
        await second.stop()
    }

    func testInjectedFaultFailsTheMatchingStripeCallOnce() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let added = try await sandbox.sandbox("/sandbox/faults", ["match": "POST /v1/transfers", "status": 500, "times": 1])
            XCTAssertEqual(added.status, 201)
            let failed = try await sandbox.stripe(.post, "/v1/transfers", [("amount", "1")])
            XCTAssertEqual(failed.status, 500)
            XCTAssertEqual(failed.json["error"]?["type"], "api_error")
            let next = try await sandbox.stripe(.post, "/v1/transfers", [("amount", "1")])
            XCTAssertEqual(next.status, 400, "the fault was used up; the call reaches validation")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }
}
