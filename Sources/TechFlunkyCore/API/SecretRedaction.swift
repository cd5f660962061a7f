import Foundation

// Wire types that carry a secret (a password, a session token, a generated Worker secret) must not
// leak it through `print`, string interpolation, `dump` or a logger's metadata, all of which go through
// `description`, `debugDescription` or `Mirror`. These conformances show the secret as `<redacted>`, as the
// typed `CloudflareAPIToken` does itself; JSON encoding (the only place the real value belongs) is unaffected.

/// What redacted secrets print as: the one spelling (`CloudflareAPIToken` prints it too).
public let redactedSecret = "<redacted>"

/// A wire type whose text forms show its fields in order with each secret as `redactedSecret`: conform by
/// listing the fields (`printedFields`), and `description`, `debugDescription` and the mirror follow from it.
public protocol SecretRedacting: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The fields as `print` and `dump` show them, secrets already replaced by `redactedSecret`.
    var printedFields: KeyValuePairs<String, Any> { get }
}

extension SecretRedacting {
    public var description: String {
        "\(Self.self)(" + printedFields.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: printedFields.map { (label: Optional($0.key), value: $0.value) })
    }
}

extension CloudflareCredentials: SecretRedacting {
    public var printedFields: KeyValuePairs<String, Any> { ["accountId": accountId, "apiToken": redactedSecret] }
}

extension SignupRequest: SecretRedacting {
    public var printedFields: KeyValuePairs<String, Any> {
        ["email": email, "password": redactedSecret, "displayName": displayName]
    }
}

extension LoginRequest: SecretRedacting {
    public var printedFields: KeyValuePairs<String, Any> { ["email": email, "password": redactedSecret] }
}

extension AuthResponse: SecretRedacting {
    public var printedFields: KeyValuePairs<String, Any> {
        ["token": redactedSecret, "expiresAt": expiresAt, "account": account]
    }
}

extension GeneratedSecret: SecretRedacting {
    public var printedFields: KeyValuePairs<String, Any> { ["worker": worker, "name": name, "value": redactedSecret] }
}
