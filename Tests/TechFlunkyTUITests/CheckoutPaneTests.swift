import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class CheckoutPaneTests: XCTestCase {
    typealias F = CheckoutFixtures

    private func createRequests(_ effects: [Effect]) -> [(slug: String, key: String)] {
        effects.compactMap {
            if case let .request(_, .createCheckoutSession(slug, key)) = $0 { (slug, key) } else { nil }
        }
    }

    func testDoublePressThroughTheAppSendsOneCreateSessionWithOneKey() {
        var state = AppState(width: 100, height: 30, environment: UIEnvironment(platformLabel: "test"), now: F.t0)
        state.activeStack.push(CheckoutPane(listing: F.listing, idempotencyKey: "key-attempt-1"))
        var effects: [Effect] = []
        effects += AppUpdate.update(&state, .key(.enter))
        effects += AppUpdate.update(&state, .key(.enter))
        effects += AppUpdate.update(&state, .key(.char("b")))
        let creates = createRequests(effects)
        XCTAssertEqual(creates.count, 1)
        XCTAssertEqual(creates.first?.slug, "invoice-bot")
        XCTAssertEqual(creates.first?.key, "key-attempt-1")
        XCTAssertEqual(state.status?.text, "the checkout session is being created")
    }

    func testARetryAfterAFailedCreateSendsTheSameKey() {
        var pane = CheckoutPane(listing: F.listing, idempotencyKey: "key-A")
        var ctx = F.context()
        let first = F.requests(F.press(.enter, &pane, &ctx))
        XCTAssertEqual(first.count, 1)
        _ = pane.receive(.response(first[0].0, .failure(ServiceFailure(message: "timed out", isConnectionFailure: true))), &ctx)
        XCTAssertEqual(pane.phase, .createFailed("timed out"))
        let second = F.requests(F.press(.char("b"), &pane, &ctx))
        XCTAssertEqual(second.map(\.1), [.createCheckoutSession(listingSlug: "invoice-bot", idempotencyKey: "key-A")])
        XCTAssertNotEqual(first[0].0, second[0].0, "a new request id, the same idempotency key")
    }

    func testEachNewPurchaseAttemptGetsItsOwnKey() {
        let a = CheckoutPane(listing: F.listing), b = CheckoutPane(listing: F.listing)
        XCTAssertNotEqual(a.idempotencyKey, b.idempotencyKey)
        XCTAssertFalse(a.idempotencyKey.isEmpty)
    }

    func testWaitsPollsUntilPaidThenOffersToDeploy() {
        var pane = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        var ctx = F.context()
        let create = F.requests(F.press(.enter, &pane, &ctx))[0].0
        let afterCreate = pane.receive(.response(create, .success(.checkoutSession(F.session))), &ctx)
        XCTAssertEqual(pane.phase, .waiting)
        let timer = F.timers(afterCreate)
        XCTAssertEqual(timer.count, 1)
        let poll = F.requests(pane.receive(.timerFired(timer[0]), &ctx))
        XCTAssertEqual(poll.map(\.1), [.order(id: "ord_1")])
        // Still unpaid: poll again later.
        let again = pane.receive(.response(poll[0].0, .success(.order(F.order(.pendingPayment)))), &ctx)
        XCTAssertEqual(pane.phase, .waiting)
        let poll2 = F.requests(pane.receive(.timerFired(F.timers(again)[0]), &ctx))
        let afterPaid = pane.receive(.response(poll2[0].0, .success(.order(F.order(.paid)))), &ctx)
        XCTAssertEqual(pane.phase, .paid)
        XCTAssertTrue(F.timers(afterPaid).isEmpty, "no polling once paid")
        let deploy = F.press(.enter, &pane, &ctx)
        guard case let .push(form)? = deploy.first else { return XCTFail("Enter should open the deploy form") }
        XCTAssertEqual(form.kind, .deploy)
        XCTAssertEqual((form as? DeployFormPane)?.orderId, "ord_1")
    }

    func testSandboxKeyPaysWithTheTestCardOnlyInTheSandbox() {
        var pane = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        var ctx = F.context()
        let start = F.requests(pane.start(&ctx))
        XCTAssertEqual(start.map(\.1), [.me])
        let create = F.requests(F.press(.enter, &pane, &ctx))[0].0
        _ = pane.receive(.response(create, .success(.checkoutSession(F.session))), &ctx)
        XCTAssertTrue(F.requests(F.press(.char("p"), &pane, &ctx)).isEmpty, "not a sandbox (yet)")
        _ = pane.receive(.response(start[0].0, .success(.me(F.me(sandbox: true)))), &ctx)
        let pay = F.requests(F.press(.char("p"), &pane, &ctx))
        XCTAssertEqual(pay.map(\.1), [.sandboxPay(orderId: "ord_1")])
        XCTAssertTrue(F.requests(F.press(.char("p"), &pane, &ctx)).isEmpty, "one payment at a time")
        let check = F.requests(pane.receive(.response(pay[0].0, .success(.sandboxPaid)), &ctx))
        XCTAssertEqual(check.map(\.1), [.order(id: "ord_1")], "looks at the order at once after paying")
    }

    func testAnExpiredCheckoutStartsOverWithANewKey() {
        var pane = CheckoutPane(resuming: F.order(.pendingPayment))
        var ctx = F.context()
        let poll = F.requests(pane.start(&ctx)).first { $0.1 == .order(id: "ord_1") }!
        _ = pane.receive(.response(poll.0, .success(.order(F.order(.expired)))), &ctx)
        XCTAssertEqual(pane.phase, .closed(.expired))
        _ = F.press(.char("n"), &pane, &ctx)
        XCTAssertEqual(pane.phase, .review)
        let create = F.requests(F.press(.enter, &pane, &ctx))
        guard case let .createCheckoutSession(_, key)? = create.first?.1 else { return XCTFail("expected a create") }
        XCTAssertFalse(key.isEmpty)
    }

    // MARK: Rendering

    func testRendersTheReviewBreakdown() {
        let pane = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        assertRendered(F.render(pane, width: 80, height: 14), """
              InvoiceBot — invoices from email

              Price               $12,500.00
              Platform fee 15 %   $1,875.00
              Seller receives     $10,625.00
              Review period       3 days
              The seller is paid 3 days after your payment if nothing is wrong; a
              refund or a failed deployment holds the money.

              Press Enter to continue to payment. This opens a Stripe Checkout
              session; nothing is charged until you pay on its page.



            """)
    }

    func testRendersTheWaitWithTheURLAndItsQRCodeDarkOnLight() throws {
        var pane = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        var ctx = F.context()
        let me = F.requests(pane.start(&ctx))[0].0
        _ = pane.receive(.response(me, .success(.me(F.me(sandbox: true)))), &ctx)
        let create = F.requests(F.press(.enter, &pane, &ctx))[0].0
        _ = pane.receive(.response(create, .success(.checkoutSession(F.session))), &ctx)

        var canvas = Canvas(width: 100, height: 30)
        pane.render(into: &canvas, area: canvas.bounds, RenderContext(now: F.t0.addingTimeInterval(60), frame: 0,
                                                                       environment: UIEnvironment(platformLabel: "test")))
        let text = canvas.text
        XCTAssertTrue(text.contains("http://127.0.0.1:4242/checkout/cs_test_1"))
        XCTAssertTrue(text.contains("⠋ Waiting for your payment…"))
        XCTAssertTrue(text.contains("The session expires in 29m."))
        XCTAssertTrue(text.contains("Sandbox: press p to pay with the test card"), text)
        // The QR code at the right edge: the encoder's own drawing of the URL, every cell in the QR style.
        XCTAssertEqual(pane.checkoutQR?.text, F.session.checkoutURL, "encoded once, when the session arrived, and kept in the model")
        let code = try XCTUnwrap(FittingQRCode(F.session.checkoutURL).fitting(width: 100 - 40, height: 30)?.code)
        let qrLines = QRHalfBlockRenderer.lines(code)
        let x0 = 100 - qrLines[0].count - 1
        for (row, line) in qrLines.enumerated() {
            var drawn = ""
            for x in x0..<(x0 + line.count) {
                drawn += canvas[x, row].grapheme
                XCTAssertEqual(canvas[x, row].style.role, .qrCode, "cell (\(x), \(row))")
            }
            XCTAssertEqual(drawn, line, "QR row \(row)")
        }
    }

    func testANarrowTerminalSaysHowMuchRoomTheQRCodeNeeds() {
        var pane = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        var ctx = F.context()
        let create = F.requests(F.press(.enter, &pane, &ctx))[0].0
        _ = pane.receive(.response(create, .success(.checkoutSession(F.session))), &ctx)
        let text = F.render(pane, width: 50, height: 20)
        XCTAssertTrue(text.contains("A QR code of this link needs 37×19 cells;"), text)
        XCTAssertFalse(text.contains("█"))
    }

    func testRendersPaidAndClosedStates() {
        var ctx = F.context()
        var paid = CheckoutPane(resuming: F.order(.paid))
        _ = paid.start(&ctx)
        let paidText = F.render(paid, width: 80, height: 16)
        XCTAssertTrue(paidText.contains("✔ Payment received on 2027-01-15 08:01 UTC."), paidText)
        XCTAssertTrue(paidText.contains("Press Enter to deploy the business"))
        let expired = F.render(CheckoutPane(resuming: F.order(.expired)), width: 80, height: 16)
        XCTAssertTrue(expired.contains("✖ This checkout expired before it was paid."), expired)
        XCTAssertTrue(expired.contains("Press n to start a new checkout."))
        let creating: CheckoutPane = {
            var p = CheckoutPane(listing: F.listing, idempotencyKey: "k")
            var c = F.context()
            _ = F.press(.enter, &p, &c)
            return p
        }()
        XCTAssertTrue(F.render(creating, width: 80, height: 16, frame: 1).contains("⠙ Creating the checkout session…"))
    }

    func testARefusedPurchaseIsNotOfferedAgain() {
        var pane = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        var ctx = F.context()
        let create = F.requests(F.press(.enter, &pane, &ctx))[0].0
        _ = pane.receive(.response(create, .failure(ServiceFailure(message: "you already own this business", code: "already_owned"))), &ctx)
        XCTAssertEqual(pane.phase, .refused("you already own this business"))
        XCTAssertTrue(F.requests(F.press(.enter, &pane, &ctx)).isEmpty)
        let text = F.render(pane, width: 80, height: 16)
        XCTAssertTrue(text.contains("This purchase is not possible: you already own this business"), text)
        XCTAssertFalse(text.contains("try again"))
    }
}
