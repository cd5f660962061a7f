/// A one-cell spinner whose frame follows the tick count.
public enum SpinnerWidget {
    static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public static func frame(_ tick: Int) -> String { frames[((tick % frames.count) + frames.count) % frames.count] }

    public static func render(into canvas: inout Canvas, x: Int, y: Int, tick: Int, style: CellStyle = .accent) {
        canvas.write(frame(tick), x: x, y: y, maxWidth: 1, style: style)
    }
}
