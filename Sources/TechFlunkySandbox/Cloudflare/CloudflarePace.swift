import Foundation

/// How long the Cloudflare stand-in takes to answer, so a person can watch a deployment's nine steps the
/// way they unfold against the real service. Tests and `serve --sandbox --pace instant` answer at once;
/// the embedded marketplace paces realistically once its demo world is built.
///
/// The figures are what Cloudflare's API typically takes (a token check a few hundred ms, a D1 database
/// about a second, a script upload one to three seconds, a custom domain's certificate tens of seconds),
/// each drawn afresh from its range so no two runs look the same.
public struct CloudflarePace: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case instant, realistic
    }

    public var kind: Kind
    /// Seconds from attaching a Workers Custom Domain until its certificate is active.
    public var certificateDelay: ClosedRange<Double>

    public init(kind: Kind, certificateDelay: ClosedRange<Double>) {
        self.kind = kind
        self.certificateDelay = certificateDelay
    }

    /// Every call answered at once, certificates active at once.
    public static let instant = CloudflarePace(kind: .instant, certificateDelay: 0...0)
    /// Calls and certificates take about as long as on Cloudflare.
    public static let realistic = CloudflarePace(kind: .realistic, certificateDelay: 15...30)

    /// Instant calls, but a certificate that takes `seconds` to be issued (for tests of the wait).
    public static func instant(certificateAfter seconds: Double) -> CloudflarePace {
        CloudflarePace(kind: .instant, certificateDelay: seconds...seconds)
    }

    /// `instant` or `realistic`, as `--pace` and `TECHFLUNKY_SANDBOX_PACE` name them.
    public init?(name: String) {
        switch name.lowercased() {
        case "instant": self = .instant
        case "realistic": self = .realistic
        default: return nil
        }
    }

    /// How long a call takes, by method and API path (after `/client/v4`).
    public func latency(method: String, path: String) -> ClosedRange<Double> {
        guard kind == .realistic else { return 0...0 }
        let write = method != "GET"
        switch true {
        case path.hasSuffix("/tokens/verify"): return 0.25...0.5
        case path.hasSuffix("/query"): return 0.15...0.45
        case path.contains("/d1/database"): return write && method == "POST" ? 0.8...1.4 : 0.15...0.3
        case path.contains("/r2/buckets"): return write ? 0.35...0.8 : 0.15...0.3
        case path.contains("/workers/scripts/") && method == "PUT" && !path.contains("/secrets"): return 1.0...3.0
        case path.contains("/workers/domains") && method == "PUT": return 1.0...2.0
        case path.contains("/secrets"): return write ? 0.3...0.6 : 0.15...0.3
        case path.contains("/dns_records"): return write ? 0.3...0.7 : 0.15...0.3
        default: return write ? 0.25...0.5 : 0.12...0.3
        }
    }

    /// Draws a value from a range (its lower bound when the range is a point).
    static func draw(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound == range.upperBound ? range.lowerBound : Double.random(in: range)
    }
}
