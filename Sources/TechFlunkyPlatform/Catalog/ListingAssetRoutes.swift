import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/listings/{slug}/assets/{kind}`: a business asset as text for the document viewer (`BusinessDocument`).
/// Anyone reads the first part the seller chose (`assetPreviewPercent`, 20 % by default); the listing's buyer
/// (a paid order, not refunded) and its seller read the whole. Markdown and plain text are served as they are
/// (the client sanitises before drawing); a PDF is turned into text with `pdftotext` when the platform has it.
enum ListingAssetRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("listings/:slug/assets/:kind") { _, context -> BusinessDocument in
            let slug = try context.parameters.require("slug"), kind = try context.parameters.require("kind")
            guard let listing = try await services.catalog.listing(slug: slug) else { throw PlatformError.notFound("no listing `\(slug)`") }
            let directory = services.packages.bundleDirectory(slug: slug)
            let package: DeploymentPackage
            do {
                package = try DeploymentPackage.load(from: directory, key: services.packages.key)
            } catch {
                services.logger.error("package unavailable for an asset", metadata: ["listing": "\(slug)", "error": "\(error)"])
                throw PlatformError.conflict("the package's assets cannot be read right now; the platform's operator has been told")
            }
            guard let path = package.manifest.businessAssets[kind] else {
                let kinds = package.manifest.businessAssets.keys.sorted()
                throw PlatformError.notFound("the package has no asset `\(kind)`\(kinds.isEmpty ? "" : "; it has \(kinds.joined(separator: ", "))")")
            }
            guard let format = BusinessDocument.format(ofPath: path) else {
                throw PlatformError.conflict("`\(kind)` is not a document that can be shown as text; its buyer downloads it with `techflunky assets download`")
            }
            let data = try package.file(path)
            let text: String
            if format == .pdf {
                guard let converted = try PDFText.convert(data) else {
                    throw PlatformError.conflict("`\(kind)` is a PDF and this platform has no `pdftotext` to show it as text; its buyer downloads it with `techflunky assets download`")
                }
                text = converted
            } else {
                text = String(decoding: data, as: UTF8.self)
            }
            var whole = false
            if let account = context.account {
                if account.id == listing.summary.seller.id {
                    whole = true
                } else {
                    whole = try await services.orders.ownsListing(buyerId: account.id, listingId: listing.summary.id)
                }
            }
            return BusinessDocument.make(kind: kind, fileName: (path as NSString).lastPathComponent, format: format, text: text,
                                         percent: package.manifest.assetPreviewPercent ?? PackageManifest.defaultAssetPreviewPercent, whole: whole)
        }
    }
}

extension BusinessDocument: ResponseGenerator, ResponseEncodable {}

/// PDF to text with poppler's `pdftotext`, when it is on the PATH (nil otherwise). The PDF goes in on stdin and
/// the text comes back on stdout; nothing is written to disk.
enum PDFText {
    static func executable() -> URL? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { URL(fileURLWithPath: String($0)).appendingPathComponent("pdftotext") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func convert(_ pdf: Data) throws -> String? {
        guard let tool = executable() else { return nil }
        let process = Process()
        process.executableURL = tool
        process.arguments = ["-layout", "-enc", "UTF-8", "-", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Write on another thread: a large PDF would fill the pipe while its text fills the other one.
        let handle = input.fileHandleForWriting
        let writer = Thread {
            handle.write(pdf)
            try? handle.close()
        }
        writer.start()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PlatformError.conflict("the PDF could not be read as text (pdftotext exited with \(process.terminationStatus))")
        }
        return String(decoding: text, as: UTF8.self)
    }
}
