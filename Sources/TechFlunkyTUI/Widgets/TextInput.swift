import TechFlunkyText

/// A one-line text field's state and editing (readline keys): insert, Backspace, Delete, ←/→, Home/End,
/// Ctrl-A/E (start/end), Ctrl-U (delete to start), Ctrl-K (delete to end), Ctrl-W (delete word before).
/// In masked mode (secrets such as an API token) it is drawn as a run of `•` and never shows the text.
/// This is the field's state, kept in the pane's model; `TextFieldWidget` draws it.
public struct TextInput: Sendable, Hashable {
    public private(set) var text: String = ""
    /// The cursor as a grapheme offset into `text`.
    public private(set) var cursor: Int = 0
    public var masked: Bool
    public var placeholder: String
    /// At most this many graphemes (a pasted 1 MB string stays bounded).
    public var maxLength: Int

    public init(text: String = "", masked: Bool = false, placeholder: String = "", maxLength: Int = 512) {
        self.masked = masked
        self.placeholder = placeholder
        self.maxLength = maxLength
        setText(text)
    }

    public mutating func setText(_ new: String) {
        text = String(TextSanitizer.line(new).prefix(maxLength))
        cursor = text.count
    }

    /// Applies an editing key. Returns false when the key is not an editing key (the caller handles it).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        var chars = Array(text)
        switch key {
        case let .char(c):
            let safe = TextSanitizer.line(String(c))
            guard chars.count < maxLength, !safe.isEmpty else { return true }
            chars.insert(contentsOf: Array(safe), at: cursor)
            cursor += safe.count
        case .backspace:
            guard cursor > 0 else { return true }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < chars.count else { return true }
            chars.remove(at: cursor)
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = chars.count
        case .ctrl("u"):
            chars.removeFirst(cursor)
            cursor = 0
        case .ctrl("k"):
            chars.removeLast(chars.count - cursor)
        case .ctrl("w"):
            var start = cursor
            while start > 0, chars[start - 1] == " " { start -= 1 }
            while start > 0, chars[start - 1] != " " { start -= 1 }
            chars.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        text = String(chars)
        return true
    }

    /// What is drawn: the text, or when masked a fixed run of `•` that says something was entered without
    /// telling how long it is (a token's length narrows the guess).
    public var displayText: String { masked ? (text.isEmpty ? "" : TextInput.mask) : text }
    static let mask = String(repeating: "•", count: 12)
}
