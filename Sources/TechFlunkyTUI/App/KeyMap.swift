/// One entry of a declarative key map (k9s/lazygit): which keys, what they do, whether the footer shows it,
/// and why it is disabled if it is. Footer hints and the `?` help are generated from these, so they
/// never drift from what the keys really do.
public struct KeyBinding<Action: Sendable>: Sendable {
    public var keys: [Key]
    public var description: String
    public var action: Action
    /// Shown in the footer (everything is shown in `?` help).
    public var shownInFooter: Bool
    /// When set, the key does nothing but show this reason.
    public var disabledReason: String?

    public init(_ keys: [Key], _ description: String, _ action: Action, footer: Bool = true, disabled: String? = nil) {
        self.keys = keys
        self.description = description
        self.action = action
        shownInFooter = footer
        disabledReason = disabled
    }

    public var hint: KeyHint {
        KeyHint(keys: keys.map(\.label).joined(separator: "/"), description: description, shownInFooter: shownInFooter,
                disabledReason: disabledReason)
    }
}

/// A key map entry without its action: what the footer and help screen draw.
public struct KeyHint: Hashable, Sendable {
    public var keys: String
    public var description: String
    public var shownInFooter: Bool
    public var disabledReason: String?
}

extension Array {
    /// The binding for a key, if any.
    func binding<A>(for key: Key) -> KeyBinding<A>? where Element == KeyBinding<A> {
        first { $0.keys.contains(key) }
    }
}
