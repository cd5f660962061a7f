import TechFlunkyText
/// A one-line text field drawn from its `TextInput` (text, cursor, mask, placeholder): the placeholder when empty
/// and not focused; otherwise the text, scrolled so the cursor stays visible, with the cursor cell reversed
/// when `focused`.
public struct TextFieldWidget: Widget, Sendable {
    public var input: TextInput
    public var focused: Bool
    public var style: CellStyle

    public init(_ input: TextInput, focused: Bool, style: CellStyle = .text) {
        self.input = input
        self.focused = focused
        self.style = style
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard area.width > 0, area.height > 0 else { return }
        canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: style)
        if input.text.isEmpty && !focused {
            canvas.write(input.placeholder, x: area.x, y: area.y, maxWidth: area.width, style: .muted)
            return
        }
        let shown = Array(input.displayText)
        // A masked field's cursor sits after the mask: editing inside a secret one cannot see is guesswork.
        let cursor = input.masked ? shown.count : input.cursor
        // Start far enough right that the cursor fits.
        var start = 0
        var widthToCursor = shown[0..<cursor].reduce(0) { $0 + DisplayWidth.of($1) }
        while widthToCursor >= area.width, start < cursor {
            widthToCursor -= DisplayWidth.of(shown[start])
            start += 1
        }
        var x = area.x
        for i in start..<shown.count {
            let w = DisplayWidth.of(shown[i])
            guard x + w <= area.maxX else { break }
            var cellStyle = style
            if focused && i == cursor { cellStyle.reverse = true }
            canvas.write(String(shown[i]), x: x, y: area.y, maxWidth: w, style: cellStyle)
            x += w
        }
        if focused && cursor == shown.count && x < area.maxX {
            var cellStyle = style
            cellStyle.reverse = true
            canvas.write(" ", x: x, y: area.y, maxWidth: 1, style: cellStyle)
        }
    }
}
