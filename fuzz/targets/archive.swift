// libFuzzer target: reading a package archive (tar, and the same bytes as gzip), compiled with TechFlunkyArchive's
// sources by scripts/fuzz. Traps when an invariant breaks: whatever is accepted is safe to write, within the limits,
// and survives a round trip.
import Foundation

let limits = ArchiveLimits(maxFiles: 20, maxTotalBytes: 64 * 1024, maxFileBytes: 16 * 1024)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchive(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for attempt in [{ try BundleArchive.files(inTar: bytes, limits: limits) }, { try BundleArchive.files(inGzip: bytes, limits: limits) }] {
        let files: [ArchiveFile]
        do {
            files = try attempt()
        } catch let error as ArchiveError {
            precondition(!error.description.isEmpty, "a refusal says nothing")
            precondition(!error.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                         "a refusal carries a control character")
            continue
        } catch {
            preconditionFailure("a refusal that is not an ArchiveError: \(error)")
        }
        precondition(files.count <= limits.maxFiles, "more files than the limit")
        precondition(files.reduce(0) { $0 + $1.contents.count } <= limits.maxTotalBytes, "more bytes than the limit")
        for file in files {
            precondition(BundleArchive.unsafeReason(file.path) == nil, "an unsafe path was accepted: \(file.path)")
        }
        precondition(Set(files.map { $0.path.lowercased() }).count == files.count, "a path was accepted twice")
        guard let again = try? BundleArchive.files(inGzip: BundleArchive.make(files), limits: limits) else {
            preconditionFailure("accepted files do not survive a round trip")
        }
        precondition(again == files, "accepted files change in a round trip")
    }
    return 0
}
