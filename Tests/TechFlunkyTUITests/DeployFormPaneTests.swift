import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class DeployFormPaneTests: XCTestCase {
    typealias F = CheckoutFixtures

    private func filledForm(domain: String = "") -> (DeployFormPane, PaneContext) {
        var pane = DeployFormPane(order: F.order(.paid))
        var ctx = F.context()
        F.type(F.accountId, &pane, &ctx)
        _ = F.press(.tab, &pane, &ctx)
        F.type(F.token, &pane, &ctx)
        _ = F.press(.tab, &pane, &ctx)
        F.type(domain, &pane, &ctx)
        return (pane, ctx)
    }

    func testACorrectingFormRetriesWithTheNewAccountAndDomain() {
        var pane = DeployFormPane(retrying: "dep_1", orderId: "ord_1", listingTitle: "Shop", listingSlug: "shop",
                                  accountId: "ffffffffffffffffffffffffffffffff", domain: "shop.example.com")
        var ctx = F.context()
        XCTAssertEqual(pane.focus, .apiToken, "the account and domain are prefilled; the token is asked again")
        F.type(F.token, &pane, &ctx)
        _ = F.press(.tab, &pane, &ctx)
        for _ in 0..<40 { _ = F.press(.backspace, &pane, &ctx) }
        F.type("fixed.example-buyer.dev", &pane, &ctx)
        let sent = F.requests(F.press(.enter, &pane, &ctx))
        XCTAssertEqual(sent.map(\.1), [.retryDeploymentCorrected(
            id: "dep_1", credentials: CloudflareCredentials(accountId: "ffffffffffffffffffffffffffffffff", apiToken: CloudflareAPIToken(F.token)),
            domain: "fixed.example-buyer.dev")])
        XCTAssertEqual(pane.apiToken.text, "", "the token leaves with the request")
        let after = pane.receive(.response(sent[0].0, .success(.deployAccepted(DeployAccepted(deploymentId: "dep_1", state: .running)))), &ctx)
        guard after.count == 3, case .pop = after[0], case .pop = after[1], case .push = after[2] else {
            return XCTFail("the form and the failed run's pane make way for a fresh one: \(after)")
        }
    }

    func testTheSandboxNamesItsZoneAndCtrlTFillsAHostnameInIt() {
        var pane = DeployFormPane(order: F.order(.paid))
        var ctx = F.context()
        ctx.environment = UIEnvironment(platformLabel: "sandbox", sandboxCloudflare: CloudflareCredentials(accountId: F.accountId, apiToken: CloudflareAPIToken(F.token)),
                                        sandboxZone: "example-buyer.dev")
        _ = pane.start(&ctx)
        XCTAssertTrue(F.render(pane, width: 120).contains("e.g. shop.example-buyer.dev (sandbox zone)"))
        _ = F.press(.ctrl("t"), &pane, &ctx)
        XCTAssertEqual(pane.domain.text, "\(F.order(.paid).listingSlug).example-buyer.dev")
        XCTAssertEqual(pane.accountId.text, F.accountId)
    }

    func testTheTokenIsNeverDrawnAndIsGoneFromTheStateOnceSent() {
        var (pane, ctx) = filledForm(domain: "Shop.Example.com")
        let typed = F.render(pane, width: 90, height: 16)
        XCTAssertFalse(typed.contains(F.token), "never echoed")
        XCTAssertTrue(typed.contains(String(repeating: "•", count: 12)), typed)
        XCTAssertFalse(typed.contains(String(repeating: "•", count: 13)), "the mask has a fixed length: it does not tell the token's")
        XCTAssertTrue(String(reflecting: pane).contains(F.token), "held while typing (the check below can fail)")

        let commands = F.press(.enter, &pane, &ctx)
        let requests = F.requests(commands)
        XCTAssertEqual(requests.map(\.1), [.deploy(DeployRequest(
            orderId: "ord_1", cloudflare: CloudflareCredentials(accountId: F.accountId, apiToken: CloudflareAPIToken(F.token)), domain: "shop.example.com"))])
        XCTAssertFalse(String(reflecting: pane).contains(F.token), "the token must not stay in the pane")
        XCTAssertEqual(pane.apiToken.text, "")
        XCTAssertTrue(F.requests(F.press(.enter, &pane, &ctx)).isEmpty, "no second deploy while the first is in flight")
    }

    func testTheTokenIsNotInTheAppStateAfterSending() {
        var state = AppState(width: 100, height: 30, environment: UIEnvironment(platformLabel: "test"), now: F.t0)
        state.activeStack.push(DeployFormPane(order: F.order(.paid)))
        var effects: [Effect] = []
        for c in F.accountId { effects += AppUpdate.update(&state, .key(.char(c))) }
        effects += AppUpdate.update(&state, .key(.tab))
        for c in F.token { effects += AppUpdate.update(&state, .key(.char(c))) }
        effects += AppUpdate.update(&state, .key(.tab))
        effects += AppUpdate.update(&state, .key(.enter))
        let deploys = effects.filter { if case .request(_, .deploy) = $0 { true } else { false } }
        XCTAssertEqual(deploys.count, 1)
        XCTAssertFalse(String(reflecting: state).contains(F.token))
        XCTAssertFalse(AppRenderer.render(state).text.contains(F.token))
    }

    func testProblemsAreShownPerFieldAndNothingIsSent() {
        var pane = DeployFormPane(order: F.order(.paid))
        var ctx = F.context()
        F.type("not-an-id", &pane, &ctx)
        _ = F.press(.tab, &pane, &ctx)
        _ = F.press(.tab, &pane, &ctx)
        F.type("https://shop.example.com", &pane, &ctx)
        let commands = F.press(.enter, &pane, &ctx)
        XCTAssertTrue(F.requests(commands).isEmpty)
        XCTAssertEqual(pane.focus, .accountId, "focus goes to the first problem")
        XCTAssertEqual(Set(pane.problems.keys), [.accountId, .apiToken, .domain])
        assertRendered(F.render(pane, width: 84, height: 18), """
              Deploy InvoiceBot — invoices from email
              into your own Cloudflare account. The token is used for this deployment only:
              it is never shown, stored or logged, and you give it again to retry or roll
              back.

              › Account id    not-an-id
                              ✖ A Cloudflare account id is 32 hexadecimal digits (0-9, a-f).
                API token     paste your API token
                              ✖ Enter a Cloudflare API token with Workers, D1, R2 and DNS
                              edit permissions.
                Custom domain https://shop.example.com
                              ✖ Enter a hostname such as shop.example.com, without https://
                              or a path.

              Enter moves to the next field and deploys from the last; without a domain the
              business gets a workers.dev address.


            """)
    }

    func testAcceptedDeploymentReplacesTheFormWithTheProgressPane() {
        var (pane, ctx) = filledForm()
        let request = F.requests(F.press(.enter, &pane, &ctx))[0].0
        let commands = pane.receive(.response(request, .success(.deployAccepted(DeployAccepted(deploymentId: "dep_9", state: .queued)))), &ctx)
        XCTAssertEqual(commands.count, 2)
        guard case .pop = commands[0], case let .push(next) = commands[1] else { return XCTFail("expected pop then push") }
        XCTAssertEqual((next as? DeployProgressPane)?.deploymentId, "dep_9")
    }

    func testARefusalAsksForTheTokenAgain() {
        var (pane, ctx) = filledForm()
        let request = F.requests(F.press(.enter, &pane, &ctx))[0].0
        _ = pane.receive(.response(request, .failure(ServiceFailure(message: "This order is already being deployed", code: "conflict"))), &ctx)
        XCTAssertEqual(pane.focus, .apiToken)
        let text = F.render(pane, width: 100, height: 14)
        XCTAssertTrue(text.contains("The platform refused: This order is already being deployed"), text)
        XCTAssertTrue(text.contains("enter it again"))
    }

    func testARefusalNamingAFieldFocusesThatField() {
        for (field, expected) in [("domain", DeployFormPane.Field.domain), ("cloudflare.accountId", .accountId),
                                  ("cloudflare.apiToken", .apiToken)] {
            var (pane, ctx) = filledForm()
            let request = F.requests(F.press(.enter, &pane, &ctx))[0].0
            // The message names no field: the form goes by the platform's `error.field`, not by the words.
            _ = pane.receive(.response(request, .failure(ServiceFailure(message: "not accepted", code: APIErrorCode.validation,
                                                                        field: field))), &ctx)
            XCTAssertEqual(pane.focus, expected, field)
        }
    }

    func testInTheEmbeddedSandboxCtrlTFillsTheDemoAccount() {
        let demo = CloudflareCredentials(accountId: "7d3e0a1f5b9c4e2a8f6d1c3b5a7e9f01", apiToken: CloudflareAPIToken("tfsandbox_demo_token_0123456789"))
        var pane = DeployFormPane(order: F.order(.paid))
        var ctx = F.context()
        _ = F.press(.ctrl("t"), &pane, &ctx)
        XCTAssertEqual(pane.accountId.text, "", "not outside the sandbox")
        ctx.environment.sandboxCloudflare = demo
        _ = pane.start(&ctx)
        _ = F.press(.ctrl("t"), &pane, &ctx)
        XCTAssertEqual(pane.accountId.text, demo.accountId)
        XCTAssertFalse(F.render(pane, width: 90, height: 16).contains(demo.apiToken.secretValue), "masked like a typed token")
        let sent = F.requests(F.press(.enter, &pane, &ctx))
        XCTAssertEqual(sent.map(\.1), [.deploy(DeployRequest(orderId: "ord_1", cloudflare: demo, domain: nil))])
    }
}
