// libFuzzer target: the text module (TechFlunkyText: TextSanitizer, DisplayWidth, TerminalGlyph, TextLayout).
// Compiled with those sources by scripts/fuzz. Traps (crashes) when an invariant breaks.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    // Nothing a terminal acts on survives, and sanitising is idempotent.
    let line = TextSanitizer.line(text)
    for scalar in line.unicodeScalars { precondition(!TextSanitizer.isUnsafe(scalar.value), "unsafe scalar in line()") }
    precondition(TextSanitizer.line(line) == line, "line() is not idempotent")
    let multi = TextSanitizer.multiline(text)
    for scalar in multi.unicodeScalars where scalar != "\n" {
        precondition(!TextSanitizer.isUnsafe(scalar.value), "unsafe scalar in multiline()")
    }

    // A grapheme's width is the sum of the parts drawn, and each part is as wide as ncurses will make it.
    var total = 0
    for character in line {
        var sum = 0
        for part in TerminalGlyph.parts(character) {
            precondition((0...2).contains(part.width), "part width out of range")
            if part.width > 0 { precondition(TerminalGlyph.ncursesWidth(part.text) == part.width, "ncurses would disagree") }
            precondition(part.text.unicodeScalars.count <= 1 + TerminalGlyph.maxCombining, "more than a cell holds")
            sum += part.width
        }
        precondition(DisplayWidth.of(character) == sum, "width is not the parts' sum")
        total += sum
    }
    precondition(DisplayWidth.of(line) == total, "the fast path disagrees with the grapheme loop")

    // Layout keeps to the width it is given.
    for width in [0, 1, 2, 3, 7, 20] {
        precondition(DisplayWidth.of(TextLayout.truncate(line, to: width)) <= width, "truncate overflows")
        let fitted = TextLayout.fit(line, to: width)
        precondition(DisplayWidth.of(fitted) <= width, "fit overflows")
        for row in TextLayout.wrap(line, width: max(width, 1)) {
            precondition(DisplayWidth.of(row) <= max(width, 2), "wrap overflows")
        }
    }
    return 0
}
