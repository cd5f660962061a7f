import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
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
        let written = try await connection.withClient(signedIn: true) { client in try await download(client) }
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

/// Writing downloaded files safely: a plain name inside the chosen directory, created new (no following a link an
/// attacker left there), 0600.
enum AssetFileWriter {
    /// Letters, digits, `.`, `-`, `_` of the name's last component, without leading dots; `fallback` when nothing is left.
    static func safeName(_ name: String, fallback: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        var kept = String(last.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .map(Character.init))
        while kept.hasPrefix(".") { kept.removeFirst() }
        kept = String(kept.prefix(120))
        if kept.isEmpty {
            let safeFallback = String(fallback.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }.map(Character.init))
            return safeFallback.isEmpty ? "asset" : safeFallback
        }
        return kept
    }

    static func makeDirectory(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandFailure("\(directory.path) is a file, not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandFailure("cannot make \(directory.path): \(error.localizedDescription)")
        }
    }

    static func write(_ data: Data, to target: URL, in directory: URL, replacing: Bool) throws {
        // The name has no `/` and is not `.` or `..` (safeName), so the file is directly inside the directory.
        guard target.deletingLastPathComponent().standardizedFileURL.path == directory.standardizedFileURL.path else {
            throw CommandFailure("refusing to write \(target.path): outside \(directory.path)")
        }
        if replacing { unlink(target.path) }
        let fd = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "it already exists (use --force to replace it)" : String(cString: strerror(errno))
            throw CommandFailure("cannot write \(target.path): \(reason)")
        }
        defer { close(fd) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = posixWrite(fd, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                guard n > 0 else { throw CommandFailure("cannot write \(target.path): \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
        fchmod(fd, 0o600)
    }

    #if canImport(Glibc)
    static let posixWrite = Glibc.write
    #else
    static let posixWrite = Darwin.write
    #endif
}
