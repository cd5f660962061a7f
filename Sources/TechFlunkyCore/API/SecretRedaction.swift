import Foundation

// Wire types that carry a secret (a password, a session token, a generated Worker secret) must not
// leak it through `print`, string interpolation, `dump` or a logger's metadata, all of which go through
// `description`, `debugDescription` or `Mirror`. These conformances show the secret as `<redacted>`, as the
// typed `CloudflareAPIToken` does itself; JSON encoding (the only place the real value belongs) is unaffected.

/// What redacted secrets print as: the one spelling (`CloudflareAPIToken` prints it too).
public let redactedSecret = "<redacted>"

extension CloudflareCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "CloudflareCredentials(accountId: \(accountId), apiToken: \(redactedSecret))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["accountId": accountId, "apiToken": redactedSecret]) }
}

extension SignupRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SignupRequest(email: \(email), password: \(redactedSecret), displayName: \(displayName))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["email": email, "password": redactedSecret, "displayName": displayName])
    }
}

extension LoginRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "LoginRequest(email: \(email), password: \(redactedSecret))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["email": email, "password": redactedSecret]) }
}

extension AuthResponse: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "AuthResponse(token: \(redactedSecret), expiresAt: \(expiresAt), account: \(account))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["token": redactedSecret, "expiresAt": expiresAt, "account": account])
    }
}

extension GeneratedSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "GeneratedSecret(\(worker)/\(name), value: \(redactedSecret))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["worker": worker, "name": name, "value": redactedSecret]) }
}
