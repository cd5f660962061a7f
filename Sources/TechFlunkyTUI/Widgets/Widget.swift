import TechFlunkyText
/// The one shape of every widget, as in Ratatui: a value configured by its properties and drawn into a
/// rectangle of the canvas. A widget keeps nothing between frames; what a person changes (a table's selection,
/// a paragraph's scroll offset, a text field's text and cursor) lives in the pane's model and is handed to the
/// widget as a property each frame, and what is costly to derive (a QR code's modules) is computed once and
/// kept in the model too. A widget draws only inside `area` and names semantic roles (`CellStyle`); the backend
/// turns roles into the theme's colours, so widgets take no theme.
public protocol Widget {
    func render(into canvas: inout Canvas, area: Rect)
}
