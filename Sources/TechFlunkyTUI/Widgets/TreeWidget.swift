import TechFlunkyText

/// A node of a tree: a label, its style, and children.
public struct TreeNode: Hashable, Sendable {
    public var label: String
    public var style: CellStyle
    public var children: [TreeNode]

    public init(_ label: String, style: CellStyle = .text, children: [TreeNode] = []) {
        self.label = label
        self.style = style
        self.children = children
    }
}

/// A tree with box-drawing guides (`├─`, `└─`, `│`), drawn as a paragraph of its lines (so it scrolls like one);
/// `lines(width:)` gives those lines to a pane that puts the tree inside a longer paragraph.
public struct TreeWidget: Widget, Sendable {
    public var roots: [TreeNode]
    public var scroll: ScrollState

    public init(roots: [TreeNode], scroll: ScrollState = ScrollState()) {
        self.roots = roots
        self.scroll = scroll
    }

    public func lines(width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        func walk(_ node: TreeNode, prefix: String, isLast: Bool, isRoot: Bool) {
            let branch = isRoot ? "" : (isLast ? "└─ " : "├─ ")
            let guide = prefix + branch
            let room = max(1, width - DisplayWidth.of(guide))
            out.append(StyledLine([StyledSpan(guide, .border),
                                   StyledSpan(TextLayout.truncate(TextSanitizer.line(node.label), to: room), node.style)]))
            let childPrefix = isRoot ? prefix : prefix + (isLast ? "   " : "│  ")
            for (i, child) in node.children.enumerated() {
                walk(child, prefix: childPrefix, isLast: i == node.children.count - 1, isRoot: false)
            }
        }
        for root in roots { walk(root, prefix: "", isLast: true, isRoot: true) }
        return out
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        ParagraphWidget(lines: lines(width: area.width), scroll: scroll).render(into: &canvas, area: area)
    }
}
