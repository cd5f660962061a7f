import Foundation

/// A step failed for a reason that is not a Cloudflare error (a package file, a smoke check, a
/// missing zone), with what the buyer or seller should do.
public struct DeploymentStepFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// A Cloudflare-style code when one applies (e.g. 81057 for a DNS record that exists with other content).
    public var code: Int?

    public init(_ message: String, code: Int? = nil) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
