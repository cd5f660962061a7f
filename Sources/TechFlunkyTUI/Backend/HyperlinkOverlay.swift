/// OSC 8 hyperlinks over a drawn frame (the terminal's `ESC ] 8 ; ; URL ESC \`, as gcc, ls and systemd print them).
///
/// ncurses cannot emit the sequence itself, so after it has drawn a frame each run of cells that link somewhere, and
/// that changed since the last frame, is written again inside the sequence: the cursor and attributes are saved
/// (DECSC), the run's own text is written at its place in its own colours, and both are restored (DECRC), so what
/// ncurses believes is on the screen stays true. The text comes from the canvas (sanitised when it was written) and
/// the URL from `Canvas.hyperlink(_:)` (printable ASCII only), so neither can carry a sequence of its own.
struct HyperlinkOverlay {
    struct Run: Hashable {
        var x: Int, y: Int, width: Int, link: UInt16
    }

    /// Runs of cells on one row with the same link, left to right, top to bottom.
    static func runs(in canvas: Canvas) -> [Run] {
        var runs: [Run] = []
        for y in 0..<canvas.height {
            var x = 0
            while x < canvas.width {
                let link = canvas[x, y].style.link
                guard link != 0 else { x += 1; continue }
                var end = x + 1
                while end < canvas.width, canvas[end, y].style.link == link { end += 1 }
                runs.append(Run(x: x, y: y, width: end - x, link: link))
                x = end
            }
        }
        return runs
    }

    /// What to write after ncurses drew `canvas` over `previous` (nil: the whole screen was drawn): every link run that
    /// is new or changed, wrapped in OSC 8. `sgr` gives the escape sequence that sets a cell style's look.
    static func sequence(canvas: Canvas, previous: Canvas?, sgr: (CellStyle) -> String) -> String {
        let all = runs(in: canvas)
        guard !all.isEmpty else { return "" }
        var out = ""
        for run in all {
            let url = canvas.links[Int(run.link) - 1]
            if let previous, previous.width == canvas.width, previous.height == canvas.height,
               previous.links.count >= Int(run.link), previous.links[Int(run.link) - 1] == url,
               (run.x..<(run.x + run.width)).allSatisfy({ previous[$0, run.y] == canvas[$0, run.y] }) { continue }
            out += "\u{1B}7\u{1B}[\(run.y + 1);\(run.x + 1)H\u{1B}]8;;\(url)\u{1B}\\"
            var style: CellStyle?
            for x in run.x..<(run.x + run.width) {
                let cell = canvas[x, run.y]
                if cell.isContinuation { continue }
                if cell.style != style { out += sgr(cell.style); style = cell.style }
                out += cell.grapheme.isEmpty ? " " : cell.grapheme
            }
            out += "\u{1B}]8;;\u{1B}\\\u{1B}8"
        }
        return out
    }
}
