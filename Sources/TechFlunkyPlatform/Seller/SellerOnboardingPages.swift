import Hummingbird

/// The pages Stripe sends a seller's browser to at the end of Connect onboarding (`return_url`) and when the link
/// can no longer be used (`refresh_url`: expired, already visited, or reloaded). Plain text that echoes nothing from
/// the request, so there is nothing to sanitise; each says what happened and what to run next.
enum SellerOnboardingPages {
    static let returned = """
        TechFlunky: you are back from Stripe onboarding.

        Stripe has what you entered. It may still be checking it: your account can be paid once Stripe shows \
        details submitted, charges enabled and payouts enabled.

        What next: in your terminal, run `techflunky seller status` to see where your Stripe account stands \
        (or open Payouts in the TechFlunky app). If details are still missing, `techflunky seller onboard` \
        gives you a new link to finish them. You can close this page.
        """

    static let refresh = """
        TechFlunky: this Stripe onboarding link has expired or was already used.

        Nothing is lost: what you entered before is kept by Stripe.

        What next: in your terminal, run `techflunky seller onboard` again for a fresh link, and open it \
        within a few minutes. You can close this page.
        """

    static func register(on root: some RouterMethods<PlatformRequestContext>) {
        root.get("seller/onboarding/return") { _, _ in CheckoutRoutes.page(returned) }
        root.get("seller/onboarding/refresh") { _, _ in CheckoutRoutes.page(refresh) }
    }
}
