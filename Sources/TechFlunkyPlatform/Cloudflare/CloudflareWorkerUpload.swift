import Foundation

/// One Workers script upload: the ES modules and the `metadata` part of
/// `PUT /accounts/{id}/workers/scripts/{name}` (multipart/form-data).
public struct CloudflareWorkerUpload: Sendable, Hashable {
    /// A binding in the metadata's vocabulary.
    public enum Binding: Sendable, Hashable {
        case d1(name: String, databaseId: String)
        case r2Bucket(name: String, bucketName: String)
        case plainText(name: String, text: String)
        case secretText(name: String, text: String)

        var name: String {
            switch self {
            case let .d1(n, _), let .r2Bucket(n, _), let .plainText(n, _), let .secretText(n, _): n
            }
        }
    }

    public struct Module: Sendable, Hashable {
        /// The part name, which is also the module specifier other modules import.
        public var name: String
        public var source: Data

        public init(name: String, source: Data) {
            self.name = name
            self.source = source
        }
    }

    public var scriptName: String
    /// The `name` of the module in `modules` that is the entry point.
    public var mainModule: String
    public var modules: [Module]
    public var compatibilityDate: String
    public var bindings: [Binding]
    /// A version's `workers/message` (≤ 50 characters) and `workers/tag` (≤ 20), for version uploads.
    public var annotations: [String: String]?

    public init(scriptName: String, mainModule: String, modules: [Module], compatibilityDate: String, bindings: [Binding]) {
        self.scriptName = scriptName
        self.mainModule = mainModule
        self.modules = modules
        self.compatibilityDate = compatibilityDate
        self.bindings = bindings
    }

    /// The metadata JSON. `keep_bindings: ["secret_text"]` keeps secrets set by the secrets API
    /// across a re-upload (a retry re-uploads the script after step 8 may have run).
    func metadataJSON() throws -> Data {
        var list: [[String: String]] = []
        for b in bindings {
            switch b {
            // `database_id`: the metadata's `id` for D1 is deprecated.
            case let .d1(name, id): list.append(["type": "d1", "name": name, "database_id": id])
            case let .r2Bucket(name, bucket): list.append(["type": "r2_bucket", "name": name, "bucket_name": bucket])
            case let .plainText(name, text): list.append(["type": "plain_text", "name": name, "text": text])
            case let .secretText(name, text): list.append(["type": "secret_text", "name": name, "text": text])
            }
        }
        struct Metadata: Encodable {
            var main_module: String
            var compatibility_date: String
            var bindings: [[String: String]]
            var keep_bindings: [String]
            var annotations: [String: String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Metadata(main_module: mainModule, compatibility_date: compatibilityDate,
                                           bindings: list, keep_bindings: ["secret_text"], annotations: annotations))
    }

    /// Cloudflare's version annotations, cut to its limits (message 50, tag 20 characters).
    static func annotations(message: String?, tag: String?) -> [String: String]? {
        var out: [String: String] = [:]
        if let message, !message.isEmpty { out["workers/message"] = String(message.prefix(50)) }
        if let tag, !tag.isEmpty { out["workers/tag"] = String(tag.prefix(20)) }
        return out.isEmpty ? nil : out
    }

    func multipartBody() throws -> MultipartFormBody {
        var body = MultipartFormBody()
        body.add(name: "metadata", contentType: "application/json", data: try metadataJSON())
        for module in modules {
            body.add(name: module.name, filename: module.name, contentType: Self.contentType(ofModule: module.name), data: module.source)
        }
        return body
    }

    /// The part's content type by the module's kind, as wrangler sends them: ES modules (`.js`, `.mjs`),
    /// CommonJS (`.cjs`), WebAssembly, text and data modules.
    public static func contentType(ofModule name: String) -> String {
        let ext = name.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }
            .map { $0.lowercased() } ?? ""
        switch ext {
        case "cjs": return "application/javascript"
        case "wasm": return "application/wasm"
        case "txt", "html", "md", "csv", "sql": return "text/plain"
        case "bin": return "application/octet-stream"
        default: return "application/javascript+module"
        }
    }
}
