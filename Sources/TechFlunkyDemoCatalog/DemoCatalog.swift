// TechFlunkyDemoCatalog: the generated demo catalog (48 listing bundles, see DemoCatalog/FORMAT.md) as a
// resource target of its own, so the platform module and a production `serve` without `--demo` do not
// carry demo data. Imports Foundation only. Regenerate with `python3 scripts/demo_catalog/generate.py`.
import Foundation

/// Where the shipped demo catalog lies on disk: one directory per listing slug.
public enum DemoCatalog {
    /// The `DemoCatalog` directory copied next to the binary, or nil when the resource bundle is missing
    /// (a binary copied without its `techflunky_TechFlunkyDemoCatalog.resources` directory).
    public static var directory: URL? { Bundle.module.url(forResource: "DemoCatalog", withExtension: nil) }
}
