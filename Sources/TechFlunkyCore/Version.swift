/// The version `techflunky --version` prints.
public enum TechFlunkyVersion {
    public static let current = "0.1.0"
}
