import Foundation
import XCTest
@testable import TechFlunkySandbox

final class SandboxServerTests: XCTestCase {
    func testTheSandboxRefusesToListenBeyondLoopback() async {
        do {
            let server = try await SandboxServer.start(SandboxConfiguration(dataDir: temporaryDirectory(), host: "0.0.0.0"))
            await server.stop()
            XCTFail("bound a non-loopback address")
        } catch {
            XCTAssertTrue("\(error)".contains("loopback"))
        }
    }

    func testStartingOnAPortInUseFailsInsteadOfHanging() async throws {
        let first = try await LiveSandbox.start()
        do {
            let second = try await SandboxServer.start(SandboxConfiguration(dataDir: temporaryDirectory(), port: first.server.port))
            await second.stop()
            XCTFail("two servers on one port")
        } catch {
            XCTAssertTrue(error is SandboxError, "\(error)")
        }
        await first.stop()
    }

    func testSmokeCheckURLsMapPublicWorkerURLsOntoTheSandbox() async throws {
        let sandbox = try await LiveSandbox.start()
        let base = sandbox.server.baseURL
        XCTAssertEqual(sandbox.server.smokeCheckURL(for: "https://shop.techflunky-demo.workers.dev/health"),
                       "\(base)/workers.dev/shop.techflunky-demo.workers.dev/health")
        XCTAssertEqual(sandbox.server.smokeCheckURL(for: "https://shop.example-buyer.dev/health?x=1"),
                       "\(base)/workers.dev/shop.example-buyer.dev/health?x=1")
        XCTAssertEqual(sandbox.server.smokeCheckURL(for: "\(base)/x"), "\(base)/x")
        await sandbox.stop()
    }

    func testUnknownEndpointsAnswerInTheirAPIsErrorShape() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            let stripe = try await sandbox.stripe(.get, "/v1/customers/cus_123")
            XCTAssertEqual(stripe.status, 404)
            XCTAssertEqual(stripe.json["error"]?["type"], "invalid_request_error")
            XCTAssertTrue(stripe.json["error"]?["message"]?.stringValue?.hasPrefix("Unrecognized request URL") ?? false)
            let cf = try await sandbox.cf(.get, "/accounts/x/queues")
            XCTAssertEqual(cf.status, 404)
            XCTAssertEqual(cf.json["errors"]?.arrayValue?.first?["code"], 7000)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testResetForgetsStateButKeepsOtherFilesAndReseedsTheDemo() async throws {
        let dir = temporaryDirectory()
        let first = try await LiveSandbox.start(dataDir: dir)
        let id = try await first.createSessionId()
        await first.stop()
        let keep = dir.appendingPathComponent("platform.sqlite")
        try Data("not ours".utf8).write(to: keep)
        try SandboxServer.resetState(dataDir: dir)
        XCTAssertTrue(FileManager.default.fileExists(atPath: keep.path))
        let second = try await LiveSandbox.start(dataDir: dir)
        do {
            let gone = try await second.stripe(.get, "/v1/checkout/sessions/\(id)")
            XCTAssertEqual(gone.status, 404)
            let verify = try await second.cf(.get, "/accounts/\(SandboxServer.demoCloudflareAccountId)/tokens/verify")
            XCTAssertEqual(verify.status, 200, "the demo token works again")
        } catch { XCTFail("\(error)") }
        await second.stop()
    }

    func testBaseURLsPointAtTheKernelChosenPort() async throws {
        let sandbox = try await LiveSandbox.start()
        XCTAssertGreaterThan(sandbox.server.port, 0)
        XCTAssertEqual(sandbox.server.stripeAPIBase, "http://127.0.0.1:\(sandbox.server.port)")
        XCTAssertTrue(sandbox.server.cloudflareAPIBase.hasSuffix(":\(sandbox.server.port)/client/v4"))
        await sandbox.stop()
    }

    func testEventsWaitForAnEndpointAndCanBeResent() async throws {
        let sandbox = try await LiveSandbox.start(webhookURL: nil)
        let receiver = WebhookReceiver()
        try await receiver.start()
        do {
            let id = try await sandbox.createSessionId()
            _ = try await sandbox.sandbox("/sandbox/checkout/\(id)/pay")
            // The payment recorded its event in its own transaction; with no endpoint it waits, unattempted.
            let pending = try await sandbox.request(.get, "/sandbox/stripe/events")
            let recorded = try XCTUnwrap(pending.json["data"]?.arrayValue)
            XCTAssertFalse(recorded.isEmpty, "the payment recorded no event")
            for event in recorded {
                XCTAssertEqual(event["delivered"], false)
                XCTAssertEqual(event["attempts"], 0)
                XCTAssertEqual(event["failed"], false)
            }
            let none = await receiver.deliveries
            XCTAssertTrue(none.isEmpty)
            let set = try await sandbox.sandbox("/sandbox/stripe/webhook-endpoint", ["url": .string(await receiver.url), "secret": "whsec_other"])
            XCTAssertEqual(set.status, 200)
            let first = await receiver.waitFor(1)
            let event = try XCTUnwrap(first.first.flatMap { try? JSONValue.decode($0.body) })
            let eventId = try XCTUnwrap(event["id"]?.stringValue)
            let header = try XCTUnwrap(first.first?.signature)
            let t = try XCTUnwrap(header.split(separator: ",").first?.dropFirst(2)).description
            XCTAssertTrue(header.hasSuffix("v1=" + StripeSignature.v1(secret: "whsec_other", timestamp: Int64(t)!, payload: first[0].body)))

            let resent = try await sandbox.sandbox("/sandbox/stripe/events/\(eventId)/resend")
            XCTAssertEqual(resent.status, 200)
            let both = await receiver.waitFor(2)
            XCTAssertEqual(both.count, 2)
            XCTAssertEqual(both[0].body, both[1].body, "a resend carries the same event")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
        await receiver.stop()
    }

    func testDelayedPaymentSettlesWithAsyncEvents() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let sandbox = try await LiveSandbox.start(webhookURL: await receiver.url)
        do {
            let ok = try await sandbox.createSessionId()
            let pending = try await sandbox.sandbox("/sandbox/checkout/\(ok)/pay", ["outcome": "processing"])
            XCTAssertEqual(pending.json["status"], "complete")
            XCTAssertEqual(pending.json["payment_status"], "unpaid")
            let settled = try await sandbox.sandbox("/sandbox/trigger/async_payment_succeeded", ["session": .string(ok)])
            XCTAssertEqual(settled.json["payment_status"], "paid")

            let bad = try await sandbox.createSessionId()
            _ = try await sandbox.sandbox("/sandbox/checkout/\(bad)/pay", ["outcome": "processing"])
            let failed = try await sandbox.sandbox("/sandbox/trigger/async_payment_failed", ["session": .string(bad)])
            XCTAssertEqual(failed.json["payment_status"], "unpaid")
            let again = try await sandbox.sandbox("/sandbox/trigger/async_payment_succeeded", ["session": .string(bad)])
            XCTAssertEqual(again.status, 400, "a failed payment cannot then succeed")

            let deliveries = await receiver.waitFor(4)
            let types = deliveries.compactMap { try? JSONValue.decode($0.body)["type"]?.stringValue }
            XCTAssertEqual(types.filter { $0 == "checkout.session.completed" }.count, 2)
            XCTAssertTrue(types.contains("checkout.session.async_payment_succeeded"))
            XCTAssertTrue(types.contains("checkout.session.async_payment_failed"))
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
        await receiver.stop()
    }

    func testAnOpenSessionPointsAtTheCurrentPortAfterARestart() async throws {
        let dir = temporaryDirectory()
        let first = try await LiveSandbox.start(dataDir: dir)
        let id = try await first.createSessionId()
        await first.stop()
        let second = try await LiveSandbox.start(dataDir: dir)
        do {
            let s = try await second.stripe(.get, "/v1/checkout/sessions/\(id)")
            XCTAssertEqual(s.json["url"]?.stringValue, "\(second.server.baseURL)/checkout/\(id)")
        } catch { XCTFail("\(error)") }
        await second.stop()
    }

    func testADelayOnlyFaultLetsTheCallThrough() async throws {
        let sandbox = try await LiveSandbox.start()
        do {
            sandbox.server.injectFault(SandboxFault(match: "GET /accounts/*/tokens/verify", status: nil, times: 1, delayMs: 300))
            let started = Date()
            let r = try await sandbox.cf(.get, "/accounts/\(SandboxServer.demoCloudflareAccountId)/tokens/verify")
            XCTAssertEqual(r.status, 200)
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3)
            XCTAssertTrue(sandbox.server.faults.active.isEmpty, "a fault with times: 1 is used up")
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }
}
