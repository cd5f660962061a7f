import Foundation
import TechFlunkyClient
import TechFlunkyHTTP

extension LiveMarketplace {
    /// Finishes `seller`'s Stripe onboarding as a seller would: the Connect account, the hosted form completed on the
    /// Stripe stand-in, then the platform told by `account.updated`. A listing goes live only after this.
    func onboard(_ seller: PlatformClient, seconds: Double = 30) async throws {
        let account = try await seller.createSellerAccount()
        guard let stripeAccount = account.stripeAccountId else { throw OnboardingFailed(reason: "no Stripe account id") }
        let completed = try await CurlHTTPClient().send(HTTPRequest(method: .POST, url: "\(sandbox.baseURL)/sandbox/accounts/\(stripeAccount)/complete-onboarding"))
        guard completed.status == 200 else { throw OnboardingFailed(reason: "the stand-in answered \(completed.status)") }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await seller.sellerAccount().onboardingComplete { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw OnboardingFailed(reason: "the platform did not see onboarding finished in \(Int(seconds)) s")
    }

    struct OnboardingFailed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "seller onboarding failed: \(reason)" }
    }
}
