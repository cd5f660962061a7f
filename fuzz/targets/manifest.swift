// libFuzzer target: decoding and validating a package manifest (techflunky.json), compiled with TechFlunkyCore's
// sources by scripts/fuzz. Traps when an invariant breaks.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let manifest: PackageManifest
    do {
        manifest = try PackageManifestValidator.decode(bytes)
    } catch {
        // Every way to fail is a list of problems a seller can read, never an empty one.
        precondition(!error.problems.isEmpty, "a failed decode reported no problem")
        precondition(Set(error.problems.map(\.path)).count == error.problems.count || error.problems.contains { $0.path.isEmpty },
                     "a missing key reported twice")
        // The one-run report (wrong types, missing keys and the rules) has at least the decoding problems.
        let all = PackageManifestValidator(today: "2025-01-01").problems(in: bytes)
        precondition(Set(error.problems).isSubset(of: Set(all)), "the full report lost a decoding problem")
        return 0
    }
    precondition(PackageManifestValidator(today: "2025-01-01").problems(in: bytes) == PackageManifestValidator(today: "2025-01-01").validate(manifest),
                 "a decodable manifest's full report is not its rules' report")
    // Files named by the manifest, and a few that are not, as the bundle.
    let files = Set(manifest.cloudflare.workers.map(\.main) + ["techflunky.json", "README.md"])
    let validator = PackageManifestValidator(today: "2025-01-01")
    let problems = validator.validate(manifest, bundleFiles: files)
    precondition(problems == validator.validate(manifest, bundleFiles: files), "validation is not deterministic")
    // What decoded encodes and decodes to the same manifest.
    if let encoded = try? WireJSON.encode(manifest) {
        guard let again = try? PackageManifestValidator.decode(encoded) else { preconditionFailure("re-encoded manifest does not decode") }
        precondition(again == manifest, "manifest does not survive a round trip")
    }
    return 0
}
