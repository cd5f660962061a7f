import Foundation

/// A business asset (market research, business plan, handover notes) as text for the document viewer
/// (`GET /api/listings/{slug}/assets/{kind}`): a preview of its first part before purchase, the whole for the
/// listing's buyer and its seller. PDFs arrive as the text `pdftotext` made of them.
public struct BusinessDocument: Codable, Sendable, Hashable {
    public enum Format: String, Codable, Sendable, CaseIterable {
        case markdown, text, pdf
    }

    /// The manifest's key, e.g. `businessPlan`.
    public var kind: String
    /// The file's name in the package (`business-plan.md`).
    public var fileName: String
    /// What the original file is; `text` holds it as text in every case.
    public var format: Format
    public var text: String
    /// True when `text` is the whole document.
    public var complete: Bool
    public var shownLines: Int
    public var totalLines: Int
    /// The share of lines a buyer reads before buying (the manifest's `assetPreviewPercent`).
    public var previewPercent: Int

    public init(kind: String, fileName: String, format: Format, text: String, complete: Bool, shownLines: Int, totalLines: Int,
                previewPercent: Int) {
        self.kind = kind
        self.fileName = fileName
        self.format = format
        self.text = text
        self.complete = complete
        self.shownLines = shownLines
        self.totalLines = totalLines
        self.previewPercent = previewPercent
    }

    /// The format of a file by its extension; nil for files that are not documents (images, archives).
    public static func format(ofPath path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "md", "markdown": .markdown
        case "txt", "text", "csv": .text
        case "pdf": .pdf
        default: nil
        }
    }

    /// The document made of `text`: whole, or its first `percent` of lines (at least one, rounded up), cut at a
    /// line boundary so a preview never ends mid-sentence within a line.
    public static func make(kind: String, fileName: String, format: Format, text: String, percent: Int, whole: Bool) -> BusinessDocument {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        let total = lines.count
        let share = min(100, max(1, percent))
        let shown = whole ? total : min(total, max(1, (total * share + 99) / 100))
        let body = shown >= total ? text : lines.prefix(shown).joined(separator: "\n") + "\n"
        return BusinessDocument(kind: kind, fileName: fileName, format: format, text: body, complete: shown >= total,
                                shownLines: shown, totalLines: total, previewPercent: share)
    }
}
