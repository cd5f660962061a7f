import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// `techflunky assets download ORDER [--dir D]`: a paid order's business assets, written as files.
struct AssetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assets", abstract: "The business assets of a business you bought (market research, business plan, handover notes).",
        subcommands: [AssetsDownloadCommand.self])
}

struct AssetsDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Write a paid order's business assets into a directory.",
        discussion: """
            Each asset is written as the seller uploaded it, under a name made of its file name's letters, digits, `.`, \
            `-` and `_` (never a path, so nothing lands outside the directory), readable by you only (0600). An \
            existing file is left alone unless --force.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The order's id (ord_…), from `techflunky orders`.") var order: String
    @Option(name: .long, help: "The directory to write into (made when missing). Default: the current directory.") var dir: String = "."
    @Flag(name: .long, help: "Replace files that already exist.") var force = false

    struct Written: Encodable {
        var kind: String
        var path: String
        var bytes: Int
    }

    func run() async throws {
        let written: [Written]
        do {
            written = try await connection.withClient(signedIn: true) { client in try await download(client) }
        } catch let error as AssetFileWriter.Failure {
            throw CommandFailure(error.description)
        }
        let out = TerminalOutput()
        if output.json { return try out.json(["files": written]) }
        for file in written {
            out.line("wrote \(TerminalOutput.clean(file.path))  (\(ListingDetailNames.name(file.kind)), \(DisplayFormat.bytes(file.bytes)))")
        }
    }

    private func download(_ client: PlatformClient) async throws -> [Written] {
        let order = try await client.order(id: order)
        guard order.isDeployable else {
            throw CommandFailure("order \(order.id) is \(order.state.rawValue): its assets are yours once it is paid")
        }
        let listing = try await client.listing(slug: order.listingSlug)
        guard !listing.assets.isEmpty else { throw CommandFailure("\(TerminalOutput.clean(listing.summary.title)) has no business assets") }
        let directory = URL(fileURLWithPath: dir, isDirectory: true).standardizedFileURL
        try AssetFileWriter.makeDirectory(directory)
        var written: [Written] = []
        var used: Set<String> = []
        for asset in listing.assets {
            let file = try await client.orderAsset(orderId: order.id, kind: asset.kind)
            var name = AssetFileWriter.safeName(file.suggestedName ?? (asset.path as NSString).lastPathComponent, fallback: asset.kind)
            if used.contains(name) { name = AssetFileWriter.safeName(asset.kind + "-" + name, fallback: asset.kind) }
            used.insert(name)
            let target = directory.appendingPathComponent(name)
            try AssetFileWriter.write(file.data, to: target, in: directory, replacing: force)
            written.append(Written(kind: asset.kind, path: target.path, bytes: file.data.count))
        }
        return written
    }
}

/// `marketResearch` → `market research`, for the lines the command prints.
enum ListingDetailNames {
    static func name(_ kind: String) -> String {
        var out = ""
        for c in kind { if c.isUppercase, !out.isEmpty { out += " " + c.lowercased() } else { out.append(c) } }
        return out
    }
}
