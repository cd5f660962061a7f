import Foundation

/// Makes untrusted text (everything from the API) safe to print on a terminal: no control
/// characters or escape sequences reach it, so a listing title cannot move the cursor, rewrite
/// earlier output or change colours (CWE-150; kubectl's CVE-2021-25743 is the known case).
/// The TUI has its own cell-level sanitiser; this one is for the scripting commands' text output.
public enum SafeText {
    /// Tabs and line breaks become a space (line feeds kept with `keepNewlines`); other C0
    /// controls, DEL and C1 controls become `?`; bidi overrides, isolates and marks are dropped.
    public static func sanitize(_ text: String, keepNewlines: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where keepNewlines:
                out.append(scalar)
            case 0x09, 0x0A, 0x0D:
                out.append(" ")
            case 0x00...0x1F, 0x7F, 0x80...0x9F:
                out.append("?")
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                // Bidi embeddings, overrides, isolates and marks can make text read other than it is.
                break
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
